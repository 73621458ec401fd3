extern alias Generator;

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Generator::NetDsl.Generator.Layers;
using Generator::NetDsl.Generator.Model;
using Generator::NetDsl.Generator.Onnx;
using Generator::NetDsl.Generator.Parsing;
using Generator::NetDsl.Generator.Planning;
using Generator::NetDsl.Generator.Shapes;
using NetDsl.Generator.Tests.Infrastructure;

namespace NetDsl.Generator.Tests;

/// <summary>
/// The ONNX importer: the protobuf reader on the seed model, the seed's import against its DSL text, the weights'
/// layouts (a Dense row after an NCHW flatten, checked by hand), malformed files, unsupported operators, and every
/// fixture run twice in double precision (the ONNX graph in NCHW, the imported layers channels-last) and against
/// PyTorch's own outputs.
/// </summary>
public sealed class OnnxImportTests
{
    private const string SeedText = """
        input 28x28x1
        conv2d 32 3x3 relu
        maxpool 2x2
        conv2d 64 3x3 relu
        maxpool 2x2
        conv2d 64 3x3 relu
        flatten
        dense 64 relu
        dense 10
        """;

    private static readonly string FixtureDirectory = Path.Combine(AppContext.BaseDirectory, "Onnx");

    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(FixtureDirectory, name + ".onnx"));

    private static readonly byte[] Seed = Fixture("seed-mnist-nchw");

    // ---- The reader ----

    [Fact]
    public void ReaderReadsTheSeedModel()
    {
        OnnxModel model = OnnxModel.Parse(Seed);

        Assert.Equal(7, model.IrVersion);
        Assert.Equal("pytorch", model.ProducerName);
        Assert.Equal(13, model.DefaultOpset);
        Assert.Equal(
            new[] { "Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Conv", "Relu", "Flatten", "Gemm", "Relu", "Gemm" },
            model.Graph.Nodes.Select(n => n.OpType));
        Assert.Equal("/0/Conv", model.Graph.Nodes[0].Name);
        Assert.Equal(new[] { "x", "0.weight", "0.bias" }, model.Graph.Nodes[0].Inputs);
        Assert.Equal(new long[] { 3, 3 }, model.Graph.Nodes[0].Attribute("kernel_shape")!.Ints);
        Assert.Equal(OnnxAttributeType.Ints, model.Graph.Nodes[0].Attribute("kernel_shape")!.Type);
        Assert.Equal(1, model.Graph.Nodes[9].Attribute("transB")!.I);
        Assert.Equal(1f, model.Graph.Nodes[9].Attribute("alpha")!.F);

        Assert.Equal(
            new[] { "0.weight [32, 1, 3, 3]", "0.bias [32]", "3.weight [64, 32, 3, 3]", "3.bias [64]", "6.weight [64, 64, 3, 3]", "6.bias [64]", "9.weight [64, 576]", "9.bias [64]", "11.weight [10, 64]", "11.bias [10]" },
            model.Graph.Initializers.Select(t => t.Name + " [" + string.Join(", ", t.Dims) + "]"));
        Assert.All(model.Graph.Initializers, t => Assert.Equal(OnnxDataType.Float, t.DataType));
        Assert.Equal(93_322, model.Graph.Initializers.Sum(t => t.Values.Length));

        OnnxValueInfo input = Assert.Single(model.Graph.Inputs);
        Assert.Equal("x", input.Name);
        Assert.Equal(OnnxDataType.Float, input.ElementType);
        Assert.Equal(new[] { "n", "1", "28", "28" }, input.Dims!.Select(d => d.ToString()));
        Assert.Equal("n", input.Dims![0].Param);
        Assert.Equal(new[] { "n", "10" }, Assert.Single(model.Graph.Outputs).Dims!.Select(d => d.ToString()));
    }

    [Fact]
    public void ReaderReadsTheTypedFieldsAndHalfPrecision()
    {
        // float_data, int64_data, int32_data with FLOAT16 bits, double_data, and raw INT32: one tensor each.
        OnnxTensor floats = OnnxTensor.Read(new ProtoReader(Bytes(0x08, 0x02, 0x10, 0x01, 0x22, 0x08, 0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0)));
        Assert.Equal(new[] { 1.0, -2.0 }, floats.Values);

        OnnxTensor halves = OnnxTensor.Read(new ProtoReader(Bytes(0x08, 0x02, 0x10, 0x0A, 0x2A, 0x05, 0x80, 0x78, 0x80, 0xFC, 0x02)));
        Assert.Equal(new[] { 1.0, -1.5 }, halves.Values); // 0x3C00 and 0xBE00

        OnnxTensor longs = OnnxTensor.Read(new ProtoReader(Bytes(0x08, 0x02, 0x10, 0x07, 0x3A, 0x0B, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01)));
        Assert.Equal(new[] { 5.0, -1.0 }, longs.Values);

        OnnxTensor doubles = OnnxTensor.Read(new ProtoReader(Bytes(0x08, 0x01, 0x10, 0x0B, 0x52, 0x08, 0, 0, 0, 0, 0, 0, 0xE0, 0x3F)));
        Assert.Equal(new[] { 0.5 }, doubles.Values);

        OnnxTensor raw = OnnxTensor.Read(new ProtoReader(Bytes(0x08, 0x01, 0x10, 0x06, 0x4A, 0x04, 0xFE, 0xFF, 0xFF, 0xFF)));
        Assert.Equal(new[] { -2.0 }, raw.Values);

        OnnxTensor strings = OnnxTensor.Read(new ProtoReader(Bytes(0x08, 0x01, 0x10, 0x08, 0x32, 0x01, 0x61)));
        Assert.Contains("STRING", strings.Unreadable);
    }

    public static IEnumerable<object[]> MalformedMessages() => new[]
    {
        new object[] { Bytes(), "The file is empty." },
        new object[] { Bytes(0x3A, 0x05, 0x0A), "Byte 1: a length of 5 bytes, past the end of its message (1 byte left)." },
        new object[] { Bytes(0x08, 0xFF, 0xFF), "Byte 1: a number cut off by the end of its message." },
        new object[] { Bytes(0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F), "Byte 1: a number longer than 64 bits." },
        new object[] { Bytes(0x0B), "Byte 0: field with wire type 3, which ONNX never writes (groups or an unknown encoding)." },
        new object[] { Bytes(0x00), "Byte 0: field number 0, outside 1 to 536,870,911." },
        new object[] { Bytes(0x08, 0x01), "The file has no graph: it is not an ONNX model." },
        new object[] { Bytes(0x3A, 0x02, 0x12, 0x01), "Byte 3: a length of 1 byte, past the end of its message (0 bytes left)." },
        new object[] { Bytes(0x3A, 0x03, 0x12, 0x01, 0xFF), "Byte 3: a string that is not valid UTF-8." },
        new object[] { Bytes(0x3A, 0x08, 0x2A, 0x06, 0x08, 0x02, 0x10, 0x01, 0x4A, 0x00), "Tensor '' has dims [2] (2 values) but holds 0 FLOAT values." },
        new object[] { Bytes(0x3A, 0x07, 0x2A, 0x05, 0x10, 0x01, 0x4A, 0x01, 0x00), "Tensor '' has 1 byte of raw data, not a whole number of 4-byte FLOAT values." },
        new object[] { Bytes(0x3A, 0x0F, 0x2A, 0x0D, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x10, 0x01), "Tensor '' has the negative size -1 in its dims [-1]." },
    };

    [Theory]
    [MemberData(nameof(MalformedMessages))]
    public void MalformedBytesThrowAFormatExceptionThatSaysWhere(byte[] bytes, string message)
    {
        OnnxFormatException e = Assert.Throws<OnnxFormatException>(() => OnnxModel.Parse(bytes));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void DeepNestingIsRefused()
    {
        // ONNX's own messages nest a handful of levels; a reader refuses to follow a hostile file deeper than 64.
        byte[] bytes = Enumerable.Range(0, 70).Aggregate(Array.Empty<byte>(), (inner, _) => Varint((ulong)inner.Length).Prepend((byte)0x0A).Concat(inner).ToArray());
        var reader = new ProtoReader(bytes);
        OnnxFormatException e = Assert.Throws<OnnxFormatException>(() =>
        {
            for (ProtoReader r = reader; r.TryReadTag(out _);)
            {
                r = r.ReadMessage();
            }
        });
        Assert.Contains("messages nested more than 64 deep", e.Message);
    }

    // ---- The seed model ----

    [Fact]
    public void TheSeedImportsAsItsDslText()
    {
        OnnxImport import = OnnxImporter.Import(Seed, null);

        Assert.Empty(import.Problems);
        DslDocument text = DslParser.Parse(SeedText, (_, _) => null, allowHeader: false);
        Assert.False(text.HasErrors);
        Assert.Equal(Describe(text.Layers), Describe(import.Layers));
        Assert.Equal(
            new[] { "x", "conv2d_0", "max_pooling2d_2", "conv2d_3", "max_pooling2d_5", "conv2d_6", "flatten_8", "dense_9", "dense_11" },
            import.Layers.Select(l => l.Name!.Text));
        Assert.All(import.Layers, l => Assert.Empty(l.Inputs));

        Assert.Equal(
            new[] { "conv2d_0/kernel [3, 3, 1, 32]", "conv2d_0/bias [32]", "conv2d_3/kernel [3, 3, 32, 64]", "conv2d_3/bias [64]", "conv2d_6/kernel [3, 3, 64, 64]", "conv2d_6/bias [64]", "dense_9/kernel [576, 64]", "dense_9/bias [64]", "dense_11/kernel [64, 10]", "dense_11/bias [10]" },
            import.Tensors.Select(t => t.ToString()));
        Assert.Equal(93_322, import.Tensors.Sum(t => t.Data.Length));
        Assert.All(import.Tensors, t => Assert.Equal(t.Shape.Aggregate(1, (p, d) => p * d), t.Data.Length));
    }

    [Fact]
    public void TheSeedsWeightsAreInKerasLayouts()
    {
        OnnxModel model = OnnxModel.Parse(Seed);
        OnnxImport import = OnnxImporter.Import(Seed, null);
        float[] Onnx(string name) => model.Graph.Initializers.Single(t => t.Name == name).ToFloats();
        float[] Imported(string name) => import.Tensors.Single(t => t.Name == name).Data;

        // Conv2D: kernel[kh, kw, in, out] = weight[out, in, kh, kw].
        (int p, int q, int c, int m) = (2, 1, 17, 40);
        Assert.Equal(Onnx("3.weight")[(((((m * 32) + c) * 3) + p) * 3) + q], Imported("conv2d_3/kernel")[(((((p * 3) + q) * 32) + c) * 64) + m]);

        // Dense after an NCHW flatten of the 3x3x64 map: ONNX's feature c*9 + h*3 + w is NetDsl's (h*3 + w)*64 + c;
        // kernel[in, units] = weight[units, in].
        (int h, int w, int channel, int unit) = (1, 2, 5, 7);
        int onnxFeature = (channel * 9) + (h * 3) + w, netDslRow = (((h * 3) + w) * 64) + channel;
        Assert.Equal(Onnx("9.weight")[(unit * 576) + onnxFeature], Imported("dense_9/kernel")[(netDslRow * 64) + unit]);
        Assert.NotEqual(Onnx("9.weight")[(unit * 576) + onnxFeature], Imported("dense_9/kernel")[(onnxFeature * 64) + unit]);

        // The last Dense follows a vector: transposed only.
        Assert.Equal(Onnx("11.weight")[(3 * 64) + 50], Imported("dense_11/kernel")[(50 * 10) + 3]);
        Assert.Equal(Onnx("11.bias"), Imported("dense_11/bias"));
    }

    [Fact]
    public void AnImportIsComparedByValueAndHoldsOnlyPlainValues()
    {
        OnnxImport first = OnnxImporter.Import(Seed, null), second = OnnxImporter.Import((byte[])Seed.Clone(), null);

        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        ModelGraph.AssertOnlyPlainValues(first);

        byte[] changed = (byte[])Seed.Clone();
        changed[^100] ^= 0x01; // a bit of the last bias
        Assert.NotEqual(first, OnnxImporter.Import(changed, null));
    }

    // ---- Every fixture: the layout conversion, numerically ----

    public static IEnumerable<object[]> Fixtures() => new[] { "seed-mnist-nchw", "residual", "decoder", "pooling", "depthwise", "channels-last" }.Select(f => new object[] { f });

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void TheImportComputesWhatTheOnnxGraphComputes(string fixture) => AssertComputesAsOnnx(Fixture(fixture), fixture);

    /// <summary>The fixtures export_fixtures.py wrote with PyTorch's outputs (the seed has none).</summary>
    public static IEnumerable<object[]> PyTorchFixtures() => Fixtures().Skip(1);

    [Theory]
    [MemberData(nameof(PyTorchFixtures))]
    public void TheImportComputesWhatPyTorchComputed(string fixture)
    {
        string path = Path.Combine(FixtureDirectory, fixture + ".expected.json");
        byte[] bytes = Fixture(fixture);
        OnnxImport import = OnnxImporter.Import(bytes, null);
        Assert.True(import.Succeeded, string.Join("\n", import.Problems));
        NetworkModel network = CheckAndPlan(import);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(path));
        RefTensor Read(string key) => new(
            json.RootElement.GetProperty(key).GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
            json.RootElement.GetProperty(key).GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray());

        double[][] actual = RunChannelsLast(network, import.Tensors.ToDictionary(t => t.Name), Read("input"), import);
        AssertMatches(Read("output"), actual, tolerance: 1e-4, fixture + " (PyTorch, float32)");
    }

    public static IEnumerable<object[]> FixtureLayers() => new[]
    {
        new object[]
        {
            "residual", """
            x: input 8x8x3
            stem: conv2d 8 3x3 same
            bn1: batchnorm momentum 0.9 epsilon 1E-05
            activation: activation relu
            conv: conv2d 8 3x3 same nobias
            bn2: batchnorm momentum 0.9 epsilon 1E-05
            add: add activation bn2
            activation_1: activation relu
            left: conv2d 4 1x1
            right: conv2d 6 3x3 same relu from activation_1
            concatenate: concat left right
            bn3: batchnorm
            pool: maxpool 2x2
            flatten: flatten
            fc: dense 5
            """,
        },
        new object[]
        {
            "decoder", """
            x: input 16
            fc: dense 16 relu
            reshape: reshape 2x2x4
            up1: conv2dtranspose 6 4x4 stride 2 same relu
            nearest: upsampling2d 2x2
            bilinear: upsampling2d 2x2 bilinear
            up2: conv2dtranspose 5 3x3 stride 2 tanh
            crop_up2: cropping2d top 1 bottom 0 left 1 right 0
            out: conv2dtranspose 2 3x3 same sigmoid
            """,
        },
        new object[]
        {
            "pooling", """
            x: input 17x17x3
            same: zeropadding2d top 1 bottom 2 left 1 right 2
            a: conv2d 4 4x4 relu
            ceil: maxpool 2x2 same
            counted: zeropadding2d 1x1
            counted_1: avgpool 3x3 stride 2
            uncounted: avgpool 3x3 stride 1 same
            pad_wide: zeropadding2d 2x2
            wide: conv2d 6 3x3 tanh
            dilated: conv2d 6 3x3 dilation 2 same relu
            pad_1: zeropadding2d top 1 bottom 0 left 1 right 0
            pad_maxpool: zeropadding2d 1x1
            maxpool: maxpool 3x3 stride 2
            gap: globalavgpool
            fc: dense 5
            """,
        },
        new object[]
        {
            "depthwise", """
            x: input 10x10x3
            dw1: depthwiseconv2d 3x3 multiplier 2 same relu6
            pw: conv2d 8 1x1
            bn: batchnorm momentum 0.9 epsilon 1E-05
            activation: activation swish
            pad_dw2: zeropadding2d 1x1
            dw2: depthwiseconv2d 3x3 stride 2
            leaky_re_lu: leakyrelu 0.1
            activation_1: activation gelu
            gmp: maxpool 5x5
            flatten: flatten
            fc: dense 4 softmax
            """,
        },
        new object[]
        {
            "channels-last", """
            x: input 6x6x2
            conv: conv2d 4 3x3 elu
            flatten: flatten
            fc: dense 3 tanh
            """,
        },
    };

    /// <summary>Each fixture's import in NetDsl's text form (as <c>Architecture</c> prints a layer, with its name
    /// and the layers it reads): what PyTorch's modules became, what was folded and what was added. Parsed, that
    /// text gives the very layer specs the import made: names, settings in order, inputs.</summary>
    [Theory]
    [MemberData(nameof(FixtureLayers))]
    public void TheFixturesImportAsTheseLayers(string fixture, string expected)
    {
        OnnxImport import = OnnxImporter.Import(Fixture(fixture), null);
        DslDocument text = DslParser.Parse(expected, (_, _) => null, allowHeader: false);
        Assert.False(text.HasErrors, string.Join("\n", text.Diagnostics.Select(d => d.ToDiagnostic().ToString())));
        Assert.Equal(Specs(text.Layers), Specs(import.Layers));

        NetworkModel network = CheckAndPlan(import);
        var lines = new List<string> { network.InputName + ": input " + network.Input };
        foreach (LayerModel layer in network.Layers)
        {
            string inputs = layer.Definition.IsMerge ? " " + string.Join(" ", layer.Sources.Select(network.NameOf))
                : layer.Source != layer.Index - 1 ? " from " + network.NameOf(layer.Source)
                : string.Empty;
            lines.Add(layer.Name + ": " + layer.Definition.Describe(layer) + inputs);
        }

        Assert.Equal(expected.Replace("\r", string.Empty, StringComparison.Ordinal).TrimEnd(), string.Join("\n", lines));
    }

    [Fact]
    public void ActivationsAndBiasesFoldIntoTheLayersBeforeThem()
    {
        // PyTorch's functional style: relu(max_pool2d(conv(x))), a bias added after the Conv, a MatMul and an Add for
        // a Linear whose weight is shared through an Identity, a sigmoid.
        var random = new Random(3);
        float[] Weights(int count) => Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        byte[] bytes = new OnnxBuilder()
            .Input("x", -1, 2, 6, 6)
            .Output("y")
            .Initializer("w", new long[] { 3, 2, 3, 3 }, Weights(54))
            .Initializer("b", new long[] { 1, 3, 1, 1 }, Weights(3))
            .Initializer("fc.weight", new long[] { 12, 4 }, Weights(48))
            .Initializer("fc.bias", new long[] { 4 }, Weights(4))
            .Node("Conv", "conv", new[] { "x", "w" }, new[] { "c" }, ("kernel_shape", new long[] { 3, 3 }))
            .Node("Add", "conv_bias", new[] { "c", "b" }, new[] { "cb" })
            .Node("MaxPool", "pool", new[] { "cb" }, new[] { "p" }, ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 }))
            .Node("Relu", "relu", new[] { "p" }, new[] { "r" })
            .Node("Flatten", "flatten", new[] { "r" }, new[] { "f" })
            .Node("Identity", "shared", new[] { "fc.weight" }, new[] { "w2" })
            .Node("MatMul", "/fc/MatMul", new[] { "f", "w2" }, new[] { "m" })
            .Node("Add", "/fc/Add", new[] { "m", "fc.bias" }, new[] { "a" })
            .Node("Sigmoid", "/Sigmoid", new[] { "a" }, new[] { "y" })
            .Build();

        OnnxImport import = OnnxImporter.Import(bytes, null);

        Assert.True(import.Succeeded, string.Join("\n", import.Problems));
        Assert.Equal(
            new[] { "InputLayer(height = 6, width = 6, channels = 2)", "Conv2D(filters = 3, kernel_height = 3, kernel_width = 3, activation = 1)", "MaxPooling2D(pool_height = 2, pool_width = 2)", "Flatten()", "Dense(units = 4, activation = 2)" },
            Describe(import.Layers));
        Assert.Equal(new[] { "conv/kernel", "conv/bias", "fc/kernel", "fc/bias" }, import.Tensors.Select(t => t.Name));
        AssertComputesAsOnnx(bytes, "folded");
    }

    [Fact]
    public void TensorFlowsLayoutIsFollowedThroughItsTransposes()
    {
        // tf2onnx's shape of a Keras model: an NHWC input, each Conv and MaxPool between Transposes to NCHW and back,
        // a Pad and the global average pooling (ReduceMean over axes 1 and 2) in NHWC, a MatMul and an Add.
        var random = new Random(5);
        float[] Weights(int count) => Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        byte[] bytes = new OnnxBuilder()
            .Input("input_1", -1, 6, 6, 2)
            .Output("dense")
            .Initializer("w", new long[] { 4, 2, 3, 3 }, Weights(72))
            .Initializer("b", new long[] { 4 }, Weights(4))
            .Integers("pads", 0, 1, 1, 0, 0, 1, 1, 0)
            .Initializer("kernel", new long[] { 4, 3 }, Weights(12))
            .Initializer("bias", new long[] { 3 }, Weights(3))
            .Node("Transpose", "model/conv2d/Conv2D__6", new[] { "input_1" }, new[] { "t1" }, ("perm", new long[] { 0, 3, 1, 2 }))
            .Node("Conv", "model/conv2d/Conv2D", new[] { "t1", "w", "b" }, new[] { "c" }, ("pads", new long[] { 1, 1, 1, 1 }))
            .Node("Relu", "model/conv2d/Relu", new[] { "c" }, new[] { "r" })
            .Node("Transpose", "model/conv2d/Relu__8", new[] { "r" }, new[] { "t2" }, ("perm", new long[] { 0, 2, 3, 1 }))
            .Node("Pad", "model/zero_padding2d/Pad", new[] { "t2", "pads" }, new[] { "p" })
            .Node("Transpose", "model/max_pooling2d/MaxPool__12", new[] { "p" }, new[] { "t3" }, ("perm", new long[] { 0, 3, 1, 2 }))
            .Node("MaxPool", "model/max_pooling2d/MaxPool", new[] { "t3" }, new[] { "m" }, ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 }))
            .Node("Transpose", "model/max_pooling2d/MaxPool__14", new[] { "m" }, new[] { "t4" }, ("perm", new long[] { 0, 2, 3, 1 }))
            .Node("ReduceMean", "model/global_average_pooling2d/Mean", new[] { "t4" }, new[] { "g" }, ("axes", new long[] { 1, 2 }), ("keepdims", 0L))
            .Node("MatMul", "model/dense/MatMul", new[] { "g", "kernel" }, new[] { "mm" })
            .Node("Add", "model/dense/BiasAdd", new[] { "mm", "bias" }, new[] { "a" })
            .Node("Softmax", "model/dense/Softmax", new[] { "a" }, new[] { "dense" })
            .Build();

        OnnxImport import = OnnxImporter.Import(bytes, null);

        Assert.True(import.Succeeded, string.Join("\n", import.Problems));
        Assert.Equal((OnnxTensorLayout.ChannelsLast, OnnxTensorLayout.Features), (import.InputLayout, import.OutputLayout));
        Assert.Equal(
            new[]
            {
                "input_1: InputLayer(height = 6, width = 6, channels = 2) <- ", "model_conv2d: Conv2D(filters = 4, kernel_height = 3, kernel_width = 3, padding = 1, activation = 1) <- ",
                "model_zero_padding2d: ZeroPadding2D(height = 1, width = 1) <- ", "model_max_pooling2d: MaxPooling2D(pool_height = 2, pool_width = 2) <- ",
                "model_global_average_pooling2d: GlobalAveragePooling2D() <- ", "model_dense: Dense(units = 3, activation = 4) <- ",
            },
            Specs(import.Layers));
        AssertComputesAsOnnx(bytes, "tf2onnx");
    }

    [Fact]
    public void ShapeArithmeticFollowsPyTorchsPatterns()
    {
        // x.view(x.size(0), -1): Shape, Gather 0, Unsqueeze, Concat with [-1].
        IntegerTensor size = IntegerTensor.Vector(IntegerTensor.Batch, 10, 4, 4).Gather(new IntegerTensor(Array.Empty<long>(), new long[] { 0 }), 0);
        IntegerTensor shape = IntegerTensor.Concat(new[] { size.Unsqueeze(new long[] { 0 }), IntegerTensor.Vector(-1) }, 0);
        Assert.Equal(new long[] { 2 }, shape.Dims);
        Assert.Equal(new[] { IntegerTensor.Batch, -1 }, shape.Values);

        // ZeroPad2d((1, 0, 1, 0)): [left, right, top, bottom] and zeros for N and C, pairs reversed to ONNX's
        // [begin..., end...] by Reshape, Slice with step -1, Transpose and Reshape.
        IntegerTensor pads = IntegerTensor.Concat(new[] { IntegerTensor.Vector(1, 0, 1, 0), IntegerTensor.Filled(IntegerTensor.Vector(4), 0) }, 0)
            .Reshape(new long[] { -1, 2 }, allowZero: false)
            .Slice(new long[] { -1 }, new long[] { -9_223_372_036_854_775_807 }, new long[] { 0 }, new long[] { -1 })
            .Transpose(new long[] { 1, 0 })
            .Reshape(new long[] { -1 }, allowZero: false);
        Assert.Equal(new long[] { 0, 0, 1, 1, 0, 0, 0, 0 }, pads.Values);

        Assert.Throws<ArgumentException>(() => IntegerTensor.Arithmetic("Mul", size, IntegerTensor.Vector(2)));
        Assert.Equal(new long[] { 6, 1 }, IntegerTensor.Arithmetic("Div", IntegerTensor.Vector(12, 2), IntegerTensor.Vector(2)).Values);
    }

    // ---- Problems ----

    [Fact]
    public void EmptyRandomAndTruncatedFilesAreProblemsNotExceptions()
    {
        Assert.Contains("The file is empty", Assert.Single(OnnxImporter.Import(Array.Empty<byte>(), null).Problems).Message);
        var random = new Random(7);
        for (int k = 0; k < 100; k++)
        {
            var bytes = new byte[random.Next(1, 400)];
            random.NextBytes(bytes);
            OnnxImport import = OnnxImporter.Import(bytes, null);
            Assert.False(import.Succeeded);
            Assert.Empty(import.Layers);
        }

        for (int k = 0; k < 300; k++)
        {
            int length = k < 50 ? k : random.Next(Seed.Length);
            OnnxImport import = OnnxImporter.Import(Seed.Take(length).ToArray(), null);
            Assert.False(import.Succeeded, $"the seed cut to {length} bytes imported");
            Assert.Empty(import.Tensors);
        }
    }

    [Fact]
    public void BitFlipsNeverThrow()
    {
        var random = new Random(11);
        int problems = 0;
        for (int k = 0; k < 300; k++)
        {
            byte[] bytes = (byte[])Seed.Clone();
            for (int flips = 1 + random.Next(3); flips > 0; flips--)
            {
                // Most flips land in the weights, which take any value; half go to the first 3 KB, the structure.
                int at = random.Next(2) == 0 ? random.Next(Math.Min(3000, bytes.Length)) : random.Next(bytes.Length);
                bytes[at] ^= (byte)(1 << random.Next(8));
            }

            OnnxImport import = OnnxImporter.Import(bytes, null);
            Assert.True(import.Succeeded || import.Layers.Count == 0);
            Assert.DoesNotContain(import.Problems, p => p.Message.Contains("The importer failed", StringComparison.Ordinal));
            problems += import.Succeeded ? 0 : 1;
        }

        Assert.InRange(problems, 30, 300);
    }

    [Theory]
    [MemberData(nameof(PyTorchFixtures))]
    public void CorruptedFixturesGiveProblemsNotFailures(string fixture)
    {
        // The fixtures are mostly structure (few weights): flipped bits reach attributes, shapes and names, and
        // every path of the importer must turn what it finds into a problem, not an exception it did not expect.
        byte[] original = Fixture(fixture);
        var random = new Random(fixture.Length * 31);
        for (int k = 0; k < 400; k++)
        {
            byte[] bytes = k % 4 == 0 ? original.Take(random.Next(original.Length)).ToArray() : (byte[])original.Clone();
            if (k % 4 != 0)
            {
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            }

            OnnxImport import = OnnxImporter.Import(bytes, null);
            Assert.True(import.Succeeded || (import.Layers.Count == 0 && import.Problems.Count > 0));
            Assert.DoesNotContain(import.Problems, p => p.Message.Contains("The importer failed", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void AnUnsupportedOperatorIsAProblemNamingTheNode()
    {
        byte[] bytes = SmallNetwork(b => b.Node("HardSwish", "/act/HardSwish", new[] { "c" }, new[] { "h" }).Node("Relu", "after", new[] { "h" }, new[] { "y" }));

        OnnxImport import = OnnxImporter.Import(bytes, null);

        OnnxProblem problem = Assert.Single(import.Problems);
        Assert.Equal(("/act/HardSwish", "HardSwish"), (problem.NodeName, problem.OpType));
        Assert.Equal("HardSwish '/act/HardSwish': NetDsl has no layer for the operator HardSwish", problem.ToString());
        Assert.Empty(import.Layers);
        Assert.Empty(import.Tensors);
    }

    public static IEnumerable<object[]> ProblemCases() => new[]
    {
        Case("Conv", "it is a grouped convolution (group 2, 4 input channels, 4 filters); NetDsl has Conv2D (group 1) and DepthwiseConv2D (group = input channels)",
            b => b.Initializer("gw", new long[] { 4, 2, 3, 3 }, new float[72]).Node("Conv", "grouped", new[] { "c", "gw" }, new[] { "y" }, ("group", 2L))),
        Case("Flatten", "the graph's output is a 6x6x4 map flattened channel by channel; NetDsl's Flatten orders it pixel by pixel, so the outputs would come in another order",
            b => b.Node("Flatten", "flat", new[] { "c" }, new[] { "y" })),
        Case("Concat", "it joins [n, 144], [n, 144] on axis 1; NetDsl's Concatenate joins the channels of maps of one size (axis 1 of NCHW), or vectors",
            b => b.Node("Flatten", "flat", new[] { "c" }, new[] { "f" }).Node("Concat", "joined", new[] { "f", "f" }, new[] { "y" }, ("axis", 1L))),
        Case("AveragePool", "it pads [n, 4, 6, 6] by 1/1/1/1 (top/bottom/left/right) where Keras's same padding is 0/1/0/1 (top/bottom/left/right); average pooling without counting the padding (count_include_pad = 0) is NetDsl's same padding only where it equals Keras's",
            b => b.Node("AveragePool", "avg", new[] { "c" }, new[] { "y" }, ("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 }))),
        Case("MaxPool", "it pads [n, 4, 6, 6] by 1/1/1/1 (top/bottom/left/right) where Keras's same padding is 0/1/0/1 (top/bottom/left/right); max pooling pads with negative infinity; NetDsl's same padding is that only where it equals Keras's, and zeros are that only after a non-negative activation (ReLU, ReLU6, sigmoid, ...)",
            b => b.Node("MaxPool", "max", new[] { "c" }, new[] { "y" }, ("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 }))),
        Case("Reshape", "it reshapes to [2, -1], fixing the batch size; NetDsl networks take any batch (write x.view(x.size(0), ...) or -1 for the batch)",
            b => b.Integers("shape", 2, -1).Node("Reshape", "fixed", new[] { "c", "shape" }, new[] { "y" })),
        Case("Clip", "it clips to [-1, 1]; NetDsl has ReLU ([0, inf)) and ReLU6 ([0, 6])",
            b => b.Initializer("lo", Array.Empty<long>(), new[] { -1f }).Initializer("hi", Array.Empty<long>(), new[] { 1f }).Node("Clip", "clip", new[] { "c", "lo", "hi" }, new[] { "y" })),
        Case("Mul", "it combines a computed value with the constant 'two'; NetDsl has no layer that multiplies by a constant (only a bias right after a Conv, Gemm or MatMul folds into it)",
            b => b.Initializer("two", Array.Empty<long>(), new[] { 2f }).Node("Mul", "double", new[] { "c", "two" }, new[] { "y" })),
        Case("Resize", "its nearest resize (half_pixel, floor) does not repeat each pixel 2x2 times, as NetDsl's UpSampling2D does",
            b => b.Initializer("scales", new long[] { 4 }, new[] { 1f, 1f, 2f, 2f }).Node("Resize", "up", new[] { "c", string.Empty, "scales" }, new[] { "y" }, ("mode", "nearest"), ("nearest_mode", "floor"))),
        Case("Softmax", "it normalises axis 3 of [n, 4, 6, 6]; NetDsl's softmax runs over the channels",
            b => b.Node("Softmax", "soft", new[] { "c" }, new[] { "y" }, ("axis", -1L))),
    };

    [Theory]
    [MemberData(nameof(ProblemCases))]
    public void UnsupportedGraphsAreProblemsThatSayWhy(string opType, string message, byte[] bytes)
    {
        OnnxProblem problem = Assert.Single(OnnxImporter.Import(bytes, null).Problems);
        Assert.Equal(opType, problem.OpType);
        Assert.Equal(message, problem.Message);
    }

    [Fact]
    public void NamesAreValidDistinctAndClearOfGeneratedMembers()
    {
        var names = new LayerNames();
        Assert.Equal("x", names.Claim("x", "input_layer"));
        Assert.Equal("conv1", names.Claim("conv1", "conv2d"));
        Assert.Equal("conv_1_1", names.Claim("conv_1", "conv2d"));          // Conv1 in generated code
        Assert.Equal("conv1_2", names.Claim("conv1", "conv2d"));          // conv1_1 would be conv_1_1 there
        Assert.Equal("conv2d_0", names.Claim("0", "conv2d"));               // PyTorch's Sequential
        Assert.Equal("features_3_conv", names.Claim("features.3/conv", "conv2d"));
        Assert.Equal("dense", names.Claim(string.Empty, "dense"));
        Assert.Equal("output_1", names.Claim("output", "dense"));           // the member Output every network has
        Assert.Equal("infer_1", names.Claim("infer", "dense"));
        Assert.Equal("grad_a_1", names.Claim("grad_a", "dense"));           // a gradient buffer
        Assert.Equal("blockKernel", names.Claim("blockKernel", "dense"));
        Assert.Equal("block_1", names.Claim("block", "dense"));             // block + Kernel would be blockKernel's

        OnnxNode Node(string name, string op) => new(name, op, string.Empty, Array.Empty<string>(), Array.Empty<string>(), Array.Empty<OnnxAttribute>());
        Assert.Equal("layer1.0_conv1", LayerNames.FromNode(Node("/layer1/layer1.0/conv1/Conv", "Conv"))); // Claim makes it layer1_0_conv1
        Assert.Equal("0", LayerNames.FromNode(Node("/0/Conv", "Conv")));
        Assert.Equal(string.Empty, LayerNames.FromNode(Node("/Relu", "Relu")));
        Assert.Equal(string.Empty, LayerNames.FromNode(Node("Conv_12", "Conv")));
        Assert.Equal("stem", LayerNames.FromNode(Node("stem", "Conv")));
        Assert.Equal("model_conv2d", LayerNames.FromNode(Node("model/conv2d/BiasAdd", "Conv")));
    }

    // ---- Helpers ----

    /// <summary>A model with input x [n, 3, 8, 8] and a valid 3x3 Conv to c [n, 4, 6, 6]; <paramref name="rest"/>
    /// adds nodes from c to the output y.</summary>
    private static byte[] SmallNetwork(Func<OnnxBuilder, OnnxBuilder> rest) =>
        rest(new OnnxBuilder()
            .Input("x", -1, 3, 8, 8)
            .Output("y")
            .Initializer("w", new long[] { 4, 3, 3, 3 }, Enumerable.Range(0, 108).Select(i => i / 100f).ToArray())
            .Node("Conv", "/conv/Conv", new[] { "x", "w" }, new[] { "c" })).Build();

    private static object[] Case(string opType, string message, Func<OnnxBuilder, OnnxBuilder> rest) => new object[] { opType, message, SmallNetwork(rest) };

    private static byte[] Bytes(params int[] values) => values.Select(v => (byte)v).ToArray();

    private static IEnumerable<byte> Varint(ulong value)
    {
        while (value >= 0x80)
        {
            yield return (byte)(value | 0x80);
            value >>= 7;
        }

        yield return (byte)value;
    }

    /// <summary>Each layer with its name, settings and inputs, without locations.</summary>
    private static string[] Specs(IEnumerable<LayerSpec> layers) =>
        layers.Select(l => l.Name?.Text + ": " + l.Kind + "(" + string.Join(", ", l.Arguments.Select(a => a.Name + " = " + a.Value)) + ") <- " + string.Join(" ", l.Inputs.Select(i => i.Text))).ToArray();

    /// <summary>Each layer as kind and settings (name = value), without names or locations.</summary>
    private static string[] Describe(IEnumerable<LayerSpec> layers) =>
        layers.Select(l => l.Kind + "(" + string.Join(", ", l.Arguments.Select(a => a.Name + " = " + a.Value)) + ")").ToArray();

    /// <summary>The import through the shape checker and the planner, which must accept it without a diagnostic;
    /// its tensors must be the network's parameters, in order and shape.</summary>
    private static NetworkModel CheckAndPlan(OnnxImport import)
    {
        var spec = new NetworkSpec(new TypeTarget("Samples", EquatableArray<string>.Empty, "Imported", "public"), null, import.Layers, EquatableArray<DiagnosticInfo>.Empty, SpecStatus.Readable);
        NetworkModel network = ShapeChecker.Check(spec);
        Assert.True(network.Status == ModelStatus.Valid, string.Join("\n", network.Diagnostics.Select(d => d.ToDiagnostic().ToString())));
        var diagnostics = new List<DiagnosticInfo>();
        Assert.NotNull(NetworkPlanner.Plan(network, diagnostics));
        Assert.Empty(diagnostics);
        Assert.Equal(
            network.Layers.SelectMany(l => l.Parameters.Select(p => l.Name + "/" + p.Role + " [" + string.Join(", ", p.Shape) + "]")),
            import.Tensors.Select(t => t.ToString()));
        return network;
    }

    /// <summary>The import, run channels-last in double precision, against the ONNX graph run in NCHW on random input.</summary>
    private static void AssertComputesAsOnnx(byte[] bytes, string what)
    {
        OnnxImport import = OnnxImporter.Import(bytes, null);
        Assert.True(import.Succeeded, string.Join("\n", import.Problems));
        NetworkModel network = CheckAndPlan(import);
        OnnxModel model = OnnxModel.Parse(bytes);
        OnnxValueInfo input = model.Graph.Inputs.First(i => model.Graph.Initializers.All(t => t.Name != i.Name));
        long[] sample = input.Dims!.Skip(1).Select(d => d.Value!.Value).ToArray();
        var random = new Random(what.Length);
        var batch = new RefTensor(new long[] { 2 }.Concat(sample).ToArray(), Enumerable.Range(0, 2 * (int)sample.Aggregate(1L, (p, d) => p * d)).Select(_ => (random.NextDouble() * 2) - 1).ToArray());

        RefTensor expected = OnnxReference.Run(model, batch);
        double[][] actual = RunChannelsLast(network, import.Tensors.ToDictionary(t => t.Name), batch, import);
        AssertMatches(expected, actual, tolerance: 1e-6, what + " (double-precision NCHW reference)");
    }

    /// <summary>Each sample of <paramref name="batch"/> (ONNX's layout) through the channels-last reference, its
    /// output in ONNX's layout again.</summary>
    private static double[][] RunChannelsLast(NetworkModel network, IReadOnlyDictionary<string, ImportedTensor> tensors, RefTensor batch, OnnxImport import)
    {
        int n = batch.Dim(0), size = batch.Data.Length / n;
        var outputs = new double[n][];
        for (int s = 0; s < n; s++)
        {
            var sample = new RefTensor(batch.Dims.Skip(1).ToArray(), batch.Data.Skip(s * size).Take(size).ToArray());
            double[] x = import.InputLayout == OnnxTensorLayout.ChannelsFirst ? OnnxReference.Transpose(sample, new long[] { 1, 2, 0 }).Data : sample.Data;
            double[] y = ChannelsLastReference.Run(network, tensors, x);
            Shape o = network.Output;
            outputs[s] = import.OutputLayout == OnnxTensorLayout.ChannelsFirst && o.IsMap
                ? OnnxReference.Transpose(new RefTensor(new long[] { o.Height, o.Width, o.Channels }, y), new long[] { 2, 0, 1 }).Data
                : y;
        }

        return outputs;
    }

    private static void AssertMatches(RefTensor expected, double[][] actual, double tolerance, string what)
    {
        int size = expected.Data.Length / actual.Length;
        for (int s = 0; s < actual.Length; s++)
        {
            Assert.Equal(size, actual[s].Length);
            for (int k = 0; k < size; k++)
            {
                double e = expected.Data[(s * size) + k], a = actual[s][k];
                Assert.True(Math.Abs(e - a) <= tolerance * Math.Max(1, Math.Abs(e)), $"{what}: sample {s}, output {k}: expected {e}, got {a}");
            }
        }
    }
}
