using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NetDsl.Data;
using NetDsl.Training;

namespace NetDsl.Images.Tests;

[Network, Input(28, 28, 1), Conv2D(4, 3, Activation = Activation.ReLU), MaxPooling2D(2), Flatten, Dense(10, Activation = Activation.Softmax)]
public partial class TinyDigitNet;

/// <summary>StreamingImageSource: the same samples as the in-memory dataset, in the announced order, with bounded
/// slots; augmentation on the loading threads independent of thread timing; Fit trains on it exactly as on
/// the IDX data.</summary>
public sealed class StreamingTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Streams_the_in_memory_samples_in_the_announced_order_with_two_slots()
    {
        for (int i = 0; i < 23; i++)
        {
            ImageFiles.WritePng(_temp.File($"c{i % 3}", $"{i:D2}.png"), ImageFiles.RandomBytes(12 * 9 * 3, i), 12, 9, 3);
        }

        ImageDataset memory = ImageDataset.FromDirectory(_temp.Path, 8, 6, ColorMode.Rgb);
        using StreamingImageSource stream = StreamingImageSource.FromDirectory(_temp.Path, 8, 6, ColorMode.Rgb, null, new StreamingImageOptions { MemoryLimitBytes = 1, WorkerCount = 3 });
        Assert.Equal(2, stream.Capacity);
        Assert.Equal(memory.FilePaths, stream.FilePaths);
        Assert.Equal(memory.ClassNames, stream.ClassNames);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            int[] order = Enumerable.Range(0, stream.Count).ToArray();
            new DeterministicRandom(epoch).Shuffle(order.AsSpan());
            stream.BeginEpoch(order);
            foreach (int index in order)
            {
                Assert.True(memory.Data.GetInput(index).SequenceEqual(stream.GetInput(index)), $"sample {index}, epoch {epoch}");
                Assert.Equal(memory.Data.GetLabel(index), stream.GetLabel(index));
            }
        }

        stream.BeginEpoch(Enumerable.Range(0, stream.Count).ToArray());
        Assert.Throws<InvalidOperationException>(() => stream.GetInput(5));
    }

    [Fact]
    public void Augmentation_on_the_loading_threads_does_not_depend_on_the_thread_count()
    {
        for (int i = 0; i < 20; i++)
        {
            ImageFiles.WritePng(_temp.File("a", $"{i:D2}.png"), ImageFiles.RandomBytes(10 * 10, i), 10, 10, 1);
        }

        float[] Run(int workers)
        {
            var options = new StreamingImageOptions
            {
                WorkerCount = workers,
                MemoryLimitBytes = 4 * 100 * 4,
                Seed = 3,
                CreateAugmentations = () => [new RandomTranslation(2, 2), new RandomFlip()],
            };
            using StreamingImageSource stream = StreamingImageSource.FromDirectory(_temp.Path, 10, 10, ColorMode.Grayscale, null, options);
            var all = new List<float>();
            int[] order = Enumerable.Range(0, stream.Count).Reverse().ToArray();
            stream.BeginEpoch(order);
            foreach (int index in order)
            {
                all.AddRange(stream.GetInput(index).ToArray());
            }

            return all.ToArray();
        }

        float[] one = Run(1);
        Assert.Equal(one, Run(3));
        using StreamingImageSource plain = StreamingImageSource.FromDirectory(_temp.Path, 10, 10, ColorMode.Grayscale);
        int[] reversed = Enumerable.Range(0, plain.Count).Reverse().ToArray();
        plain.BeginEpoch(reversed);
        float[] unaugmented = reversed.SelectMany(i => plain.GetInput(i).ToArray()).ToArray();
        Assert.NotEqual(unaugmented, one);
    }

    [Fact]
    public void A_bad_file_stops_reading_with_an_error_naming_it()
    {
        ImageFiles.WritePng(_temp.File("a", "0.png"), [1], 1, 1, 1);
        File.WriteAllBytes(_temp.File("a", "1.png"), ImageFiles.RandomBytes(100, 1));
        using StreamingImageSource stream = StreamingImageSource.FromDirectory(_temp.Path, 1, 1, ColorMode.Grayscale, new ImageDatasetOptions { Shuffle = false });
        stream.BeginEpoch([0, 1]);
        Assert.Equal(1 / 255f, stream.GetInput(0)[0]);
        InvalidImageException e = Assert.Throws<InvalidImageException>(() => stream.GetInput(1));
        Assert.Equal(_temp.File("a", "1.png"), e.FilePath);
        Assert.Throws<ArgumentException>(() => StreamingImageSource.FromDirectory(_temp.Path, 1, 1, ColorMode.Grayscale, new ImageDatasetOptions { SkipInvalidFiles = true }));
    }

    [Fact]
    public void Fit_on_streamed_pngs_trains_exactly_as_on_the_idx_digits()
    {
        (Dataset train, _) = Dataset.LoadMnist(Path.Combine(AppContext.BaseDirectory, "data", "mnist-digits"));
        Dataset subset = train.Slice(0, 600);
        var pixels = new byte[784];
        for (int i = 0; i < subset.Count; i++)
        {
            ReadOnlySpan<float> input = subset.GetInput(i);
            for (int p = 0; p < pixels.Length; p++)
            {
                pixels[p] = (byte)MathF.Round(input[p] * 255f);
            }

            ImageFiles.WritePng(_temp.File(subset.GetLabel(i).ToString(System.Globalization.CultureInfo.InvariantCulture), $"{i:D4}.png"), pixels, 28, 28, 1);
        }

        using StreamingImageSource stream = StreamingImageSource.FromDirectory(_temp.Path, 28, 28, ColorMode.Grayscale, null, new StreamingImageOptions { MemoryLimitBytes = 64 * 784 * 4 });

        // The same samples in the same order as an in-memory dataset: the same training, step for step.
        var inMemory = new Dataset(
            Enumerable.Range(0, stream.Count).SelectMany(i => subset.GetInput(int.Parse(Path.GetFileNameWithoutExtension(stream.FilePaths[i]), System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray(),
            Enumerable.Range(0, stream.Count).Select(stream.GetLabel).ToArray(),
            subset.SampleShape);
        var options = new FitOptions { Epochs = 2, BatchSize = 32, Seed = 5 };
        var fromIdx = new TinyDigitNet(seed: 1) { MaxDegreeOfParallelism = 1 };
        var fromPng = new TinyDigitNet(seed: 1) { MaxDegreeOfParallelism = 1 };
        TrainingHistory expected = fromIdx.Fit(inMemory, options);
        TrainingHistory actual = fromPng.Fit(stream, options);

        Assert.Equal(expected.Epochs.Select(e => e.Loss), actual.Epochs.Select(e => e.Loss));
        Assert.Equal(fromIdx.Parameters.ToArray(), fromPng.Parameters.ToArray());
        Assert.True(actual.Epochs[^1].Accuracy > 0.3, // learning: chance is 0.1
            $"accuracy {actual.Epochs[^1].Accuracy}");
    }
}
