using System.Collections.Generic;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Planning;
using static NetDsl.Generator.Model.Identifiers;

namespace NetDsl.Generator.Layers;

/// <summary>
/// A standalone activation (Keras <c>Activation</c>): element-wise, or softmax over the last axis. In training it
/// works in place when the layer before it does not need its own output back, and inference fuses a ReLU into a
/// convolution before it.
/// </summary>
internal partial class ActivationLayer : LayerDefinition
{
    public const string Kind = "activation";

    public override string ClassName => "Activation";

    public override string? AttributeName => nameof(ActivationAttribute);

    public override string NamePrefix => "activation";

    public override string Word => "activation";

    public override ArgumentSchema Schema { get; } = new(
        new[] { new Argument(Kind, "activation", ArgumentType.Activation) },
        new[] { new AttributeMember("activation", new[] { Kind }), new AttributeMember(nameof(ActivationAttribute.Kind), new[] { Kind }) },
        new[] { new TextPositional(TextKind.Activation, new[] { Kind }, Optional: false, "ACTIVATION") },
        System.Array.Empty<TextOption>());

    public override LayerModel? Check(LayerContext context) =>
        context.Build(context.Input, NoDetails.Instance, context.Activation(Kind));

    public override string Describe(LayerModel layer) => "activation " + Activations.Word(layer.Activation);

    public override string Title(LayerModel layer) => "Activation " + Activations.Word(layer.Activation);

    public override BackwardMode Backward => BackwardMode.InPlace;

    public override bool BackwardReadsOutput(LayerModel layer) => !Activations.NeedsInput(layer.Activation);

    public override bool IsFusableReLU(LayerModel layer) => layer.Activation == Activation.ReLU;

    public override void EmitInference(PassWriter w, LayerPlan layer) => EmitForward(w, layer, w.Ref(layer.InferInput), w.Ref(layer.InferOutput));

    public override void EmitTrainingForward(PassWriter w, LayerPlan layer) => EmitForward(w, layer, w.Ref(layer.TrainInput), w.Ref(layer.TrainOutput));

    private static void EmitForward(PassWriter w, LayerPlan layer, string x, string y)
    {
        LayerModel l = layer.Layer;
        if (w.MaySkipSoftmax(layer))
        {
            w.Statement("if (logits) " + x + ".CopyTo(" + y + "); else ActivationKernels.Softmax(" + x + ", " + y + ", " + Int(l.Output.Channels) + ");");
            return;
        }

        Activations.EmitForward(w, l.Activation, l.Slope, x, y, l.Output.Channels);
    }

    public override void EmitBackward(PassWriter w, LayerPlan layer)
    {
        LayerModel l = layer.Layer;
        string dy = w.Ref(layer.GradientIn);
        if (w.MaySkipSoftmax(layer))
        {
            w.Statement("if (!logits) ActivationKernels.SoftmaxBackward(" + w.Ref(layer.TrainOutput) + ", " + dy + ", " + Int(l.Output.Channels) + ");");
        }
        else if (!layer.ActivationBackwardDone)
        {
            Activations.EmitBackward(w, l.Activation, l.Slope, w.Ref(layer.TrainInput), w.Ref(layer.TrainOutput), dy, l.Output.Channels);
        }
    }
}

/// <summary>
/// Keras's <c>LeakyReLU</c> layer, with its own negative slope (0.3 by default, as Keras's layer; the
/// <c>leaky_relu</c> activation on a layer uses 0.2). DSL <c>leakyrelu</c> with an optional slope.
/// </summary>
internal sealed partial class LeakyReLULayer : ActivationLayer
{
    public const string NegativeSlope = "negative_slope";

    public override string ClassName => "LeakyReLU";

    public override string? AttributeName => nameof(LeakyReLUAttribute);

    public override string NamePrefix => "leaky_re_lu";

    public override string Word => "leakyrelu";

    public override IEnumerable<string> Aliases => new[] { "leaky_relu" };

    public override ArgumentSchema Schema { get; } = new(
        new[] { new Argument(NegativeSlope, "negative slope", ArgumentType.Real, ArgumentRule.NonNegativeReal) },
        new[]
        {
            new AttributeMember("negativeSlope", new[] { NegativeSlope }),
            new AttributeMember(nameof(LeakyReLUAttribute.NegativeSlope), new[] { NegativeSlope }),
        },
        new[] { new TextPositional(TextKind.Real, new[] { NegativeSlope }, Optional: true, "SLOPE") },
        System.Array.Empty<TextOption>());

    public override LayerModel? Check(LayerContext context) =>
        context.Build(context.Input, NoDetails.Instance, Activation.LeakyReLU, context.Real(NegativeSlope, LeakyReLUAttribute.DefaultNegativeSlope));

    public override string Describe(LayerModel layer) =>
        layer.Slope == LeakyReLUAttribute.DefaultNegativeSlope ? "leakyrelu" : "leakyrelu " + Float(layer.Slope).TrimEnd('f');

    public override string Title(LayerModel layer) => "LeakyReLU, negative slope " + Float(layer.Slope).TrimEnd('f');

    public override bool IsFusableReLU(LayerModel layer) => false;
}
