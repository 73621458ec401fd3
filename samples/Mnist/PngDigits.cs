using System;
using System.Globalization;
using System.IO;
using NetDsl.Data;
using NetDsl.Images;
using SkiaSharp;

namespace NetDsl.Samples.Mnist;

/// <summary>The digits as a folder of PNG files, one subfolder per class, the layout
/// <see cref="ImageDataset.FromDirectory"/> (and Keras's <c>image_dataset_from_directory</c>) reads.</summary>
internal static class PngDigits
{
    /// <summary>Writes <paramref name="train"/> to <c>directory/train/&lt;digit&gt;/&lt;index&gt;.png</c> and
    /// <paramref name="test"/> to <c>directory/test/...</c>: 8-bit gray, lossless, so every pixel reads back
    /// as the same <c>b / 255</c> as from the IDX file.</summary>
    public static void Write(Dataset train, Dataset test, string directory)
    {
        WritePart(train, Path.Combine(directory, "train"));
        WritePart(test, Path.Combine(directory, "test"));
    }

    /// <summary>The train/ and test/ parts of a folder written by <see cref="Write"/> (or any folder of the same
    /// layout), as 28 x 28 gray samples. The training list is shuffled with <paramref name="seed"/>.</summary>
    public static (ImageDataset Train, ImageDataset Test) Read(string directory, int seed)
    {
        var options = new ImageDatasetOptions { Seed = seed };
        ImageDataset train = ImageDataset.FromDirectory(Path.Combine(directory, "train"), 28, 28, ColorMode.Grayscale, options);
        ImageDataset test = ImageDataset.FromDirectory(Path.Combine(directory, "test"), 28, 28, ColorMode.Grayscale, options with { Shuffle = false });
        return (train, test);
    }

    private static void WritePart(Dataset data, string directory)
    {
        var info = new SKImageInfo(28, 28, SKColorType.Gray8, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        for (int i = 0; i < data.Count; i++)
        {
            ReadOnlySpan<float> input = data.GetInput(i);
            Span<byte> pixels = bitmap.GetPixelSpan();
            for (int p = 0; p < input.Length; p++)
            {
                pixels[((p / 28) * bitmap.RowBytes) + (p % 28)] = (byte)MathF.Round(input[p] * 255f);
            }

            string folder = Path.Combine(directory, data.GetLabel(i).ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(folder);
            using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            using FileStream file = File.Create(Path.Combine(folder, $"{i:D5}.png"));
            png.SaveTo(file);
        }
    }
}
