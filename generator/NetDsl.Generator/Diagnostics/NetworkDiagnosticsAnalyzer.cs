using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;
using NetDsl.Generator.Parsing;
using NetDsl.Generator.Weights;

namespace NetDsl.Generator;

/// <summary>
/// Reports every NDSL diagnostic of every network: declaration errors, text (DSL) errors, shape errors and size
/// errors, for classes with <c>[Network]</c> and for <c>.netdsl</c> files, and layer attributes on a class without
/// <c>[Network]</c>. Analyzers run as the user types (source generators may only run on save or build in the IDE),
/// so this is where the squiggles come from; it runs the same front ends, checker and planner as the generator
/// (<see cref="NetworkCompiler"/>). It ships in the generator's assembly, so referencing the generator is all it
/// takes to get the errors.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NetworkDiagnosticsAnalyzer : DiagnosticAnalyzer
{
    private static readonly ImmutableArray<DiagnosticDescriptor> Descriptors = typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => f.GetValue(null))
        .OfType<DiagnosticDescriptor>()
        .ToImmutableArray();

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => Descriptors;

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName(AttributeNetworkReader.NetworkAttributeName) is not { } networkAttribute)
            {
                return;
            }

            // Weights files and ONNX models: read once per compilation, and only if a network names one.
            var binaryFiles = new Lazy<ImmutableArray<BinaryFile>>(
                () => start.Options.AdditionalFiles.Where(BinaryFile.IsBinaryModelFile).Select(f => BinaryFile.Read(f, start.CancellationToken)).ToImmutableArray(),
                LazyThreadSafetyMode.ExecutionAndPublication);
            string? projectDirectory = NetworkGenerator.ProjectDirectory(start.Options.AnalyzerConfigOptionsProvider.GlobalOptions);
            NetworkSpec Resolve(NetworkSpec spec) => spec.Weights is null ? spec : NetworkGenerator.ResolveSafely(spec, binaryFiles.Value, projectDirectory);

            start.RegisterSymbolAction(symbol => AnalyzeType(symbol, networkAttribute, Resolve), SymbolKind.NamedType);

            // .netdsl files: each alone, plus the names of all of them to catch a network defined twice.
            ImmutableArray<AdditionalText> files = start.Options.AdditionalFiles.Where(NetDslFileReader.IsNetworkFile).ToImmutableArray();
            if (files.Length > 0)
            {
                var specs = new Lazy<ImmutableArray<NetworkSpec>>(
                    () => NetDslFileReader.RejectDuplicates(files.Select(f => NetDslFileReader.Read(f, start.CancellationToken)).ToImmutableArray(), start.CancellationToken).Select(Resolve).ToImmutableArray(),
                    LazyThreadSafetyMode.ExecutionAndPublication);
                start.RegisterAdditionalFileAction(file => AnalyzeFile(file, specs.Value));
            }
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol networkAttribute, Func<NetworkSpec, NetworkSpec> resolve)
    {
        if (context.Symbol is not INamedTypeSymbol type)
        {
            return;
        }

        ImmutableArray<AttributeData> attributes = type.GetAttributes();
        if (!attributes.Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, networkAttribute)))
        {
            // Layer attributes without [Network] would silently do nothing.
            AttributeData? layer = attributes.FirstOrDefault(a => AttributeNetworkReader.IsLayerAttribute(a.AttributeClass));
            if (layer?.ApplicationSyntaxReference is { } reference)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.LayersWithoutNetwork, reference.GetSyntax(context.CancellationToken).GetLocation(), type.Name));
            }

            return;
        }

        // The declaration that owns the network: the first one carrying [Network].
        TypeDeclarationSyntax? declaration = type.DeclaringSyntaxReferences
            .Select(r => r.GetSyntax(context.CancellationToken))
            .OfType<TypeDeclarationSyntax>()
            .FirstOrDefault(d => AttributeNetworkReader.IsOwningDeclaration(type, d, context.CancellationToken));
        if (declaration is null)
        {
            return;
        }

        IEnumerable<DiagnosticInfo> diagnostics;
        try
        {
            diagnostics = NetworkCompiler.Check(resolve(AttributeNetworkReader.Read(type, declaration, context.CancellationToken))).Model.Diagnostics;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, declaration.Identifier.GetLocation(), type.Name, NetworkCompiler.Describe(exception)));
            return;
        }

        foreach (DiagnosticInfo diagnostic in diagnostics)
        {
            Location location = diagnostic.Location is null ? declaration.Identifier.GetLocation() : SourceLocation(context.Compilation, diagnostic.Location);
            context.ReportDiagnostic(Diagnostic.Create(diagnostic.Descriptor, location, diagnostic.Arguments.Cast<object>().ToArray()));
        }
    }

    private static void AnalyzeFile(AdditionalFileAnalysisContext context, ImmutableArray<NetworkSpec> specs)
    {
        foreach (NetworkSpec spec in specs)
        {
            foreach (DiagnosticInfo diagnostic in NetworkCompiler.Check(spec).Model.Diagnostics)
            {
                LocationInfo? location = diagnostic.Location ?? spec.Location;
                if (location is not null && string.Equals(location.FilePath, context.AdditionalFile.Path, StringComparison.Ordinal))
                {
                    context.ReportDiagnostic((diagnostic with { Location = location }).ToDiagnostic());
                }
            }
        }
    }

    /// <summary>A location in the compilation's own syntax tree (the IDE maps these to squiggles); an external
    /// location only when no tree has that path.</summary>
    internal static Location SourceLocation(Compilation compilation, LocationInfo? info)
    {
        if (info is null)
        {
            return Location.None;
        }

        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            if (string.Equals(tree.FilePath, info.FilePath, StringComparison.Ordinal) && info.Span.End <= tree.Length)
            {
                return Location.Create(tree, info.Span);
            }
        }

        return info.ToLocation();
    }
}
