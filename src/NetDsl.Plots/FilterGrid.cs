using System;
using System.Linq;

namespace NetDsl.Plots;

/// <summary>
/// A Conv2D layer's learned kernels as a PNG grid, one tile per filter (output channel), filters in order left to
/// right and top to bottom. Each tile is normalised to its own minimum and maximum (black = the filter's most
/// negative weight, white = its most positive), scaled up with nearest-neighbour, with gaps between tiles.
/// With several input channels a tile shows the mean over them, or RGB when there are exactly 3
/// (<see cref="FilterChannels"/>).
/// </summary>
public static class FilterGrid
{
    /// <summary>Draws the kernel of Conv2D layer <paramref name="layerName"/> (<c>conv2d</c> or
    /// <c>conv2d/kernel</c>) of <paramref name="net"/>.</summary>
    public static void Save(INetwork net, string layerName, string path, FilterChannels channels = FilterChannels.Auto, GridOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentException.ThrowIfNullOrEmpty(layerName);
        string tensorName = layerName.Contains('/') ? layerName : layerName + "/kernel";
        ParameterTensor? kernel = net.ParameterLayout.FirstOrDefault(t => t.Name == tensorName);
        if (kernel is null || kernel.Shape.Rank != 4)
        {
            string known = string.Join(", ", net.ParameterLayout.Where(t => t.Shape.Rank == 4).Select(t => t.Name.Split('/')[0]));
            throw new ArgumentException(
                $"The network has no Conv2D kernel '{tensorName}'. Its Conv2D layers: {(known.Length == 0 ? "none" : known)}.",
                nameof(layerName));
        }

        Save(kernel, net.Parameters, path, channels, options);
    }

    /// <summary>Draws <paramref name="kernel"/>, a tensor of shape <c>(kh, kw, in, out)</c>, whose values are in
    /// <paramref name="parameters"/> (a network's whole parameter buffer).</summary>
    public static void Save(ParameterTensor kernel, ReadOnlySpan<float> parameters, string path, FilterChannels channels = FilterChannels.Auto, GridOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        if (kernel.Shape.Rank != 4)
        {
            throw new ArgumentException($"'{kernel.Name}' has shape {kernel.Shape}; a Conv2D kernel is (kh, kw, in, out).", nameof(kernel));
        }

        Save(kernel.Slice(parameters), kernel.Shape[0], kernel.Shape[1], kernel.Shape[2], kernel.Shape[3], path, channels, options);
    }

    /// <summary>Draws a Conv2D kernel in Keras's layout <c>[kh, kw, in, out]</c>.</summary>
    public static void Save(ReadOnlySpan<float> kernel, int kernelHeight, int kernelWidth, int inChannels, int filters, string path, FilterChannels channels = FilterChannels.Auto, GridOptions? options = null)
    {
        Render(kernel, kernelHeight, kernelWidth, inChannels, filters, channels, options).SavePng(path);
    }

    internal static PixelCanvas Render(ReadOnlySpan<float> kernel, int kernelHeight, int kernelWidth, int inChannels, int filters, FilterChannels channels, GridOptions? options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        if (kernel.Length != kernelHeight * kernelWidth * inChannels * filters)
        {
            throw new ArgumentException($"A ({kernelHeight}, {kernelWidth}, {inChannels}, {filters}) kernel has {kernelHeight * kernelWidth * inChannels * filters} values, not {kernel.Length}.", nameof(kernel));
        }

        FilterChannels mode = channels == FilterChannels.Auto ? (inChannels == 3 ? FilterChannels.Rgb : FilterChannels.Mean) : channels;
        if (mode == FilterChannels.Rgb && inChannels != 3)
        {
            throw new ArgumentException($"RGB filters need 3 input channels; this kernel has {inChannels}.", nameof(channels));
        }

        var layout = GridLayout.Create(filters, kernelHeight, kernelWidth, options);
        var canvas = new PixelCanvas(layout.ImageWidth, layout.ImageHeight);
        int taps = kernelHeight * kernelWidth;
        int planes = mode == FilterChannels.Rgb ? 3 : 1;
        var values = new float[taps * planes];
        var levels = new byte[taps * planes];
        for (int f = 0; f < filters; f++)
        {
            for (int t = 0; t < taps; t++)
            {
                // Keras layout: index = ((ky * kw + kx) * in + c) * out + f.
                int baseIndex = t * inChannels * filters + f;
                switch (mode)
                {
                    case FilterChannels.First:
                        values[t] = kernel[baseIndex];
                        break;
                    case FilterChannels.Rgb:
                        for (int c = 0; c < 3; c++)
                        {
                            values[t * 3 + c] = kernel[baseIndex + c * filters];
                        }

                        break;
                    default:
                        float sum = 0;
                        for (int c = 0; c < inChannels; c++)
                        {
                            sum += kernel[baseIndex + c * filters];
                        }

                        values[t] = sum / inChannels;
                        break;
                }
            }

            Normalization.ToBytes(values, levels);
            (int x, int y) = layout.TileOrigin(f);
            if (planes == 3)
            {
                canvas.PaintRgb(levels, kernelHeight, kernelWidth, x, y, layout.Scale);
            }
            else
            {
                canvas.PaintGray(levels, kernelHeight, kernelWidth, x, y, layout.Scale);
            }
        }

        canvas.Annotate(layout, options);
        return canvas;
    }
}
