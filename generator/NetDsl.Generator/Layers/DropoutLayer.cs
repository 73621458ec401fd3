using System.Collections.Generic;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Planning;
using static NetDsl.Generator.Model.Identifiers;

namespace NetDsl.Generator.Layers;

/// <summary>A dropout layer's rate.</summary>
internal sealed record DropoutDetails(double Rate) : LayerDetails;

/// <summary>
/// Keras <c>Dropout</c>: inverted dropout in training, with masks the runtime draws from the network's seed, the
/// step, the sample and the layer (so the backward pass draws the same mask again instead of storing it); the
/// identity in inference. <see cref="SpatialDropout2DLayer"/> drops whole channels.
/// </summary>
internal partial class DropoutLayer : LayerDefinition
{
    public const string Rate = "rate";

    public override string ClassName => "Dropout";

    public override string? AttributeName => nameof(DropoutAttribute);

    public override string NamePrefix => "dropout";

    public override string Word => "dropout";

    public override ArgumentSchema Schema { get; } = new(
        new[] { new Argument(Rate, "rate", ArgumentType.Real, ArgumentRule.Rate) },
        new[] { new AttributeMember("rate", new[] { Rate }), new AttributeMember(nameof(DropoutAttribute.Rate), new[] { Rate }) },
        new[] { new TextPositional(TextKind.Real, new[] { Rate }, Optional: false, "RATE") },
        System.Array.Empty<TextOption>());

    protected virtual bool Spatial => false;

    public override LayerModel? Check(LayerContext context)
    {
        if (Spatial && !context.RequireFeatureMap())
        {
            return null;
        }

        return context.Build(context.Input, new DropoutDetails(context.Real(Rate, 0)));
    }

    public override string Describe(LayerModel layer) => Word + " " + Float(((DropoutDetails)layer.Details).Rate).TrimEnd('f');

    public override string Title(LayerModel layer) => ClassName + " " + Float(((DropoutDetails)layer.Details).Rate).TrimEnd('f');

    public override bool IsInferenceIdentity => true;

    public override BackwardMode Backward => BackwardMode.InPlace;

    public override bool BackwardReadsOutput(LayerModel layer) => false;

    public override void EmitInference(PassWriter w, LayerPlan layer) =>
        w.Statement(w.Ref(layer.InferInput) + ".CopyTo(" + w.Ref(layer.InferOutput) + ");");

    public override void EmitTrainingForward(PassWriter w, LayerPlan layer)
    {
        LayerModel l = layer.Layer;
        string rate = Float(((DropoutDetails)l.Details).Rate);
        string stream = "step.DropoutStream(" + Int(l.Index) + ")";
        w.Statement(Spatial
            ? "DropoutKernels.SpatialForward(" + w.Ref(layer.TrainInput) + ", " + w.Ref(layer.TrainOutput) + ", " + Int(l.Output.Channels) + ", " + rate + ", " + stream + ");"
            : "DropoutKernels.Forward(" + w.Ref(layer.TrainInput) + ", " + w.Ref(layer.TrainOutput) + ", " + rate + ", " + stream + ");");
    }

    /// <summary>The identity, as in inference.</summary>
    public override void EmitLayerOutputStep(PassWriter w, LayerPlan layer) =>
        w.Statement(w.Ref(layer.TrainInput) + ".CopyTo(" + w.Ref(layer.TrainOutput) + ");");

    public override void EmitBackward(PassWriter w, LayerPlan layer)
    {
        LayerModel l = layer.Layer;
        string rate = Float(((DropoutDetails)l.Details).Rate);
        string stream = "step.DropoutStream(" + Int(l.Index) + ")";
        w.Statement(Spatial
            ? "DropoutKernels.SpatialBackward(" + w.Ref(layer.GradientIn) + ", " + Int(l.Output.Channels) + ", " + rate + ", " + stream + ");"
            : "DropoutKernels.Backward(" + w.Ref(layer.GradientIn) + ", " + rate + ", " + stream + ");");
    }
}

/// <summary>Keras <c>SpatialDropout2D</c>: drops whole channels of a feature map. DSL <c>spatialdropout2d</c>. Its
/// settings are Dropout's (<see cref="SpatialDropout2DAttribute.Rate"/> is named as Dropout's).</summary>
internal sealed partial class SpatialDropout2DLayer : DropoutLayer
{
    public override string ClassName => "SpatialDropout2D";

    public override string? AttributeName => nameof(SpatialDropout2DAttribute);

    public override string NamePrefix => "spatial_dropout2d";

    public override string Word => "spatialdropout2d";

    protected override bool Spatial => true;
}
