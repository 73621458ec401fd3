using System;
using System.IO;
using System.Linq;
using NetDsl.Data;

namespace NetDsl.Runtime.Tests.Data;

/// <summary>Datasets: loading the real MNIST subset, the IDX layouts, every load error, and the in-memory API.</summary>
public sealed class DatasetTests : IDisposable
{
    private static readonly Lazy<(Dataset Train, Dataset Test)> s_mnist = new(() => Dataset.LoadMnist(IdxTestFiles.MnistDirectory));

    private readonly IdxTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void LoadMnistReadsTheRealDigits()
    {
        (Dataset train, Dataset test) = s_mnist.Value;

        Assert.Equal(8000, train.Count);
        Assert.Equal(2000, test.Count);
        foreach (Dataset set in new[] { train, test })
        {
            Assert.Equal(new TensorShape(28, 28, 1), set.SampleShape);
            Assert.Equal(784, set.SampleLength);
            Assert.Equal(10, set.ClassCount);
            Assert.Equal(set.Count * 784, set.Inputs.Length);
            Assert.Equal(set.Count, set.Labels.Length);
        }

        Assert.Equal("8000 samples of (28, 28, 1), 10 classes", train.ToString());
    }

    [Fact]
    public void RealLabelsHaveTheDocumentedClassCounts()
    {
        (Dataset train, Dataset test) = s_mnist.Value;
        var counts = new int[10];
        foreach (int label in train.Labels.ToArray().Concat(test.Labels.ToArray()))
        {
            Assert.InRange(label, 0, 9);
            counts[label]++;
        }

        Assert.Equal(new[] { 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978 }, counts);
    }

    [Fact]
    public void RealPixelsLieInTheUnitRangeAndReachBothEnds()
    {
        (Dataset train, Dataset test) = s_mnist.Value;
        foreach (Dataset set in new[] { train, test })
        {
            int zeros = 0, ones = 0;
            foreach (float pixel in set.Inputs)
            {
                Assert.InRange(pixel, 0f, 1f);
                zeros += pixel == 0f ? 1 : 0;
                ones += pixel == 1f ? 1 : 0;
            }

            Assert.True(zeros > set.Inputs.Length / 2, $"background pixels: {zeros} of {set.Inputs.Length}");
            Assert.True(ones > 0, "no pixel is exactly 1");
        }
    }

    [Theory]
    [InlineData("train", 0)]
    [InlineData("train", 1)]
    [InlineData("train", 4321)]
    [InlineData("train", 7999)]
    [InlineData("t10k", 0)]
    [InlineData("t10k", 1999)]
    public void GetInputIsTheRawBytesOver255(string prefix, int index)
    {
        Dataset set = prefix == "train" ? s_mnist.Value.Train : s_mnist.Value.Test;
        byte[] images = IdxTestFiles.Gunzip(Path.Combine(IdxTestFiles.MnistDirectory, $"{prefix}-images-idx3-ubyte.gz"));
        byte[] labels = IdxTestFiles.Gunzip(Path.Combine(IdxTestFiles.MnistDirectory, $"{prefix}-labels-idx1-ubyte.gz"));

        ReadOnlySpan<float> input = set.GetInput(index);

        Assert.Equal(784, input.Length);
        for (int i = 0; i < 784; i++)
        {
            Assert.Equal(images[16 + (index * 784) + i] / 255f, input[i]);
        }

        Assert.Equal(labels[8 + index], set.GetLabel(index));
        Assert.Equal(labels[8 + index], set.Labels[index]);
        Assert.True(input.SequenceEqual(set.Inputs.Slice(index * 784, 784)));
    }

    [Fact]
    public void LoadMnistAcceptsUncompressedFilesAndPrefersThem()
    {
        foreach (string name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
        {
            _files.Write(name, IdxTestFiles.Gunzip(Path.Combine(IdxTestFiles.MnistDirectory, name + ".gz")));
        }

        // A .gz beside the raw file that would fail to load: the raw file must win.
        _files.Write("t10k-labels-idx1-ubyte", new byte[] { 1, 2, 3 }, gzip: true);

        (Dataset train, Dataset test) = Dataset.LoadMnist(_files.Directory);

        Assert.True(train.Inputs.SequenceEqual(s_mnist.Value.Train.Inputs));
        Assert.True(train.Labels.SequenceEqual(s_mnist.Value.Train.Labels));
        Assert.True(test.Inputs.SequenceEqual(s_mnist.Value.Test.Inputs));
        Assert.True(test.Labels.SequenceEqual(s_mnist.Value.Test.Labels));
    }

    [Fact]
    public void LoadMnistNamesTheMissingFile()
    {
        foreach (string name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte" })
        {
            File.Copy(Path.Combine(IdxTestFiles.MnistDirectory, name + ".gz"), Path.Combine(_files.Directory, name + ".gz"));
        }

        var error = Assert.Throws<FileNotFoundException>(() => Dataset.LoadMnist(_files.Directory));

        Assert.Contains("t10k-labels-idx1-ubyte'", error.Message);
        Assert.Contains("t10k-labels-idx1-ubyte.gz'", error.Message);
    }

    [Fact]
    public void LoadMnistNamesAMissingDirectory()
    {
        string directory = Path.Combine(_files.Directory, "nowhere");

        var error = Assert.Throws<DirectoryNotFoundException>(() => Dataset.LoadMnist(directory));

        Assert.Contains(directory, error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LoadIdxReadsThreeDimensionalImagesAsOneChannel(bool gzip)
    {
        byte[] pixels = { 0, 255, 51, 102, 1, 254, 7, 128 };
        string images = _files.Write("images", IdxTestFiles.Ubyte(new[] { 2, 2, 2 }, pixels), gzip);
        string labels = _files.Write("labels", IdxTestFiles.Ubyte(new[] { 2 }, new byte[] { 3, 0 }), gzip);

        Dataset set = Dataset.LoadIdx(images, labels);

        Assert.Equal(new TensorShape(2, 2, 1), set.SampleShape);
        Assert.Equal(pixels.Select(p => p / 255f).ToArray(), set.Inputs.ToArray());
        Assert.Equal(new[] { 0f, 1f, 0.2f, 0.4f }, set.GetInput(0).ToArray());
        Assert.Equal(new[] { 3, 0 }, set.Labels.ToArray());
        Assert.Equal(4, set.ClassCount);
    }

    [Fact]
    public void LoadIdxReadsFourDimensionalImagesChannelsLast()
    {
        byte[] pixels = IdxTestFiles.Sequence(2 * 2 * 3 * 3);
        string images = _files.Write("rgb-images", IdxTestFiles.Ubyte(new[] { 2, 2, 3, 3 }, pixels));
        string labels = _files.Write("rgb-labels", IdxTestFiles.Ubyte(new[] { 2 }, new byte[] { 1, 2 }));

        Dataset set = Dataset.LoadIdx(images, labels);

        Assert.Equal(new TensorShape(2, 3, 3), set.SampleShape);
        Assert.Equal(18, set.SampleLength);
        Assert.Equal(pixels.Skip(18).Select(p => p / 255f).ToArray(), set.GetInput(1).ToArray());
    }

    [Fact]
    public void LoadIdxRejectsMismatchedCounts()
    {
        string images = _files.Write("images", IdxTestFiles.Ubyte(new[] { 3, 2, 2 }, new byte[12]));
        string labels = _files.Write("labels", IdxTestFiles.Ubyte(new[] { 2 }, new byte[2]));

        var error = Assert.Throws<InvalidDataException>(() => Dataset.LoadIdx(images, labels));

        Assert.Contains($"'{images}' holds 3 images but '{labels}' holds 2 labels", error.Message);
    }

    [Fact]
    public void LoadIdxRejectsLabelsThatAreNotOneDimensional()
    {
        string images = _files.Write("images", IdxTestFiles.Ubyte(new[] { 2, 2, 2 }, new byte[8]));
        string labels = _files.Write("labels", IdxTestFiles.Ubyte(new[] { 2, 1 }, new byte[2]));

        var error = Assert.Throws<InvalidDataException>(() => Dataset.LoadIdx(images, labels));

        Assert.Contains($"'{labels}' as labels: expected 1 dimension [count], found 2: [2, 1]", error.Message);
    }

    [Theory]
    [InlineData(new[] { 4 })]
    [InlineData(new[] { 2, 2 })]
    [InlineData(new[] { 2, 1, 1, 1, 2 })]
    public void LoadIdxRejectsImagesThatAreNotThreeOrFourDimensional(int[] dimensions)
    {
        string images = _files.Write("images", IdxTestFiles.Ubyte(dimensions, new byte[4]));
        string labels = _files.Write("labels", IdxTestFiles.Ubyte(new[] { 2 }, new byte[2]));

        var error = Assert.Throws<InvalidDataException>(() => Dataset.LoadIdx(images, labels));

        Assert.Contains($"'{images}' as images: expected 3 dimensions [count, rows, columns] or 4 [count, rows, columns, channels]", error.Message);
        Assert.Contains($"found {dimensions.Length}: [{string.Join(", ", dimensions)}]", error.Message);
    }

    [Fact]
    public void LoadIdxRejectsEmptyImages()
    {
        string images = _files.Write("images", IdxTestFiles.Ubyte(new[] { 2, 0, 28 }, Array.Empty<byte>()));
        string labels = _files.Write("labels", IdxTestFiles.Ubyte(new[] { 2 }, new byte[2]));

        var error = Assert.Throws<InvalidDataException>(() => Dataset.LoadIdx(images, labels));

        Assert.Contains("expected non-zero image dimensions, found [2, 0, 28]", error.Message);
    }

    [Fact]
    public void LoadIdxPassesOnReaderErrors()
    {
        string images = _files.Write("images", IdxTestFiles.Ubyte(new[] { 2, 2, 2 }, new byte[7]));
        string labels = _files.Write("labels", IdxTestFiles.Ubyte(new[] { 2 }, new byte[2]));

        var error = Assert.Throws<InvalidDataException>(() => Dataset.LoadIdx(images, labels));

        Assert.Contains($"'{images}'", error.Message);
        Assert.Contains("expected 8 bytes", error.Message);
    }

    [Fact]
    public void ConstructorKeepsTheSamplesAndComputesTheClassCount()
    {
        float[] inputs = { 1, 2, 3, 4, 5, 6 };
        var set = new Dataset(inputs, new[] { 2, 0, 5 }, new TensorShape(2));

        Assert.Equal(3, set.Count);
        Assert.Equal(2, set.SampleLength);
        Assert.Equal(6, set.ClassCount);
        Assert.Equal(new[] { 3f, 4f }, set.GetInput(1).ToArray());
        Assert.Equal(5, set.GetLabel(2));
        Assert.Equal(inputs, set.Inputs.ToArray());
    }

    [Fact]
    public void AnEmptyDatasetHasNoClasses()
    {
        var set = new Dataset(Array.Empty<float>(), Array.Empty<int>(), new TensorShape(28, 28, 1));

        Assert.Equal(0, set.Count);
        Assert.Equal(0, set.ClassCount);
        Assert.Equal(784, set.SampleLength);
        Assert.True(set.Inputs.IsEmpty);
    }

    [Fact]
    public void ConstructorRejectsAWrongNumberOfInputs()
    {
        var error = Assert.Throws<ArgumentException>(() => new Dataset(new float[7], new int[2], new TensorShape(2, 2, 1)));

        Assert.Equal("inputs", error.ParamName);
        Assert.Contains("Expected 8 input values (2 labels x 4 per sample of shape (2, 2, 1)), but inputs has 7", error.Message);
    }

    [Fact]
    public void ConstructorRejectsNegativeLabels()
    {
        var error = Assert.Throws<ArgumentException>(() => new Dataset(new float[3], new[] { 0, 1, -2 }, new TensorShape(1)));

        Assert.Equal("labels", error.ParamName);
        Assert.Contains("label 2 is -2", error.Message);
    }

    [Fact]
    public void ConstructorRejectsEmptySamplesAndNulls()
    {
        Assert.Contains("holds 0 values", Assert.Throws<ArgumentException>(() => new Dataset(Array.Empty<float>(), new int[3], new TensorShape(0, 4))).Message);
        Assert.Throws<ArgumentNullException>(() => new Dataset(null!, Array.Empty<int>(), new TensorShape(1)));
        Assert.Throws<ArgumentNullException>(() => new Dataset(Array.Empty<float>(), null!, new TensorShape(1)));
        Assert.Throws<ArgumentNullException>(() => new Dataset(Array.Empty<float>(), Array.Empty<int>(), null!));
    }

    [Fact]
    public void GetInputAndGetLabelRejectIndicesOutsideTheDataset()
    {
        var set = new Dataset(new float[4], new[] { 0, 1 }, new TensorShape(2));

        Assert.Throws<ArgumentOutOfRangeException>(() => set.GetInput(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.GetInput(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.GetLabel(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.GetLabel(int.MinValue));
    }

    [Fact]
    public void SliceCopiesAContiguousRange()
    {
        float[] inputs = Enumerable.Range(0, 10).Select(i => (float)i).ToArray();
        var set = new Dataset(inputs, new[] { 4, 3, 2, 1, 0 }, new TensorShape(2));

        Dataset slice = set.Slice(1, 3);

        Assert.Equal(3, slice.Count);
        Assert.Equal(set.SampleShape, slice.SampleShape);
        Assert.Equal(new[] { 2f, 3f, 4f, 5f, 6f, 7f }, slice.Inputs.ToArray());
        Assert.Equal(new[] { 3, 2, 1 }, slice.Labels.ToArray());
        Assert.Equal(4, slice.ClassCount);
        Assert.Equal(new[] { 4f, 5f }, slice.GetInput(1).ToArray());

        inputs[2] = 99f;
        Assert.Equal(2f, slice.GetInput(0)[0]);
    }

    [Fact]
    public void SliceOfTheRealTestSetMatchesTheOriginal()
    {
        Dataset test = s_mnist.Value.Test;

        Dataset slice = test.Slice(1500, 500);

        Assert.Equal(500, slice.Count);
        Assert.True(slice.GetInput(0).SequenceEqual(test.GetInput(1500)));
        Assert.True(slice.GetInput(499).SequenceEqual(test.GetInput(1999)));
        Assert.True(slice.Labels.SequenceEqual(test.Labels.Slice(1500)));
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(5, 0, 0)]
    [InlineData(0, 5, 5)]
    public void SliceAcceptsEmptyAndFullRanges(int start, int count, int expected)
    {
        var set = new Dataset(new float[5], new[] { 0, 1, 2, 3, 4 }, new TensorShape(1));

        Dataset slice = set.Slice(start, count);

        Assert.Equal(expected, slice.Count);
        Assert.Equal(expected, slice.ClassCount);
    }

    [Theory]
    [InlineData(-1, 1)]
    [InlineData(0, -1)]
    [InlineData(0, 6)]
    [InlineData(3, 3)]
    [InlineData(6, 0)]
    [InlineData(1, int.MaxValue)]
    public void SliceRejectsRangesOutsideTheDataset(int start, int count)
    {
        var set = new Dataset(new float[5], new int[5], new TensorShape(1));

        Assert.Throws<ArgumentOutOfRangeException>(() => set.Slice(start, count));
    }
}
