using System;
using System.Linq;

namespace NetDsl.Runtime.Tests.Interop;

/// <summary>A channels-last feature map of one sample in double precision (a vector is 1 x 1 x length).</summary>
internal sealed record Map(double[] Values, int Height, int Width, int Channels)
{
    public static Map Of(float[] values, int height, int width, int channels) => new(values.Select(v => (double)v).ToArray(), height, width, channels);

    public static Map Vector(double[] values) => new(values, 1, 1, values.Length);

    public double this[int i, int j, int c] => Values[(((i * Width) + j) * Channels) + c];

    public Map Select(Func<double, double> f) => this with { Values = Values.Select(f).ToArray() };
}

/// <summary>
/// Straightforward double-precision references of the layers, written from Keras's definitions on channels-last
/// data with Keras's weight layouts, independent of both the exporter and NetDsl's kernels.
/// </summary>
internal static class ChannelsLastReference
{
    /// <summary>TensorFlow's <c>same</c> padding for a window of <paramref name="extent"/> pixels: the odd pixel at
    /// the bottom/right. Returns (before, after).</summary>
    public static (int Before, int After) SamePadding(int size, int extent, int stride)
    {
        int output = (size + stride - 1) / stride;
        int total = Math.Max(((output - 1) * stride) + extent - size, 0);
        return (total / 2, total - (total / 2));
    }

    /// <summary>Conv2D, kernel <c>[kh, kw, in, filters]</c>.</summary>
    public static Map Conv2D(Map x, float[] kernel, float[]? bias, int kh, int kw, int filters, int sh, int sw, int dh, int dw, int pt, int pb, int pl, int pr)
    {
        int oh = ((x.Height + pt + pb - (((kh - 1) * dh) + 1)) / sh) + 1, ow = ((x.Width + pl + pr - (((kw - 1) * dw) + 1)) / sw) + 1;
        var y = new double[oh * ow * filters];
        for (int oi = 0; oi < oh; oi++)
        {
            for (int oj = 0; oj < ow; oj++)
            {
                for (int f = 0; f < filters; f++)
                {
                    double sum = bias is null ? 0 : bias[f];
                    for (int ki = 0; ki < kh; ki++)
                    {
                        for (int kj = 0; kj < kw; kj++)
                        {
                            int i = (oi * sh) + (ki * dh) - pt, j = (oj * sw) + (kj * dw) - pl;
                            if (i < 0 || i >= x.Height || j < 0 || j >= x.Width)
                            {
                                continue;
                            }

                            for (int c = 0; c < x.Channels; c++)
                            {
                                sum += x[i, j, c] * kernel[(((((ki * kw) + kj) * x.Channels) + c) * filters) + f];
                            }
                        }
                    }

                    y[(((oi * ow) + oj) * filters) + f] = sum;
                }
            }
        }

        return new Map(y, oh, ow, filters);
    }

    /// <summary>DepthwiseConv2D, kernel <c>[kh, kw, in, multiplier]</c>, output channel <c>c * multiplier + m</c>.</summary>
    public static Map Depthwise(Map x, float[] kernel, float[]? bias, int kh, int kw, int multiplier, int sh, int sw, int dh, int dw, int pt, int pb, int pl, int pr)
    {
        int oh = ((x.Height + pt + pb - (((kh - 1) * dh) + 1)) / sh) + 1, ow = ((x.Width + pl + pr - (((kw - 1) * dw) + 1)) / sw) + 1;
        int depth = x.Channels * multiplier;
        var y = new double[oh * ow * depth];
        for (int oi = 0; oi < oh; oi++)
        {
            for (int oj = 0; oj < ow; oj++)
            {
                for (int c = 0; c < x.Channels; c++)
                {
                    for (int m = 0; m < multiplier; m++)
                    {
                        int o = (c * multiplier) + m;
                        double sum = bias is null ? 0 : bias[o];
                        for (int ki = 0; ki < kh; ki++)
                        {
                            for (int kj = 0; kj < kw; kj++)
                            {
                                int i = (oi * sh) + (ki * dh) - pt, j = (oj * sw) + (kj * dw) - pl;
                                if (i >= 0 && i < x.Height && j >= 0 && j < x.Width)
                                {
                                    sum += x[i, j, c] * kernel[(((((ki * kw) + kj) * x.Channels) + c) * multiplier) + m];
                                }
                            }
                        }

                        y[(((oi * ow) + oj) * depth) + o] = sum;
                    }
                }
            }
        }

        return new Map(y, oh, ow, depth);
    }

    /// <summary>Conv2DTranspose, kernel <c>[kh, kw, filters, in]</c>: each input pixel scattered through the kernel
    /// onto the output, at <c>input * stride + tap - padTop</c> (the input gradient of the convolution back).</summary>
    public static Map Conv2DTranspose(Map x, float[] kernel, float[]? bias, int kh, int kw, int filters, int sh, int sw, int pt, int pl, int oh, int ow)
    {
        var y = new double[oh * ow * filters];
        for (int p = 0; p < oh * ow; p++)
        {
            for (int f = 0; f < filters; f++)
            {
                y[(p * filters) + f] = bias is null ? 0 : bias[f];
            }
        }

        for (int i = 0; i < x.Height; i++)
        {
            for (int j = 0; j < x.Width; j++)
            {
                for (int ki = 0; ki < kh; ki++)
                {
                    for (int kj = 0; kj < kw; kj++)
                    {
                        int oi = (i * sh) + ki - pt, oj = (j * sw) + kj - pl;
                        if (oi < 0 || oi >= oh || oj < 0 || oj >= ow)
                        {
                            continue;
                        }

                        for (int f = 0; f < filters; f++)
                        {
                            double sum = 0;
                            for (int c = 0; c < x.Channels; c++)
                            {
                                sum += x[i, j, c] * kernel[(((((ki * kw) + kj) * filters) + f) * x.Channels) + c];
                            }

                            y[(((oi * ow) + oj) * filters) + f] += sum;
                        }
                    }
                }
            }
        }

        return new Map(y, oh, ow, filters);
    }

    /// <summary>Dense, kernel <c>[in, units]</c>.</summary>
    public static Map Dense(Map x, float[] kernel, float[]? bias, int units)
    {
        var y = new double[units];
        for (int u = 0; u < units; u++)
        {
            double sum = bias is null ? 0 : bias[u];
            for (int k = 0; k < x.Values.Length; k++)
            {
                sum += x.Values[k] * kernel[(k * units) + u];
            }

            y[u] = sum;
        }

        return Map.Vector(y);
    }

    /// <summary>BatchNormalization at inference over the last axis.</summary>
    public static Map BatchNorm(Map x, float[] gamma, float[] beta, float[] mean, float[] variance, double epsilon) =>
        x with
        {
            Values = x.Values.Select((v, k) =>
            {
                int c = k % x.Channels;
                return (gamma[c] * (v - mean[c]) / Math.Sqrt(variance[c] + epsilon)) + beta[c];
            }).ToArray(),
        };

    /// <summary>Softmax over the last axis (each pixel's channels).</summary>
    public static Map Softmax(Map x)
    {
        var y = new double[x.Values.Length];
        for (int start = 0; start < y.Length; start += x.Channels)
        {
            double max = x.Values.Skip(start).Take(x.Channels).Max();
            double sum = 0;
            for (int c = 0; c < x.Channels; c++)
            {
                sum += y[start + c] = Math.Exp(x.Values[start + c] - max);
            }

            for (int c = 0; c < x.Channels; c++)
            {
                y[start + c] /= sum;
            }
        }

        return x with { Values = y };
    }

    public static double ReLU(double v) => Math.Max(v, 0);

    /// <summary>Max or average pooling, explicit padding; an average counts only the input pixels it covers.</summary>
    public static Map Pool(Map x, bool max, int ph, int pw, int sh, int sw, int pt, int pb, int pl, int pr)
    {
        int oh = ((x.Height + pt + pb - ph) / sh) + 1, ow = ((x.Width + pl + pr - pw) / sw) + 1;
        var y = new double[oh * ow * x.Channels];
        for (int oi = 0; oi < oh; oi++)
        {
            for (int oj = 0; oj < ow; oj++)
            {
                for (int c = 0; c < x.Channels; c++)
                {
                    double best = double.NegativeInfinity, sum = 0;
                    int count = 0;
                    for (int i = (oi * sh) - pt; i < (oi * sh) - pt + ph; i++)
                    {
                        for (int j = (oj * sw) - pl; j < (oj * sw) - pl + pw; j++)
                        {
                            if (i >= 0 && i < x.Height && j >= 0 && j < x.Width)
                            {
                                best = Math.Max(best, x[i, j, c]);
                                sum += x[i, j, c];
                                count++;
                            }
                        }
                    }

                    y[(((oi * ow) + oj) * x.Channels) + c] = max ? best : sum / count;
                }
            }
        }

        return new Map(y, oh, ow, x.Channels);
    }

    /// <summary>Keras's <c>bilinear</c>: output pixel o samples <c>(o + 0.5) / size - 0.5</c>, clamped to the border.</summary>
    public static Map UpSampleBilinear(Map x, int sizeHeight, int sizeWidth)
    {
        int oh = x.Height * sizeHeight, ow = x.Width * sizeWidth;
        var y = new double[oh * ow * x.Channels];
        for (int oi = 0; oi < oh; oi++)
        {
            (int i0, int i1, double fy) = Source(oi, x.Height, sizeHeight);
            for (int oj = 0; oj < ow; oj++)
            {
                (int j0, int j1, double fx) = Source(oj, x.Width, sizeWidth);
                for (int c = 0; c < x.Channels; c++)
                {
                    y[(((oi * ow) + oj) * x.Channels) + c] = ((1 - fy) * (((1 - fx) * x[i0, j0, c]) + (fx * x[i0, j1, c])))
                        + (fy * (((1 - fx) * x[i1, j0, c]) + (fx * x[i1, j1, c])));
                }
            }
        }

        return new Map(y, oh, ow, x.Channels);

        static (int, int, double) Source(int o, int size, int scale)
        {
            double s = Math.Max(((o + 0.5) / scale) - 0.5, 0);
            int lower = Math.Min((int)Math.Floor(s), size - 1);
            int upper = Math.Min(lower + 1, size - 1);
            return (lower, upper, s - lower);
        }
    }

    /// <summary>Keras's <c>nearest</c>: each pixel repeated.</summary>
    public static Map UpSampleNearest(Map x, int sizeHeight, int sizeWidth) =>
        Build(x.Height * sizeHeight, x.Width * sizeWidth, x.Channels, (i, j, c) => x[i / sizeHeight, j / sizeWidth, c]);

    public static Map Pad(Map x, int top, int bottom, int left, int right) =>
        Build(x.Height + top + bottom, x.Width + left + right, x.Channels, (i, j, c) =>
            i < top || i >= top + x.Height || j < left || j >= left + x.Width ? 0 : x[i - top, j - left, c]);

    public static Map Crop(Map x, int top, int bottom, int left, int right) =>
        Build(x.Height - top - bottom, x.Width - left - right, x.Channels, (i, j, c) => x[i + top, j + left, c]);

    /// <summary>Maps of one height and width joined along their channels.</summary>
    public static Map Concatenate(params Map[] xs)
    {
        int channels = xs.Sum(x => x.Channels);
        var y = new double[xs[0].Height * xs[0].Width * channels];
        for (int p = 0; p < xs[0].Height * xs[0].Width; p++)
        {
            int offset = 0;
            foreach (Map x in xs)
            {
                Array.Copy(x.Values, p * x.Channels, y, (p * channels) + offset, x.Channels);
                offset += x.Channels;
            }
        }

        return new Map(y, xs[0].Height, xs[0].Width, channels);
    }

    public static Map Zip(Map a, Map b, Func<double, double, double> f) => a with { Values = a.Values.Zip(b.Values, f).ToArray() };

    private static Map Build(int height, int width, int channels, Func<int, int, int, double> value)
    {
        var y = new double[height * width * channels];
        for (int i = 0; i < height; i++)
        {
            for (int j = 0; j < width; j++)
            {
                for (int c = 0; c < channels; c++)
                {
                    y[(((i * width) + j) * channels) + c] = value(i, j, c);
                }
            }
        }

        return new Map(y, height, width, channels);
    }
}
