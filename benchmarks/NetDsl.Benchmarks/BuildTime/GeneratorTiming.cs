extern alias Generator;

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Generator::NetDsl.Generator;

namespace NetDsl.Benchmarks.BuildTime;

/// <summary>
/// Runs NetDsl's <see cref="NetworkGenerator"/> in process, the way the compiler does, on a model's source.
/// A full (non-incremental) run is a new <see cref="CSharpGeneratorDriver"/> on a fresh copy of the user's
/// compilation (<see cref="Compilation.Clone"/>: same parsed trees, no cached symbols), so nothing from the
/// previous run is reused; parsing the user's file is the compiler's work and is not timed.
/// </summary>
internal sealed class GeneratorTiming
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        string trusted = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        return trusted.Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .Append(MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location))
            .ToImmutableArray();
    });

    private readonly CSharpCompilation _compilation;

    public GeneratorTiming(string source)
    {
        _compilation = CSharpCompilation.Create(
            "UserAssembly",
            [CSharpSyntaxTree.ParseText(source, ParseOptions, path: "Model.cs")],
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    /// <summary>Layers after the input in the model's source.</summary>
    public int Layers => _compilation.SyntaxTrees[0].GetRoot().DescendantNodes()
        .OfType<Microsoft.CodeAnalysis.CSharp.Syntax.AttributeSyntax>()
        .Count(a => a.Name.ToString() is not ("Network" or "Input"));

    /// <summary>Characters the last <see cref="RunOnce"/> generated.</summary>
    public int GeneratedCharacters { get; private set; }

    /// <summary>One full generator run; returns the generated source's length.</summary>
    public int RunOnce()
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new NetworkGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions);
        driver = driver.RunGenerators(_compilation.Clone());
        GeneratorRunResult run = driver.GetRunResult().Results[0];
        if (run.Exception is not null)
        {
            throw new InvalidOperationException("The generator threw.", run.Exception);
        }

        GeneratedCharacters = run.GeneratedSources.Sum(s => s.SourceText.Length);
        return GeneratedCharacters;
    }

    /// <summary>Errors of the compilation with the generated source added (empty when the model compiles).</summary>
    public IReadOnlyList<string> CompileErrors()
    {
        CSharpGeneratorDriver.Create([new NetworkGenerator().AsSourceGenerator()], parseOptions: ParseOptions)
            .RunGeneratorsAndUpdateCompilation(_compilation.Clone(), out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        return generatorDiagnostics.Concat(output.GetDiagnostics())
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => d.ToString())
            .ToList();
    }
}
