using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetDsl.Generator.Tests.Infrastructure;

/// <summary>
/// The C# blocks of a Markdown page (the README and the guides in docs/, copied next to the tests at build time),
/// compiled with the generator as files of a console program with the SDK's implicit usings, as
/// <c>dotnet new console</c> creates it. A snippet that names a weights file or an ONNX model gets that file among
/// its AdditionalFiles, as the snippet's project would list it.
/// </summary>
internal static partial class MarkdownSnippets
{
    public const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    /// <summary>The <c>```csharp</c> blocks of <paramref name="page"/> (a path below the test output folder), in order.</summary>
    public static List<string> CSharpBlocks(params string[] page)
    {
        string text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, Path.Combine(page)));
        return CSharpBlock().Matches(text).Select(m => m.Groups[1].Value.Replace("\r\n", "\n", StringComparison.Ordinal)).ToList();
    }

    /// <summary>
    /// Runs the generator over <see cref="ImplicitUsings"/>, <paramref name="snippet"/> and
    /// <paramref name="otherSources"/>: a console program when the snippet has top-level statements, a library
    /// otherwise.
    /// </summary>
    public static GeneratorResult Compile(string snippet, params string[] otherSources)
    {
        string[] sources = new[] { ImplicitUsings, snippet }.Concat(otherSources).ToArray();
        OutputKind kind = CSharpSyntaxTree.ParseText(snippet).GetRoot().DescendantNodes().OfType<GlobalStatementSyntax>().Any()
            ? OutputKind.ConsoleApplication
            : OutputKind.DynamicallyLinkedLibrary;
        AdditionalText[] files = NamedFiles(kind, snippet, sources);
        try
        {
            return GeneratorHarness.Run(GeneratorHarness.CreateCompilation(kind, sources), files);
        }
        finally
        {
            foreach (AdditionalText file in files)
            {
                Directory.Delete(Path.GetDirectoryName(file.Path)!, recursive: true);
            }
        }
    }

    /// <summary>
    /// The file a snippet names: for <c>[Network(Onnx = "path")]</c> the seed model the repository ships; for
    /// <c>[Network(Weights = "path")]</c> the weights of the same network built without the argument (then
    /// <c>Pretrained()</c> does not exist: a seeded network stands in), saved as safetensors.
    /// </summary>
    private static AdditionalText[] NamedFiles(OutputKind kind, string snippet, string[] sources)
    {
        Match onnx = OnnxArgument().Match(snippet);
        if (onnx.Success)
        {
            string model = TemporaryPath(onnx.Groups[1].Value);
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Onnx", "seed-mnist-nchw.onnx"), model);
            return new AdditionalText[] { new FileAdditionalText(model) };
        }

        Match named = WeightsArgument().Match(snippet);
        if (!named.Success)
        {
            return Array.Empty<AdditionalText>();
        }

        string[] withoutWeights = sources.Select(s => Pretrained().Replace(WeightsArgument().Replace(s, "[Network"), "new $1(1)")).ToArray();
        GeneratorResult plain = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(kind, withoutWeights), Array.Empty<AdditionalText>());
        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = plain.Compilation.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        string className = ClassAfter().Match(snippet, named.Index).Groups[1].Value;
        Type type = System.Reflection.Assembly.Load(stream.ToArray()).GetTypes().Single(t => t.Name == className);
        string path = TemporaryPath(named.Groups[1].Value);
        ((INetwork)Activator.CreateInstance(type, 1)!).Save(path);
        return new AdditionalText[] { new FileAdditionalText(path) };
    }

    /// <summary><paramref name="relativePath"/> in a new temporary folder (removed after the compilation).</summary>
    private static string TemporaryPath(string relativePath)
    {
        string path = Path.Combine(Path.GetTempPath(), "netdsl-snippet-" + Guid.NewGuid().ToString("N"), relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex("\\[Network\\(Weights = \"([^\"]+)\"\\)")]
    private static partial Regex WeightsArgument();

    [GeneratedRegex("\\[Network\\(Onnx = \"([^\"]+)\"\\)")]
    private static partial Regex OnnxArgument();

    [GeneratedRegex("(\\w+)\\.Pretrained\\(\\)")]
    private static partial Regex Pretrained();

    [GeneratedRegex("partial class (\\w+)")]
    private static partial Regex ClassAfter();
}
