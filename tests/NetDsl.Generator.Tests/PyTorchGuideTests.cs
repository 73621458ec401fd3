using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Tests.Infrastructure;

namespace NetDsl.Generator.Tests;

/// <summary>
/// Every C# snippet of docs/pytorch.md compiles, with the generator, as a file of a console program with the SDK's
/// implicit usings; a snippet that uses <c>MnistNet</c> without declaring it gets the guide's declaration, and one
/// that embeds weights gets the file it names (saved from the same network).
/// </summary>
public sealed class PyTorchGuideTests
{
    public static IEnumerable<object[]> Snippets() => Guide().Select((snippet, i) => new object[] { i, snippet.Split('\n')[0] });

    [Fact]
    public void TheGuideHasItsSnippets() => Assert.Equal(4, Guide().Count);

    [Theory]
    [MemberData(nameof(Snippets))]
    public void SnippetCompiles(int index, string firstLine)
    {
        string snippet = Guide()[index];
        GeneratorResult result = snippet.Contains("partial class MnistNet", StringComparison.Ordinal)
            ? MarkdownSnippets.Compile(snippet)
            : MarkdownSnippets.Compile(snippet, Guide()[0]);
        Diagnostic[] problems = result.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(problems.Length == 0, $"docs/pytorch.md snippet {index} ({firstLine}):\n{string.Join("\n", problems.Select(p => p.ToString()))}");
    }

    private static List<string> Guide() => MarkdownSnippets.CSharpBlocks("docs", "pytorch.md");
}
