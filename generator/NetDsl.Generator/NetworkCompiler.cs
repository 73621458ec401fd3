using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;
using NetDsl.Generator.Planning;
using NetDsl.Generator.Shapes;
using NetDsl.Generator.Weights;

namespace NetDsl.Generator;

/// <summary>A network checked and planned: what the emitter prints (the plan is null for a network with
/// errors, which gets only its surface).</summary>
/// <param name="Weights">The weights file the network names, if any: <c>Pretrained()</c> is generated.</param>
/// <param name="Embedded">Its parameters, when the file matched the network.</param>
internal sealed record CheckedNetwork(NetworkModel Model, NetworkPlan? Plan, WeightsReference? Weights = null, EmbeddedParameters? Embedded = null);

/// <summary>A network's generated source, or why there is none.</summary>
/// <param name="Target">The class.</param>
/// <param name="Source">The file's text, or null when nothing can be emitted.</param>
/// <param name="Error">A failure of the emitter itself, to report (NDSL0015).</param>
internal sealed record GeneratedNetwork(TypeTarget Target, string? Source, DiagnosticInfo? Error);

/// <summary>
/// The stages after the front ends, shared by the generator and the analyzer (so the two cannot disagree): shape
/// checking, then planning. Neither ever throws into the compiler: a failure becomes NDSL0015 and the network gets
/// only its surface.
/// </summary>
internal static class NetworkCompiler
{
    public static CheckedNetwork Check(NetworkSpec spec)
    {
        NetworkModel model;
        try
        {
            model = ShapeChecker.Check(spec);
        }
        catch (Exception exception)
        {
            DiagnosticInfo error = DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, spec.Location, spec.Target.Name, Describe(exception));
            return new CheckedNetwork(new NetworkModel(spec.Target, default, EquatableArray<LayerModel>.Empty, 0, ModelStatus.SurfaceOnly, new[] { error }.ToEquatableArray()), null, spec.Weights);
        }

        if (model.Status != ModelStatus.Valid)
        {
            return new CheckedNetwork(model, null, spec.Weights);
        }

        var diagnostics = new List<DiagnosticInfo>(model.Diagnostics);
        try
        {
            NetworkPlan? plan = NetworkPlanner.Plan(model, diagnostics);
            if (plan is null)
            {
                return new CheckedNetwork(model with { Status = ModelStatus.SurfaceOnly, Layers = EquatableArray<LayerModel>.Empty, Diagnostics = diagnostics.ToEquatableArray() }, null, spec.Weights);
            }

            EmbeddedParameters? embedded = null;
            if (spec.Weights is { } weights && spec.WeightsFile is { } file)
            {
                int before = diagnostics.Count;
                embedded = weights.Format == WeightsFormat.Onnx
                    ? EmbeddedParameters.FromTensors(model, weights, file.Hash, spec.Imported.Select(t => new EmbeddedParameters.SourceTensor(t.Name, t.Shape.Select(d => (long)d).ToArray(), "F32", () => t.Data)), DiagnosticDescriptors.OnnxUnsupported, diagnostics)
                    : EmbeddedParameters.FromSafetensors(model, weights, file, diagnostics);
                if (diagnostics.Count != before)
                {
                    model = model with { Diagnostics = diagnostics.ToEquatableArray() };
                }
            }

            return new CheckedNetwork(model, plan, spec.Weights, embedded);
        }
        catch (Exception exception)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, spec.Location, spec.Target.Name, Describe(exception)));
            return new CheckedNetwork(model with { Status = ModelStatus.SurfaceOnly, Layers = EquatableArray<LayerModel>.Empty, Diagnostics = diagnostics.ToEquatableArray() }, null, spec.Weights);
        }
    }

    /// <summary>The network's source: everything, its surface alone, or nothing.</summary>
    public static GeneratedNetwork Generate(CheckedNetwork network)
    {
        NetworkModel model = network.Model;
        if (model.Status == ModelStatus.None)
        {
            return new GeneratedNetwork(model.Target, null, null);
        }

        try
        {
            return new GeneratedNetwork(model.Target, NetworkEmitter.Emit(model, network.Plan, network.Weights, network.Embedded), null);
        }
        catch (Exception exception)
        {
            DiagnosticInfo error = DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, null, model.Target.Name, Describe(exception));
            NetworkModel surface = model with { Status = ModelStatus.SurfaceOnly, Layers = EquatableArray<LayerModel>.Empty };
            return new GeneratedNetwork(model.Target, NetworkEmitter.Emit(surface, null, network.Weights), error);
        }
    }

    public static string Describe(Exception exception) => exception.GetType().Name + ": " + exception.Message;
}
