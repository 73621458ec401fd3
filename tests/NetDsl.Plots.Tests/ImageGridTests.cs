using System;
using SkiaSharp;

namespace NetDsl.Plots.Tests;

/// <summary>ImageGrid: samples side by side, normalised each on its own or by a fixed range.</summary>
public sealed class ImageGridTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Fixed_range_keeps_brightness_comparable_and_per_sample_stretches()
    {
        // Two 1x2 gray samples: [0, 0.5] and [0.25, 0.5].
        float[][] images = [[0f, 0.5f], [0.25f, 0.5f]];
        var options = new GridOptions { Scale = 1, Gap = 0, Columns = 2 };
        string fixedPath = _temp.File("fixed.png");
        ImageGrid.Save(images, 1, 2, 1, fixedPath, (0f, 1f), options);
        using (SKBitmap bitmap = Png.Decode(fixedPath))
        {
            Assert.Equal(4, bitmap.Width);
            Assert.Equal(1, bitmap.Height);
            Assert.Equal(0, Png.Gray(bitmap, 0, 0));
            Assert.Equal(128, Png.Gray(bitmap, 1, 0));
            Assert.Equal(64, Png.Gray(bitmap, 2, 0));
            Assert.Equal(128, Png.Gray(bitmap, 3, 0));
        }

        string ownPath = _temp.File("own.png");
        ImageGrid.Save(images, 1, 2, 1, ownPath, options: options);
        using (SKBitmap bitmap = Png.Decode(ownPath))
        {
            Assert.Equal(0, Png.Gray(bitmap, 2, 0));
            Assert.Equal(255, Png.Gray(bitmap, 3, 0));
        }
    }

    [Fact]
    public void Rgb_samples_keep_their_colours()
    {
        float[] image = [1f, 0f, 0f, 0f, 0f, 1f];
        string path = _temp.File("rgb.png");
        ImageGrid.Save(image, 1, 1, 2, 3, path, (0f, 1f), new GridOptions { Scale = 3, Gap = 0 });
        using SKBitmap bitmap = Png.Decode(path);
        Assert.Equal(6, bitmap.Width);
        Assert.Equal(new SKColor(255, 0, 0), bitmap.GetPixel(2, 2));
        Assert.Equal(new SKColor(0, 0, 255), bitmap.GetPixel(3, 0));
    }

    [Fact]
    public void Digit_before_and_after_a_blur_and_a_sharpen()
    {
        // A 28x28 "1" stroke, a 3x3 box blur of it and a sharpen (5 at the centre, -1 at the 4 neighbours).
        var digit = new float[28 * 28];
        for (int y = 5; y < 23; y++)
        {
            digit[y * 28 + 13] = 1f;
            digit[y * 28 + 14] = 1f;
        }

        float[] blurred = Convolve(digit, [1 / 9f, 1 / 9f, 1 / 9f, 1 / 9f, 1 / 9f, 1 / 9f, 1 / 9f, 1 / 9f, 1 / 9f]);
        float[] sharpened = Convolve(digit, [0, -1, 0, -1, 5, -1, 0, -1, 0]);
        string path = _temp.File("digit.png");
        ImageGrid.Save([digit, blurred, sharpened], 28, 28, 1, path, options: new GridOptions { Columns = 3 });
        using SKBitmap bitmap = Png.Decode(path);
        // Automatic scale: ceil(48 / 28) = 2 -> 56-pixel tiles.
        Assert.Equal(2 + 3 * 58, bitmap.Width);
        Assert.Equal(2 + 58, bitmap.Height);

        static float[] Convolve(float[] image, float[] k)
        {
            var result = new float[image.Length];
            for (int y = 1; y < 27; y++)
            {
                for (int x = 1; x < 27; x++)
                {
                    float sum = 0;
                    for (int t = 0; t < 9; t++)
                    {
                        sum += k[t] * image[(y + t / 3 - 1) * 28 + x + t % 3 - 1];
                    }

                    result[y * 28 + x] = sum;
                }
            }

            return result;
        }
    }
}
