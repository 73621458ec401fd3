using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Tests.Infrastructure;

namespace NetDsl.Generator.Tests;

/// <summary>
/// Every C# snippet of docs/pytorch.md compiles, with the generator, as a file of a console program with the SDK's
/// implicit usings; a snippet that uses <c>MnistNet</c> without declaring it gets the guide's declaration, and one
/// that embeds weights gets the file it names (saved from the same network).
/// </summary>
public sealed partial class PyTorchGuideTests
{
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    public static IEnumerable<object[]> Snippets() => Guide().Select((snippet, i) => new object[] { i, snippet.Split('\n')[0] });

    [Fact]
    public void TheGuideHasItsSnippets() => Assert.Equal(4, Guide().Count);

    [Theory]
    [MemberData(nameof(Snippets))]
    public void SnippetCompiles(int index, string firstLine)
    {
        string snippet = Guide()[index];
        var sources = new List<string> { ImplicitUsings, snippet };
        if (!snippet.Contains("partial class MnistNet", StringComparison.Ordinal))
        {
            sources.Add(Guide()[0]);
        }

        OutputKind kind = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(snippet).GetRoot().DescendantNodes()
            .OfType<Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax>().Any() ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary;
        AdditionalText[] weights = WeightsFile(kind, sources);
        GeneratorResult result;
        try
        {
            result = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(kind, sources.ToArray()), weights);
        }
        finally
        {
            foreach (AdditionalText file in weights)
            {
                Directory.Delete(Path.GetDirectoryName(file.Path)!, recursive: true);
            }
        }

        Diagnostic[] problems = result.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(problems.Length == 0, $"docs/pytorch.md snippet {index} ({firstLine}):\n{string.Join("\n", problems.Select(p => p.ToString()))}");
    }

    /// <summary>For a snippet with <c>[Network(Weights = "path")]</c>: that file, saved from the same network built
    /// without it, as the snippet's project would list it among its AdditionalFiles.</summary>
    private static AdditionalText[] WeightsFile(OutputKind kind, List<string> sources)
    {
        Match named = WeightsArgument().Match(sources[1]);
        if (!named.Success)
        {
            return Array.Empty<AdditionalText>();
        }

        string[] withoutWeights = sources.Select(s => Pretrained().Replace(WeightsArgument().Replace(s, "[Network]"), "new $1(1)")).ToArray();
        GeneratorResult plain = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(kind, withoutWeights), Array.Empty<AdditionalText>());
        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = plain.Compilation.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        Type type = System.Reflection.Assembly.Load(stream.ToArray()).GetTypes().Single(t => t.Name == "MnistNet");
        string path = Path.Combine(Path.GetTempPath(), "netdsl-guide-" + Guid.NewGuid().ToString("N"), named.Groups[1].Value);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        ((INetwork)Activator.CreateInstance(type, 1)!).Save(path);
        return new AdditionalText[] { new FileAdditionalText(path) };
    }

    /// <summary>The guide's C# blocks (copied next to the tests at build time).</summary>
    private static List<string> Guide()
    {
        string text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "docs", "pytorch.md"));
        return CSharpBlock().Matches(text).Select(m => m.Groups[1].Value.Replace("\r\n", "\n", StringComparison.Ordinal)).ToList();
    }

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex("\\[Network\\(Weights = \"([^\"]+)\"\\)\\]")]
    private static partial Regex WeightsArgument();

    [GeneratedRegex("(\\w+)\\.Pretrained\\(\\)")]
    private static partial Regex Pretrained();
}
