using NetDsl.Generator.Shapes;

namespace NetDsl.Generator.Onnx;

/// <summary>
/// ONNX's weight layouts turned into NetDsl's (Keras's), and the feature orders of flattened maps: ONNX flattens
/// an NCHW map channel by channel (<c>c, h, w</c>), NetDsl a channels-last map pixel by pixel (<c>h, w, c</c>).
/// Every method returns a new array.
/// </summary>
internal static class WeightLayouts
{
    /// <summary>A Conv weight <c>[filters, in, kh, kw]</c> as a Conv2D kernel <c>[kh, kw, in, filters]</c>.</summary>
    public static float[] ConvKernel(float[] w, int filters, int channels, int kh, int kw)
    {
        var kernel = new float[w.Length];
        for (int m = 0; m < filters; m++)
        {
            for (int c = 0; c < channels; c++)
            {
                for (int i = 0; i < kh; i++)
                {
                    for (int j = 0; j < kw; j++)
                    {
                        kernel[(((((i * kw) + j) * channels) + c) * filters) + m] = w[(((((m * channels) + c) * kh) + i) * kw) + j];
                    }
                }
            }
        }

        return kernel;
    }

    /// <summary>A depthwise Conv weight <c>[channels * multiplier, 1, kh, kw]</c> (output channel
    /// <c>c * multiplier + k</c> reads input channel <c>c</c>) as a DepthwiseConv2D kernel <c>[kh, kw, channels,
    /// multiplier]</c>: the same numbers in another order, as both put the multiplier's outputs of one channel
    /// side by side.</summary>
    public static float[] DepthwiseKernel(float[] w, int channels, int multiplier, int kh, int kw) =>
        ConvKernel(w, channels * multiplier, 1, kh, kw);

    /// <summary>A ConvTranspose weight <c>[in, filters, kh, kw]</c> as a Conv2DTranspose kernel <c>[kh, kw,
    /// filters, in]</c> (no flip: both are the transpose of a convolution with that kernel).</summary>
    public static float[] TransposedConvKernel(float[] w, int channels, int filters, int kh, int kw)
    {
        var kernel = new float[w.Length];
        for (int c = 0; c < channels; c++)
        {
            for (int m = 0; m < filters; m++)
            {
                for (int i = 0; i < kh; i++)
                {
                    for (int j = 0; j < kw; j++)
                    {
                        kernel[(((((i * kw) + j) * filters) + m) * channels) + c] = w[(((((c * filters) + m) * kh) + i) * kw) + j];
                    }
                }
            }
        }

        return kernel;
    }

    /// <summary>A Gemm or MatMul weight as a Dense kernel <c>[in, units]</c>: <c>[units, in]</c> transposed when
    /// <paramref name="transposed"/> (Gemm's <c>transB</c>, PyTorch's layout), else as it is; times
    /// <paramref name="scale"/> (Gemm's <c>alpha</c>).</summary>
    public static float[] DenseKernel(float[] b, int inputs, int units, bool transposed, float scale)
    {
        var kernel = new float[b.Length];
        for (int r = 0; r < inputs; r++)
        {
            for (int u = 0; u < units; u++)
            {
                kernel[(r * units) + u] = scale * (transposed ? b[(u * inputs) + r] : b[(r * units) + u]);
            }
        }

        return kernel;
    }

    /// <summary>Where feature <c>(h, w, c)</c> of <paramref name="map"/> sits when ONNX flattens the map (channel
    /// first), for each NetDsl position (channels last).</summary>
    public static int[] ChannelsFirstIndices(Shape map)
    {
        int height = map.Height, width = map.Width, channels = map.Channels;
        var indices = new int[height * width * channels];
        for (int h = 0; h < height; h++)
        {
            for (int w = 0; w < width; w++)
            {
                for (int c = 0; c < channels; c++)
                {
                    indices[(((h * width) + w) * channels) + c] = (((c * height) + h) * width) + w;
                }
            }
        }

        return indices;
    }

    /// <summary>The rows of a Dense kernel <c>[in, units]</c> whose input ONNX flattened channel first, reordered
    /// for the channels-last Flatten NetDsl has.</summary>
    public static float[] RowsToChannelsLast(float[] kernel, int units, Shape map)
    {
        int[] from = ChannelsFirstIndices(map);
        var rows = new float[kernel.Length];
        for (int r = 0; r < from.Length; r++)
        {
            System.Array.Copy(kernel, from[r] * units, rows, r * units, units);
        }

        return rows;
    }

    /// <summary>The columns of a Dense kernel <c>[in, units]</c> whose output ONNX reshapes to a channel-first
    /// map, reordered so a channels-last Reshape reads the same map.</summary>
    public static float[] ColumnsToChannelsLast(float[] kernel, int inputs, Shape map)
    {
        int[] from = ChannelsFirstIndices(map);
        int units = from.Length;
        var columns = new float[kernel.Length];
        for (int r = 0; r < inputs; r++)
        {
            for (int u = 0; u < units; u++)
            {
                columns[(r * units) + u] = kernel[(r * units) + from[u]];
            }
        }

        return columns;
    }

    /// <summary>Per-feature values (a bias, batch statistics) of a map ONNX flattened channel first, in NetDsl's
    /// channels-last order.</summary>
    public static float[] ToChannelsLast(float[] values, Shape map)
    {
        int[] from = ChannelsFirstIndices(map);
        var result = new float[values.Length];
        for (int k = 0; k < from.Length; k++)
        {
            result[k] = values[from[k]];
        }

        return result;
    }
}
