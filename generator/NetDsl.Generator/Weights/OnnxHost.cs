using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Weights;

/// <summary>
/// The ONNX host: <c>[Network(Onnx = "...")]</c> or <c>onnx PATH</c>. The model's graph becomes the network's
/// layers and its initializers the embedded parameters.
/// </summary>
internal static class OnnxHost
{
    public static NetworkSpec Import(NetworkSpec spec, WeightsReference reference, BinaryFile file)
    {
        DiagnosticInfo pending = DiagnosticInfo.Create(DiagnosticDescriptors.OnnxUnsupported, reference.Location ?? spec.Location, reference.Path, "ONNX import is not available in this build");
        return spec with { Diagnostics = spec.Diagnostics.Append(pending).ToEquatableArray(), Status = SpecStatus.Unreadable };
    }
}
