using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Parsing;

/// <summary>
/// The file host: each <c>*.netdsl</c> file in <c>AdditionalFiles</c> is one network, named by its
/// <c>network Name</c> line, in the namespace of its optional <c>namespace</c> line, generated as a
/// <c>public partial class</c>. Same parser, checker and emitter as the other hosts.
/// </summary>
internal static class NetDslFileReader
{
    public const string Extension = ".netdsl";

    public static bool IsNetworkFile(AdditionalText file) => file.Path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase);

    public static NetworkSpec Read(AdditionalText file, CancellationToken cancellationToken)
    {
        SourceText? text = file.GetText(cancellationToken);
        string fallbackName = System.IO.Path.GetFileNameWithoutExtension(file.Path);
        if (text is null)
        {
            var unreadable = DiagnosticInfo.Create(DiagnosticDescriptors.DslSyntax, new LocationInfo(file.Path, default, default), $"The file '{file.Path}' could not be read");
            return NotEmittable(fallbackName, null, new[] { unreadable });
        }

        LocationInfo Locate(int start, int length)
        {
            start = Math.Min(Math.Max(0, start), text.Length);
            var span = new TextSpan(start, Math.Min(Math.Max(0, length), text.Length - start));
            return new LocationInfo(file.Path, span, text.Lines.GetLinePositionSpan(span));
        }

        DslDocument document = DslParser.Parse(text.ToString(), Locate, allowHeader: true);
        if (document.NetworkName is null)
        {
            return NotEmittable(fallbackName, null, document.Diagnostics);
        }

        if (Emit.NetworkEmitter.GeneratedMembers.Any(m => m.Name == document.NetworkName))
        {
            var named = DiagnosticInfo.Create(DiagnosticDescriptors.NetworkNamedLikeMember, document.NetworkLocation, document.NetworkName);
            return NotEmittable(document.NetworkName, document.NetworkLocation, document.Diagnostics.Append(named));
        }

        var target = new TypeTarget(document.Namespace, EquatableArray<string>.Empty, document.NetworkName, "public", TargetOrigin.File);
        Weights.WeightsReference? weights = document.Weights is { } w ? new Weights.WeightsReference(w.Path, w.Format, w.Location, file.Path) : null;
        var diagnostics = document.Diagnostics;
        if (weights?.Format == Weights.WeightsFormat.Onnx && document.Layers.Count > 0)
        {
            diagnostics = diagnostics.Append(DiagnosticInfo.Create(DiagnosticDescriptors.OnnxUnsupported, weights.Location, weights.Path, "the layers come from the model; remove the file's layer lines")).ToEquatableArray();
        }

        return new NetworkSpec(target, document.NetworkLocation, document.Layers, diagnostics, diagnostics.Count > 0 ? SpecStatus.Unreadable : SpecStatus.Readable, weights, IsText: true);
    }

    /// <summary>Two files defining the same class: the second (by path) gets NDSL0024 and is not generated.</summary>
    public static ImmutableArray<NetworkSpec> RejectDuplicates(ImmutableArray<NetworkSpec> specs, CancellationToken cancellationToken)
    {
        var first = new Dictionary<string, NetworkSpec>(StringComparer.Ordinal);
        var result = ImmutableArray.CreateBuilder<NetworkSpec>(specs.Length);
        foreach (NetworkSpec spec in specs.OrderBy(s => s.Location?.FilePath, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (spec.Status == SpecStatus.NotEmittable)
            {
                result.Add(spec);
                continue;
            }

            string key = spec.Target.Identity;
            if (first.TryGetValue(key, out NetworkSpec? original))
            {
                if (string.Equals(original.Location?.FilePath, spec.Location?.FilePath, StringComparison.Ordinal))
                {
                    continue; // the same file listed twice among the AdditionalFiles: one network
                }

                var duplicate = DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateNetworkFile, spec.Location, spec.Target.Name, original.Location?.FilePath ?? string.Empty);
                result.Add(spec with { Diagnostics = spec.Diagnostics.Append(duplicate).ToEquatableArray(), Status = SpecStatus.NotEmittable });
                continue;
            }

            first.Add(key, spec);
            result.Add(spec);
        }

        return result.ToImmutable();
    }

    private static NetworkSpec NotEmittable(string name, LocationInfo? location, IEnumerable<DiagnosticInfo> diagnostics) =>
        new(new TypeTarget(null, EquatableArray<string>.Empty, name, "public", TargetOrigin.File), location, EquatableArray<LayerSpec>.Empty, diagnostics.ToEquatableArray(), SpecStatus.NotEmittable);
}
