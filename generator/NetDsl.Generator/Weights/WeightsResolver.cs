using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Weights;

/// <summary>
/// Finds the file a network names among the project's binary <c>AdditionalFiles</c>: the path relative to the
/// declaring file's folder, then relative to the project folder (when the build passes <c>ProjectDir</c>), then
/// the one item whose path ends with it. Not found is NDSL0043 at the path, naming the item to add.
/// </summary>
internal static class WeightsResolver
{
    public static NetworkSpec Resolve(NetworkSpec spec, ImmutableArray<BinaryFile> files, string? projectDirectory)
    {
        if (spec.Weights is not { } reference)
        {
            return spec;
        }

        BinaryFile? file = Find(reference, files, projectDirectory);
        if (file is null)
        {
            // Without its model an ONNX network has no layers: only its surface is generated.
            DiagnosticInfo missing = DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileNotFound, reference.Location ?? spec.Location, reference.Path);
            return spec with
            {
                Diagnostics = spec.Diagnostics.Append(missing).ToEquatableArray(),
                Status = reference.Format == WeightsFormat.Onnx && spec.Status == SpecStatus.Readable ? SpecStatus.Unreadable : spec.Status,
            };
        }

        spec = spec with { WeightsFile = file };
        return reference.Format == WeightsFormat.Onnx && spec.Status == SpecStatus.Readable ? OnnxHost.Import(spec, reference, file) : spec;
    }

    private static BinaryFile? Find(WeightsReference reference, ImmutableArray<BinaryFile> files, string? projectDirectory)
    {
        string written = Normalize(reference.Path);
        if (written.Length == 0 || files.IsDefaultOrEmpty)
        {
            return null;
        }

        var candidates = new List<string>();
        if (IsRooted(written))
        {
            candidates.Add(written);
        }
        else
        {
            string declaring = Normalize(reference.DeclaringFile);
            int slash = declaring.LastIndexOf('/');
            if (slash >= 0)
            {
                candidates.Add(Combine(declaring.Substring(0, slash), written));
            }

            if (!string.IsNullOrEmpty(projectDirectory))
            {
                candidates.Add(Combine(Normalize(projectDirectory!), written));
            }
        }

        foreach (StringComparison comparison in new[] { StringComparison.Ordinal, StringComparison.OrdinalIgnoreCase })
        {
            foreach (string candidate in candidates)
            {
                BinaryFile? exact = files.FirstOrDefault(f => string.Equals(Normalize(f.Path), candidate, comparison));
                if (exact is not null)
                {
                    return exact;
                }
            }
        }

        // The build did not say where the project is: the one item whose path ends with what was written.
        string tail = "/" + Combine(string.Empty, written).TrimStart('/');
        BinaryFile[] ending = files.Where(f => Normalize(f.Path).EndsWith(tail, StringComparison.Ordinal)).ToArray();
        return ending.Length == 1 ? ending[0] : null;
    }

    private static bool IsRooted(string path) => path.StartsWith("/", StringComparison.Ordinal) || (path.Length >= 2 && path[1] == ':');

    private static string Normalize(string path) => path.Replace('\\', '/');

    /// <summary><paramref name="directory"/>/<paramref name="relative"/> with <c>.</c> and <c>..</c> resolved.</summary>
    private static string Combine(string directory, string relative)
    {
        var parts = new List<string>(directory.Split('/'));
        foreach (string part in relative.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == ".." && parts.Count > 1)
            {
                parts.RemoveAt(parts.Count - 1);
                continue;
            }

            parts.Add(part);
        }

        return string.Join("/", parts);
    }
}
