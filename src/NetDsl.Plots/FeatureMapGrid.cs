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

    /// <summary>
    /// Draws the output of the layer named <paramref name="layerName"/> of <paramref name="net"/> for one input
    /// sample (<see cref="INetwork.LayerOutput"/>: inference mode, the layer's activation applied) to
    /// <paramref name="path"/>, one tile per channel.
    /// </summary>
    /// <exception cref="ArgumentException">The network has no layer of that name (the message lists them), the
    /// layer's output is not a feature map (<c>height x width x channels</c>), or <paramref name="input"/> is not
    /// one sample.</exception>
    public static void Save(INetwork net, string layerName, ReadOnlySpan<float> input, string path, GridOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(net);
        LayerInfo layer = Find(net, layerName);
        TensorShape shape = layer.OutputShape;
        if (shape.Rank != 3)
        {
            throw new ArgumentException($"Layer '{layer.Name}' ({layer.Kind}) outputs {shape}, not a feature map (height, width, channels).", nameof(layerName));
        }

        var map = new float[layer.OutputLength];
        net.LayerOutput(layer.Name, input, map);
        Render(map, shape[0], shape[1], shape[2], options).SavePng(path);
    }

    private static LayerInfo Find(INetwork net, string layerName)
    {
        foreach (LayerInfo layer in net.Layers)
        {
            if (layer.Name == layerName)
            {
                return layer;
            }
        }

        throw NetworkGuard.UnknownLayer(layerName, net.GetType().Name, net.Layers);
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
