using System;
using System.Collections.Generic;
using System.IO;
using NetDsl.Data;

namespace NetDsl.Images.Tests;

/// <summary>The repository's 10,000 MNIST digits written as PNG files in class folders and read back: the tensors
/// equal the IDX data exactly, so training from the folder is training on the same data.</summary>
public sealed class MnistPngTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Mnist_written_as_png_folders_loads_back_exactly()
    {
        (Dataset train, Dataset test) = Dataset.LoadMnist(Path.Combine(AppContext.BaseDirectory, "data", "mnist-digits"));
        var expected = new Dictionary<string, (Dataset Data, int Index)>(StringComparer.Ordinal);
        WriteDigits(train, "train", expected);
        WriteDigits(test, "test", expected);

        ImageDataset images = ImageDataset.FromDirectory(_temp.Path, 28, 28, ColorMode.Grayscale);

        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], images.ClassNames);
        Assert.Equal(train.Count + test.Count, images.Count);
        Assert.Equal(new TensorShape(28, 28, 1), images.Data.SampleShape);
        for (int i = 0; i < images.Count; i++)
        {
            (Dataset data, int index) = expected[images.FilePaths[i]];
            Assert.Equal(data.GetLabel(index), images.Data.GetLabel(i));
            if (!data.GetInput(index).SequenceEqual(images.Data.GetInput(i)))
            {
                Assert.Fail($"{images.FilePaths[i]} does not read back as the IDX digit.");
            }
        }
    }

    private void WriteDigits(Dataset data, string prefix, Dictionary<string, (Dataset, int)> expected)
    {
        var pixels = new byte[784];
        for (int i = 0; i < data.Count; i++)
        {
            ReadOnlySpan<float> input = data.GetInput(i);
            for (int p = 0; p < pixels.Length; p++)
            {
                pixels[p] = (byte)MathF.Round(input[p] * 255f);
            }

            string path = _temp.File(data.GetLabel(i).ToString(System.Globalization.CultureInfo.InvariantCulture), $"{prefix}-{i:D5}.png");
            ImageFiles.WritePng(path, pixels, 28, 28, 1);
            expected[path] = (data, i);
        }
    }
}
