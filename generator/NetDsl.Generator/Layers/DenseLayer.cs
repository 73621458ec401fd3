using System.Collections.Generic;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Planning;
using NetDsl.Generator.Shapes;
using static NetDsl.Generator.Model.Identifiers;

namespace NetDsl.Generator.Layers;

/// <summary>A Dense layer's units and bias.</summary>
internal sealed record DenseDetails(int Units, bool UseBias) : LayerDetails;

/// <summary>
/// Fully connected (Keras <c>Dense</c>): kernel <c>[in, units]</c> and bias <c>[units]</c>, Glorot-uniform and zeros;
/// its input must be a vector; <c>fixed</c> freezes both. The input gradient runs through the kernel transposed once per batch.
/// </summary>
internal sealed partial class DenseLayer : LayerDefinition
{
    public const string Units = "units";

    public override string ClassName => "Dense";

    public override string? AttributeName => nameof(DenseAttribute);

    public override string NamePrefix => "dense";

    public override string Word => "dense";

    public override ArgumentSchema Schema { get; } = new(
        new[] { new Argument(Units, "units", ArgumentType.Integer, ArgumentRule.Positive), CommonSettings.ActivationArgument, CommonSettings.UseBiasArgument, CommonSettings.TrainableArgument },
        new[]
        {
            new AttributeMember("units", new[] { Units }),
            new AttributeMember(nameof(DenseAttribute.Units), new[] { Units }),
            CommonSettings.ActivationMember,
            CommonSettings.UseBiasMember,
            CommonSettings.TrainableMember,
        },
        new[] { new TextPositional(TextKind.Integer, new[] { Units }, Optional: false, "UNITS") },
        new List<TextOption>(CommonSettings.Concat(CommonSettings.ActivationOptions, new[] { CommonSettings.NoBiasOption, CommonSettings.FixedOption })));

    public override LayerModel? Check(LayerContext context)
    {
        if (context.Input.IsMap)
        {
            context.Report(DiagnosticDescriptors.DenseNeedsVector, context.Location, context.Description, context.Input.ToString(),
                context.InText("[Flatten] (or a global pooling layer)", "flatten") + (context.IsText ? " (or 'globalavgpool')" : string.Empty));
            return null;
        }

        int units = context.Integer(Units, 1);
        bool useBias = context.Boolean(CommonSettings.UseBias, true);
        if (!context.AddParameter("kernel", new[] { context.Input.Length, units }, "GlorotUniform")
            || (useBias && !context.AddParameter("bias", new[] { units }, "Zeros")))
        {
            return null;
        }

        return context.Build(Shape.Vector(units), new DenseDetails(units, useBias), context.Activation(CommonSettings.Activation));
    }

    /// <summary>A Dense layer outputs its units whatever its input.</summary>
    public override Recovery? Recover(LayerContext context) => new Recovery(Shape.Vector(context.Integer(Units, 1)), Exact: true);

    public override string Describe(LayerModel layer)
    {
        var d = (DenseDetails)layer.Details;
        return "dense " + Int(d.Units) + (layer.Activation == Activation.None ? string.Empty : " " + Activations.Word(layer.Activation))
            + CommonSettings.FixedSuffix(layer) + (d.UseBias ? string.Empty : " nobias");
    }

    public override string Title(LayerModel layer)
    {
        var d = (DenseDetails)layer.Details;
        return "Dense " + Int(d.Units) + (layer.Activation == Activation.None ? string.Empty : ", " + Activations.Word(layer.Activation))
            + (d.UseBias ? string.Empty : ", no bias") + (CommonSettings.IsFrozen(layer) ? ", fixed" : string.Empty);
    }

    public override bool HasPostActivation => true;

    public override bool AcceptsFoldedBatchNorm => true;

    public override IEnumerable<(string Suffix, int Length, string Description)> ScratchBuffers(LayerModel layer)
    {
        yield return ("Transposed", layer.Find("kernel")!.Length, "The kernel of " + layer.Name + " as [units, in], for its input gradient");
    }

    public override void EmitBeginTraining(SourceWriter w, LayerPlan layer) =>
        w.Statement("VectorOps.Transpose(" + PassWriter.Parameter(layer.Layer, "kernel") + ", " + Int(layer.Layer.Input.Length) + ", s." + layer.Pascal + "Transposed);");

    public override void EmitInference(PassWriter w, LayerPlan layer)
    {
        (string kernel, string bias) = PassWriter.InferenceKernelAndBias(layer);
        string y = w.Ref(layer.InferOutput);
        w.Statement("DenseKernels.Forward(" + w.Ref(layer.InferInput) + ", " + kernel + ", " + bias + ", " + y + ");");
        Activations.EmitOutputActivation(w, layer, layer.InferenceActivation, y, y);
    }

    public override void EmitTrainingForward(PassWriter w, LayerPlan layer)
    {
        LayerModel l = layer.Layer;
        string z = w.Ref(layer.TrainLinear ?? layer.TrainOutput), y = w.Ref(layer.TrainOutput);
        w.Statement("DenseKernels.Forward(" + w.Ref(layer.TrainInput) + ", " + PassWriter.Parameter(l, "kernel") + ", " + PassWriter.ParameterOrDefault(l, "bias") + ", " + z + ");");
        Activations.EmitOutputActivation(w, layer, l.Activation, z, y);
    }

    public override void EmitBackward(PassWriter w, LayerPlan layer)
    {
        LayerModel l = layer.Layer;
        string dy = w.Ref(layer.GradientIn);
        Activations.EmitOutputActivationBackward(w, layer, layer.TrainLinear is null ? "default" : w.Ref(layer.TrainLinear), w.Ref(layer.TrainOutput), dy);
        if (CommonSettings.IsFrozen(l))
        {
            // Fixed: no kernel or bias gradient, only the input's.
            w.Statement("DenseKernels.InputGradient(s." + layer.Pascal + "Transposed, " + dy + ", " + w.Ref(layer.GradientOut) + ");");
            return;
        }

        w.Statement("DenseKernels.Backward(" + w.Ref(layer.TrainInput) + ", s." + layer.Pascal + "Transposed, " + dy + ", " + PassWriter.Gradient(l, "kernel") + ", "
            + (((DenseDetails)l.Details).UseBias ? PassWriter.Gradient(l, "bias") : "default") + ", " + w.Ref(layer.GradientOut) + ");");
    }
}
