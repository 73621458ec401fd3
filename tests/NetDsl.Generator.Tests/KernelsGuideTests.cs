using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Tests.Infrastructure;

namespace NetDsl.Generator.Tests;

/// <summary>Every C# snippet of docs/kernels.md compiles with the generator, without a diagnostic, and the
/// attribute and text forms of its example network give the same generated code.</summary>
public sealed class KernelsGuideTests
{
    public static IEnumerable<object[]> Snippets() => Guide().Select((snippet, i) => new object[] { i });

    [Fact]
    public void TheGuideHasItsSnippets() => Assert.Equal(2, Guide().Count);

    [Theory]
    [MemberData(nameof(Snippets))]
    public void SnippetCompiles(int index)
    {
        GeneratorResult result = GeneratorHarness.Run(Guide()[index]);
        Diagnostic[] problems = result.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(problems.Length == 0, $"docs/kernels.md snippet {index}:\n{string.Join("\n", problems.Select(p => p.ToString()))}");
    }

    [Fact]
    public void TheAttributeAndTextFormsAreOneNetwork() =>
        Assert.Equal(GeneratorHarness.Run(Guide()[0]).SingleSource, GeneratorHarness.Run(Guide()[1]).SingleSource);

    private static List<string> Guide() => MarkdownSnippets.CSharpBlocks("docs", "kernels.md");
}
