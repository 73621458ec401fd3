using System.Collections.Generic;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Planning;
using static NetDsl.Generator.Model.Identifiers;

namespace NetDsl.Generator.Layers;

/// <summary>A BatchNormalization's settings and channel count.</summary>
internal sealed record BatchNormDetails(double Momentum, double Epsilon, bool Center, bool Scale, int Channels) : LayerDetails;

/// <summary>
/// Keras <c>BatchNormalization</c> over the last axis. Tensors <c>gamma</c> (ones, if <c>scale</c>), <c>beta</c>
/// (zeros, if <c>center</c>), <c>moving_mean</c> (zeros) and <c>moving_variance</c> (ones), the last two not
/// trainable. Training needs the whole batch: the network is cut into segments there, and between them the
/// batch's mean and (biased) variance are taken and the moving statistics updated as Keras does; each sample is
/// then normalised on its own. Backward, the batch sums come first, then each sample's input gradient. Inference
/// uses the moving statistics, folded into the Conv2D or Dense before it when there is one.
/// </summary>
internal sealed partial class BatchNormalizationLayer : LayerDefinition
{
    public const string Momentum = "momentum";
    public const string Epsilon = "epsilon";
    public const string Center = "center";
    public const string Scale = "scale";

    public override string ClassName => "BatchNormalization";

    public override string? AttributeName => nameof(BatchNormalizationAttribute);

    public override string NamePrefix => "batch_normalization";

    public override string Word => "batchnorm";

    public override IEnumerable<string> Aliases => new[] { "batchnormalization", "batch_normalization" };

    public override ArgumentSchema Schema { get; } = new(
        new[]
        {
            new Argument(Momentum, "momentum", ArgumentType.Real, ArgumentRule.Fraction),
            new Argument(Epsilon, "epsilon", ArgumentType.Real, ArgumentRule.PositiveReal),
            new Argument(Center, "center", ArgumentType.Boolean),
            new Argument(Scale, "scale", ArgumentType.Boolean),
        },
        new[]
        {
            new AttributeMember(nameof(BatchNormalizationAttribute.Momentum), new[] { Momentum }),
            new AttributeMember(nameof(BatchNormalizationAttribute.Epsilon), new[] { Epsilon }),
            new AttributeMember(nameof(BatchNormalizationAttribute.Center), new[] { Center }),
            new AttributeMember(nameof(BatchNormalizationAttribute.Scale), new[] { Scale }),
        },
        System.Array.Empty<TextPositional>(),
        new[]
        {
            new TextOption(new[] { "momentum" }, new[] { Momentum }, TextKind.Real, 0, "momentum"),
            new TextOption(new[] { "epsilon" }, new[] { Epsilon }, TextKind.Real, 0, "epsilon"),
            new TextOption(new[] { "nocenter" }, new[] { Center }, null, 0, "center"),
            new TextOption(new[] { "noscale" }, new[] { Scale }, null, 0, "scale"),
        });

    public override LayerModel? Check(LayerContext context)
    {
        int channels = context.Input.Channels;
        bool center = context.Boolean(Center, true), scale = context.Boolean(Scale, true);
        if ((scale && !context.AddParameter("gamma", new[] { channels }, "Ones"))
            || (center && !context.AddParameter("beta", new[] { channels }, "Zeros"))
            || !context.AddParameter("moving_mean", new[] { channels }, "Zeros", trainable: false)
            || !context.AddParameter("moving_variance", new[] { channels }, "Ones", trainable: false))
        {
            return null;
        }

        var details = new BatchNormDetails(context.Real(Momentum, 0.99), context.Real(Epsilon, 0.001), center, scale, channels);
        return context.Build(context.Input, details);
    }

    public override string Describe(LayerModel layer)
    {
        var d = (BatchNormDetails)layer.Details;
        return "batchnorm" + (d.Momentum == 0.99 ? string.Empty : " momentum " + Real(d.Momentum))
            + (d.Epsilon == 0.001 ? string.Empty : " epsilon " + Real(d.Epsilon))
            + (d.Center ? string.Empty : " nocenter") + (d.Scale ? string.Empty : " noscale");
    }

    public override string Title(LayerModel layer)
    {
        var d = (BatchNormDetails)layer.Details;
        return "BatchNormalization, momentum " + Real(d.Momentum) + ", epsilon " + Real(d.Epsilon);
    }

    public override bool SynchronizesBatch => true;

    public override bool BackwardReadsOutput(LayerModel layer) => false;

    public override IEnumerable<(string Suffix, int Length, string Description)> SampleBuffers(LayerModel layer)
    {
        yield return ("Gradient", layer.Output.Length, "The gradient of " + layer.Name + "'s output, kept for the batch's backward sums");
    }

    public override IEnumerable<(string Suffix, int Length, string Description)> BatchBuffers(LayerModel layer)
    {
        int c = layer.Output.Channels;
        yield return ("Mean", c, "The batch mean of each channel of " + layer.Name);
        yield return ("Variance", c, "The batch variance of each channel of " + layer.Name);
        yield return ("InverseStd", c, "1 / sqrt(variance + epsilon) of " + layer.Name);
        yield return ("Scale", c, "The scale of " + layer.Name + " in this batch, gamma / sqrt(variance + epsilon)");
        yield return ("Shift", c, "The shift of " + layer.Name + " in this batch, beta - mean * scale");
        yield return ("SumDy", c, "The batch sum of the output gradient of " + layer.Name);
        yield return ("SumDyXhat", c, "The batch sum of the output gradient of " + layer.Name + " times its normalised input");
        yield return ("A", c, "The input gradient of " + layer.Name + " is output gradient * A + (input - mean) * B + C");
        yield return ("B", c, "See A of " + layer.Name);
        yield return ("C", c, "See A of " + layer.Name);
    }

    public override int FoldedLength(LayerModel layer, LayerModel? foldedInto) =>
        (2 * layer.Output.Channels) + (foldedInto is null ? 0 : foldedInto.Find("kernel")!.Length + layer.Output.Channels);

    public override void EmitFold(SourceWriter w, LayerPlan layer, LayerPlan? foldedInto)
    {
        LayerModel l = layer.Layer;
        var d = (BatchNormDetails)l.Details;
        int c = d.Channels;
        string scale = PassWriter.Folded(layer.FoldedScale, c), shift = PassWriter.Folded(layer.FoldedScale + c, c);
        w.Comment(l.Name + ": scale and shift from the moving statistics" + (foldedInto is null ? string.Empty : ", folded into " + foldedInto.Layer.Name));
        w.Statement("BatchNormKernels.Coefficients(" + PassWriter.ParameterOrDefault(l, "gamma") + ", " + PassWriter.ParameterOrDefault(l, "beta") + ", "
            + PassWriter.Parameter(l, "moving_mean") + ", " + PassWriter.Parameter(l, "moving_variance") + ", " + Float(d.Epsilon) + ", " + scale + ", " + shift + ", default);");
        if (foldedInto is not null)
        {
            LayerModel target = foldedInto.Layer;
            int kernelLength = target.Find("kernel")!.Length;
            w.Statement("BatchNormKernels.Fold(" + PassWriter.Parameter(target, "kernel") + ", " + PassWriter.ParameterOrDefault(target, "bias") + ", " + scale + ", " + shift + ", "
                + PassWriter.Folded(foldedInto.FoldedKernel, kernelLength) + ", " + PassWriter.Folded(foldedInto.FoldedKernel + kernelLength, c) + ");");
        }
    }

    public override void EmitInference(PassWriter w, LayerPlan layer) => EmitMovingAffine(w, layer, layer.InferInput, layer.InferOutput);

    public override void EmitSynchronizeForward(SourceWriter w, LayerPlan layer)
    {
        LayerModel l = layer.Layer;
        var d = (BatchNormDetails)l.Details;
        string name = layer.Pascal, input = layer.TrainInput.Name;
        w.Comment(l.Name + ": the batch's mean and variance, the moving statistics, this batch's scale and shift");
        w.Statement("BatchNormKernels.Moments(a." + input + "Batch(count), count, Activations." + input + "Stride, " + Int(l.Input.Length) + ", " + Int(d.Channels)
            + ", a." + name + "Mean, a." + name + "Variance);");
        w.Statement("BatchNormKernels.UpdateMovingAverage(" + PassWriter.Parameter(l, "moving_mean") + ", a." + name + "Mean, " + Float(d.Momentum) + ");");
        w.Statement("BatchNormKernels.UpdateMovingAverage(" + PassWriter.Parameter(l, "moving_variance") + ", a." + name + "Variance, " + Float(d.Momentum) + ");");
        w.Statement("BatchNormKernels.Coefficients(" + PassWriter.ParameterOrDefault(l, "gamma") + ", " + PassWriter.ParameterOrDefault(l, "beta") + ", a." + name + "Mean, a."
            + name + "Variance, " + Float(d.Epsilon) + ", a." + name + "Scale, a." + name + "Shift, a." + name + "InverseStd);");
    }

    public override void EmitTrainingForward(PassWriter w, LayerPlan layer) =>
        w.Statement("BatchNormKernels.Affine(" + w.Ref(layer.TrainInput) + ", a." + layer.Pascal + "Scale, a." + layer.Pascal + "Shift, " + w.Ref(layer.TrainOutput) + ");");

    /// <summary>The moving statistics' scale and shift (from <c>Fold</c>), not the batch's.</summary>
    public override void EmitLayerOutputStep(PassWriter w, LayerPlan layer) => EmitMovingAffine(w, layer, layer.TrainInput, layer.TrainOutput);

    /// <summary>Normalises <paramref name="input"/> into <paramref name="output"/> with the scale and shift
    /// <c>Fold</c> derived from the moving statistics.</summary>
    private static void EmitMovingAffine(PassWriter w, LayerPlan layer, BufferRef input, BufferRef output)
    {
        int c = layer.Layer.Output.Channels;
        w.Statement("BatchNormKernels.Affine(" + w.Ref(input) + ", " + PassWriter.Folded(layer.FoldedScale, c) + ", "
            + PassWriter.Folded(layer.FoldedScale + c, c) + ", " + w.Ref(output) + ");");
    }

    public override void EmitSynchronizeBackward(SourceWriter w, LayerPlan layer)
    {
        LayerModel l = layer.Layer;
        var d = (BatchNormDetails)l.Details;
        string name = layer.Pascal, input = layer.TrainInput.Name;
        w.Comment(l.Name + ": the batch sums of the output gradient, the gradients of gamma and beta, the input gradient's coefficients");
        w.Statement("BatchNormKernels.GradientSums(a." + input + "Batch(count), a." + name + "GradientBatch(count), count, Activations." + input + "Stride, "
            + Int(l.Input.Length) + ", a." + name + "Mean, a." + name + "InverseStd, a." + name + "SumDy, a." + name + "SumDyXhat);");
        if (d.Scale)
        {
            w.Statement("VectorOps.Add(a." + name + "SumDyXhat, " + PassWriter.Gradient(l, "gamma") + ");");
        }

        if (d.Center)
        {
            w.Statement("VectorOps.Add(a." + name + "SumDy, " + PassWriter.Gradient(l, "beta") + ");");
        }

        w.Statement("BatchNormKernels.InputGradientCoefficients(" + PassWriter.ParameterOrDefault(l, "gamma") + ", a." + name + "InverseStd, a."
            + name + "SumDy, a." + name + "SumDyXhat, " + (l.Input.Length == d.Channels ? "count" : "(long)count * " + Int(l.Input.Length / d.Channels)) + ", a." + name + "A, a." + name + "B, a." + name + "C);");
    }

    public override void EmitBackward(PassWriter w, LayerPlan layer)
    {
        string name = layer.Pascal;
        string call = "BatchNormKernels.InputGradient(" + w.Ref(layer.TrainInput) + ", " + w.Ref(layer.GradientIn) + ", a." + name + "Mean, a." + name + "A, a." + name + "B, a."
            + name + "C, " + w.Ref(layer.GradientOut) + ");";
        w.Statement(layer.IsFirst ? "if (!inputGradient.IsEmpty) " + call : call);
    }

    private static string Real(double value) => Float(value).TrimEnd('f');
}
