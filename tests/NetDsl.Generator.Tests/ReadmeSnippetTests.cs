using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Tests.Infrastructure;

namespace NetDsl.Generator.Tests;

/// <summary>
/// Every C# snippet of the README compiles, with the generator, as a console program with the SDK's implicit
/// usings (as <c>dotnet new console</c> creates it): a snippet that uses <c>MnistNet</c> without declaring it
/// gets the README's declaration.
/// </summary>
public sealed partial class ReadmeSnippetTests
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

    public static IEnumerable<object[]> Snippets() =>
        Readme().Select((snippet, i) => new object[] { i, snippet.Split('\n')[0] });

    [Fact]
    public void TheReadmeHasSnippets() => Assert.True(Readme().Count >= 4);

    [Theory]
    [MemberData(nameof(Snippets))]
    public void SnippetCompiles(int index, string firstLine)
    {
        string snippet = Readme()[index];
        var sources = new List<string> { ImplicitUsings, snippet };
        if (!snippet.Contains("partial class MnistNet", StringComparison.Ordinal))
        {
            sources.Add("using NetDsl;\n" + MnistNetDeclaration());
        }

        bool program = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(snippet).GetRoot().DescendantNodes()
            .OfType<Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax>().Any();
        GeneratorResult result = GeneratorHarness.Run(program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, sources.ToArray());
        Diagnostic[] problems = result.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id != "CS8321").ToArray();
        Assert.True(problems.Length == 0, $"README snippet {index} ({firstLine}):\n{string.Join("\n", problems.Select(p => p.ToString()))}");
    }

    /// <summary>The README's C# blocks (copied next to the tests at build time).</summary>
    private static List<string> Readme()
    {
        string text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "README.md"));
        return CSharpBlock().Matches(text).Select(m => m.Groups[1].Value.Replace("\r\n", "\n", StringComparison.Ordinal)).ToList();
    }

    /// <summary>The attribute declaration of MnistNet from the README's first snippet.</summary>
    private static string MnistNetDeclaration()
    {
        string first = Readme()[0];
        return first[first.IndexOf("[Network]", StringComparison.Ordinal)..];
    }

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
