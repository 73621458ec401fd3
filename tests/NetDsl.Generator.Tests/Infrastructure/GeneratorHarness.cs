extern alias Generator;

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Generator::NetDsl.Generator;

namespace NetDsl.Generator.Tests.Infrastructure;

/// <summary>Compiles C# source in memory against the runtime, runs the generator, and reports what came out.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        string trusted = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        return trusted.Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .Append(MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location))
            .Append(MetadataReference.CreateFromFile(typeof(NetDsl.Images.ImageDataset).Assembly.Location))
            .ToImmutableArray();
    });

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static CSharpCompilation CreateCompilation(params string[] sources) => CreateCompilation(OutputKind.DynamicallyLinkedLibrary, sources);

    public static CSharpCompilation CreateCompilation(OutputKind kind, params string[] sources) =>
        CSharpCompilation.Create(
            "UserAssembly",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"/src/File{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable));

    public static CSharpGeneratorDriver CreateDriver(bool trackSteps = false, IEnumerable<AdditionalText>? additionalFiles = null) =>
        CSharpGeneratorDriver.Create(
            new[] { new NetworkGenerator().AsSourceGenerator() },
            additionalTexts: additionalFiles,
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator over <paramref name="sources"/>.</summary>
    public static GeneratorResult Run(params string[] sources) => Run(sources, Array.Empty<AdditionalText>());

    /// <summary>Runs the generator over <paramref name="sources"/> compiled as <paramref name="kind"/>.</summary>
    public static GeneratorResult Run(OutputKind kind, params string[] sources) => Run(CreateCompilation(kind, sources), Array.Empty<AdditionalText>());

    /// <summary>Runs the generator over <paramref name="sources"/> and additional files (e.g. .netdsl).</summary>
    public static GeneratorResult Run(string[] sources, params AdditionalText[] additionalFiles) => Run(CreateCompilation(sources), additionalFiles);

    /// <summary>Runs the generator over <paramref name="compilation"/> and additional files.</summary>
    public static GeneratorResult Run(CSharpCompilation compilation, AdditionalText[] additionalFiles)
    {
        GeneratorDriver driver = CreateDriver(additionalFiles: additionalFiles).RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorRunResult run = driver.GetRunResult().Results.Single();
        if (run.Exception is not null)
        {
            throw new InvalidOperationException("The generator threw.", run.Exception);
        }

        ImmutableArray<Diagnostic> analyzerDiagnostics = RunAnalyzers(output, additionalFiles);
        return new GeneratorResult(
            output,
            generatorDiagnostics,
            analyzerDiagnostics,
            run.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString()));
    }

    /// <summary>The NetDsl analyzers on the compilation with the generated code, as the compiler runs them.</summary>
    public static ImmutableArray<Diagnostic> RunAnalyzers(Compilation compilation, IEnumerable<AdditionalText> additionalFiles)
    {
        var analyzers = ImmutableArray.Create<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer>(
            new NetworkDiagnosticsAnalyzer(),
            new NetDsl.Analyzers.BufferLengthAnalyzer());
        var options = new Microsoft.CodeAnalysis.Diagnostics.AnalyzerOptions(additionalFiles.ToImmutableArray());
        var withAnalyzers = compilation.WithAnalyzers(analyzers, new Microsoft.CodeAnalysis.Diagnostics.CompilationWithAnalyzersOptions(options, null, concurrentAnalysis: false, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false));
        ImmutableArray<Diagnostic> diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        Diagnostic? crash = diagnostics.FirstOrDefault(d => d.Id == "AD0001");
        if (crash is not null)
        {
            throw new InvalidOperationException("An analyzer threw: " + crash.GetMessage());
        }

        return diagnostics;
    }
}

/// <summary>What one generator run produced.</summary>
/// <param name="Compilation">The user's compilation with the generated files added.</param>
/// <param name="GeneratorDiagnostics">Diagnostics the generator reported (only its own failures).</param>
/// <param name="AnalyzerDiagnostics">Diagnostics the NetDsl analyzers reported.</param>
/// <param name="Sources">Generated files by hint name.</param>
internal sealed record GeneratorResult(Compilation Compilation, ImmutableArray<Diagnostic> GeneratorDiagnostics, ImmutableArray<Diagnostic> AnalyzerDiagnostics, Dictionary<string, string> Sources)
{
    /// <summary>Every error and warning a build shows: the generator's, the analyzers' and the compiler's.</summary>
    public IReadOnlyList<Diagnostic> AllDiagnostics =>
        GeneratorDiagnostics.Concat(AnalyzerDiagnostics).Concat(Compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning)).ToList();

    /// <summary>Compiler errors and warnings on the final compilation only.</summary>
    public IReadOnlyList<Diagnostic> CompilerDiagnostics =>
        Compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();

    public string SingleSource => Sources.Values.Single();
}

/// <summary>An additional file held in memory.</summary>
internal sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    private readonly Microsoft.CodeAnalysis.Text.SourceText _text = Microsoft.CodeAnalysis.Text.SourceText.From(text, System.Text.Encoding.UTF8);

    public override string Path { get; } = path;

    public override Microsoft.CodeAnalysis.Text.SourceText GetText(System.Threading.CancellationToken cancellationToken = default) => _text;
}

/// <summary>An additional file on disk (weights files, ONNX models: the generator reads their bytes).</summary>
internal sealed class FileAdditionalText(string path) : AdditionalText
{
    public override string Path { get; } = path;

    public override Microsoft.CodeAnalysis.Text.SourceText GetText(System.Threading.CancellationToken cancellationToken = default) =>
        Microsoft.CodeAnalysis.Text.SourceText.From(File.Exists(Path) ? Convert.ToBase64String(File.ReadAllBytes(Path)) : string.Empty);
}
