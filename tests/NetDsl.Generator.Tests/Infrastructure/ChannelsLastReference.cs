extern alias Generator;

using System;
using System.Collections.Generic;
using System.Linq;
using Generator::NetDsl.Generator.Layers;
using Generator::NetDsl.Generator.Onnx;
using Generator::NetDsl.Generator.Shapes;

namespace NetDsl.Generator.Tests.Infrastructure;

using Activation = Generator::NetDsl.Activation;
using Interpolation = Generator::NetDsl.Interpolation;

/// <summary>
/// A plain interpreter of a checked NetDsl network (the shape checker's layers, with their resolved windows) in
/// channels-last layout and double precision, written from the Keras definitions, with the weights an import
/// produced. Running it on an imported ONNX model and <see cref="OnnxReference"/> on the model itself checks the
/// layout conversion.
/// </summary>
internal static class ChannelsLastReference
{
    private const double SeluAlpha = 1.6732632423543772, SeluScale = 1.0507009873554805;

    /// <summary>One sample through the network: <paramref name="input"/> channels-last, the output too.</summary>
    public static double[] Run(NetworkModel network, IReadOnlyDictionary<string, ImportedTensor> tensors, double[] input)
    {
        var outputs = new List<double[]>();
        double[] Source(int index) => index < 0 ? input : outputs[index];
        foreach (LayerModel layer in network.Layers)
        {
            double[] Weight(string role) => tensors[layer.Name + "/" + role].Data.Select(v => (double)v).ToArray();
            double[]? Bias() => layer.Find("bias") is null ? null : Weight("bias");
            double[] x = Source(layer.Source);
            Shape i = layer.Input, o = layer.Output;
            double[] y = layer.Kind switch
            {
                "Conv2D" => Convolution(x, i, o, (ConvolutionDetails)layer.Details, Weight("kernel"), Bias()),
                "DepthwiseConv2D" => Depthwise(x, i, o, (DepthwiseDetails)layer.Details, Weight("depthwise_kernel"), Bias()),
                "Conv2DTranspose" => Transposed(x, i, o, ((TransposeDetails)layer.Details).Window, Weight("kernel"), Bias()),
                "Dense" => Dense(x, o.Length, Weight("kernel"), Bias()),
                "MaxPooling2D" or "AveragePooling2D" => Pool(x, i, o, ((PoolingDetails)layer.Details).Window, layer.Kind == "MaxPooling2D"),
                "GlobalAveragePooling2D" or "GlobalMaxPooling2D" => Pool(x, i, Shape.Map(1, 1, i.Channels), new Window(i.Height, i.Width, 1, 1, 0, 0, 0, 0), layer.Kind == "GlobalMaxPooling2D"),
                "Flatten" or "Reshape" or "Dropout" => x,
                "BatchNormalization" => BatchNorm(x, i.Channels, ((BatchNormDetails)layer.Details).Epsilon, Weight("gamma"), Weight("beta"), Weight("moving_mean"), Weight("moving_variance")),
                "Activation" or "LeakyReLU" => x,
                "ZeroPadding2D" or "Cropping2D" => Border(x, i, o, (BorderDetails)layer.Details, layer.Kind == "ZeroPadding2D"),
                "UpSampling2D" => UpSample(x, i, (UpSamplingDetails)layer.Details),
                "Add" => Merge(layer, Source, (a, b) => a + b),
                "Subtract" => Merge(layer, Source, (a, b) => a - b),
                "Multiply" => Merge(layer, Source, (a, b) => a * b),
                "Maximum" => Merge(layer, Source, Math.Max),
                "Average" => Merge(layer, Source, (a, b) => a + b).Select(v => v / layer.Sources.Count).ToArray(),
                "Concatenate" => Concatenate(layer, Source, network),
                _ => throw new NotSupportedException("The channels-last reference does not run " + layer.Kind + "."),
            };
            outputs.Add(Activate(y, layer.Activation, layer.Slope, o.Channels));
        }

        return outputs[outputs.Count - 1];
    }

    private static double[] Activate(double[] x, Activation activation, double slope, int channels)
    {
        if (activation == Activation.Softmax)
        {
            var y = new double[x.Length];
            for (int start = 0; start < x.Length; start += channels)
            {
                double max = x.Skip(start).Take(channels).Max();
                double sum = x.Skip(start).Take(channels).Sum(v => Math.Exp(v - max));
                for (int c = 0; c < channels; c++)
                {
                    y[start + c] = Math.Exp(x[start + c] - max) / sum;
                }
            }

            return y;
        }

        Func<double, double> f = activation switch
        {
            Activation.None => v => v,
            Activation.ReLU => v => Math.Max(v, 0),
            Activation.Sigmoid => v => 1 / (1 + Math.Exp(-v)),
            Activation.Tanh => Math.Tanh,
            Activation.LeakyReLU => v => v > 0 ? v : slope * v,
            Activation.ELU => v => v > 0 ? v : Math.Exp(v) - 1,
            Activation.SELU => v => SeluScale * (v > 0 ? v : SeluAlpha * (Math.Exp(v) - 1)),
            Activation.GELU => v => 0.5 * v * (1 + OnnxReference.Erf(v / Math.Sqrt(2))),
            Activation.Swish => v => v / (1 + Math.Exp(-v)),
            Activation.ReLU6 => v => Math.Min(Math.Max(v, 0), 6),
            Activation.Softplus => v => Math.Log(1 + Math.Exp(v)),
            Activation.Softsign => v => v / (1 + Math.Abs(v)),
            Activation.HardSigmoid => v => Math.Min(Math.Max(v + 3, 0), 6) / 6,
            _ => throw new NotSupportedException(activation.ToString()),
        };
        return x.Select(f).ToArray();
    }

    /// <summary>Keras Conv2D: out[i, j, m] = bias[m] + sum x[i*s - top + p*d, j*s - left + q*d, c] kernel[p, q, c, m].</summary>
    private static double[] Convolution(double[] x, Shape i, Shape o, ConvolutionDetails d, double[] kernel, double[]? bias)
    {
        Window k = d.Window;
        var y = new double[o.Length];
        for (int r = 0; r < o.Height; r++)
        {
            for (int col = 0; col < o.Width; col++)
            {
                for (int m = 0; m < o.Channels; m++)
                {
                    double sum = bias?[m] ?? 0;
                    for (int p = 0; p < d.KernelHeight; p++)
                    {
                        for (int q = 0; q < d.KernelWidth; q++)
                        {
                            int a = (r * k.StrideHeight) - k.PadTop + (p * d.DilationHeight), b = (col * k.StrideWidth) - k.PadLeft + (q * d.DilationWidth);
                            if (a < 0 || a >= i.Height || b < 0 || b >= i.Width)
                            {
                                continue;
                            }

                            for (int c = 0; c < i.Channels; c++)
                            {
                                sum += x[(((a * i.Width) + b) * i.Channels) + c] * kernel[(((((p * d.KernelWidth) + q) * i.Channels) + c) * o.Channels) + m];
                            }
                        }
                    }

                    y[(((r * o.Width) + col) * o.Channels) + m] = sum;
                }
            }
        }

        return y;
    }

    /// <summary>Keras DepthwiseConv2D: output channel c * multiplier + k reads input channel c with kernel[p, q, c, k].</summary>
    private static double[] Depthwise(double[] x, Shape i, Shape o, DepthwiseDetails d, double[] kernel, double[]? bias)
    {
        Window k = d.Window;
        var y = new double[o.Length];
        for (int r = 0; r < o.Height; r++)
        {
            for (int col = 0; col < o.Width; col++)
            {
                for (int c = 0; c < i.Channels; c++)
                {
                    for (int t = 0; t < d.Multiplier; t++)
                    {
                        int m = (c * d.Multiplier) + t;
                        double sum = bias?[m] ?? 0;
                        for (int p = 0; p < d.KernelHeight; p++)
                        {
                            for (int q = 0; q < d.KernelWidth; q++)
                            {
                                int a = (r * k.StrideHeight) - k.PadTop + (p * d.DilationHeight), b = (col * k.StrideWidth) - k.PadLeft + (q * d.DilationWidth);
                                if (a >= 0 && a < i.Height && b >= 0 && b < i.Width)
                                {
                                    sum += x[(((a * i.Width) + b) * i.Channels) + c] * kernel[(((((p * d.KernelWidth) + q) * i.Channels) + c) * d.Multiplier) + t];
                                }
                            }
                        }

                        y[(((r * o.Width) + col) * o.Channels) + m] = sum;
                    }
                }
            }
        }

        return y;
    }

    /// <summary>Keras Conv2DTranspose, the transpose of the convolution from its output to its input (window
    /// <paramref name="k"/>): each input pixel adds kernel[p, q, m, c] times itself at [a*s - top + p, b*s - left + q].</summary>
    private static double[] Transposed(double[] x, Shape i, Shape o, Window k, double[] kernel, double[]? bias)
    {
        var y = new double[o.Length];
        for (int n = 0; n < y.Length; n++)
        {
            y[n] = bias?[n % o.Channels] ?? 0;
        }

        for (int a = 0; a < i.Height; a++)
        {
            for (int b = 0; b < i.Width; b++)
            {
                for (int c = 0; c < i.Channels; c++)
                {
                    double v = x[(((a * i.Width) + b) * i.Channels) + c];
                    for (int p = 0; p < k.Height; p++)
                    {
                        for (int q = 0; q < k.Width; q++)
                        {
                            int r = (a * k.StrideHeight) - k.PadTop + p, col = (b * k.StrideWidth) - k.PadLeft + q;
                            if (r < 0 || r >= o.Height || col < 0 || col >= o.Width)
                            {
                                continue;
                            }

                            for (int m = 0; m < o.Channels; m++)
                            {
                                y[(((r * o.Width) + col) * o.Channels) + m] += v * kernel[(((((p * k.Width) + q) * o.Channels) + m) * i.Channels) + c];
                            }
                        }
                    }
                }
            }
        }

        return y;
    }

    private static double[] Dense(double[] x, int units, double[] kernel, double[]? bias)
    {
        var y = new double[units];
        for (int u = 0; u < units; u++)
        {
            double sum = bias?[u] ?? 0;
            for (int r = 0; r < x.Length; r++)
            {
                sum += x[r] * kernel[(r * units) + u];
            }

            y[u] = sum;
        }

        return y;
    }

    /// <summary>Keras pooling: padded cells never win a max and are not counted in an average.</summary>
    private static double[] Pool(double[] x, Shape i, Shape o, Window k, bool max)
    {
        var y = new double[o.Length];
        for (int r = 0; r < o.Height; r++)
        {
            for (int col = 0; col < o.Width; col++)
            {
                for (int c = 0; c < i.Channels; c++)
                {
                    double best = double.NegativeInfinity, sum = 0;
                    int count = 0;
                    for (int p = 0; p < k.Height; p++)
                    {
                        for (int q = 0; q < k.Width; q++)
                        {
                            int a = (r * k.StrideHeight) - k.PadTop + p, b = (col * k.StrideWidth) - k.PadLeft + q;
                            if (a >= 0 && a < i.Height && b >= 0 && b < i.Width)
                            {
                                double v = x[(((a * i.Width) + b) * i.Channels) + c];
                                best = Math.Max(best, v);
                                sum += v;
                                count++;
                            }
                        }
                    }

                    y[(((r * o.Width) + col) * i.Channels) + c] = max ? best : sum / count;
                }
            }
        }

        return y;
    }

    private static double[] BatchNorm(double[] x, int channels, double epsilon, double[] gamma, double[] beta, double[] mean, double[] variance) =>
        x.Select((v, n) => ((v - mean[n % channels]) / Math.Sqrt(variance[n % channels] + epsilon) * gamma[n % channels]) + beta[n % channels]).ToArray();

    private static double[] Border(double[] x, Shape i, Shape o, BorderDetails d, bool adds)
    {
        var y = new double[o.Length];
        for (int r = 0; r < o.Height; r++)
        {
            for (int col = 0; col < o.Width; col++)
            {
                int a = adds ? r - d.Top : r + d.Top, b = adds ? col - d.Left : col + d.Left;
                if (a < 0 || a >= i.Height || b < 0 || b >= i.Width)
                {
                    continue;
                }

                for (int c = 0; c < o.Channels; c++)
                {
                    y[(((r * o.Width) + col) * o.Channels) + c] = x[(((a * i.Width) + b) * i.Channels) + c];
                }
            }
        }

        return y;
    }

    /// <summary>Keras UpSampling2D: nearest repeats pixels; bilinear samples at half-pixel centres, clamped.</summary>
    private static double[] UpSample(double[] x, Shape i, UpSamplingDetails d)
    {
        int oh = i.Height * d.SizeHeight, ow = i.Width * d.SizeWidth;
        var y = new double[oh * ow * i.Channels];
        for (int r = 0; r < oh; r++)
        {
            for (int col = 0; col < ow; col++)
            {
                for (int c = 0; c < i.Channels; c++)
                {
                    double At(int a, int b) => x[(((Math.Clamp(a, 0, i.Height - 1) * i.Width) + Math.Clamp(b, 0, i.Width - 1)) * i.Channels) + c];
                    double value;
                    if (d.Interpolation == Interpolation.Nearest)
                    {
                        value = At(r / d.SizeHeight, col / d.SizeWidth);
                    }
                    else
                    {
                        double fr = ((r + 0.5) / d.SizeHeight) - 0.5, fc = ((col + 0.5) / d.SizeWidth) - 0.5;
                        int r0 = (int)Math.Floor(fr), c0 = (int)Math.Floor(fc);
                        double dr = fr - r0, dc = fc - c0;
                        value = (At(r0, c0) * (1 - dr) * (1 - dc)) + (At(r0, c0 + 1) * (1 - dr) * dc) + (At(r0 + 1, c0) * dr * (1 - dc)) + (At(r0 + 1, c0 + 1) * dr * dc);
                    }

                    y[(((r * ow) + col) * i.Channels) + c] = value;
                }
            }
        }

        return y;
    }

    private static double[] Merge(LayerModel layer, Func<int, double[]> source, Func<double, double, double> f)
    {
        double[] y = source(layer.Sources[0]).ToArray();
        foreach (int s in layer.Sources.Skip(1))
        {
            double[] other = source(s);
            for (int n = 0; n < y.Length; n++)
            {
                y[n] = f(y[n], other[n]);
            }
        }

        return y;
    }

    private static double[] Concatenate(LayerModel layer, Func<int, double[]> source, NetworkModel network)
    {
        Shape o = layer.Output;
        int pixels = o.IsMap ? o.Height * o.Width : 1;
        var y = new double[o.Length];
        int offset = 0;
        foreach (int s in layer.Sources)
        {
            int channels = s < 0 ? network.Input.Channels : network.Layers[s].Output.Channels;
            double[] x = source(s);
            for (int p = 0; p < pixels; p++)
            {
                Array.Copy(x, p * channels, y, (p * o.Channels) + offset, channels);
            }

            offset += channels;
        }

        return y;
    }
}
