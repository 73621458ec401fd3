using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Data;
using NetDsl.Training;

namespace NetDsl.Runtime.Tests.Data;

public sealed class AffineAugmentationTests
{
    private static readonly float[] Grid3x3 = [1, 2, 3, 4, 5, 6, 7, 8, 9];

    [Fact]
    public void QuarterTurnWithNearestMovesTheLastColumnToTheFirstRow()
    {
        var output = new float[9];
        AffineTransform.Rotation(Math.PI / 2, 3, 3).Apply(Grid3x3, output, 3, 3, 1, Interpolation.Nearest);

        // Counter-clockwise on screen, as Keras: the transposed image with its rows reversed.
        Assert.Equal([3, 6, 9, 2, 5, 8, 1, 4, 7], output);

        var bilinear = new float[9];
        AffineTransform.Rotation(Math.PI / 2, 3, 3).Apply(Grid3x3, bilinear, 3, 3, 1);
        Assert.All(bilinear.Zip(output), pair => Assert.Equal(pair.Second, pair.First, 4));
    }

    [Fact]
    public void KerasRotationAndZoomMatrices()
    {
        // Keras: x_offset = ((w-1) - (cos(w-1) - sin(h-1))) / 2, y_offset = ((h-1) - (sin(w-1) + cos(h-1))) / 2.
        AffineTransform rotation = AffineTransform.Rotation(0.3, 5, 7);
        double cos = Math.Cos(0.3), sin = Math.Sin(0.3);
        Assert.Equal((float)((6 - ((cos * 6) - (sin * 4))) / 2), rotation.X0, 5);
        Assert.Equal((float)((4 - ((sin * 6) + (cos * 4))) / 2), rotation.Y0, 5);
        Assert.Equal((float)-sin, rotation.XY, 6);

        // Keras: [zx, 0, (w-1)/2 (1-zx), 0, zy, (h-1)/2 (1-zy)]; the centre maps to itself.
        Assert.Equal(new AffineTransform(1.5f, 0, 3f * -0.5f, 0, 0.5f, 2f * 0.5f), AffineTransform.Zoom(0.5f, 1.5f, 5, 7));
        Assert.Equal((3f, 2f), AffineTransform.Zoom(0.5f, 1.5f, 5, 7).MapToInput(3, 2));
    }

    [Theory]
    [InlineData(FillMode.Reflect, 2f, new float[] { 2, 1, 1, 2 })]
    [InlineData(FillMode.Wrap, 2f, new float[] { 3, 4, 1, 2 })]
    [InlineData(FillMode.Nearest, 2f, new float[] { 1, 1, 1, 2 })]
    [InlineData(FillMode.Constant, 2f, new float[] { 9, 9, 1, 2 })]
    [InlineData(FillMode.Reflect, -6f, new float[] { 2, 1, 1, 2 })]
    [InlineData(FillMode.Wrap, -6f, new float[] { 3, 4, 1, 2 })]
    [InlineData(FillMode.Nearest, -6f, new float[] { 4, 4, 4, 4 })]
    [InlineData(FillMode.Constant, -6f, new float[] { 9, 9, 9, 9 })]
    public void FillModesFollowKerasDefinitions(FillMode mode, float shift, float[] expected)
    {
        // Input a b c d = 1 2 3 4. reflect: d c b a | a b c d | d c b a; wrap: a b c d | a b c d;
        // nearest: a a | a b c d | d d; constant: k k | a b c d | k k (k = 9).
        float[] row = [1, 2, 3, 4];
        foreach (Interpolation interpolation in new[] { Interpolation.Nearest, Interpolation.Bilinear })
        {
            var output = new float[4];
            AffineTransform.Translation(0, shift).Apply(row, output, 1, 4, 1, interpolation, mode, fillValue: 9);
            Assert.Equal(expected, output);
        }
    }

    [Fact]
    public void BilinearBlendsTheFillValueNeighbourByNeighbour()
    {
        float[] row = [1, 2, 3, 4];
        var output = new float[4];
        AffineTransform.Translation(0, 0.5f).Apply(row, output, 1, 4, 1, Interpolation.Bilinear, FillMode.Constant, fillValue: 9);
        Assert.Equal([(9 + 1) / 2f, 1.5f, 2.5f, 3.5f], output);
    }

    [Fact]
    public void CompositionIsOneResamplingOfBothMaps()
    {
        AffineTransform mirror = AffineTransform.Mirror(horizontal: true, vertical: false, 3, 3);
        Assert.Equal(AffineTransform.Identity, mirror.Then(mirror));

        AffineTransform rotate = AffineTransform.Rotation(Math.PI / 2, 3, 3);
        var twice = new float[9];
        var step = new float[9];
        rotate.Apply(Grid3x3, step, 3, 3, 1, Interpolation.Nearest);
        mirror.Apply(step, twice, 3, 3, 1, Interpolation.Nearest);
        var once = new float[9];
        rotate.Then(mirror).Apply(Grid3x3, once, 3, 3, 1, Interpolation.Nearest);
        Assert.Equal(twice, once);
        Assert.Equal([9, 6, 3, 8, 5, 2, 7, 4, 1], once);
    }

    [Fact]
    public void ZeroZoomAndZeroRotationAreTheIdentity()
    {
        float[] image = Enumerable.Range(0, 5 * 4 * 3).Select(v => MathF.Sin(v)).ToArray();
        var shape = new TensorShape(5, 4, 3);
        var random = new DeterministicRandom(1);
        foreach (Augmentation augmentation in new Augmentation[] { new RandomZoom(0f), new RandomZoom((0f, 0f), (0f, 0f)), new RandomRotation(0f), new RandomCrop(5, 4) })
        {
            float[] copy = image.ToArray();
            augmentation.Apply(copy, shape, random);
            Assert.Equal(image, copy);
        }
    }

    [Fact]
    public void ZoomDrawsOneFactorPerAxisAndPositiveZoomsOut()
    {
        float[] image = Enumerable.Range(0, 25).Select(v => (float)v).ToArray();
        var shape = new TensorShape(5, 5, 1);
        var zoom = new RandomZoom((0.5f, 1f), (-0.5f, -0.25f)) { Interpolation = Interpolation.Nearest, FillMode = FillMode.Constant, FillValue = -1 };
        float[] actual = image.ToArray();
        zoom.Apply(actual, shape, new DeterministicRandom(4));

        var replay = new DeterministicRandom(4);
        float heightZoom = 1 + replay.NextSingle(0.5f, 1f), widthZoom = 1 + replay.NextSingle(-0.5f, -0.25f);
        var expected = new float[25];
        AffineTransform.Zoom(heightZoom, widthZoom, 5, 5).Apply(image, expected, 5, 5, 1, Interpolation.Nearest, FillMode.Constant, -1);
        Assert.Equal(expected, actual);
        Assert.Contains(-1f, actual); // zoomed out vertically: rows from outside the image
    }

    [Fact]
    public void RotationDrawsAnAngleAsAFractionOfATurn()
    {
        float[] image = Enumerable.Range(0, 16).Select(v => (float)v).ToArray();
        float[] actual = image.ToArray();
        new RandomRotation((-0.25f, 0.25f)).Apply(actual, new TensorShape(4, 4, 1), new DeterministicRandom(8));

        var replay = new DeterministicRandom(8);
        var expected = new float[16];
        AffineTransform.Rotation(replay.NextSingle(-0.25f, 0.25f) * 2.0 * Math.PI, 4, 4).Apply(image, expected, 4, 4, 1, Interpolation.Bilinear, FillMode.Reflect);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void CropResizesARandomWindowBackToTheSampleSize()
    {
        float[] image = Enumerable.Range(0, 32).Select(v => (float)v).ToArray(); // 4x4x2
        var shape = new TensorShape(4, 4, 2);
        var crop = new RandomCrop(2, 2) { Interpolation = Interpolation.Nearest };
        for (int seed = 0; seed < 10; seed++)
        {
            float[] actual = image.ToArray();
            crop.Apply(actual, shape, new DeterministicRandom(seed));
            var replay = new DeterministicRandom(seed);
            int top = replay.Next(3), left = replay.Next(3);
            for (int y = 0; y < 4; y++)
            {
                for (int x = 0; x < 4; x++)
                {
                    for (int c = 0; c < 2; c++)
                    {
                        // Half-pixel nearest resize 2 -> 4 repeats each window pixel twice on each axis.
                        Assert.Equal(image[((((top + (y / 2)) * 4) + left + (x / 2)) * 2) + c], actual[(((y * 4) + x) * 2) + c]);
                    }
                }
            }
        }

        // Bilinear, as tf.image.resize(half_pixel_centers): window [a b] -> [a, .75a+.25b, .25a+.75b, b].
        float[] row = [0, 4, 8, 12];
        new RandomCrop(1, 2).Apply(row, new TensorShape(1, 4, 1), new DeterministicRandom(3));
        var again = new DeterministicRandom(3);
        _ = again.Next(1);
        float a = 4 * again.Next(3), b = a + 4;
        Assert.Equal([a, (0.75f * a) + (0.25f * b), (0.25f * a) + (0.75f * b), b], row);
    }

    [Fact]
    public void BrightnessAddsTheFactorTimesTheRangeAndClips()
    {
        float[] image = [0.1f, 0.5f, 0.9f, 0.2f];
        var shape = new TensorShape(2, 2, 1);
        new RandomBrightness((0.25f, 0.25f)).Apply(image, shape, new DeterministicRandom(1));
        Assert.Equal([0.35f, 0.75f, 1f, 0.45f], image);

        float[] bytes = [10, 200, 250, 0];
        new RandomBrightness((-0.2f, -0.2f)) { ValueRange = (0, 255) }.Apply(bytes, shape, new DeterministicRandom(1));
        Assert.Equal([0f, 149f, 199f, 0f], bytes);

        float[] drawn = [0.5f, 0.5f, 0.5f, 0.5f];
        new RandomBrightness(0.3f).Apply(drawn, shape, new DeterministicRandom(9));
        float delta = new DeterministicRandom(9).NextSingle(-0.3f, 0.3f);
        Assert.All(drawn, v => Assert.Equal(0.5f + delta, v));
    }

    [Fact]
    public void ContrastScalesEachChannelAboutItsMeanAndClips()
    {
        float[] image = [0.1f, 0.2f, 0.3f, 0.2f, 0.5f, 0.6f, 0.7f, 1.0f]; // 2x2x2; means 0.4 and 0.5
        var shape = new TensorShape(2, 2, 2);
        float[] same = image.ToArray();
        new RandomContrast(0f).Apply(same, shape, new DeterministicRandom(1)); // factor exactly 1
        Assert.All(same.Zip(image), pair => Assert.Equal(pair.Second, pair.First, 6));

        float[] actual = image.ToArray();
        new RandomContrast(0.9f).Apply(actual, shape, new DeterministicRandom(12));
        float factor = new DeterministicRandom(12).NextSingle(0.1f, 1.9f);
        float[] means = [0.4f, 0.5f]; // (0.1 + 0.3 + 0.5 + 0.7) / 4 and (0.2 + 0.2 + 0.6 + 1.0) / 4
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(Math.Clamp(((image[i] - means[i % 2]) * factor) + means[i % 2], 0f, 1f), actual[i], 5);
        }
    }

    [Fact]
    public void SameSeedSameResultsAndNoAllocationAfterTheFirstCall()
    {
        var shape = new TensorShape(8, 8, 3);
        float[] image = Enumerable.Range(0, 192).Select(v => (MathF.Sin(v) + 1) / 2).ToArray();
        foreach (Func<Augmentation> create in Factories())
        {
            float[] first = Run(create(), image, shape, seed: 21, times: 3);
            float[] second = Run(create(), image, shape, seed: 21, times: 3);
            float[] other = Run(create(), image, shape, seed: 22, times: 3);
            Assert.Equal(first, second);
            Assert.NotEqual(first, other);

            Augmentation augmentation = create();
            var random = new DeterministicRandom(5);
            float[] sample = image.ToArray();
            augmentation.Apply(sample, shape, random);

            // One of five rounds of 50 calls must allocate nothing: the runtime itself can allocate once while a
            // busy test run tiers the method up (as AllocationTests found); an allocation per call fails every round.
            long fewest = long.MaxValue;
            for (int round = 0; round < 5 && fewest > 0; round++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 50; i++)
                {
                    augmentation.Apply(sample, shape, random);
                }

                fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
            }

            Assert.Equal(0, fewest);
        }
    }

    [Fact]
    public void InvalidArgumentsAreClearErrors()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomRotation(-0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomRotation(float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomRotation((0.2f, 0.1f)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomRotation(0.1f) { FillMode = (FillMode)9 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomRotation(0.1f) { FillValue = float.PositiveInfinity });
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomZoom((-1.5f, 0f)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomZoom(0.1f, -0.2f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomZoom(0.1f) { Interpolation = (Interpolation)7 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomContrast(1.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomContrast((-0.1f, 0.5f)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomContrast(0.5f) { ValueRange = (1f, 0f) });
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomBrightness(1.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomBrightness((-2f, 0f)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomCrop(0, 2));
        Assert.Equal((-0.5f, 0.2f), new RandomBrightness((0.2f, -0.5f)).Factor); // sorted, as Keras

        ArgumentException tooLarge = Assert.Throws<ArgumentException>(() => new RandomCrop(5, 2).Apply(new float[16], new TensorShape(4, 4, 1), new DeterministicRandom(1)));
        Assert.Contains("4x4", tooLarge.Message);
        Assert.Throws<ArgumentException>(() => new RandomRotation(0.1f).Apply(new float[10], new TensorShape(10), new DeterministicRandom(1)));
        Assert.Throws<ArgumentException>(() => AffineTransform.Identity.Apply(new float[9], new float[8], 3, 3, 1));
        Assert.Throws<ArgumentNullException>(() => new RandomContrast(0.1f).Apply(new float[4], new TensorShape(2, 2, 1), null!));
    }

    [Fact]
    public void FitAppliesTheNewAugmentationsToEachDrawnSample()
    {
        float[] inputs = Enumerable.Range(0, 4 * 9).Select(v => (v % 9) / 9f).ToArray();
        var data = new Dataset(inputs, [0, 1, 0, 1], new TensorShape(3, 3, 1));
        var network = new RecordingNetwork();
        var options = new FitOptions
        {
            Epochs = 1,
            BatchSize = 4,
            Seed = 7,
            Augmentations = [new RandomRotation(0.2f), new RandomZoom(0.3f), new RandomCrop(2, 2), new RandomContrast(0.5f), new RandomBrightness(0.2f)],
        };
        network.Fit(data, options);

        Assert.Equal(4 * 9, network.Seen.Count);
        Assert.NotEqual(inputs.Take(9), network.Seen.Take(9));
        Assert.All(network.Seen, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(inputs, data.GetInput(0).ToArray().Concat(data.GetInput(1).ToArray()).Concat(data.GetInput(2).ToArray()).Concat(data.GetInput(3).ToArray()));

        var again = new RecordingNetwork();
        again.Fit(data, options);
        Assert.Equal(network.Seen, again.Seen);
    }

    private static IEnumerable<Func<Augmentation>> Factories() =>
    [
        () => new RandomRotation(0.2f),
        () => new RandomRotation((-0.1f, 0.3f)) { FillMode = FillMode.Wrap, Interpolation = Interpolation.Nearest },
        () => new RandomZoom(0.3f),
        () => new RandomZoom((-0.3f, 0.2f), (0.1f, 0.4f)) { FillMode = FillMode.Constant, FillValue = 0.5f },
        () => new RandomCrop(5, 6),
        () => new RandomContrast(0.5f),
        () => new RandomBrightness(0.3f),
    ];

    private static float[] Run(Augmentation augmentation, float[] image, TensorShape shape, int seed, int times)
    {
        var random = new DeterministicRandom(seed);
        var all = new List<float>();
        for (int i = 0; i < times; i++)
        {
            float[] sample = image.ToArray();
            augmentation.Apply(sample, shape, random);
            all.AddRange(sample);
        }

        return all.ToArray();
    }

    // Fit needs a network; the runtime tests cannot compile one, so this records what training hands it.
    private sealed class RecordingNetwork : INetwork
    {
        private readonly float[] _parameters = new float[1];

        public List<float> Seen { get; } = [];

        public TensorShape InputShape { get; } = new(3, 3, 1);

        public TensorShape OutputShape { get; } = new(2);

        public int InputLength => 9;

        public int OutputLength => 2;

        public int ParameterCount => 1;

        public IReadOnlyList<ParameterTensor> ParameterLayout { get; } = [new ParameterTensor("w", new TensorShape(1), 0, 1)];

        public string Summary => "recording";

        public IReadOnlyList<LayerInfo> Layers { get; } = [new LayerInfo("dense", "Dense", new TensorShape(2), 1)];

        public Span<float> Parameters => _parameters;

        public string Architecture => "recording";

        public int MaxDegreeOfParallelism { get; set; } = 1;

        public NetworkGate Gate { get; } = new("recording");

        public BatchStatistics ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, Span<float> gradients, Span<float> inputGradients)
        {
            Seen.AddRange(inputs.ToArray());
            gradients.Clear();
            return new BatchStatistics(0.5f, 0, labels.Length);
        }

        public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, Span<float> gradients) =>
            ComputeGradients(inputs, labels, gradients, default).Loss;

        public BatchStatistics ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Loss loss, Span<float> gradients, Span<float> inputGradients) =>
            throw new NotSupportedException();

        public BatchStatistics Evaluate(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Loss loss) => throw new NotSupportedException();

        public BatchStatistics Evaluate(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels) => new(0.5f, 0, labels.Length);

        public void Predict(ReadOnlySpan<float> input, Span<float> output) => output.Clear();

        public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize) => outputs.Clear();

        public int Classify(ReadOnlySpan<float> input) => 0;

        public void LayerOutput(string layerName, ReadOnlySpan<float> input, Span<float> output) => output.Clear();

        public void Backpropagate(ReadOnlySpan<float> inputs, ReadOnlySpan<float> outputGradients, Span<float> gradients, Span<float> inputGradients) =>
            throw new NotSupportedException();

        public void Save(string path) => throw new NotSupportedException();

        public void Load(string path) => throw new NotSupportedException();

        public void Load(string path, WeightLayout layout) => throw new NotSupportedException();
    }
}
