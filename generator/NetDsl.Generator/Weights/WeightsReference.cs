using NetDsl.Generator.Model;

namespace NetDsl.Generator.Weights;

/// <summary>What a file named by a network holds.</summary>
internal enum WeightsFormat
{
    /// <summary>Trained weights for the written layers: <c>Weights = "..."</c>, or <c>weights PATH</c> in a file.</summary>
    Safetensors,

    /// <summary>A whole model, architecture and weights: <c>Onnx = "..."</c>, or <c>onnx PATH</c> in a file.</summary>
    Onnx,
}

/// <summary>A file a network names, as written: resolved against the <c>AdditionalFiles</c> by
/// <see cref="WeightsResolver"/>.</summary>
/// <param name="Path">The path as written (relative to the declaring file's folder or the project, or absolute).</param>
/// <param name="Format">What the file holds.</param>
/// <param name="Location">The path's literal or token: where problems with the file are reported.</param>
/// <param name="DeclaringFile">The file that names it (a C# file, or the .netdsl file).</param>
internal sealed record WeightsReference(string Path, WeightsFormat Format, LocationInfo? Location, string DeclaringFile);
