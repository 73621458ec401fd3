using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using NetDsl.Interop;
using NetDsl.Kernels;
using R = NetDsl.Runtime.Tests.Interop.ChannelsLastReference;

namespace NetDsl.Runtime.Tests.Interop;

/// <summary>
/// Models built with <see cref="OnnxExport"/>, one or a few layers with random weights, run in ONNX Runtime on a
/// random channels-last batch of two samples and compared, sample by sample, with the double-precision
/// references of <see cref="ChannelsLastReference"/> and, where they are simple to call, NetDsl's own kernels,
/// to 1e-4 (relative above 1).
/// </summary>
public sealed class OnnxExportTests
{
    private const int Batch = 2;
    private const double Tolerance = 1e-4;

    // ---------------------------------------------------------------- convolutions

    public static IEnumerable<object[]> ConvolutionCases() => new[]
    {
        // height, width, channels, filters, kernel, strides, dilation, same
        new object[] { 7, 6, 3, 4, 3, 3, 1, 1, 1, 1, false },
        new object[] { 7, 8, 2, 5, 3, 3, 2, 2, 1, 1, true },     // odd total padding: more at the bottom/right
        new object[] { 9, 9, 3, 2, 3, 3, 1, 1, 2, 2, true },     // dilated, padded for its 5x5 extent
        new object[] { 6, 7, 4, 3, 1, 2, 2, 1, 1, 1, false },
        new object[] { 5, 5, 1, 2, 4, 4, 3, 3, 1, 1, true },
    };

    [Theory]
    [MemberData(nameof(ConvolutionCases))]
    public void Conv2D_matches_the_reference_and_NetDsl(int h, int w, int c, int filters, int kh, int kw, int sh, int sw, int dh, int dw, bool same)
    {
        var random = new Random((h * 31) + kh);
        float[] kernel = Values(random, kh * kw * c * filters, 0.5f);
        float[] bias = same ? Values(random, filters) : Array.Empty<float>();
        (int pt, int pb) = same ? R.SamePadding(h, ((kh - 1) * dh) + 1, sh) : (0, 0);
        (int pl, int pr) = same ? R.SamePadding(w, ((kw - 1) * dw) + 1, sw) : (0, 0);

        var export = new OnnxExport();
        string x = export.Input("input", h, w, c);
        export.Output(export.Conv2D("conv2d", x, filters, kh, kw, sh, sw, dh, dw, pt, pb, pl, pr, kernel, bias));

        Map Reference(Map s) => R.Conv2D(s, kernel, same ? bias : null, kh, kw, filters, sh, sw, dh, dw, pt, pb, pl, pr);
        (float[] input, float[] output) = RunMaps(export, random, h, w, c);
        Map expected = AssertEachSample(input, output, h, w, c, Reference);

        // NetDsl's own kernels agree with the reference.
        for (int n = 0; n < Batch; n++)
        {
            float[] sample = Sample(input, n, h * w * c);
            var y = new float[expected.Values.Length];
            if (dh == 1 && dw == 1)
            {
                var g = new Conv2DGeometry(h, w, c, filters, kh, kw, sh, sw, pt, pb, pl, pr);
                Conv2DKernels.Forward(in g, sample, kernel, bias, y, new float[g.PaddedInputLength], relu: false);
            }
            else
            {
                var g = new DirectConvolutionGeometry(h, w, c, expected.Height, expected.Width, filters, kh, kw, sh, sw, dh, dw, pt, pl);
                DirectConvolutionKernels.Forward(in g, sample, kernel, bias, y, relu: false);
            }

            AssertClose(Reference(Map.Of(sample, h, w, c)).Values, y, "NetDsl's Conv2D");
        }
    }

    [Theory]
    [InlineData(6, 7, 3, 1, 3, 1, 1, false)]
    [InlineData(7, 7, 2, 2, 3, 2, 1, true)]
    [InlineData(8, 6, 3, 3, 3, 1, 2, true)]
    [InlineData(5, 6, 4, 1, 2, 1, 1, true)]
    public void DepthwiseConv2D_keeps_Keras_channel_order(int h, int w, int c, int multiplier, int k, int stride, int dilation, bool same)
    {
        var random = new Random((h * 17) + multiplier);
        float[] kernel = Values(random, k * k * c * multiplier, 0.5f);
        float[] bias = Values(random, c * multiplier);
        (int pt, int pb) = same ? R.SamePadding(h, ((k - 1) * dilation) + 1, stride) : (0, 0);
        (int pl, int pr) = same ? R.SamePadding(w, ((k - 1) * dilation) + 1, stride) : (0, 0);

        var export = new OnnxExport();
        string x = export.Input("input", h, w, c);
        export.Output(export.DepthwiseConv2D("depthwise", x, multiplier, k, k, stride, stride, dilation, dilation, pt, pb, pl, pr, kernel, bias, Activation.ReLU));

        Map Reference(Map s) => R.Depthwise(s, kernel, bias, k, k, multiplier, stride, stride, dilation, dilation, pt, pb, pl, pr).Select(R.ReLU);
        (float[] input, float[] output) = RunMaps(export, random, h, w, c);
        Map expected = AssertEachSample(input, output, h, w, c, Reference);

        float[] sample = Sample(input, 0, h * w * c);
        var g = new DirectConvolutionGeometry(h, w, c, expected.Height, expected.Width, c * multiplier, k, k, stride, stride, dilation, dilation, pt, pl);
        var y = new float[expected.Values.Length];
        DirectConvolutionKernels.DepthwiseForward(in g, sample, kernel, bias, y, relu: true);
        AssertClose(Reference(Map.Of(sample, h, w, c)).Values, y, "NetDsl's DepthwiseConv2D");
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    public void SeparableConv2D_is_depthwise_then_pointwise(int multiplier, bool useBias)
    {
        const int h = 7, w = 6, c = 3, filters = 5, k = 3;
        var random = new Random(multiplier);
        float[] depthwise = Values(random, k * k * c * multiplier, 0.5f);
        float[] pointwise = Values(random, c * multiplier * filters, 0.5f);
        float[] bias = useBias ? Values(random, filters) : Array.Empty<float>();
        (int pt, int pb) = R.SamePadding(h, k, 2);
        (int pl, int pr) = R.SamePadding(w, k, 2);

        var export = new OnnxExport();
        string x = export.Input("input", h, w, c);
        export.Output(export.SeparableConv2D("separable", x, filters, multiplier, k, k, 2, 2, 1, 1, pt, pb, pl, pr, depthwise, pointwise, bias, Activation.Tanh));

        AssertEachSample(RunMaps(export, random, h, w, c), h, w, c, s =>
        {
            Map d = R.Depthwise(s, depthwise, null, k, k, multiplier, 2, 2, 1, 1, pt, pb, pl, pr);
            return R.Conv2D(d, pointwise, useBias ? bias : null, 1, 1, filters, 1, 1, 1, 1, 0, 0, 0, 0).Select(Math.Tanh);
        });
    }

    public static IEnumerable<object[]> TransposeCases() => new[]
    {
        // height, width, channels, filters, kernel, stride, same
        new object[] { 4, 5, 3, 2, 3, 2, true },
        new object[] { 4, 3, 2, 3, 3, 2, false },
        new object[] { 3, 4, 2, 2, 2, 3, false },   // kernel smaller than the stride: rows no window reaches
        new object[] { 3, 3, 3, 4, 4, 2, true },
        new object[] { 5, 4, 2, 3, 1, 1, false },
        new object[] { 3, 5, 2, 2, 5, 2, true },
    };

    [Theory]
    [MemberData(nameof(TransposeCases))]
    public void Conv2DTranspose_follows_Keras_sizes_and_NetDsl(int h, int w, int c, int filters, int k, int stride, bool same)
    {
        var random = new Random((h * 7) + k + stride);
        float[] kernel = Values(random, k * k * filters * c, 0.5f);
        float[] bias = Values(random, filters);

        // Keras's deconv_output_length and the padding of the convolution from that size back (NetDsl's rule).
        int oh = (h * stride) + (same ? 0 : Math.Max(k - stride, 0)), ow = (w * stride) + (same ? 0 : Math.Max(k - stride, 0));
        (int pt, int pb) = same ? R.SamePadding(oh, k, stride) : (0, 0);
        (int pl, int pr) = same ? R.SamePadding(ow, k, stride) : (0, 0);

        var export = new OnnxExport();
        string x = export.Input("input", h, w, c);
        export.Output(export.Conv2DTranspose("conv2d_transpose", x, filters, k, k, stride, stride, pt, pb, pl, pr, oh, ow, kernel, bias));

        Map Reference(Map s) => R.Conv2DTranspose(s, kernel, bias, k, k, filters, stride, stride, pt, pl, oh, ow);
        (float[] input, float[] output) = RunMaps(export, random, h, w, c);
        Map expected = AssertEachSample(input, output, h, w, c, Reference);
        Assert.Equal((oh, ow, filters), (expected.Height, expected.Width, expected.Channels));

        // NetDsl runs it as the input gradient of the convolution back; it agrees with the reference.
        float[] sample = Sample(input, 1, h * w * c);
        var g = new Conv2DGeometry(oh, ow, filters, c, k, k, stride, stride, pt, pb, pl, pr);
        var transposed = new float[kernel.Length];
        Conv2DKernels.TransposeKernel(in g, kernel, transposed);
        var y = new float[oh * ow * filters];
        Conv2DKernels.InputGradient(in g, transposed, sample, y, new float[g.InputGradientScratchLength]);
        VectorOps.AddBias(bias, y);
        AssertClose(Reference(Map.Of(sample, h, w, c)).Values, y, "NetDsl's Conv2DTranspose");
    }

    [Theory]
    [InlineData(true, Activation.None)]
    [InlineData(false, Activation.Sigmoid)]
    [InlineData(true, Activation.Softmax)]
    public void Dense_is_a_Gemm_with_Keras_kernel(bool useBias, Activation activation)
    {
        const int features = 12, units = 5;
        var random = new Random(units + (int)activation);
        float[] kernel = Values(random, features * units, 0.5f);
        float[] bias = useBias ? Values(random, units) : Array.Empty<float>();
        var export = new OnnxExport();
        string x = export.Input("input", features);
        export.Output(export.Dense("dense", x, units, kernel, bias, activation));

        (float[] input, float[] output, long[] shape) = Run(export, Values(random, Batch * features), Batch, features);
        Assert.Equal(new long[] { Batch, units }, shape);
        for (int n = 0; n < Batch; n++)
        {
            float[] sample = Sample(input, n, features);
            var expected = new float[units];
            Array.ConvertAll(R.Dense(Map.Vector(sample.Select(v => (double)v).ToArray()), kernel, useBias ? bias : null, units).Values, v => (float)v).CopyTo(expected, 0);
            if (activation == Activation.Softmax)
            {
                ActivationKernels.Softmax(expected, units);
            }
            else
            {
                ActivationKernels.Forward(activation, expected, expected);
            }

            AssertClose(expected.Select(v => (double)v).ToArray(), Sample(output, n, units), "sample " + n);
        }
    }

    // ---------------------------------------------------------------- activations

    public static IEnumerable<object[]> ActivationCases() =>
        from activation in Enum.GetValues<Activation>()
        from layout in new[] { "vector", "map", "map-after-conv" }
        select new object[] { activation, layout };

    [Theory]
    [MemberData(nameof(ActivationCases))]
    public void Every_activation_matches_NetDsl_on_vectors_and_on_maps_in_either_layout(Activation activation, string layout)
    {
        const int h = 3, w = 4, c = 5;
        var random = new Random((int)activation);
        var export = new OnnxExport();
        string x;
        if (layout == "vector")
        {
            x = export.Input("input", h * w * c);
        }
        else
        {
            x = export.Input("input", h, w, c);
            if (layout == "map-after-conv")
            {
                // A 1x1 identity convolution: the same values, now NCHW inside the graph.
                x = export.Conv2D("identity", x, c, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, Identity(c), default);
            }
        }

        export.Output(export.Activation("activation", x, activation), "output");   // linear returns the input
        float[] input = Values(random, Batch * h * w * c, 4f);
        long[] shape = layout == "vector" ? new long[] { Batch, h * w * c } : new long[] { Batch, h, w, c };
        (_, float[] output, long[] outputShape) = Run(export, input, shape);
        Assert.Equal(shape, outputShape);

        int group = layout == "vector" ? h * w * c : c;
        for (int n = 0; n < Batch; n++)
        {
            float[] expected = Sample(input, n, h * w * c);
            if (activation == Activation.Softmax)
            {
                ActivationKernels.Softmax(expected, group);
            }
            else
            {
                ActivationKernels.Forward(activation, expected, expected);
            }

            AssertClose(expected.Select(v => (double)v).ToArray(), Sample(output, n, h * w * c), activation + " sample " + n);
        }
    }

    [Fact]
    public void LeakyReLU_takes_its_own_slope_and_linear_adds_nothing()
    {
        var export = new OnnxExport();
        string x = export.Input("input", 8);
        Assert.Equal(x, export.Activation("linear", x, Activation.None));
        export.Output(export.Activation("leaky_re_lu", x, Activation.LeakyReLU, 0.3f));
        float[] input = { -2f, -1f, -0.5f, 0f, 0.5f, 1f, 2f, -3f, 1f, 2f, 3f, 4f, -4f, -3f, -2f, -1f };
        (_, float[] output, _) = Run(export, input, Batch, 8);
        AssertClose(input.Select(v => v > 0 ? v : 0.3 * v).ToArray(), output, "LeakyReLU 0.3");
    }

    // ---------------------------------------------------------------- pooling and shapes

    [Theory]
    [InlineData(true, 7, 6, 2, 2, 2, 2, false)]
    [InlineData(true, 7, 7, 3, 3, 2, 2, true)]
    [InlineData(false, 7, 6, 2, 2, 2, 2, false)]
    [InlineData(false, 7, 7, 3, 3, 2, 2, true)]     // same: border windows average fewer pixels
    [InlineData(false, 5, 8, 2, 3, 1, 2, true)]
    [InlineData(true, 6, 5, 3, 2, 3, 1, true)]
    public void Pooling_matches_NetDsl(bool max, int h, int w, int ph, int pw, int sh, int sw, bool same)
    {
        const int c = 3;
        var random = new Random(h + (max ? 1 : 0));
        (int pt, int pb) = same ? R.SamePadding(h, ph, sh) : (0, 0);
        (int pl, int pr) = same ? R.SamePadding(w, pw, sw) : (0, 0);
        var export = new OnnxExport();
        string x = export.Input("input", h, w, c);
        export.Output(max
            ? export.MaxPooling2D("pool", x, ph, pw, sh, sw, pt, pb, pl, pr)
            : export.AveragePooling2D("pool", x, ph, pw, sh, sw, pt, pb, pl, pr));

        (float[] input, float[] output) = RunMaps(export, random, h, w, c);
        AssertEachSample(input, output, h, w, c, s => R.Pool(s, max, ph, pw, sh, sw, pt, pb, pl, pr));
        var g = new Pool2DGeometry(h, w, c, ph, pw, sh, sw, pt, pb, pl, pr);
        for (int n = 0; n < Batch; n++)
        {
            var y = new float[g.OutputLength];
            if (max)
            {
                PoolingKernels.MaxForward(in g, Sample(input, n, g.InputLength), y);
            }
            else
            {
                PoolingKernels.AverageForward(in g, Sample(input, n, g.InputLength), y);
            }

            AssertClose(y.Select(v => (double)v).ToArray(), Sample(output, n, g.OutputLength), "NetDsl's pooling, sample " + n);
        }
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    public void Global_pooling_gives_a_vector_of_the_channels(bool average, bool afterConv)
    {
        const int h = 5, w = 4, c = 6;
        var export = new OnnxExport();
        string x = export.Input("input", h, w, c);
        if (afterConv)
        {
            x = export.Conv2D("identity", x, c, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, Identity(c), default);
        }

        export.Output(average ? export.GlobalAveragePooling2D("global", x) : export.GlobalMaxPooling2D("global", x));
        (float[] input, float[] output, long[] shape) = Run(export, Values(new Random(c), Batch * h * w * c), Batch, h, w, c);
        Assert.Equal(new long[] { Batch, c }, shape);
        AssertEachSample(input, output, h, w, c, s => Map.Vector(Enumerable.Range(0, c).Select(ch =>
        {
            IEnumerable<double> pixels = Enumerable.Range(0, h * w).Select(p => s.Values[(p * c) + ch]);
            return average ? pixels.Average() : pixels.Max();
        }).ToArray()));
    }

    [Fact]
    public void Flatten_orders_features_height_width_channels_whatever_the_layout_inside()
    {
        const int h = 3, w = 4, c = 5;
        var export = new OnnxExport();
        string x = export.Input("input", h, w, c);
        string conv = export.Conv2D("identity", x, c, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, Identity(c), default);
        string flat = export.Flatten("flatten", conv);
        Assert.Equal(flat, export.Flatten("flatten_again", flat));
        export.Output(flat);
        (float[] input, float[] output, long[] shape) = Run(export, Values(new Random(3), Batch * h * w * c), Batch, h, w, c);
        Assert.Equal(new long[] { Batch, h * w * c }, shape);
        AssertClose(input.Select(v => (double)v).ToArray(), output, "flattened");
    }

    [Fact]
    public void Reshape_reads_and_writes_channels_last()
    {
        const int h = 4, w = 6, c = 2;
        var export = new OnnxExport();
        string x = export.Input("input", h, w, c);
        string conv = export.Conv2D("identity", x, c, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, Identity(c), default);
        string vector = export.Reshape("to_vector", conv, h * w * c);
        Assert.Equal(vector, export.Reshape("same_vector", vector, h * w * c));
        string map = export.Reshape("to_map", vector, 6, 2, 4);
        string back = export.Reshape("map_to_map", export.Conv2D("identity2", map, 4, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, Identity(4), default), 3, 8, 2);
        export.Output(back);
        (float[] input, float[] output, long[] shape) = Run(export, Values(new Random(4), Batch * h * w * c), Batch, h, w, c);
        Assert.Equal(new long[] { Batch, 3, 8, 2 }, shape);
        AssertClose(input.Select(v => (double)v).ToArray(), output, "reshaped");
    }

    [Theory]
    [InlineData(true, true, true)]
    [InlineData(true, false, false)]
    [InlineData(false, true, true)]
    public void BatchNormalization_normalises_the_channels_with_the_moving_statistics(bool map, bool center, bool scale)
    {
        const int h = 3, w = 4, c = 5, features = 7;
        const float epsilon = 1e-3f;
        int channels = map ? c : features;
        var random = new Random(channels + (center ? 1 : 0));
        float[] gamma = scale ? Values(random, channels) : Array.Empty<float>();
        float[] beta = center ? Values(random, channels) : Array.Empty<float>();
        float[] mean = Values(random, channels);
        float[] variance = Values(random, channels).Select(v => Math.Abs(v) + 0.1f).ToArray();

        var export = new OnnxExport();
        string x = map ? export.Input("input", h, w, c) : export.Input("input", features);
        if (map)
        {
            x = export.Conv2D("identity", x, c, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, Identity(c), default);
        }

        export.Output(export.BatchNormalization("batch_normalization", x, gamma, beta, mean, variance, epsilon));
        float[] ones = Enumerable.Repeat(1f, channels).ToArray(), zeros = new float[channels];
        Map Reference(Map s) => R.BatchNorm(s, scale ? gamma : ones, center ? beta : zeros, mean, variance, epsilon);
        if (map)
        {
            AssertEachSample(RunMaps(export, random, h, w, c), h, w, c, Reference);
        }
        else
        {
            (float[] input, float[] output, _) = Run(export, Values(random, Batch * features), Batch, features);
            AssertEachSample(input, output, 1, 1, features, Reference);
        }
    }

    [Fact]
    public void Dropout_layers_are_the_identity_and_add_no_node()
    {
        var export = new OnnxExport();
        string x = export.Input("input", 4, 4, 2);
        Assert.Equal(x, export.Dropout("dropout", x));
        Assert.Equal(x, export.SpatialDropout2D("spatial_dropout2d", x));
        Assert.Contains("cannot also be an output", Assert.Throws<ArgumentException>(() => export.Output(x)).Message);
        export.Output(x, "spatial_dropout2d");
        (float[] input, float[] output, _) = Run(export, Values(new Random(5), Batch * 32), Batch, 4, 4, 2);
        Assert.Equal(input, output);
    }

    // ---------------------------------------------------------------- merges

    [Fact]
    public void Merges_combine_values_of_mixed_layouts()
    {
        const int h = 4, w = 3, c = 3;
        var random = new Random(6);
        float[] k1 = Values(random, c * c), k2 = Values(random, c * c), k3 = Values(random, c * 2);
        var export = new OnnxExport();
        string x = export.Input("input", h, w, c);                                               // NHWC
        string a = export.Conv2D("a", x, c, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, k1, default);          // NCHW
        string b = export.Conv2D("b", x, c, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, k2, default);
        string narrow = export.Conv2D("narrow", x, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, k3, default);
        string sum = export.Add("add", x, a, b);                 // three inputs: Sum, x brought to NCHW
        string difference = export.Subtract("subtract", sum, x);
        string product = export.Multiply("multiply", difference, a, b);
        string mean = export.Average("average", product, x);
        string max = export.Maximum("maximum", mean, b, x);
        string sum2 = export.Add("add_pair", max, a);
        export.Output(export.Concatenate("concatenate", x, sum2, narrow));

        AssertEachSample(RunMaps(export, random, h, w, c), h, w, c, s =>
        {
            Map ra = R.Conv2D(s, k1, null, 1, 1, c, 1, 1, 1, 1, 0, 0, 0, 0), rb = R.Conv2D(s, k2, null, 1, 1, c, 1, 1, 1, 1, 0, 0, 0, 0);
            Map rn = R.Conv2D(s, k3, null, 1, 1, 2, 1, 1, 1, 1, 0, 0, 0, 0);
            Map rsum = R.Zip(R.Zip(s, ra, (p, q) => p + q), rb, (p, q) => p + q);
            Map rdiff = R.Zip(rsum, s, (p, q) => p - q);
            Map rprod = R.Zip(R.Zip(rdiff, ra, (p, q) => p * q), rb, (p, q) => p * q);
            Map rmean = R.Zip(rprod, s, (p, q) => (p + q) / 2);
            Map rmax = R.Zip(R.Zip(rmean, rb, Math.Max), s, Math.Max);
            return R.Concatenate(s, R.Zip(rmax, ra, (p, q) => p + q), rn);
        });
    }

    [Fact]
    public void Concatenate_joins_vectors_end_to_end()
    {
        var random = new Random(7);
        float[] k1 = Values(random, 6 * 4), k2 = Values(random, 6 * 3);
        var export = new OnnxExport();
        string x = export.Input("input", 6);
        string a = export.Dense("a", x, 4, k1, default), b = export.Dense("b", x, 3, k2, default);
        export.Output(export.Concatenate("concatenate", a, x, b));
        (float[] input, float[] output, long[] shape) = Run(export, Values(random, Batch * 6), Batch, 6);
        Assert.Equal(new long[] { Batch, 13 }, shape);
        AssertEachSample(input, output, 1, 1, 6, s => Map.Vector(R.Dense(s, k1, null, 4).Values.Concat(s.Values).Concat(R.Dense(s, k2, null, 3).Values).ToArray()));
    }

    // ---------------------------------------------------------------- resampling

    [Theory]
    [InlineData(Interpolation.Nearest, 2, 2, false)]
    [InlineData(Interpolation.Nearest, 3, 2, true)]
    [InlineData(Interpolation.Bilinear, 2, 2, false)]
    [InlineData(Interpolation.Bilinear, 3, 2, true)]
    [InlineData(Interpolation.Bilinear, 1, 4, false)]
    public void UpSampling2D_matches_NetDsl_and_TensorFlow(Interpolation interpolation, int sizeHeight, int sizeWidth, bool afterConv)
    {
        const int h = 4, w = 5, c = 3;
        var export = new OnnxExport();
        string x = export.Input("input", h, w, c);
        if (afterConv)
        {
            x = export.Conv2D("identity", x, c, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, Identity(c), default);
        }

        export.Output(export.UpSampling2D("up_sampling2d", x, sizeHeight, sizeWidth, interpolation));
        (float[] input, float[] output) = RunMaps(export, new Random(sizeHeight), h, w, c);
        AssertEachSample(input, output, h, w, c, s => interpolation == Interpolation.Bilinear ? R.UpSampleBilinear(s, sizeHeight, sizeWidth) : R.UpSampleNearest(s, sizeHeight, sizeWidth));
        for (int n = 0; n < Batch; n++)
        {
            var y = new float[h * sizeHeight * w * sizeWidth * c];
            if (interpolation == Interpolation.Bilinear)
            {
                ResamplingKernels.UpSampleBilinear(Sample(input, n, h * w * c), y, h, w, c, sizeHeight, sizeWidth);
            }
            else
            {
                ResamplingKernels.UpSampleNearest(Sample(input, n, h * w * c), y, h, w, c, sizeHeight, sizeWidth);
            }

            AssertClose(y.Select(v => (double)v).ToArray(), Sample(output, n, y.Length), "NetDsl's UpSampling2D, sample " + n);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ZeroPadding2D_and_Cropping2D_work_in_either_layout(bool afterConv)
    {
        const int h = 5, w = 6, c = 2;
        var export = new OnnxExport();
        string x = export.Input("input", h, w, c);
        if (afterConv)
        {
            x = export.Conv2D("identity", x, c, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, Identity(c), default);
        }

        string padded = export.ZeroPadding2D("zero_padding2d", x, 1, 2, 0, 3);
        export.Output(export.Cropping2D("cropping2d", padded, 2, 0, 1, 1));
        (float[] input, float[] output) = RunMaps(export, new Random(8), h, w, c);
        AssertEachSample(input, output, h, w, c, s => R.Crop(R.Pad(s, 1, 2, 0, 3), 2, 0, 1, 1));

        float[] sample = Sample(input, 1, h * w * c);
        var pad = new float[(h + 3) * (w + 3) * c];
        ResamplingKernels.Pad(sample, pad, h, w, c, 1, 2, 0, 3);
        var crop = new float[(h + 1) * (w + 1) * c];
        ResamplingKernels.Crop(pad, crop, h + 3, w + 3, c, 2, 0, 1, 1);
        AssertClose(crop.Select(v => (double)v).ToArray(), Sample(output, 1, crop.Length), "NetDsl's padding and cropping");
    }

    // ---------------------------------------------------------------- networks

    [Fact]
    public void A_classifier_chain_conv_batchnorm_relu_maxpool_flatten_dense_softmax()
    {
        const int h = 9, w = 8, c = 2, filters = 4, units = 5;
        var random = new Random(9);
        float[] kernel = Values(random, 3 * 3 * c * filters, 0.5f), bias = Values(random, filters);
        float[] gamma = Values(random, filters), beta = Values(random, filters), mean = Values(random, filters);
        float[] variance = Values(random, filters).Select(v => Math.Abs(v) + 0.5f).ToArray();
        (int pt, int pb) = R.SamePadding(h, 3, 2);
        (int pl, int pr) = R.SamePadding(w, 3, 2);
        int oh = (h + 1) / 2, ow = (w + 1) / 2, ph = oh / 2, pw = ow / 2;
        float[] dense = Values(random, ph * pw * filters * units, 0.5f), denseBias = Values(random, units);

        var export = new OnnxExport("classifier");
        string x = export.Input("input", h, w, c);
        x = export.Conv2D("conv2d", x, filters, 3, 3, 2, 2, 1, 1, pt, pb, pl, pr, kernel, bias);
        x = export.BatchNormalization("batch_normalization", x, gamma, beta, mean, variance, 1e-3f);
        x = export.Activation("activation", x, Activation.ReLU);
        x = export.MaxPooling2D("max_pooling2d", x, 2, 2, 2, 2, 0, 0, 0, 0);
        x = export.Flatten("flatten", x);
        x = export.Dense("dense", x, units, dense, denseBias, Activation.Softmax);
        export.Output(x, "probabilities");

        (float[] input, float[] output, long[] shape) = Run(export, Values(random, Batch * h * w * c), Batch, h, w, c);
        Assert.Equal(new long[] { Batch, units }, shape);
        AssertEachSample(input, output, h, w, c, s =>
        {
            Map y = R.Conv2D(s, kernel, bias, 3, 3, filters, 2, 2, 1, 1, pt, pb, pl, pr);
            y = R.BatchNorm(y, gamma, beta, mean, variance, 1e-3f).Select(R.ReLU);
            y = R.Pool(y, true, 2, 2, 2, 2, 0, 0, 0, 0);
            return R.Softmax(R.Dense(Map.Vector(y.Values), dense, denseBias, units));
        });
    }

    [Fact]
    public void A_residual_block_with_concatenation_outputs_a_channels_last_map()
    {
        const int h = 6, w = 5, c = 3;
        var random = new Random(10);
        float[] k1 = Values(random, 3 * 3 * c * c, 0.4f), b1 = Values(random, c);
        float[] k2 = Values(random, 3 * 3 * c * c, 0.4f), b2 = Values(random, c);
        var export = new OnnxExport("residual");
        string x = export.Input("input", h, w, c);
        string c1 = export.Conv2D("conv1", x, c, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, k1, b1, Activation.ReLU);
        string c2 = export.Conv2D("conv2", c1, c, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, k2, b2);
        string sum = export.Activation("relu", export.Add("add", x, c2), Activation.ReLU);
        export.Output(export.Concatenate("concatenate", sum, c1), "features");

        (float[] input, float[] output, long[] shape) = Run(export, Values(random, Batch * h * w * c), Batch, h, w, c);
        Assert.Equal(new long[] { Batch, h, w, 2 * c }, shape);
        AssertEachSample(input, output, h, w, c, s =>
        {
            Map r1 = R.Conv2D(s, k1, b1, 3, 3, c, 1, 1, 1, 1, 1, 1, 1, 1).Select(R.ReLU);
            Map r2 = R.Conv2D(r1, k2, b2, 3, 3, c, 1, 1, 1, 1, 1, 1, 1, 1);
            return R.Concatenate(R.Zip(s, r2, (p, q) => p + q).Select(R.ReLU), r1);
        });
    }

    [Fact]
    public void A_segmentation_head_outputs_per_pixel_softmax_maps()
    {
        const int h = 4, w = 4, c = 2, classes = 3;
        var random = new Random(11);
        float[] k1 = Values(random, 3 * 3 * c * 4, 0.5f), k2 = Values(random, 4 * classes, 0.5f), b2 = Values(random, classes);
        var export = new OnnxExport();
        string x = export.Input("input", h, w, c);
        x = export.Conv2D("encode", x, 4, 3, 3, 2, 2, 1, 1, 0, 1, 0, 1, k1, default, Activation.Swish);
        x = export.UpSampling2D("up", x, 2, 2, Interpolation.Bilinear);
        string scores = export.Conv2D("classes", x, classes, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, k2, b2);

        // The output takes the layer's name; the NCHW value inside becomes classes/nchw, and a later layer still
        // reads the value by its name.
        Assert.Equal("classes", export.Output(scores));
        Assert.Contains("already an output", Assert.Throws<ArgumentException>(() => export.Output(scores)).Message);
        export.Output(export.Activation("softmax", scores, Activation.Softmax), "probabilities");

        byte[] model = export.ToArray();
        using var session = new InferenceSession(model);
        Assert.Equal(new[] { "classes", "probabilities" }, session.OutputMetadata.Keys.ToArray());
        Assert.Equal(2, CountOccurrences(model, "Transpose"u8.ToArray()));   // the input to NCHW, classes/nchw back
        float[] input = Values(random, Batch * h * w * c);
        using OrtValue value = OrtValue.CreateTensorValueFromMemory(input, new long[] { Batch, h, w, c });
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, new[] { "input" }, new[] { value }, new[] { "classes", "probabilities" });
        Assert.Equal(new long[] { Batch, h, w, classes }, outputs[0].GetTensorTypeAndShape().Shape);
        Assert.Equal(new long[] { Batch, h, w, classes }, outputs[1].GetTensorTypeAndShape().Shape);
        Map Scores(Map s)
        {
            Map y = R.Conv2D(s, k1, null, 3, 3, 4, 2, 2, 1, 1, 0, 1, 0, 1).Select(v => v / (1 + Math.Exp(-v)));
            return R.Conv2D(R.UpSampleBilinear(y, 2, 2), k2, b2, 1, 1, classes, 1, 1, 1, 1, 0, 0, 0, 0);
        }

        AssertEachSample(input, outputs[0].GetTensorDataAsSpan<float>().ToArray(), h, w, c, Scores);
        AssertEachSample(input, outputs[1].GetTensorDataAsSpan<float>().ToArray(), h, w, c, s => R.Softmax(Scores(s)));
    }

    [Fact]
    public void Two_heads_are_two_outputs_and_hold_without_graph_optimisations()
    {
        const int h = 6, w = 6, c = 1;
        var random = new Random(13);
        float[] kernel = Values(random, 3 * 3 * c * 4, 0.5f), classes = Values(random, 4 * 3), box = Values(random, 4 * 4), boxBias = Values(random, 4);
        var export = new OnnxExport("two_heads");
        string x = export.Input("input", h, w, c);
        string features = export.GlobalMaxPooling2D("gap", export.Conv2D("conv2d", x, 4, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, kernel, default, Activation.ELU));
        export.Output(export.Dense("class_probabilities", features, 3, classes, default, Activation.Softmax));
        Assert.Equal("box", export.Output(export.Dense("box", features, 4, box, boxBias, Activation.Sigmoid)));

        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, IntraOpNumThreads = 1 };
        using var session = new InferenceSession(export.ToArray(), options);
        Assert.Equal(new[] { "class_probabilities", "box" }, session.OutputMetadata.Keys.ToArray());
        float[] input = Values(random, Batch * h * w * c);
        using OrtValue value = OrtValue.CreateTensorValueFromMemory(input, new long[] { Batch, h, w, c });
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, new[] { "input" }, new[] { value }, new[] { "class_probabilities", "box" });

        Map Features(Map s)
        {
            Map y = R.Conv2D(s, kernel, null, 3, 3, 4, 1, 1, 1, 1, 0, 0, 0, 0).Select(v => v > 0 ? v : Math.Exp(v) - 1);
            return Map.Vector(Enumerable.Range(0, 4).Select(f => Enumerable.Range(0, 16).Max(p => y.Values[(p * 4) + f])).ToArray());
        }

        AssertEachSample(input, outputs[0].GetTensorDataAsSpan<float>().ToArray(), h, w, c, s => R.Softmax(R.Dense(Features(s), classes, null, 3)));
        AssertEachSample(input, outputs[1].GetTensorDataAsSpan<float>().ToArray(), h, w, c, s => R.Dense(Features(s), box, boxBias, 4).Select(v => 1 / (1 + Math.Exp(-v))));
    }

    // ---------------------------------------------------------------- the model file

    [Fact]
    public void Save_writes_a_model_ONNX_Runtime_loads_by_path_and_replaces_an_old_file_atomically()
    {
        string directory = Path.Combine(Path.GetTempPath(), "netdsl-onnx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            string path = Path.Combine(directory, "model.onnx");
            File.WriteAllText(path, "an older file");
            var random = new Random(12);
            float[] kernel = Values(random, 2 * 2 * 3 * 2);
            var export = new OnnxExport("saved");
            string x = export.Input("image", 5, 5, 3);
            export.Output(export.GlobalAveragePooling2D("gap", export.Conv2D("conv2d", x, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0, kernel, default)), "scores");
            export.Save(path);
            Assert.Equal(new[] { "model.onnx" }, Directory.GetFiles(directory).Select(Path.GetFileName).ToArray());

            var stream = new MemoryStream();
            export.WriteTo(stream);
            Assert.Equal(stream.ToArray(), File.ReadAllBytes(path));

            using var session = new InferenceSession(path);
            Assert.Equal("image", session.InputMetadata.Keys.Single());
            Assert.Equal(new[] { -1, 5, 5, 3 }, session.InputMetadata["image"].Dimensions);
            Assert.Equal("N", session.InputMetadata["image"].SymbolicDimensions[0]);
            Assert.Equal("scores", session.OutputMetadata.Keys.Single());
            Assert.Equal(new[] { -1, 2 }, session.OutputMetadata["scores"].Dimensions);
            Assert.Equal("NetDsl", session.ModelMetadata.ProducerName);
            Assert.Equal("saved", session.ModelMetadata.GraphName);

            float[] input = Values(random, 3 * 5 * 5 * 3);
            using OrtValue value = OrtValue.CreateTensorValueFromMemory(input, new long[] { 3, 5, 5, 3 });
            using var options = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(options, new[] { "image" }, new[] { value }, new[] { "scores" });
            float[] output = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            AssertEachSample(input, output, 5, 5, 3, s =>
            {
                Map y = R.Conv2D(s, kernel, null, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0);
                return Map.Vector(Enumerable.Range(0, 2).Select(f => Enumerable.Range(0, 16).Average(p => y.Values[(p * 2) + f])).ToArray());
            }, batch: 3);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Transposes_are_made_once_per_value_and_only_where_needed()
    {
        var export = new OnnxExport();
        string x = export.Input("input", 4, 4, 2);
        string a = export.Conv2D("a", x, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, Identity(2), default);
        string b = export.Conv2D("b", x, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, Identity(2), default);
        string padded = export.ZeroPadding2D("pad", x, 1, 1, 1, 1);      // NHWC: no transpose
        string sum = export.Add("add", a, b);
        string f1 = export.Flatten("flatten", sum);
        string f2 = export.Reshape("reshape", sum, 32);
        export.Output(export.Concatenate("concatenate", f1, f2, export.Flatten("flatten_padded", padded)));

        byte[] model = export.ToArray();
        using var session = new InferenceSession(model);

        // input -> NCHW once (for both convolutions), add -> NHWC once (for Flatten and Reshape).
        int transposes = CountOccurrences(model, "Transpose"u8.ToArray());
        Assert.Equal(2, transposes);
    }

    [Fact]
    public void Misuse_throws_with_a_message_that_names_the_problem()
    {
        var export = new OnnxExport();
        Assert.Throws<InvalidOperationException>(() => export.ToArray());
        string x = export.Input("input", 4, 4, 2);
        Assert.Contains("already has a value named 'input'", Assert.Throws<ArgumentException>(() => export.Input("input", 3)).Message);
        Assert.Contains("'missing' is not a value", Assert.Throws<ArgumentException>(() => export.Flatten("f", "missing")).Message);
        Assert.Contains("needs a vector", Assert.Throws<ArgumentException>(() => export.Dense("dense", x, 3, new float[96], default)).Message);
        Assert.Contains("needs 32 values", Assert.Throws<ArgumentException>(() => export.Conv2D("conv", x, 4, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0, new float[31], default)).Message);
        Assert.Contains("one shape", Assert.Throws<ArgumentException>(() => export.Add("add", x, export.ZeroPadding2D("pad", x, 1, 0, 0, 0))).Message);
        Assert.Contains("not to the input's", Assert.Throws<ArgumentException>(() =>
            export.Conv2DTranspose("up", x, 1, 3, 3, 2, 2, 0, 0, 0, 0, 12, 12, new float[18], default)).Message);
        Assert.Throws<InvalidOperationException>(() => export.ToArray());
    }

    // ---------------------------------------------------------------- helpers

    private static float[] Values(Random random, int count, float scale = 1f) =>
        Enumerable.Range(0, count).Select(_ => (float)(((random.NextDouble() * 2) - 1) * scale)).ToArray();

    /// <summary>The kernel of a 1x1 convolution that copies its input.</summary>
    private static float[] Identity(int channels)
    {
        var kernel = new float[channels * channels];
        for (int c = 0; c < channels; c++)
        {
            kernel[(c * channels) + c] = 1f;
        }

        return kernel;
    }

    private static float[] Sample(float[] batch, int n, int length) => batch.AsSpan(n * length, length).ToArray();

    /// <summary>Runs a single-input, single-output model on <paramref name="input"/> shaped <paramref name="shape"/>.</summary>
    private static (float[] Input, float[] Output, long[] Shape) Run(OnnxExport export, float[] input, params long[] shape)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(export.ToArray(), options);
        string inputName = session.InputMetadata.Keys.Single(), outputName = session.OutputMetadata.Keys.Single();
        using OrtValue value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, new[] { inputName }, new[] { value }, new[] { outputName });
        OrtValue output = outputs[0];
        return (input, output.GetTensorDataAsSpan<float>().ToArray(), output.GetTensorTypeAndShape().Shape);
    }

    /// <summary>Runs a map model on a random <c>[Batch, h, w, c]</c> batch.</summary>
    private static (float[] Input, float[] Output) RunMaps(OnnxExport export, Random random, int h, int w, int c)
    {
        (float[] input, float[] output, _) = Run(export, Values(random, Batch * h * w * c), Batch, h, w, c);
        return (input, output);
    }

    private static Map AssertEachSample((float[] Input, float[] Output) run, int h, int w, int c, Func<Map, Map> reference) =>
        AssertEachSample(run.Input, run.Output, h, w, c, reference);

    /// <summary>Compares each sample of <paramref name="output"/> with <paramref name="reference"/> of the same
    /// sample of <paramref name="input"/>; returns the last sample's reference.</summary>
    private static Map AssertEachSample(float[] input, float[] output, int h, int w, int c, Func<Map, Map> reference, int batch = Batch)
    {
        int inputLength = h * w * c;
        Assert.Equal(0, output.Length % batch);
        int outputLength = output.Length / batch;
        Map expected = null!;
        for (int n = 0; n < batch; n++)
        {
            expected = reference(Map.Of(Sample(input, n, inputLength), h, w, c));
            Assert.Equal(expected.Values.Length, outputLength);
            AssertClose(expected.Values, Sample(output, n, outputLength), "sample " + n);
        }

        return expected;
    }

    private static void AssertClose(double[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]);
            if (!(error <= Tolerance * Math.Max(1, Math.Abs(expected[i]))))
            {
                Assert.Fail($"{what}: value {i} is {actual[i]}, expected {expected[i]} (error {error:E2}).");
            }
        }
    }

    private static int CountOccurrences(byte[] haystack, byte[] needle)
    {
        int count = 0;
        for (int i = haystack.AsSpan().IndexOf(needle); i >= 0;)
        {
            count++;
            int next = haystack.AsSpan(i + 1).IndexOf(needle);
            i = next < 0 ? -1 : i + 1 + next;
        }

        return count;
    }
}
