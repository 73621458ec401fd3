using System;
using System.Collections.Generic;
using System.Linq;

namespace NetDsl.Tests.Reference;

/// <summary>
/// A deliberately naive interpreter of a network's layer attributes (read by reflection, in declaration
/// order), written straight from the Keras/TensorFlow definitions in double precision. It shares no code
/// with the generator: it is the independent reference the generated forward (and backward) passes are
/// checked against.
/// </summary>
internal enum LossMode
{
    /// <summary>Final softmax over the whole output, fused with the loss.</summary>
    Softmax,

    /// <summary>Linear output taken as logits.</summary>
    Logits,

    /// <summary>Anything else, taken as probabilities (clipped and normalised).</summary>
    Probabilities,
}

internal sealed class ReferenceNetwork
{
    private readonly List<LayerAttribute> _layers;

    private ReferenceNetwork(Type type)
    {
        _layers = type.GetCustomAttributes(inherit: false).OfType<LayerAttribute>().ToList();
        var input = (InputAttribute)_layers[0];
        _layers.RemoveAt(0);
        InputShape = input.Length > 0 ? new[] { input.Length } : new[] { input.Height, input.Width, input.Channels };
        int[] shape = InputShape;
        foreach (LayerAttribute layer in _layers)
        {
            ParameterCount += ParameterCountOf(layer, shape);
            shape = OutputShapeOf(layer, shape);
        }

        OutputShape = shape;
    }

    public int[] InputShape { get; }

    public int[] OutputShape { get; }

    public int ParameterCount { get; }

    public static ReferenceNetwork For(Type type) => new(type);

    public static ReferenceNetwork For<T>() => new(typeof(T));

    /// <summary>Every layer's output for one sample; the last is the network's output.</summary>
    public List<double[]> ForwardAll(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input)
    {
        var outputs = new List<double[]>();
        double[] x = input.ToArray();
        int[] shape = InputShape;
        int offset = 0;
        foreach (LayerAttribute layer in _layers)
        {
            (x, shape) = Apply(layer, x, shape, parameters, ref offset);
            outputs.Add(x);
        }

        return outputs;
    }

    public double[] Forward(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input)
    {
        List<double[]> all = ForwardAll(parameters, input);
        return all.Count == 0 ? input.ToArray() : all[^1];
    }

    public double[] Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input) =>
        Forward(ToDouble(parameters), ToDouble(input));

    public static double[] ToDouble(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }

        return result;
    }

    /// <summary>How Keras's sparse categorical cross-entropy reads this network's output.</summary>
    public LossMode Loss
    {
        get
        {
            LayerAttribute? last = _layers.LastOrDefault(l => l is not FlattenAttribute);
            Activation activation = last switch
            {
                Conv2DAttribute c => c.Activation,
                DenseAttribute d => d.Activation,
                ActivationAttribute a => a.Kind,
                _ => Activation.None,
            };
            if (activation == Activation.None)
            {
                return LossMode.Logits;
            }

            // A softmax over the whole output is fused with the loss; per-pixel softmax is not.
            int[] shapeBeforeFlatten = OutputShapeBefore(_layers.LastIndexOf(last!) + 1);
            return activation == Activation.Softmax && shapeBeforeFlatten[^1] == OutputShape.Aggregate(1, (a, b) => a * b)
                ? LossMode.Softmax
                : LossMode.Probabilities;
        }
    }

    /// <summary>Sparse categorical cross-entropy of one output, in double, Keras's way for each mode.</summary>
    public double SampleLoss(double[] output, int label)
    {
        switch (Loss)
        {
            case LossMode.Softmax:
                return -Math.Log(output[label]);
            case LossMode.Logits:
            {
                double max = output.Max();
                return Math.Log(output.Sum(z => Math.Exp(z - max))) + max - output[label];
            }

            default:
            {
                const double eps = 1e-7f;
                double[] clipped = output.Select(y => Math.Clamp(y, eps, 1 - eps)).ToArray();
                return Math.Log(clipped.Sum()) - Math.Log(clipped[label]);
            }
        }
    }

    private int[] OutputShapeBefore(int layerCount)
    {
        int[] shape = InputShape;
        for (int i = 0; i < layerCount; i++)
        {
            shape = OutputShapeOf(_layers[i], shape);
        }

        return shape;
    }

    private static int[] OutputShapeOf(LayerAttribute layer, int[] shape) => layer switch
    {
        Conv2DAttribute c => Windowed(shape, c.KernelHeight, c.KernelWidth, StrideH(c), StrideW(c), c.Padding, c.Filters),
        Pooling2DAttribute p => Windowed(shape, p.PoolHeight, p.PoolWidth, StrideH(p), StrideW(p), p.Padding, shape[2]),
        GlobalAveragePooling2DAttribute or GlobalMaxPooling2DAttribute => new[] { shape[2] },
        FlattenAttribute => new[] { shape.Aggregate(1, (a, b) => a * b) },
        DenseAttribute d => new[] { d.Units },
        ActivationAttribute => shape,
        _ => throw new NotSupportedException(layer.GetType().Name),
    };

    private static int ParameterCountOf(LayerAttribute layer, int[] inputShape) => layer switch
    {
        Conv2DAttribute c => c.KernelHeight * c.KernelWidth * inputShape[2] * c.Filters + (c.UseBias ? c.Filters : 0),
        DenseAttribute d => inputShape[0] * d.Units + (d.UseBias ? d.Units : 0),
        _ => 0,
    };

    private static int[] Windowed(int[] shape, int kh, int kw, int sh, int sw, Padding padding, int channels)
    {
        (int oh, _) = Axis(shape[0], kh, sh, padding);
        (int ow, _) = Axis(shape[1], kw, sw, padding);
        return new[] { oh, ow, channels };
    }

    /// <summary>Output size and leading padding along one axis, TensorFlow's rule.</summary>
    public static (int Out, int PadBefore) Axis(int input, int window, int stride, Padding padding)
    {
        if (padding == Padding.Valid)
        {
            return ((input - window) / stride + 1, 0);
        }

        int output = (input + stride - 1) / stride;
        int total = Math.Max((output - 1) * stride + window - input, 0);
        return (output, total / 2);
    }

    private static int StrideH(Conv2DAttribute c) => c.StrideHeight > 0 ? c.StrideHeight : c.Strides;

    private static int StrideW(Conv2DAttribute c) => c.StrideWidth > 0 ? c.StrideWidth : c.Strides;

    private static int StrideH(Pooling2DAttribute p) => p.StrideHeight > 0 ? p.StrideHeight : p.Strides > 0 ? p.Strides : p.PoolHeight;

    private static int StrideW(Pooling2DAttribute p) => p.StrideWidth > 0 ? p.StrideWidth : p.Strides > 0 ? p.Strides : p.PoolWidth;

    private static (double[] Output, int[] Shape) Apply(LayerAttribute layer, double[] x, int[] shape, ReadOnlySpan<double> p, ref int offset)
    {
        int[] outShape = OutputShapeOf(layer, shape);
        switch (layer)
        {
            case Conv2DAttribute c:
            {
                int h = shape[0], w = shape[1], cin = shape[2], kh = c.KernelHeight, kw = c.KernelWidth, f = c.Filters;
                (int oh, int padTop) = Axis(h, kh, StrideH(c), c.Padding);
                (int ow, int padLeft) = Axis(w, kw, StrideW(c), c.Padding);
                ReadOnlySpan<double> kernel = p.Slice(offset, kh * kw * cin * f);
                offset += kernel.Length;
                ReadOnlySpan<double> bias = c.UseBias ? p.Slice(offset, f) : ReadOnlySpan<double>.Empty;
                offset += bias.Length;
                var y = new double[oh * ow * f];
                for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                for (int co = 0; co < f; co++)
                {
                    double sum = c.UseBias ? bias[co] : 0;
                    for (int ky = 0; ky < kh; ky++)
                    for (int kx = 0; kx < kw; kx++)
                    {
                        int iy = oy * StrideH(c) + ky - padTop, ix = ox * StrideW(c) + kx - padLeft;
                        if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                        {
                            continue; // zero padding
                        }

                        for (int ci = 0; ci < cin; ci++)
                        {
                            sum += x[(iy * w + ix) * cin + ci] * kernel[((ky * kw + kx) * cin + ci) * f + co];
                        }
                    }

                    y[(oy * ow + ox) * f + co] = sum;
                }

                Activate(y, c.Activation, f);
                return (y, outShape);
            }

            case Pooling2DAttribute pool:
            {
                bool max = pool is MaxPooling2DAttribute;
                int h = shape[0], w = shape[1], ch = shape[2], ph = pool.PoolHeight, pw = pool.PoolWidth;
                (int oh, int padTop) = Axis(h, ph, StrideH(pool), pool.Padding);
                (int ow, int padLeft) = Axis(w, pw, StrideW(pool), pool.Padding);
                var y = new double[oh * ow * ch];
                for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                for (int c = 0; c < ch; c++)
                {
                    double acc = max ? double.NegativeInfinity : 0;
                    int count = 0;
                    for (int ky = 0; ky < ph; ky++)
                    for (int kx = 0; kx < pw; kx++)
                    {
                        int iy = oy * StrideH(pool) + ky - padTop, ix = ox * StrideW(pool) + kx - padLeft;
                        if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                        {
                            continue; // padding is ignored by both max and average pooling
                        }

                        double v = x[(iy * w + ix) * ch + c];
                        acc = max ? Math.Max(acc, v) : acc + v;
                        count++;
                    }

                    y[(oy * ow + ox) * ch + c] = max ? acc : acc / count;
                }

                return (y, outShape);
            }

            case GlobalAveragePooling2DAttribute or GlobalMaxPooling2DAttribute:
            {
                bool max = layer is GlobalMaxPooling2DAttribute;
                int pixels = shape[0] * shape[1], ch = shape[2];
                var y = new double[ch];
                for (int c = 0; c < ch; c++)
                {
                    double acc = max ? double.NegativeInfinity : 0;
                    for (int i = 0; i < pixels; i++)
                    {
                        acc = max ? Math.Max(acc, x[i * ch + c]) : acc + x[i * ch + c];
                    }

                    y[c] = max ? acc : acc / pixels;
                }

                return (y, outShape);
            }

            case FlattenAttribute:
                return ((double[])x.Clone(), outShape);

            case DenseAttribute d:
            {
                int n = x.Length, u = d.Units;
                ReadOnlySpan<double> kernel = p.Slice(offset, n * u);
                offset += kernel.Length;
                ReadOnlySpan<double> bias = d.UseBias ? p.Slice(offset, u) : ReadOnlySpan<double>.Empty;
                offset += bias.Length;
                var y = new double[u];
                for (int j = 0; j < u; j++)
                {
                    double sum = d.UseBias ? bias[j] : 0;
                    for (int i = 0; i < n; i++)
                    {
                        sum += x[i] * kernel[i * u + j];
                    }

                    y[j] = sum;
                }

                Activate(y, d.Activation, u);
                return (y, outShape);
            }

            case ActivationAttribute a:
            {
                var y = (double[])x.Clone();
                Activate(y, a.Kind, shape[^1]);
                return (y, outShape);
            }

            default:
                throw new NotSupportedException(layer.GetType().Name);
        }
    }

    public static void Activate(double[] y, Activation activation, int groupLength)
    {
        switch (activation)
        {
            case Activation.ReLU:
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = Math.Max(y[i], 0);
                }

                break;
            case Activation.Sigmoid:
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = 1 / (1 + Math.Exp(-y[i]));
                }

                break;
            case Activation.Tanh:
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = Math.Tanh(y[i]);
                }

                break;
            case Activation.Softmax:
                for (int start = 0; start < y.Length; start += groupLength)
                {
                    double max = double.NegativeInfinity;
                    for (int i = start; i < start + groupLength; i++)
                    {
                        max = Math.Max(max, y[i]);
                    }

                    double sum = 0;
                    for (int i = start; i < start + groupLength; i++)
                    {
                        y[i] = Math.Exp(y[i] - max);
                        sum += y[i];
                    }

                    for (int i = start; i < start + groupLength; i++)
                    {
                        y[i] /= sum;
                    }
                }

                break;
        }
    }
}
