using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Xunit.Sdk;

namespace NetDsl.Generator.Tests.Infrastructure;

/// <summary>
/// Received/verified snapshot files. <c>Snapshots/Name.verified.cs</c> holds the approved text; a mismatch
/// writes <c>Name.received.cs</c> beside it and fails with a readable line diff. To approve new output, run
/// the tests with <c>NETDSL_ACCEPT_SNAPSHOTS=1</c> (the verified file is overwritten), then review the
/// change with git.
/// </summary>
internal static class Snapshot
{
    public const string AcceptVariable = "NETDSL_ACCEPT_SNAPSHOTS";

    /// <summary>
    /// The test project's <c>Snapshots</c> folder, recorded by the build in an assembly attribute. (The caller's
    /// file path would not do: deterministic CI builds map source paths to <c>/_/</c>.)
    /// </summary>
    public static string Directory { get; } =
        typeof(Snapshot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(attribute => attribute.Key == "NetDsl.SnapshotDirectory")?.Value
        ?? throw new InvalidOperationException("The test assembly does not record its snapshot directory (AssemblyMetadata 'NetDsl.SnapshotDirectory').");

    public static void Verify(string actual, string name, string extension = "cs")
    {
        string directory = Directory;
        string verifiedPath = Path.Combine(directory, $"{name}.verified.{extension}");
        string receivedPath = Path.Combine(directory, $"{name}.received.{extension}");
        actual = Normalize(actual);
        bool accept = Environment.GetEnvironmentVariable(AcceptVariable) == "1";

        string? expected = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
        if (expected == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        if (accept)
        {
            System.IO.Directory.CreateDirectory(directory);
            File.WriteAllText(verifiedPath, actual);
            File.Delete(receivedPath);
            return;
        }

        System.IO.Directory.CreateDirectory(directory);
        File.WriteAllText(receivedPath, actual);
        string message = expected is null
            ? $"No verified snapshot '{verifiedPath}'. The output was written to '{receivedPath}'; review it, then rerun with {AcceptVariable}=1 to accept it."
            : $"Snapshot '{name}' differs from '{verifiedPath}' (- verified, + received; output in '{receivedPath}', rerun with {AcceptVariable}=1 to accept):\n" + Diff(expected, actual);
        throw new XunitException(message);
    }

    /// <summary>A line diff showing each change with two lines of context (- expected, + actual).</summary>
    public static string Diff(string expected, string actual)
    {
        DiffPaneModel diff = InlineDiffBuilder.Diff(expected, actual, ignoreWhiteSpace: false);
        int count = diff.Lines.Count;
        var show = new bool[count];
        for (int i = 0; i < count; i++)
        {
            if (diff.Lines[i].Type != ChangeType.Unchanged)
            {
                for (int j = Math.Max(0, i - 2); j <= Math.Min(count - 1, i + 2); j++)
                {
                    show[j] = true;
                }
            }
        }

        var text = new StringBuilder();
        int last = -1;
        for (int i = 0; i < count; i++)
        {
            if (!show[i])
            {
                continue;
            }

            if (last >= 0 && i != last + 1)
            {
                text.AppendLine("  ...");
            }

            DiffPiece line = diff.Lines[i];
            string prefix = line.Type switch
            {
                ChangeType.Inserted => "+ ",
                ChangeType.Deleted => "- ",
                _ => "  ",
            };
            text.Append(prefix).AppendLine(line.Text);
            last = i;
        }

        return text.ToString();
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n");
}
