using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes;

namespace NetDsl.Generator.Weights;

/// <summary>
/// A network's parameters as the generator embeds them: every tensor of the layout, in order, as little-endian
/// float32 bytes (what <c>Parameters</c> holds). Equal when the source and its content are, so the emitter runs
/// again only when the file changes.
/// </summary>
internal sealed class EmbeddedParameters : IEquatable<EmbeddedParameters>
{
    public EmbeddedParameters(string source, ulong sourceHash, byte[] data)
    {
        Source = source;
        SourceHash = sourceHash;
        Data = data;
    }

    /// <summary>The file as the user named it.</summary>
    public string Source { get; }

    public ulong SourceHash { get; }

    /// <summary>4 bytes per parameter, little-endian.</summary>
    public byte[] Data { get; }

    public bool Equals(EmbeddedParameters? other) =>
        other is not null && Source == other.Source && SourceHash == other.SourceHash && Data.Length == other.Data.Length;

    public override bool Equals(object? obj) => Equals(obj as EmbeddedParameters);

    public override int GetHashCode() => unchecked((int)SourceHash ^ Data.Length);

    /// <summary>
    /// The parameters of <paramref name="model"/> from the safetensors <paramref name="file"/>, or null with one
    /// diagnostic at the file's name: NDSL0044 for a file that cannot be read or is not a valid safetensors file,
    /// NDSL0045 for one whose tensors do not match the architecture (the first mismatch named with both shapes, and
    /// how many more there are).
    /// </summary>
    public static EmbeddedParameters? FromSafetensors(NetworkModel model, WeightsReference reference, BinaryFile file, List<DiagnosticInfo> diagnostics)
    {
        LocationInfo? location = reference.Location;
        if (file.Error is { } error)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileInvalid, location, reference.Path, "it could not be read: " + error));
            return null;
        }

        SafetensorsContent content;
        try
        {
            content = SafetensorsContent.Parse(file.Bytes);
        }
        catch (FormatException exception)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileInvalid, location, reference.Path, "it is not a valid safetensors file: " + exception.Message));
            return null;
        }

        var tensors = content.Tensors.Select(t => new SourceTensor(t.Name, t.Shape, t.DataType, () => content.ReadFloats(t)));
        return FromTensors(model, reference, file.Hash, tensors, DiagnosticDescriptors.WeightsMismatch, diagnostics);
    }

    /// <summary>A tensor as a weights source holds it: name, shape, dtype, and its values on demand.</summary>
    internal sealed record SourceTensor(string Name, long[] Shape, string DataType, Func<float[]> Read);

    /// <summary>
    /// The parameters of <paramref name="model"/> from named tensors, matched by name, shape and dtype; any mismatch
    /// is one <paramref name="mismatch"/> diagnostic naming the first problem and how many more there are, and a NaN
    /// or infinite value is NDSL0044.
    /// </summary>
    internal static EmbeddedParameters? FromTensors(NetworkModel model, WeightsReference reference, ulong sourceHash, IEnumerable<SourceTensor> source, Microsoft.CodeAnalysis.DiagnosticDescriptor mismatch, List<DiagnosticInfo> diagnostics)
    {
        LocationInfo? location = reference.Location;
        var stored = source.ToList();
        var byName = new Dictionary<string, SourceTensor>(StringComparer.Ordinal);
        foreach (SourceTensor tensor in stored)
        {
            byName[tensor.Name] = tensor;
        }

        var problems = new List<string>();
        var expected = new HashSet<string>(StringComparer.Ordinal);
        var tensors = new List<(ParameterModel Parameter, SourceTensor Stored)>();
        foreach (LayerModel layer in model.Layers)
        {
            foreach (ParameterModel parameter in layer.Parameters)
            {
                string name = layer.Name + "/" + parameter.Role;
                long[] shape = parameter.Shape.Select(d => (long)d).ToArray();
                expected.Add(name);
                if (!byName.TryGetValue(name, out SourceTensor? tensor))
                {
                    problems.Add($"it has no tensor '{name}' (the network's is {Format(shape)})");
                    continue;
                }

                if (!tensor.Shape.SequenceEqual(shape))
                {
                    problems.Add($"tensor '{name}' is {Format(tensor.Shape)} in the file but {Format(shape)} in the network");
                    continue;
                }

                if (!SafetensorsContent.IsFloat(tensor.DataType))
                {
                    problems.Add($"tensor '{name}' has dtype {tensor.DataType}; the network needs floating point (F32, F16, BF16 or F64)");
                    continue;
                }

                tensors.Add((parameter, tensor));
            }
        }

        problems.AddRange(stored.Where(t => !expected.Contains(t.Name)).Select(t => $"the network has no tensor '{t.Name}' {Format(t.Shape)}"));
        if (problems.Count > 0)
        {
            string more = problems.Count > 1 ? string.Format(CultureInfo.InvariantCulture, " (and {0} more {1})", problems.Count - 1, problems.Count == 2 ? "problem" : "problems") : string.Empty;
            diagnostics.Add(DiagnosticInfo.Create(mismatch, location, reference.Path, problems[0] + more));
            return null;
        }

        var values = new float[model.ParameterCount];
        foreach ((ParameterModel parameter, SourceTensor tensor) in tensors)
        {
            float[] read = tensor.Read();
            int bad = Array.FindIndex(read, v => float.IsNaN(v) || float.IsInfinity(v));
            if (bad >= 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileInvalid, location, reference.Path,
                    $"it holds {read[bad].ToString(CultureInfo.InvariantCulture)} at {tensor.Name}[{bad}]; weights must be finite numbers"));
                return null;
            }

            Array.Copy(read, 0, values, parameter.Offset, read.Length);
        }

        return new EmbeddedParameters(reference.Path, sourceHash, ToLittleEndianBytes(values));
    }

    private static byte[] ToLittleEndianBytes(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        if (!BitConverter.IsLittleEndian)
        {
            for (int i = 0; i < bytes.Length; i += 4)
            {
                Array.Reverse(bytes, i, 4);
            }
        }

        return bytes;
    }

    private static string Format(IEnumerable<long> shape) => "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
}
