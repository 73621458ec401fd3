using System;

namespace NetDsl.Plots;

/// <summary>
/// A channels-last feature map (one layer's output for one sample, <c>height x width x channels</c>) as a PNG grid
/// of gray tiles, one per channel, in channel order left to right and top to bottom. Each channel is normalised
/// to its own minimum and maximum (black to white); a constant channel (e.g. all zero after ReLU) is mid-gray.
/// </summary>
public static class FeatureMapGrid
{
    /// <summary>Draws <paramref name="map"/> (<c>[height, width, channels]</c>, channels-last) to <paramref name="path"/>.</summary>
    public static void Save(ReadOnlySpan<float> map, int height, int width, int channels, string path, GridOptions? options = null)
    {
        Render(map, height, width, channels, options).SavePng(path);
    }

    internal static PixelCanvas Render(ReadOnlySpan<float> map, int height, int width, int channels, GridOptions? options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        if (map.Length != height * width * channels)
        {
            throw new ArgumentException($"A {height}x{width}x{channels} feature map has {height * width * channels} values, not {map.Length}.", nameof(map));
        }

        var layout = GridLayout.Create(channels, height, width, options);
        var canvas = new PixelCanvas(layout.ImageWidth, layout.ImageHeight);
        var plane = new float[height * width];
        var levels = new byte[height * width];
        for (int c = 0; c < channels; c++)
        {
            for (int p = 0; p < plane.Length; p++)
            {
                plane[p] = map[p * channels + c];
            }

            Normalization.ToBytes(plane, levels);
            (int x, int y) = layout.TileOrigin(c);
            canvas.PaintGray(levels, height, width, x, y, layout.Scale);
        }

        canvas.Annotate(layout, options);
        return canvas;
    }
}
