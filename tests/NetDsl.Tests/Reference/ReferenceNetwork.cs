using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Kernels;

namespace NetDsl.Tests.Reference;

/// <summary>
/// A deliberately naive interpreter of a network's layer attributes (read by reflection, in declaration
/// order), written straight from the Keras/TensorFlow definitions in double precision. It shares no code
/// with the generator: it is the independent reference the generated forward (and backward) passes are
/// checked against. Only the dropout masks come from the runtime (<see cref="DropoutKernels.Keeps"/>): which
/// values a step drops is arbitrary, so the reference asks rather than guesses.
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

/// <summary>Inference (moving statistics, no dropout) or one training step (batch statistics, the dropout masks
/// of step <see cref="Step"/> of a network built with <see cref="NetworkSeed"/>).</summary>
internal readonly record struct ReferenceMode(bool Training, int NetworkSeed, long Step)
{
    public static ReferenceMode Inference => default;

    /// <summary>The <paramref name="step"/>-th training call (counting from 1) of a network created with
    /// <paramref name="networkSeed"/>.</summary>
    public static ReferenceMode TrainingStep(int networkSeed, long step) => new(true, networkSeed, step);
}

internal sealed class ReferenceNetwork
{
    /// <summary>Keras's default slope of <c>keras.activations.leaky_relu</c>.</summary>
    public const double ActivationLeakySlope = 0.2;

    private const double SeluAlpha = 1.6732632423543772;
    private const double SeluScale = 1.0507009873554805;

    private readonly List<LayerAttribute> _layers;
    private readonly List<int[]> _sources = new();
    private readonly List<int[]> _shapes = new();

    private ReferenceNetwork(Type type)
    {
        _layers = type.GetCustomAttributes(inherit: false).OfType<LayerAttribute>().ToList();
        var input = (InputAttribute)_layers[0];
        _layers.RemoveAt(0);
        InputShape = input.Length > 0 ? new[] { input.Length } : new[] { input.Height, input.Width, input.Channels };

        // Keras's naming: a given name, else the class's prefix with a counter over unnamed layers of the class.
        var names = new List<string> { input.Name ?? "input_layer" };
        var counters = new Dictionary<string, int>();
        foreach (LayerAttribute layer in _layers)
        {
            string prefix = KerasPrefix(layer);
            counters.TryGetValue(prefix, out int seen);
            names.Add(layer.Name ?? (seen == 0 ? prefix : prefix + "_" + seen));
            if (layer.Name is null)
            {
                counters[prefix] = seen + 1;
            }
        }

        int Find(string name) => names.IndexOf(name) - 1;
        for (int i = 0; i < _layers.Count; i++)
        {
            LayerAttribute layer = _layers[i];
            int[] sources = layer is MergeAttribute merge ? merge.Inputs.Select(Find).ToArray()
                : layer.From is { } from ? new[] { Find(from) }
                : new[] { i - 1 };
            _sources.Add(sources);
            int[][] shapes = sources.Select(j => j < 0 ? InputShape : _shapes[j]).ToArray();
            ParameterCount += ParameterCountOf(layer, shapes[0]);
            _shapes.Add(layer is ConcatenateAttribute ? shapes[0][..^1].Append(shapes.Sum(s => s[^1])).ToArray() : OutputShapeOf(layer, shapes[0]));
        }

        OutputShape = _shapes.Count == 0 ? InputShape : _shapes[^1];
    }

    private static string KerasPrefix(LayerAttribute layer) => layer switch
    {
        Conv2DAttribute => "conv2d",
        DepthwiseConv2DAttribute => "depthwise_conv2d",
        Conv2DTransposeAttribute => "conv2d_transpose",
        SeparableConv2DAttribute => "separable_conv2d",
        MaxPooling2DAttribute => "max_pooling2d",
        AveragePooling2DAttribute => "average_pooling2d",
        GlobalAveragePooling2DAttribute => "global_average_pooling2d",
        GlobalMaxPooling2DAttribute => "global_max_pooling2d",
        FlattenAttribute => "flatten",
        DenseAttribute => "dense",
        ActivationAttribute => "activation",
        LeakyReLUAttribute => "leaky_re_lu",
        BatchNormalizationAttribute => "batch_normalization",
        DropoutAttribute => "dropout",
        SpatialDropout2DAttribute => "spatial_dropout2d",
        AddAttribute => "add",
        SubtractAttribute => "subtract",
        MultiplyAttribute => "multiply",
        AverageAttribute => "average",
        MaximumAttribute => "maximum",
        ConcatenateAttribute => "concatenate",
        UpSampling2DAttribute => "up_sampling2d",
        ZeroPadding2DAttribute => "zero_padding2d",
        Cropping2DAttribute => "cropping2d",
        ReshapeAttribute => "reshape",
        _ => throw new NotSupportedException(layer.GetType().Name),
    };

    public int[] InputShape { get; }

    public int[] OutputShape { get; }

    public int ParameterCount { get; }

    public IReadOnlyList<LayerAttribute> Layers => _layers;

    public static ReferenceNetwork For(Type type) => new(type);

    public static ReferenceNetwork For<T>() => new(typeof(T));

    /// <summary>Every layer's output for one sample in inference; the last is the network's output.</summary>
    public List<double[]> ForwardAll(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input) =>
        ForwardBatchAll(parameters, new[] { input.ToArray() }, ReferenceMode.Inference, out _).Select(outputs => outputs[0]).ToList();

    public double[] Forward(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input) =>
        ForwardBatch(parameters, new[] { input.ToArray() }, ReferenceMode.Inference)[0];

    public double[] Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input) =>
        Forward(ToDouble(parameters), ToDouble(input));

    /// <summary>The outputs of a batch in <paramref name="mode"/>.</summary>
    public double[][] ForwardBatch(ReadOnlySpan<double> parameters, double[][] inputs, ReferenceMode mode) =>
        ForwardBatch(parameters, inputs, mode, out _);

    /// <summary>The outputs of a batch in <paramref name="mode"/>, and in training each BatchNormalization's batch
    /// mean and (biased) variance, in layer order.</summary>
    public double[][] ForwardBatch(ReadOnlySpan<double> parameters, double[][] inputs, ReferenceMode mode, out List<(double[] Mean, double[] Variance)> statistics)
    {
        List<double[][]> all = ForwardBatchAll(parameters, inputs, mode, out statistics);
        return all.Count == 0 ? inputs.Select(x => (double[])x.Clone()).ToArray() : all[^1];
    }

    /// <summary>Every layer's outputs for a batch: element [layer][sample].</summary>
    public List<double[][]> ForwardBatchAll(ReadOnlySpan<double> parameters, double[][] inputs, ReferenceMode mode, out List<(double[] Mean, double[] Variance)> statistics)
    {
        statistics = new List<(double[], double[])>();
        var outputs = new List<double[][]>();
        double[][] input = inputs.Select(v => (double[])v.Clone()).ToArray();
        int offset = 0;
        for (int index = 0; index < _layers.Count; index++)
        {
            LayerAttribute layer = _layers[index];
            int[] sources = _sources[index];
            double[][] x = sources[0] < 0 ? input : outputs[sources[0]];
            int[] shape = sources[0] < 0 ? InputShape : _shapes[sources[0]];
            if (layer is MergeAttribute)
            {
                double[][][] all = sources.Select(j => j < 0 ? input : outputs[j]).ToArray();
                int[][] shapes = sources.Select(j => j < 0 ? InputShape : _shapes[j]).ToArray();
                x = Enumerable.Range(0, input.Length).Select(n => Merge(layer, all.Select(a => a[n]).ToArray(), shapes)).ToArray();
            }
            else if (layer is BatchNormalizationAttribute bn)
            {
                x = BatchNormalize(bn, x, shape[^1], parameters, ref offset, mode, statistics);
            }
            else if (layer is DropoutAttribute or SpatialDropout2DAttribute)
            {
                x = mode.Training ? Drop(layer, x, shape[^1], mode, index) : x.Select(v => (double[])v.Clone()).ToArray();
            }
            else
            {
                int start = offset;
                var y = new double[x.Length][];
                for (int n = 0; n < x.Length; n++)
                {
                    offset = start;
                    y[n] = Apply(layer, (double[])x[n].Clone(), shape, parameters, ref offset);
                }

                if (x.Length == 0)
                {
                    offset += ParameterCountOf(layer, shape);
                }

                x = y;
            }

            outputs.Add(x);
        }

        return outputs;
    }

    /// <summary>Keras's merge layers on one sample: element-wise over inputs of one shape (Maximum's ties to the
    /// first input), or Concatenate along the last axis.</summary>
    private static double[] Merge(LayerAttribute layer, double[][] x, int[][] shapes)
    {
        if (layer is ConcatenateAttribute)
        {
            int pixels = x[0].Length / shapes[0][^1];
            var joined = new List<double>();
            for (int p = 0; p < pixels; p++)
            {
                for (int k = 0; k < x.Length; k++)
                {
                    int c = shapes[k][^1];
                    joined.AddRange(x[k].Skip(p * c).Take(c));
                }
            }

            return joined.ToArray();
        }

        var y = new double[x[0].Length];
        for (int i = 0; i < y.Length; i++)
        {
            double[] values = x.Select(v => v[i]).ToArray();
            y[i] = layer switch
            {
                AddAttribute => values.Sum(),
                SubtractAttribute => values[0] - values[1],
                MultiplyAttribute => values.Aggregate(1.0, (a, b) => a * b),
                AverageAttribute => values.Average(),
                MaximumAttribute => values.Max(),
                _ => throw new NotSupportedException(layer.GetType().Name),
            };
        }

        return y;
    }

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
            // The layer that computes the output: back from the last through Flatten views.
            int final = _layers.Count - 1;
            while (final >= 0 && _layers[final] is FlattenAttribute)
            {
                final = _sources[final][0];
            }

            LayerAttribute? last = final < 0 ? null : _layers[final];
            Activation activation = last switch
            {
                Conv2DAttribute c => c.Activation,
                DepthwiseConv2DAttribute c => c.Activation,
                Conv2DTransposeAttribute c => c.Activation,
                SeparableConv2DAttribute c => c.Activation,
                DenseAttribute d => d.Activation,
                ActivationAttribute a => a.Kind,
                LeakyReLUAttribute => Activation.LeakyReLU,
                _ => Activation.None,
            };
            if (activation == Activation.None)
            {
                return LossMode.Logits;
            }

            // A softmax over the whole output is fused with the loss; per-pixel softmax is not.
            int[] shapeBeforeFlatten = _shapes[final];
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

    private static int[] OutputShapeOf(LayerAttribute layer, int[] shape) => layer switch
    {
        Conv2DAttribute c => Windowed(shape, (c.KernelHeight - 1) * Rate(c.DilationHeight, c.DilationRate) + 1,
            (c.KernelWidth - 1) * Rate(c.DilationWidth, c.DilationRate) + 1, StrideH(c), StrideW(c), c.Padding, c.Filters),
        Conv2DTransposeAttribute t => new[]
        {
            shape[0] * Rate(t.StrideHeight, t.Strides) + (t.Padding == Padding.Valid ? Math.Max(t.KernelHeight - Rate(t.StrideHeight, t.Strides), 0) : 0),
            shape[1] * Rate(t.StrideWidth, t.Strides) + (t.Padding == Padding.Valid ? Math.Max(t.KernelWidth - Rate(t.StrideWidth, t.Strides), 0) : 0),
            t.Filters,
        },
        DepthwiseConv2DAttribute d => Windowed(shape, (d.KernelHeight - 1) * Rate(d.DilationHeight, d.DilationRate) + 1,
            (d.KernelWidth - 1) * Rate(d.DilationWidth, d.DilationRate) + 1, Rate(d.StrideHeight, d.Strides),
            Rate(d.StrideWidth, d.Strides), d.Padding, shape[2] * d.DepthMultiplier),
        SeparableConv2DAttribute s => Windowed(shape, (s.KernelHeight - 1) * Rate(s.DilationHeight, s.DilationRate) + 1,
            (s.KernelWidth - 1) * Rate(s.DilationWidth, s.DilationRate) + 1, Rate(s.StrideHeight, s.Strides),
            Rate(s.StrideWidth, s.Strides), s.Padding, s.Filters),
        Pooling2DAttribute p => Windowed(shape, p.PoolHeight, p.PoolWidth, StrideH(p), StrideW(p), p.Padding, shape[2]),
        GlobalAveragePooling2DAttribute or GlobalMaxPooling2DAttribute => new[] { shape[2] },
        FlattenAttribute => new[] { shape.Aggregate(1, (a, b) => a * b) },
        DenseAttribute d => new[] { d.Units },
        ActivationAttribute or LeakyReLUAttribute or BatchNormalizationAttribute or DropoutAttribute or SpatialDropout2DAttribute or MergeAttribute => shape,
        UpSampling2DAttribute u => new[] { shape[0] * u.SizeHeight, shape[1] * u.SizeWidth, shape[2] },
        ZeroPadding2DAttribute z => new[] { shape[0] + z.Top + z.Bottom, shape[1] + z.Left + z.Right, shape[2] },
        Cropping2DAttribute c => new[] { shape[0] - c.Top - c.Bottom, shape[1] - c.Left - c.Right, shape[2] },
        ReshapeAttribute r => Reshaped(r, shape.Aggregate(1, (a, b) => a * b)),
        _ => throw new NotSupportedException(layer.GetType().Name),
    };

    private static int[] Reshaped(ReshapeAttribute r, int total)
    {
        int[] sizes = r.Length != 0 ? new[] { r.Length } : new[] { r.Height, r.Width, r.Channels };
        int known = sizes.Where(s => s != -1).Aggregate(1, (a, b) => a * b);
        return sizes.Select(s => s == -1 ? total / known : s).ToArray();
    }

    private static int ParameterCountOf(LayerAttribute layer, int[] inputShape) => layer switch
    {
        Conv2DAttribute c => c.KernelHeight * c.KernelWidth * inputShape[2] * c.Filters + (c.UseBias ? c.Filters : 0),
        Conv2DTransposeAttribute t => t.KernelHeight * t.KernelWidth * t.Filters * inputShape[2] + (t.UseBias ? t.Filters : 0),
        DepthwiseConv2DAttribute d => d.KernelHeight * d.KernelWidth * inputShape[2] * d.DepthMultiplier + (d.UseBias ? inputShape[2] * d.DepthMultiplier : 0),
        SeparableConv2DAttribute s => s.KernelHeight * s.KernelWidth * inputShape[2] * s.DepthMultiplier + inputShape[2] * s.DepthMultiplier * s.Filters + (s.UseBias ? s.Filters : 0),
        DenseAttribute d => inputShape[0] * d.Units + (d.UseBias ? d.Units : 0),
        BatchNormalizationAttribute bn => inputShape[^1] * ((bn.Scale ? 1 : 0) + (bn.Center ? 1 : 0) + 2),
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

    /// <summary>A per-axis setting (StrideHeight, DilationWidth, ...) where set, else the one for both axes.</summary>
    private static int Rate(int axis, int both) => axis > 0 ? axis : both;

    private static int StrideH(Conv2DAttribute c) => Rate(c.StrideHeight, c.Strides);

    private static int StrideW(Conv2DAttribute c) => Rate(c.StrideWidth, c.Strides);

    private static int StrideH(Pooling2DAttribute p) => Rate(p.StrideHeight, Rate(p.Strides, p.PoolHeight));

    private static int StrideW(Pooling2DAttribute p) => Rate(p.StrideWidth, Rate(p.Strides, p.PoolWidth));

    /// <summary>
    /// Keras's BatchNormalization over the last axis: in training, each channel's mean and biased variance over
    /// the batch and every pixel, <c>gamma * (x - mean) / sqrt(variance + epsilon) + beta</c>; in inference the
    /// same with the moving statistics. Tensors in order: gamma (if scale), beta (if center), moving mean,
    /// moving variance.
    /// </summary>
    private static double[][] BatchNormalize(BatchNormalizationAttribute bn, double[][] x, int channels, ReadOnlySpan<double> p, ref int offset,
        ReferenceMode mode, List<(double[] Mean, double[] Variance)> statistics)
    {
        double[] gamma = bn.Scale ? p.Slice(offset, channels).ToArray() : Enumerable.Repeat(1.0, channels).ToArray();
        offset += bn.Scale ? channels : 0;
        double[] beta = bn.Center ? p.Slice(offset, channels).ToArray() : new double[channels];
        offset += bn.Center ? channels : 0;
        double[] mean = p.Slice(offset, channels).ToArray();
        double[] variance = p.Slice(offset + channels, channels).ToArray();
        offset += 2 * channels;
        if (mode.Training)
        {
            mean = new double[channels];
            variance = new double[channels];
            long count = 0;
            foreach (double[] sample in x)
            {
                for (int i = 0; i < sample.Length; i++)
                {
                    mean[i % channels] += sample[i];
                }

                count += sample.Length / channels;
            }

            for (int c = 0; c < channels; c++)
            {
                mean[c] /= count;
            }

            foreach (double[] sample in x)
            {
                for (int i = 0; i < sample.Length; i++)
                {
                    double d = sample[i] - mean[i % channels];
                    variance[i % channels] += d * d;
                }
            }

            for (int c = 0; c < channels; c++)
            {
                variance[c] /= count;
            }

            statistics.Add((mean, variance));
        }

        double[][] y = new double[x.Length][];
        for (int n = 0; n < x.Length; n++)
        {
            y[n] = new double[x[n].Length];
            for (int i = 0; i < x[n].Length; i++)
            {
                int c = i % channels;
                y[n][i] = gamma[c] * (x[n][i] - mean[c]) / Math.Sqrt(variance[c] + bn.Epsilon) + beta[c];
            }
        }

        return y;
    }

    /// <summary>Inverted dropout of one training step: kept values are scaled by 1 / (1 - rate); SpatialDropout2D
    /// keeps or drops whole channels.</summary>
    private static double[][] Drop(LayerAttribute layer, double[][] x, int channels, ReferenceMode mode, int layerIndex)
    {
        bool spatial = layer is SpatialDropout2DAttribute;
        double rate = layer is DropoutAttribute d ? d.Rate : ((SpatialDropout2DAttribute)layer).Rate;
        ulong seed = DropoutKernels.Seed(mode.NetworkSeed);
        double[][] y = new double[x.Length][];
        for (int n = 0; n < x.Length; n++)
        {
            ulong stream = DropoutKernels.Stream(seed, mode.Step, n, layerIndex);
            y[n] = new double[x[n].Length];
            for (int i = 0; i < x[n].Length; i++)
            {
                bool keep = DropoutKernels.Keeps(stream, spatial ? i % channels : i, (float)rate);
                y[n][i] = keep ? x[n][i] / (1 - rate) : 0;
            }
        }

        return y;
    }

    private static double[] Apply(LayerAttribute layer, double[] x, int[] shape, ReadOnlySpan<double> p, ref int offset)
    {
        switch (layer)
        {
            case UpSampling2DAttribute u:
            {
                int h = shape[0], w = shape[1], c = shape[2], oh = h * u.SizeHeight, ow = w * u.SizeWidth;
                var y = new double[oh * ow * c];
                for (int i = 0; i < oh; i++)
                {
                    for (int j = 0; j < ow; j++)
                    {
                        for (int k = 0; k < c; k++)
                        {
                            y[(i * ow + j) * c + k] = u.Interpolation == Interpolation.Nearest
                                ? x[((i / u.SizeHeight) * w + j / u.SizeWidth) * c + k]
                                : Bilinear(x, h, w, c, k, (i + 0.5) / u.SizeHeight - 0.5, (j + 0.5) / u.SizeWidth - 0.5);
                        }
                    }
                }

                return y;
            }

            case ZeroPadding2DAttribute z:
            {
                int h = shape[0], w = shape[1], c = shape[2], ow = w + z.Left + z.Right;
                var y = new double[(h + z.Top + z.Bottom) * ow * c];
                for (int i = 0; i < h; i++)
                {
                    Array.Copy(x, i * w * c, y, ((i + z.Top) * ow + z.Left) * c, w * c);
                }

                return y;
            }

            case Cropping2DAttribute cr:
            {
                int w = shape[1], c = shape[2], oh = shape[0] - cr.Top - cr.Bottom, ow = w - cr.Left - cr.Right;
                var y = new double[oh * ow * c];
                for (int i = 0; i < oh; i++)
                {
                    Array.Copy(x, ((i + cr.Top) * w + cr.Left) * c, y, i * ow * c, ow * c);
                }

                return y;
            }

            case ReshapeAttribute:
                return x;

            case Conv2DAttribute c:
            {
                int dh = Rate(c.DilationHeight, c.DilationRate), dw = Rate(c.DilationWidth, c.DilationRate);
                ReadOnlySpan<double> kernel = p.Slice(offset, c.KernelHeight * c.KernelWidth * shape[2] * c.Filters);
                offset += kernel.Length;
                ReadOnlySpan<double> bias = c.UseBias ? p.Slice(offset, c.Filters) : ReadOnlySpan<double>.Empty;
                offset += bias.Length;
                double[] y = Convolve(x, shape, kernel, c.KernelHeight, c.KernelWidth, StrideH(c), StrideW(c), dh, dw, c.Padding, c.Filters, depthwise: false);
                AddBias(y, bias);
                Activate(y, c.Activation, c.Filters);
                return y;
            }

            case Conv2DTransposeAttribute t:
            {
                int h = shape[0], w = shape[1], cin = shape[2], kh = t.KernelHeight, kw = t.KernelWidth, f = t.Filters;
                int sh = Rate(t.StrideHeight, t.Strides), sw = Rate(t.StrideWidth, t.Strides);
                int[] outShape = OutputShapeOf(t, shape);
                int oh = outShape[0], ow = outShape[1];
                int padTop = t.Padding == Padding.Same ? Math.Max(kh - sh, 0) / 2 : 0, padLeft = t.Padding == Padding.Same ? Math.Max(kw - sw, 0) / 2 : 0;
                ReadOnlySpan<double> kernel = p.Slice(offset, kh * kw * f * cin);
                offset += kernel.Length;
                ReadOnlySpan<double> bias = t.UseBias ? p.Slice(offset, f) : ReadOnlySpan<double>.Empty;
                offset += bias.Length;
                var y = new double[oh * ow * f];
                for (int iy = 0; iy < h; iy++)
                for (int ix = 0; ix < w; ix++)
                for (int ky = 0; ky < kh; ky++)
                for (int kx = 0; kx < kw; kx++)
                {
                    int oy = iy * sh + ky - padTop, ox = ix * sw + kx - padLeft;
                    if (oy < 0 || oy >= oh || ox < 0 || ox >= ow)
                    {
                        continue;
                    }

                    for (int co = 0; co < f; co++)
                    for (int ci = 0; ci < cin; ci++)
                    {
                        y[(oy * ow + ox) * f + co] += x[(iy * w + ix) * cin + ci] * kernel[((ky * kw + kx) * f + co) * cin + ci];
                    }
                }

                AddBias(y, bias);
                Activate(y, t.Activation, f);
                return y;
            }

            case DepthwiseConv2DAttribute d:
            {
                int m = d.DepthMultiplier, dh = Rate(d.DilationHeight, d.DilationRate), dw = Rate(d.DilationWidth, d.DilationRate);
                int sh = Rate(d.StrideHeight, d.Strides), sw = Rate(d.StrideWidth, d.Strides);
                ReadOnlySpan<double> kernel = p.Slice(offset, d.KernelHeight * d.KernelWidth * shape[2] * m);
                offset += kernel.Length;
                ReadOnlySpan<double> bias = d.UseBias ? p.Slice(offset, shape[2] * m) : ReadOnlySpan<double>.Empty;
                offset += bias.Length;
                double[] y = Convolve(x, shape, kernel, d.KernelHeight, d.KernelWidth, sh, sw, dh, dw, d.Padding, m, depthwise: true);
                AddBias(y, bias);
                Activate(y, d.Activation, shape[2] * m);
                return y;
            }

            case SeparableConv2DAttribute s:
            {
                int m = s.DepthMultiplier, dh = Rate(s.DilationHeight, s.DilationRate), dw = Rate(s.DilationWidth, s.DilationRate);
                int sh = Rate(s.StrideHeight, s.Strides), sw = Rate(s.StrideWidth, s.Strides);
                ReadOnlySpan<double> depthwise = p.Slice(offset, s.KernelHeight * s.KernelWidth * shape[2] * m);
                offset += depthwise.Length;
                ReadOnlySpan<double> pointwise = p.Slice(offset, shape[2] * m * s.Filters);
                offset += pointwise.Length;
                ReadOnlySpan<double> bias = s.UseBias ? p.Slice(offset, s.Filters) : ReadOnlySpan<double>.Empty;
                offset += bias.Length;
                double[] z = Convolve(x, shape, depthwise, s.KernelHeight, s.KernelWidth, sh, sw, dh, dw, s.Padding, m, depthwise: true);
                int[] zShape = { z.Length / (shape[2] * m) / OutputWidth(shape[1], s.KernelWidth, sw, dw, s.Padding), OutputWidth(shape[1], s.KernelWidth, sw, dw, s.Padding), shape[2] * m };
                double[] y = Convolve(z, zShape, pointwise, 1, 1, 1, 1, 1, 1, Padding.Valid, s.Filters, depthwise: false);
                AddBias(y, bias);
                Activate(y, s.Activation, s.Filters);
                return y;
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

                return y;
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

                return y;
            }

            case FlattenAttribute:
                return (double[])x.Clone();

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
                return y;
            }

            case ActivationAttribute a:
            {
                var y = (double[])x.Clone();
                Activate(y, a.Kind, shape[^1]);
                return y;
            }

            case LeakyReLUAttribute leaky:
            {
                var y = (double[])x.Clone();
                Activate(y, Activation.LeakyReLU, shape[^1], leaky.NegativeSlope);
                return y;
            }

            default:
                throw new NotSupportedException(layer.GetType().Name);
        }
    }

    /// <summary>One activation, in place, from its mathematical definition (Keras 3).</summary>
    /// <summary>
    /// Keras's convolution, straight from the definition: output pixel (oy, ox) reads input (oy * sh + ky * dh -
    /// padTop, ox * sw + kx * dw - padLeft), zeros outside, padding from TensorFlow's rule on the dilated window.
    /// Full: <c>y[co] = sum x[ci] * K[ky, kx, ci, co]</c>; depthwise: <c>y[ci * m + j] = sum x[ci] * K[ky, kx, ci, j]</c>.
    /// </summary>
    private static double[] Convolve(double[] x, int[] shape, ReadOnlySpan<double> kernel, int kh, int kw, int sh, int sw, int dh, int dw, Padding padding, int outputs, bool depthwise)
    {
        int h = shape[0], w = shape[1], cin = shape[2];
        (int oh, int padTop) = Axis(h, (kh - 1) * dh + 1, sh, padding);
        (int ow, int padLeft) = Axis(w, (kw - 1) * dw + 1, sw, padding);
        int f = depthwise ? cin * outputs : outputs;
        var y = new double[oh * ow * f];
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        for (int co = 0; co < f; co++)
        {
            double sum = 0;
            for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
            {
                int iy = oy * sh + ky * dh - padTop, ix = ox * sw + kx * dw - padLeft;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                {
                    continue; // zero padding
                }

                if (depthwise)
                {
                    int ci = co / outputs, j = co % outputs;
                    sum += x[(iy * w + ix) * cin + ci] * kernel[((ky * kw + kx) * cin + ci) * outputs + j];
                    continue;
                }

                for (int ci = 0; ci < cin; ci++)
                {
                    sum += x[(iy * w + ix) * cin + ci] * kernel[((ky * kw + kx) * cin + ci) * f + co];
                }
            }

            y[(oy * ow + ox) * f + co] = sum;
        }

        return y;
    }

    private static int OutputWidth(int w, int kw, int sw, int dw, Padding padding) => Axis(w, (kw - 1) * dw + 1, sw, padding).Out;

    private static void AddBias(double[] y, ReadOnlySpan<double> bias)
    {
        for (int i = 0; i < y.Length && !bias.IsEmpty; i++)
        {
            y[i] += bias[i % bias.Length];
        }
    }

    /// <summary>TensorFlow's bilinear sample at (<paramref name="row"/>, <paramref name="column"/>) of channel
    /// <paramref name="k"/>: between the two nearest pixels on each axis, coordinates clamped to the map.</summary>
    private static double Bilinear(double[] x, int h, int w, int c, int k, double row, double column)
    {
        int r0 = (int)Math.Floor(row), c0 = (int)Math.Floor(column);
        double fr = row - r0, fc = column - c0;
        int top = Math.Clamp(r0, 0, h - 1), bottom = Math.Clamp(r0 + 1, 0, h - 1), left = Math.Clamp(c0, 0, w - 1), right = Math.Clamp(c0 + 1, 0, w - 1);
        double At(int i, int j) => x[(i * w + j) * c + k];
        double upper = At(top, left) + (At(top, right) - At(top, left)) * fc;
        double lower = At(bottom, left) + (At(bottom, right) - At(bottom, left)) * fc;
        return upper + (lower - upper) * fr;
    }

    public static void Activate(double[] y, Activation activation, int groupLength, double slope = ActivationLeakySlope)
    {
        if (activation == Activation.Softmax)
        {
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

            return;
        }

        for (int i = 0; i < y.Length; i++)
        {
            y[i] = Activate(y[i], activation, slope);
        }
    }

    public static double Activate(double x, Activation activation, double slope = ActivationLeakySlope) => activation switch
    {
        Activation.None => x,
        Activation.ReLU => Math.Max(x, 0),
        Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
        Activation.Tanh => Math.Tanh(x),
        Activation.LeakyReLU => x > 0 ? x : slope * x,
        Activation.ELU => x > 0 ? x : Math.Exp(x) - 1,
        Activation.SELU => SeluScale * (x > 0 ? x : SeluAlpha * (Math.Exp(x) - 1)),
        Activation.GELU => 0.5 * x * (1 + Erf(x / Math.Sqrt(2))),
        Activation.Swish => x / (1 + Math.Exp(-x)),
        Activation.ReLU6 => Math.Min(Math.Max(x, 0), 6),
        Activation.Softplus => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x))),
        Activation.Softsign => x / (1 + Math.Abs(x)),
        Activation.HardSigmoid => Math.Min(Math.Max(x + 3, 0), 6) / 6,
        _ => throw new NotSupportedException(activation.ToString()),
    };

    /// <summary>erf(x) to double precision: its Maclaurin series for |x| &lt; 3, the asymptotic complement beyond
    /// (where erfc(3) &lt; 2.3e-5 and the series' terms would lose digits).</summary>
    public static double Erf(double x)
    {
        double a = Math.Abs(x);
        if (a < 3)
        {
            // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
            double term = a, sum = a;
            for (int n = 1; n < 200 && Math.Abs(term) > 1e-17 * Math.Abs(sum); n++)
            {
                term *= -a * a / n;
                sum += term / (2 * n + 1);
            }

            return Math.Sign(x) * 2 / Math.Sqrt(Math.PI) * sum;
        }

        // erfc(x) = e^(-x^2) / (x sqrt(pi)) * continued fraction, evaluated with Lentz's method.
        double f = a, c = a, d = 0;
        for (int n = 1; n < 200; n++)
        {
            double an = n / 2.0;
            d = a + an * d;
            d = 1 / d;
            c = a + an / c;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        double erfc = Math.Exp(-a * a) / Math.Sqrt(Math.PI) / f;
        return Math.Sign(x) * (1 - erfc);
    }
}
