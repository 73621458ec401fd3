using NetDsl;

namespace NetDsl.Tests.Networks;

/// <summary>Networks compiled from ONNX models (<c>[Network(Onnx = ...)]</c>): the seed model exported from PyTorch,
/// and the importer's fixtures (models/export_fixtures.py), each found relative to this file.</summary>
public static partial class Imported
{
    [Network(Onnx = "../../../models/seed-mnist-nchw.onnx")]
    public partial class SeedMnist;

    [Network(Onnx = "../../NetDsl.Generator.Tests/Onnx/residual.onnx")]
    public partial class Residual;

    [Network(Onnx = "../../NetDsl.Generator.Tests/Onnx/decoder.onnx")]
    public partial class Decoder;

    [Network(Onnx = "../../NetDsl.Generator.Tests/Onnx/pooling.onnx")]
    public partial class Pooling;

    [Network(Onnx = "../../NetDsl.Generator.Tests/Onnx/depthwise.onnx")]
    public partial class Depthwise;

    [Network(Onnx = "../../NetDsl.Generator.Tests/Onnx/channels-last.onnx")]
    public partial class ChannelsLast;
}
