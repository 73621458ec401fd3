using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using NetDsl.Tests.Networks;
using NetDsl.Tests.Reference;

namespace NetDsl.Tests;

/// <summary>
/// <c>Layers</c> and <c>LayerOutput</c>: every layer's output for one sample against the double-precision
/// reference's intermediate output, the last layer exactly Predict's, clear errors, no allocation, two threads.
/// </summary>
public sealed class LayerOutputTests
{
    /// <summary>The seed MNIST model, BatchNormalization with both dropouts (and BatchNormalization reading the
    /// input), residual graphs with and without BatchNormalization, a U-Net-like encoder-decoder, views.</summary>
    public static IEnumerable<object[]> Networks() => new[]
    {
        typeof(MnistNet), typeof(Normalized.Everything), typeof(Normalized.BatchNormEverywhere), typeof(Normalized.TwoInARow),
        typeof(Dropped.ConvDropout), typeof(Dropped.SpatialThenSwish), typeof(Graphs.Residual), typeof(Graphs.SharedView),
        typeof(Graphs.DropoutOnSkip), typeof(NormalizedGraphs.ResidualBlock), typeof(NormalizedGraphs.InputNormalizedAndSkipped),
        typeof(NormalizedGraphs.DilatedAndSeparable), typeof(Resampled.UNetLike), typeof(Resampled.Reshaped), typeof(ConvPoolFused),
        typeof(MaxPoolThroughReLU), typeof(FlattenOnly), typeof(Activated.DenseGELU),
    }.Select(t => new object[] { t });

    [Theory]
    [MemberData(nameof(Networks))]
    public void EveryLayersOutputEqualsTheReferencesIntermediateOutput(Type networkType)
    {
        var reference = ReferenceNetwork.For(networkType);
        INetwork net = TestData.Create(networkType);
        TestData.RandomParameters(net, seed: 21).CopyTo(net.Parameters);
        Assert.Equal(reference.Layers.Count, net.Layers.Count);
        for (int sample = 0; sample < 2; sample++)
        {
            float[] input = TestData.Uniform(net.InputLength, seed: 200 + sample, -2f, 2f);
            List<double[]> expected = reference.ForwardAll(ReferenceNetwork.ToDouble(net.Parameters), ReferenceNetwork.ToDouble(input));
            for (int i = 0; i < net.Layers.Count; i++)
            {
                LayerInfo layer = net.Layers[i];
                var output = new float[layer.OutputLength];
                net.LayerOutput(layer.Name, input, output);
                // Float sums of hundreds of products lose digits to cancellation: the absolute tolerance grows with
                // the layer's largest value (intermediate maps reach tens; the output's softmax hides this).
                double scale = Math.Max(1, expected[i].Max(Math.Abs));
                TestData.AssertClose(expected[i], output, absolute: 1e-5 * scale, what: $"{networkType.Name} sample {sample} {layer.Name}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void TheLastLayersOutputIsExactlyPredicts(Type networkType)
    {
        INetwork net = TestData.Create(networkType);
        TestData.RandomParameters(net, seed: 22).CopyTo(net.Parameters);
        float[] input = TestData.Uniform(net.InputLength, seed: 23, -2f, 2f);
        LayerInfo last = net.Layers[^1];
        var output = new float[last.OutputLength];

        net.LayerOutput(last.Name, input, output);

        Assert.Equal(TestData.Predict(net, input), output);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void LayersMatchTheSummarysNamesShapesAndParameterCounts(Type networkType)
    {
        INetwork net = TestData.Create(networkType);
        var rows = Regex.Matches(net.Summary, @"^(\S+) \((\w+)\)\s+\(None, ([\d, ]+)\)\s+(\d+)", RegexOptions.Multiline)
            .Select(m => (Name: m.Groups[1].Value, Kind: m.Groups[2].Value, Shape: m.Groups[3].Value, Parameters: int.Parse(m.Groups[4].Value)))
            .Where(row => row.Kind != "InputLayer")
            .ToList();

        Assert.Equal(rows.Select(r => r.Name), net.Layers.Select(l => l.Name));
        Assert.Equal(rows.Select(r => r.Kind), net.Layers.Select(l => l.Kind));
        Assert.Equal(rows.Select(r => r.Shape), net.Layers.Select(l => string.Join(", ", l.OutputShape.Dimensions.ToArray())));
        Assert.Equal(rows.Select(r => r.Parameters), net.Layers.Select(l => l.ParameterCount));
        Assert.Equal(net.ParameterCount, net.Layers.Sum(l => l.ParameterCount));
        Assert.Equal(net.OutputShape, net.Layers[^1].OutputShape);
    }

    [Fact]
    public void TheSeedModelsLayersAreKerasModelLayers()
    {
        Assert.Same(MnistNet.Layers, ((INetwork)new MnistNet(seed: 1)).Layers);
        Assert.Equal(
            new[]
            {
                new LayerInfo("conv2d", "Conv2D", new TensorShape(26, 26, 32), 320),
                new LayerInfo("max_pooling2d", "MaxPooling2D", new TensorShape(13, 13, 32), 0),
                new LayerInfo("conv2d_1", "Conv2D", new TensorShape(11, 11, 64), 18496),
                new LayerInfo("max_pooling2d_1", "MaxPooling2D", new TensorShape(5, 5, 64), 0),
                new LayerInfo("conv2d_2", "Conv2D", new TensorShape(3, 3, 64), 36928),
                new LayerInfo("flatten", "Flatten", new TensorShape(576), 0),
                new LayerInfo("dense", "Dense", new TensorShape(64), 36928),
                new LayerInfo("dense_1", "Dense", new TensorShape(10), 650),
            },
            MnistNet.Layers);
        Assert.Equal(21632, MnistNet.Layers[0].OutputLength);
    }

    [Fact]
    public void DropoutIsOffAndBatchNormalizationUsesItsMovingStatistics()
    {
        // Dropout(0.4) passes conv2d's output on unchanged, whatever the seed; a BatchNormalization with moving mean 1
        // and variance 4 (epsilon 0.001) maps x to (x - 1) / sqrt(4.001).
        var dropped = new Dropped.ConvDropout(seed: 4);
        float[] input = TestData.Uniform(Dropped.ConvDropout.InputLength, seed: 5);
        var conv = new float[Dropped.ConvDropout.Layers[0].OutputLength];
        var dropout = new float[conv.Length];
        dropped.LayerOutput("conv2d", input, conv);
        dropped.LayerOutput("dropout", input, dropout);
        Assert.Equal(conv, dropout);

        var normalized = new Normalized.BareBatchNorm(seed: 6);
        TestData.SetTensor(normalized, "batch_normalization/moving_mean", Enumerable.Repeat(1f, 17).ToArray());
        TestData.SetTensor(normalized, "batch_normalization/moving_variance", Enumerable.Repeat(4f, 17).ToArray());
        float[] x = TestData.Uniform(Normalized.BareBatchNorm.InputLength, seed: 7);
        var y = new float[x.Length];
        normalized.LayerOutput("batch_normalization", x, y);
        TestData.AssertClose(x.Select(v => (v - 1.0) / Math.Sqrt(4.001)).ToArray(), y);
    }

    [Fact]
    public void AWrongOutputLengthNamesTheLayerAndBothLengths()
    {
        var net = new MnistNet(seed: 1);
        var input = new float[MnistNet.InputLength];

        var e = Assert.Throws<ArgumentException>(() => net.LayerOutput("conv2d_1", input, new float[100]));

        Assert.Equal("output", e.ParamName);
        Assert.StartsWith("Layer 'conv2d_1' (Conv2D) outputs (11, 11, 64) = 7744 floats per sample, but 'output' has length 100.", e.Message);
    }

    [Fact]
    public void AWrongInputLengthSaysWhatIsExpected()
    {
        var net = new MnistNet(seed: 1);

        var e = Assert.Throws<ArgumentException>(() => net.LayerOutput("dense", new float[10], new float[64]));

        Assert.Equal("input", e.ParamName);
        Assert.Contains("length 784", e.Message);
    }

    [Fact]
    public void AnUnknownNameListsTheLayerNames()
    {
        var net = new MnistNet(seed: 1);

        var e = Assert.Throws<ArgumentException>(() => net.LayerOutput("conv2d_9", new float[MnistNet.InputLength], new float[10]));

        Assert.Equal("layerName", e.ParamName);
        Assert.StartsWith("MnistNet has no layer named 'conv2d_9'; its layers are conv2d, max_pooling2d, conv2d_1, max_pooling2d_1, conv2d_2, flatten, dense, dense_1.", e.Message);
        Assert.Throws<ArgumentNullException>("layerName", () => net.LayerOutput(null!, new float[MnistNet.InputLength], new float[10]));
    }

    [Fact]
    public void ANetworkWithoutLayersHasNoLayerOutputs()
    {
        var net = new InputOnly(seed: 1);

        Assert.Empty(InputOnly.Layers);
        var e = Assert.Throws<ArgumentException>(() => net.LayerOutput("input_layer", new float[3], new float[3]));
        Assert.StartsWith("InputOnly has no layer named 'input_layer': it has no layers besides its input.", e.Message);
    }

    [Fact]
    public void LayerOutputAllocatesNothingOnceWarm()
    {
        var net = new Normalized.Everything(seed: 1);
        TestData.RandomParameters(net, seed: 2).CopyTo(net.Parameters);
        float[] input = TestData.Uniform(Normalized.Everything.InputLength, seed: 3);
        float[][] outputs = Normalized.Everything.Layers.Select(l => new float[l.OutputLength]).ToArray();
        void Round()
        {
            for (int i = 0; i < outputs.Length; i++)
            {
                net.LayerOutput(Normalized.Everything.Layers[i].Name, input, outputs[i]);
            }
        }

        for (int i = 0; i < 20; i++)
        {
            Round();
        }

        // As AllocationTests: a one-time allocation (a late tier-up) shows in one round at most, an allocation per
        // call in every round. So one of five rounds must allocate nothing.
        var rounds = new List<long>();
        for (int round = 0; round < 5 && (rounds.Count == 0 || rounds[^1] != 0); round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++)
            {
                Round();
            }

            rounds.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(rounds[^1] == 0, "bytes allocated by rounds of 140 LayerOutput calls: " + string.Join(", ", rounds));
    }

    [Fact]
    public void TwoThreadsGetExactlyWhatOneThreadGets()
    {
        var net = new NormalizedGraphs.ResidualBlock(seed: 3);
        TestData.RandomParameters(net, seed: 4).CopyTo(net.Parameters);
        IReadOnlyList<LayerInfo> layers = NormalizedGraphs.ResidualBlock.Layers;
        float[][] inputs = Enumerable.Range(0, 4).Select(i => TestData.Uniform(NormalizedGraphs.ResidualBlock.InputLength, seed: 30 + i)).ToArray();
        float[][][] expected = inputs.Select(x => layers.Select(l =>
        {
            var y = new float[l.OutputLength];
            net.LayerOutput(l.Name, x, y);
            return y;
        }).ToArray()).ToArray();

        Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, thread =>
        {
            for (int iteration = 0; iteration < 200; iteration++)
            {
                int sample = (iteration + thread) % inputs.Length;
                int layer = (iteration * 3 + thread) % layers.Count;
                var y = new float[layers[layer].OutputLength];
                net.LayerOutput(layers[layer].Name, inputs[sample], y);
                Assert.Equal(expected[sample][layer], y);
                if (iteration % 10 == 0)
                {
                    var output = new float[NormalizedGraphs.ResidualBlock.OutputLength];
                    net.Predict(inputs[sample], output);
                    Assert.Equal(expected[sample][^1], output);
                }
            }
        });
    }
}
