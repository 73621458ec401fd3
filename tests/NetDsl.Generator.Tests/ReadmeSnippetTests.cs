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
        OutputKind kind = program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary;
        AdditionalText[] files = WeightsFiles(kind, sources);
        GeneratorResult result = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(kind, sources.ToArray()), files);
        Diagnostic[] problems = result.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id != "CS8321").ToArray();
        Assert.True(problems.Length == 0, $"README snippet {index} ({firstLine}):\n{string.Join("\n", problems.Select(p => p.ToString()))}");
    }

    /// <summary>
    /// For a snippet that embeds weights (<c>[Network(Weights = "path")]</c>): the file it names, saved from the same
    /// network built without the argument, as the snippet's project would have it among its AdditionalFiles.
    /// </summary>
    private static AdditionalText[] WeightsFiles(OutputKind kind, List<string> sources)
    {
        Match onnx = OnnxArgument().Match(sources[1]);
        if (onnx.Success)
        {
            // The README imports the seed model the repository ships.
            string model = Path.Combine(Path.GetTempPath(), "netdsl-readme-" + Guid.NewGuid().ToString("N"), onnx.Groups[1].Value);
            Directory.CreateDirectory(Path.GetDirectoryName(model)!);
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Onnx", "seed-mnist-nchw.onnx"), model);
            return new AdditionalText[] { new FileAdditionalText(model) };
        }

        Match named = WeightsArgument().Match(sources[1]);
        if (!named.Success)
        {
            return Array.Empty<AdditionalText>();
        }

        // The same network without the file (Pretrained() then does not exist: a seeded network stands in).
        var withoutWeights = sources.Select(s => Pretrained().Replace(WeightsArgument().Replace(s, "[Network"), "new $1(1)")).ToArray();
        GeneratorResult plain = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(kind, withoutWeights), Array.Empty<AdditionalText>());
        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = plain.Compilation.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        System.Reflection.Assembly assembly = System.Reflection.Assembly.Load(stream.ToArray());
        string className = ClassAfter().Match(sources[1], named.Index).Groups[1].Value;
        Type type = assembly.GetTypes().Single(t => t.Name == className);
        string path = Path.Combine(Path.GetTempPath(), "netdsl-readme-" + Guid.NewGuid().ToString("N"), named.Groups[1].Value);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        ((INetwork)Activator.CreateInstance(type, 1)!).Save(path);
        return new AdditionalText[] { new FileAdditionalText(path) };
    }

    [GeneratedRegex("\\[Network\\(Weights = \"([^\"]+)\"\\)")]
    private static partial Regex WeightsArgument();

    [GeneratedRegex("\\[Network\\(Onnx = \"([^\"]+)\"\\)")]
    private static partial Regex OnnxArgument();

    [GeneratedRegex("(\\w+)\\.Pretrained\\(\\)")]
    private static partial Regex Pretrained();

    [GeneratedRegex("partial class (\\w+)")]
    private static partial Regex ClassAfter();

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
