using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;
using NetDsl.Generator.Parsing;
using NetDsl.Generator.Shapes;

namespace NetDsl.Generator;

/// <summary>
/// Reports every NDSL diagnostic of every network: declaration errors, text (DSL) errors and shape errors,
/// for classes with <c>[Network]</c> and for <c>.netdsl</c> files. Analyzers run as the user types (source
/// generators may only run on save or build in the IDE), so this is where the squiggles come from; the
/// generator runs the same front end and checker to produce code, and reports nothing itself. It ships in
/// the generator's assembly, so referencing the generator is all it takes to get the errors.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NetworkDiagnosticsAnalyzer : DiagnosticAnalyzer
{
    private static readonly ImmutableArray<DiagnosticDescriptor> Descriptors = ImmutableArray.Create(
        DiagnosticDescriptors.NetworkNotPartial,
        DiagnosticDescriptors.NetworkGeneric,
        DiagnosticDescriptors.ContainingTypeNotPartial,
        DiagnosticDescriptors.LayersSplitAcrossDeclarations,
        DiagnosticDescriptors.MissingInput,
        DiagnosticDescriptors.DuplicateInput,
        DiagnosticDescriptors.InputNotFirst,
        DiagnosticDescriptors.NonPositiveValue,
        DiagnosticDescriptors.WindowLargerThanInput,
        DiagnosticDescriptors.DenseNeedsVector,
        DiagnosticDescriptors.SpatialLayerNeedsFeatureMap,
        DiagnosticDescriptors.InvalidEnumValue,
        DiagnosticDescriptors.NetworkTooLarge,
        DiagnosticDescriptors.NetworkStatic,
        DiagnosticDescriptors.InternalError,
        DiagnosticDescriptors.DslUnknownLayer,
        DiagnosticDescriptors.DslSyntax,
        DiagnosticDescriptors.DslMissingNetworkName,
        DiagnosticDescriptors.DslAndLayerAttributes,
        DiagnosticDescriptors.DuplicateNetworkFile);

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

            start.RegisterSymbolAction(symbol => AnalyzeType(symbol, networkAttribute), SymbolKind.NamedType);

            // .netdsl files: each alone, plus the names of all of them to catch a network defined twice.
            ImmutableArray<AdditionalText> files = start.Options.AdditionalFiles.Where(NetDslFileReader.IsNetworkFile).ToImmutableArray();
            if (files.Length > 0)
            {
                var specs = new Lazy<ImmutableArray<NetworkSpec>>(
                    () => NetDslFileReader.RejectDuplicates(files.Select(f => NetDslFileReader.Read(f, start.CancellationToken)).ToImmutableArray(), start.CancellationToken),
                    LazyThreadSafetyMode.ExecutionAndPublication);
                start.RegisterAdditionalFileAction(file => AnalyzeFile(file, specs.Value));
            }
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol networkAttribute)
    {
        if (context.Symbol is not INamedTypeSymbol type || !type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, networkAttribute)))
        {
            return;
        }

        // The declaration that owns the network: the first one carrying [Network].
        ClassDeclarationSyntax? declaration = type.DeclaringSyntaxReferences
            .Select(r => r.GetSyntax(context.CancellationToken))
            .OfType<ClassDeclarationSyntax>()
            .FirstOrDefault(d => AttributeNetworkReader.IsOwningDeclaration(type, d, context.CancellationToken));
        if (declaration is null)
        {
            return;
        }

        NetworkModel model;
        try
        {
            model = ShapeChecker.Check(AttributeNetworkReader.Read(type, declaration, context.CancellationToken));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, declaration.Identifier.GetLocation(), type.Name, exception.GetType().Name + ": " + exception.Message));
            return;
        }

        foreach (DiagnosticInfo diagnostic in model.Diagnostics)
        {
            context.ReportDiagnostic(Diagnostic.Create(diagnostic.Descriptor, SourceLocation(context.Compilation, diagnostic.Location), diagnostic.Arguments.Cast<object>().ToArray()));
        }
    }

    private static void AnalyzeFile(AdditionalFileAnalysisContext context, ImmutableArray<NetworkSpec> specs)
    {
        foreach (NetworkSpec spec in specs)
        {
            NetworkModel model = ShapeChecker.Check(spec);
            foreach (DiagnosticInfo diagnostic in model.Diagnostics)
            {
                if (diagnostic.Location is { } location && string.Equals(location.FilePath, context.AdditionalFile.Path, StringComparison.Ordinal))
                {
                    context.ReportDiagnostic(diagnostic.ToDiagnostic());
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
