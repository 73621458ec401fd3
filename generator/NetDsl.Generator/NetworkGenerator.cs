using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;
using NetDsl.Generator.Parsing;
using NetDsl.Generator.Weights;

namespace NetDsl.Generator;

/// <summary>
/// The pipeline, and nothing else: classes with <c>[Network]</c> (layer attributes or inline text) and
/// <c>.netdsl</c> files are read into a value-equatable <see cref="NetworkSpec"/> (front ends), checked and
/// planned (<see cref="NetworkCompiler"/>), and printed, one <c>*.g.cs</c> each; each stage caches on the
/// previous stage's value. The last step gives every file a name that no other network's shares, whatever the
/// case or escaping of the names. The NDSL diagnostics are reported by <see cref="NetworkDiagnosticsAnalyzer"/>,
/// which runs the same stages as the user types; the generator reports only a failure of its own printing.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names for the pipeline steps (used by the caching tests).</summary>
    public static class Steps
    {
        public const string Spec = "NetDsl.Spec";
        public const string Model = "NetDsl.Model";
        public const string Source = "NetDsl.Source";
        public const string FileSpec = "NetDsl.FileSpec";
        public const string FileModel = "NetDsl.FileModel";
        public const string BinaryFile = "NetDsl.BinaryFile";
        public const string Resolved = "NetDsl.Resolved";
    }

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Weights files and ONNX models (AdditionalFiles), each read once; a network that names one is resolved
        // against them, so editing a file re-runs only the networks whose resolved file changed.
        IncrementalValueProvider<(ImmutableArray<BinaryFile> Files, string? ProjectDirectory)> binaryFiles = context.AdditionalTextsProvider
            .Where(static file => BinaryFile.IsBinaryModelFile(file))
            .Select(static (file, cancellationToken) => BinaryFile.Read(file, cancellationToken))
            .WithTrackingName(Steps.BinaryFile)
            .Collect()
            .Combine(context.AnalyzerConfigOptionsProvider.Select(static (options, _) => ProjectDirectory(options.GlobalOptions)));

        IncrementalValuesProvider<GeneratedNetwork> classes = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNetworkReader.NetworkAttributeName,
                static (node, _) => node is TypeDeclarationSyntax,
                static (context, cancellationToken) => ReadSafely(context, cancellationToken))
            .Where(static spec => spec is not null)
            .Select(static (spec, _) => spec!)
            .WithTrackingName(Steps.Spec)
            .Combine(binaryFiles)
            .Select(static (pair, _) => ResolveSafely(pair.Left, pair.Right.Files, pair.Right.ProjectDirectory))
            .WithTrackingName(Steps.Resolved)
            .Select(static (spec, _) => NetworkCompiler.Check(spec))
            .WithTrackingName(Steps.Model)
            .Select(static (network, _) => NetworkCompiler.Generate(network))
            .WithTrackingName(Steps.Source);

        // .netdsl files: one network each; the same stages.
        IncrementalValuesProvider<GeneratedNetwork> files = context.AdditionalTextsProvider
            .Where(static file => NetDslFileReader.IsNetworkFile(file))
            .Select(static (file, cancellationToken) => ReadFileSafely(file, cancellationToken))
            .WithTrackingName(Steps.FileSpec)
            .Collect()
            .SelectMany(static (all, cancellationToken) => NetDslFileReader.RejectDuplicates(all, cancellationToken))
            .Combine(binaryFiles)
            .Select(static (pair, _) => ResolveSafely(pair.Left, pair.Right.Files, pair.Right.ProjectDirectory))
            .Select(static (spec, _) => NetworkCompiler.Check(spec))
            .WithTrackingName(Steps.FileModel)
            .Select(static (network, _) => NetworkCompiler.Generate(network));

        context.RegisterSourceOutput(classes.Collect().Combine(files.Collect()), static (context, all) => AddSources(context, all.Left.AddRange(all.Right)));
    }

    /// <summary>Adds every network's file. Names that would clash, ignoring case as file systems and Roslyn do,
    /// get a suffix from a hash of the network's exact name.</summary>
    private static void AddSources(SourceProductionContext context, ImmutableArray<GeneratedNetwork> networks)
    {
        var clashing = new HashSet<string>(
            networks.Where(n => n.Source is not null)
                .GroupBy(n => n.Target.PreferredHintName, StringComparer.OrdinalIgnoreCase)
                .Where(g => g.Select(n => n.Target.Identity).Distinct(StringComparer.Ordinal).Count() > 1)
                .Select(g => g.Key),
            StringComparer.OrdinalIgnoreCase);
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (GeneratedNetwork network in networks)
        {
            if (network.Error is { } error)
            {
                context.ReportDiagnostic(error.ToDiagnostic());
            }

            if (network.Source is null)
            {
                continue;
            }

            string hint = network.Target.PreferredHintName;
            if (clashing.Contains(hint))
            {
                hint = hint.Substring(0, hint.Length - ".g.cs".Length) + "." + StableHash(network.Target.Identity) + ".g.cs";
            }

            if (!used.Add(hint))
            {
                continue; // the same class twice (it cannot be generated twice anyway; the compiler reports it)
            }

            context.AddSource(hint, SourceText.From(network.Source, System.Text.Encoding.UTF8));
        }
    }

    /// <summary>FNV-1a of the text, 8 hex digits: the same on every machine and run.</summary>
    private static string StableHash(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = unchecked((hash ^ c) * 16777619);
        }

        return hash.ToString("x8", CultureInfo.InvariantCulture);
    }

    /// <summary>The project folder, when the build makes <c>ProjectDir</c> visible to the compiler (NetDsl's
    /// package does): the second place a relative weights path is looked for.</summary>
    internal static string? ProjectDirectory(Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions options) =>
        options.TryGetValue("build_property.projectdir", out string? directory) && !string.IsNullOrWhiteSpace(directory) ? directory : null;

    /// <summary>The spec with its weights file found (and an ONNX model's layers imported); a failure of this
    /// stage is NDSL0015 on the network, like any other.</summary>
    internal static NetworkSpec ResolveSafely(NetworkSpec spec, ImmutableArray<BinaryFile> files, string? projectDirectory)
    {
        try
        {
            return WeightsResolver.Resolve(spec, files, projectDirectory);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            DiagnosticInfo diagnostic = DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, spec.Weights?.Location ?? spec.Location, spec.Target.Name, NetworkCompiler.Describe(exception));
            return spec with { Diagnostics = spec.Diagnostics.Append(diagnostic).ToEquatableArray(), Status = spec.Status == SpecStatus.NotEmittable ? spec.Status : SpecStatus.Unreadable };
        }
    }

    private static NetworkSpec? ReadSafely(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        try
        {
            return AttributeNetworkReader.Read(context, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            string name = context.TargetSymbol.Name;
            var target = new TypeTarget(null, EquatableArray<string>.Empty, name, string.Empty);
            DiagnosticInfo diagnostic = DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, LocationInfo.From(context.TargetNode), name, NetworkCompiler.Describe(exception));
            return new NetworkSpec(target, null, EquatableArray<LayerSpec>.Empty, new[] { diagnostic }.ToEquatableArray(), SpecStatus.NotEmittable);
        }
    }

    private static NetworkSpec ReadFileSafely(AdditionalText file, CancellationToken cancellationToken)
    {
        try
        {
            return NetDslFileReader.Read(file, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            string name = System.IO.Path.GetFileNameWithoutExtension(file.Path);
            var target = new TypeTarget(null, EquatableArray<string>.Empty, name, "public", TargetOrigin.File);
            DiagnosticInfo diagnostic = DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, new LocationInfo(file.Path, default, default), name, NetworkCompiler.Describe(exception));
            return new NetworkSpec(target, null, EquatableArray<LayerSpec>.Empty, new[] { diagnostic }.ToEquatableArray(), SpecStatus.NotEmittable);
        }
    }
}
