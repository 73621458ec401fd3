using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;
using NetDsl.Generator.Onnx;

namespace NetDsl.Generator.Weights;

/// <summary>
/// The ONNX host: <c>[Network(Onnx = "...")]</c> or <c>onnx PATH</c>. The model's graph becomes the network's
/// layers (<see cref="OnnxImporter"/>, channels-last) and its initializers the parameters to embed; from there the
/// network is checked, planned and printed like any other. A model that cannot be imported gives one NDSL0046 per
/// problem, naming the node, and the class gets only its surface.
/// </summary>
internal static class OnnxHost
{
    public static NetworkSpec Import(NetworkSpec spec, WeightsReference reference, BinaryFile file)
    {
        LocationInfo? location = reference.Location ?? spec.Location;
        if (file.Error is { } error)
        {
            return Unreadable(spec, DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileInvalid, location, reference.Path, "it could not be read: " + error));
        }

        OnnxImport import = OnnxImporter.Import(file.Bytes, location);
        if (!import.Succeeded)
        {
            return Unreadable(spec, import.Problems.Select(p => DiagnosticInfo.Create(DiagnosticDescriptors.OnnxUnsupported, location, reference.Path, p.ToString())).ToArray());
        }

        return spec with { Layers = import.Layers, Imported = import.Tensors };
    }

    private static NetworkSpec Unreadable(NetworkSpec spec, params DiagnosticInfo[] diagnostics) =>
        spec with { Diagnostics = spec.Diagnostics.Concat(diagnostics).ToEquatableArray(), Status = SpecStatus.Unreadable };
}
