using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Tests.Infrastructure;

namespace NetDsl.Generator.Tests;

/// <summary>
/// Every C# snippet of the README compiles, with the generator, as a console program with the SDK's implicit
/// usings (as <c>dotnet new console</c> creates it): a snippet that uses <c>MnistNet</c> without declaring it
/// gets the README's declaration.
/// </summary>
public sealed class ReadmeSnippetTests
{
    public static IEnumerable<object[]> Snippets() =>
        Readme().Select((snippet, i) => new object[] { i, snippet.Split('\n')[0] });

    [Fact]
    public void TheReadmeHasSnippets() => Assert.True(Readme().Count >= 4);

    [Theory]
    [MemberData(nameof(Snippets))]
    public void SnippetCompiles(int index, string firstLine)
    {
        string snippet = Readme()[index];
        GeneratorResult result = snippet.Contains("partial class MnistNet", StringComparison.Ordinal)
            ? MarkdownSnippets.Compile(snippet)
            : MarkdownSnippets.Compile(snippet, "using NetDsl;\n" + MnistNetDeclaration());
        Diagnostic[] problems = result.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id != "CS8321").ToArray();
        Assert.True(problems.Length == 0, $"README snippet {index} ({firstLine}):\n{string.Join("\n", problems.Select(p => p.ToString()))}");
    }

    private static List<string> Readme() => MarkdownSnippets.CSharpBlocks("README.md");

    /// <summary>The attribute declaration of MnistNet from the README's first snippet.</summary>
    private static string MnistNetDeclaration()
    {
        string first = Readme()[0];
        return first[first.IndexOf("[Network]", StringComparison.Ordinal)..];
    }
}
