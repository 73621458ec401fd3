using System;

namespace NetDsl.Plots;

/// <summary>
/// A few samples (e.g. a digit before and after a blur or a sharpen) as a PNG grid: gray for 1 channel, colour for
/// 3, one tile per sample in order. By default every sample is normalised to its own range; pass a fixed range
/// (e.g. 0..1) to compare brightness across samples.
/// </summary>
public static class ImageGrid
{
    /// <summary>Draws <paramref name="count"/> channels-last samples of <c>height x width x channels</c> stored one
    /// after another in <paramref name="images"/>. <paramref name="channels"/> is 1 (gray) or 3 (RGB).
    /// <paramref name="range"/> maps its minimum to black and maximum to white for every sample; null normalises
    /// each sample on its own.</summary>
    public static void Save(ReadOnlySpan<float> images, int count, int height, int width, int channels, string path, (float Min, float Max)? range = null, GridOptions? options = null)
    {
        Render(images, count, height, width, channels, range, options).SavePng(path);
    }

    /// <summary>Draws each array of <paramref name="images"/> as one <c>height x width x channels</c> sample.</summary>
    public static void Save(float[][] images, int height, int width, int channels, string path, (float Min, float Max)? range = null, GridOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        int sampleLength = height * width * channels;
        var all = new float[images.Length * sampleLength];
        for (int i = 0; i < images.Length; i++)
        {
            if (images[i] is null || images[i].Length != sampleLength)
            {
                throw new ArgumentException($"Image {i} has {images[i]?.Length ?? 0} values; a {height}x{width}x{channels} sample has {sampleLength}.", nameof(images));
            }

            images[i].CopyTo(all, i * sampleLength);
        }

        Save(all, images.Length, height, width, channels, path, range, options);
    }

    internal static PixelCanvas Render(ReadOnlySpan<float> images, int count, int height, int width, int channels, (float Min, float Max)? range, GridOptions? options)
    {
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "An image grid shows 1 (gray) or 3 (RGB) channels.");
        }

        int sampleLength = height * width * channels;
        if (images.Length != count * sampleLength)
        {
            throw new ArgumentException($"{count} samples of {height}x{width}x{channels} have {count * sampleLength} values, not {images.Length}.", nameof(images));
        }

        var layout = GridLayout.Create(count, height, width, options);
        var canvas = new PixelCanvas(layout.ImageWidth, layout.ImageHeight);
        var levels = new byte[sampleLength];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<float> sample = images.Slice(i * sampleLength, sampleLength);
            if (range is { } r)
            {
                Normalization.ToBytes(sample, levels, r.Min, r.Max);
            }
            else
            {
                Normalization.ToBytes(sample, levels);
            }

            (int x, int y) = layout.TileOrigin(i);
            if (channels == 3)
            {
                canvas.PaintRgb(levels, height, width, x, y, layout.Scale);
            }
            else
            {
                canvas.PaintGray(levels, height, width, x, y, layout.Scale);
            }
        }

        canvas.Annotate(layout, options);
        return canvas;
    }
}
