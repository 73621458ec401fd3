using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Model;
using NetDsl.Generator.Parsing;
using NetDsl.Generator.Shapes;

namespace NetDsl.Generator;

/// <summary>
/// The pipeline, and nothing else: classes with <c>[Network]</c> (layer attributes or inline text) and
/// <c>.netdsl</c> files are read into a value-equatable <see cref="NetworkSpec"/> (front end), checked into a
/// <see cref="NetworkModel"/> (shapes), and emitted as one <c>*.g.cs</c> each. Each stage caches on the
/// previous stage's value. Diagnostics are reported by the analyzers (NetDsl.Analyzers), not here.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names for the pipeline steps (used by the caching tests).</summary>
    public static class Steps
    {
        public const string Spec = "NetDsl.Spec";
        public const string Model = "NetDsl.Model";
        public const string FileSpec = "NetDsl.FileSpec";
        public const string FileModel = "NetDsl.FileModel";
    }

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<NetworkSpec> specs = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNetworkReader.NetworkAttributeName,
                static (node, _) => node is ClassDeclarationSyntax,
                static (context, cancellationToken) => ReadSafely(context, cancellationToken))
            .Where(static spec => spec is not null)
            .Select(static (spec, _) => spec!)
            .WithTrackingName(Steps.Spec);

        IncrementalValuesProvider<NetworkModel> models = specs
            .Select(static (spec, _) => CheckSafely(spec))
            .WithTrackingName(Steps.Model);

        // .netdsl files: one network each; the same checker and emitter.
        IncrementalValuesProvider<NetworkModel> fileModels = context.AdditionalTextsProvider
            .Where(static file => NetDslFileReader.IsNetworkFile(file))
            .Select(static (file, cancellationToken) => ReadFileSafely(file, cancellationToken))
            .WithTrackingName(Steps.FileSpec)
            .Collect()
            .SelectMany(static (all, cancellationToken) => NetDslFileReader.RejectDuplicates(all, cancellationToken))
            .Select(static (spec, _) => CheckSafely(spec))
            .WithTrackingName(Steps.FileModel);

        context.RegisterSourceOutput(models, static (context, model) => Emit(context, model));
        context.RegisterSourceOutput(fileModels, static (context, model) => Emit(context, model));
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
            DiagnosticInfo diagnostic = DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, LocationInfo.From(context.TargetNode), name, Describe(exception));
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
            DiagnosticInfo diagnostic = DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, new LocationInfo(file.Path, default, default), name, Describe(exception));
            return new NetworkSpec(target, null, EquatableArray<LayerSpec>.Empty, new[] { diagnostic }.ToEquatableArray(), SpecStatus.NotEmittable);
        }
    }

    private static NetworkModel CheckSafely(NetworkSpec spec)
    {
        try
        {
            return ShapeChecker.Check(spec);
        }
        catch (Exception exception)
        {
            DiagnosticInfo diagnostic = DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, spec.Location, spec.Target.Name, Describe(exception));
            return new NetworkModel(spec.Target, default, EquatableArray<LayerPlan>.Empty, 0, ModelStatus.SurfaceOnly, new[] { diagnostic }.ToEquatableArray());
        }
    }

    /// <summary>Writes the network's source. Diagnostics are not reported here: the NetDsl analyzers run the
    /// same front end and checker and report them (live in the IDE, once). Only a failure of the emitter itself,
    /// which the analyzers cannot see, is reported by the generator.</summary>
    private static void Emit(SourceProductionContext context, NetworkModel model)
    {
        if (model.Status == ModelStatus.None)
        {
            return;
        }

        string source;
        try
        {
            source = NetworkEmitter.Emit(model);
        }
        catch (Exception exception)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, Location.None, model.Target.Name, Describe(exception)));
            source = NetworkEmitter.Emit(model with { Status = ModelStatus.SurfaceOnly, Layers = EquatableArray<LayerPlan>.Empty });
        }

        context.AddSource(model.Target.HintName, SourceText.From(source, System.Text.Encoding.UTF8));
    }

    private static string Describe(Exception exception) => exception.GetType().Name + ": " + exception.Message;
}
