using System;
using System.Collections.Generic;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Model;
using NetDsl.Generator.Planning;
using NetDsl.Generator.Shapes;
using static NetDsl.Generator.Model.Identifiers;

namespace NetDsl.Generator.Layers;

/// <summary>A Conv2D's filters, window (padding resolved; a dilated kernel's covered size) and bias, its
/// kernel's size and dilation, and its constant kernel as written: named kernels (one for every filter, or one
/// each) or explicit values.</summary>
internal sealed record ConvolutionDetails(int Filters, Window Window, Padding Padding, bool UseBias, int KernelHeight, int KernelWidth, int DilationHeight, int DilationWidth,
    EquatableArray<int> NamedKernels = default, EquatableArray<double> KernelValues = default) : LayerDetails
{
    public bool IsDilated => DilationHeight > 1 || DilationWidth > 1;
}

/// <summary>
/// 2-D convolution (Keras <c>Conv2D</c>, a cross-correlation: the kernel is not flipped): kernel
/// <c>[kh, kw, in, filters]</c> and bias <c>[filters]</c>, Glorot-uniform (or a constant kernel, <see cref="FixedKernel"/>
/// or explicit values) and zeros; <c>fixed</c> freezes both. All three passes run the runtime's register-blocked tiles (<c>Conv2DKernels</c>); inference can also
/// do a following ReLU and 2x2 max pooling in the same kernel, and use a folded BatchNormalization's kernel.
/// </summary>
internal sealed partial class Conv2DLayer : LayerDefinition
{
    public const string Filters = "filters";
    public const string KernelHeight = "kernel_height";
    public const string KernelWidth = "kernel_width";
    public const string NamedKernel = "kernel";
    public const string NamedKernels = "kernels";
    public const string KernelValues = "kernel_values";

    /// <summary><c>kernel sobel_x</c>, <c>kernel sobel_x sobel_y</c>: named kernels, one for every filter or one each.</summary>
    private static readonly TextOption KernelOption = new(new[] { "kernel" }, new[] { NamedKernel, NamedKernels }, TextKind.KernelNames, 0, "kernel");

    public override string ClassName => "Conv2D";

    public override string? AttributeName => nameof(Conv2DAttribute);

    public override string NamePrefix => "conv2d";

    public override string Word => "conv2d";

    public override ArgumentSchema Schema { get; } = new(
        new List<Argument>(CommonSettings.Concat(
            new[]
            {
                new Argument(Filters, "filters", ArgumentType.Integer, ArgumentRule.Positive),
                new Argument(KernelHeight, "kernel height", ArgumentType.Integer, ArgumentRule.Positive),
                new Argument(KernelWidth, "kernel width", ArgumentType.Integer, ArgumentRule.Positive),
            },
            CommonSettings.StrideArguments,
            CommonSettings.DilationArguments,
            new[]
            {
                CommonSettings.PaddingArgument, CommonSettings.ActivationArgument, CommonSettings.UseBiasArgument, CommonSettings.TrainableArgument,
                new Argument(NamedKernel, "kernel", ArgumentType.FixedKernel),
                new Argument(NamedKernels, "kernels", ArgumentType.FixedKernelList),
                new Argument(KernelValues, "kernel values", ArgumentType.RealList),
            })),
        new List<AttributeMember>(CommonSettings.Concat(
            new[]
            {
                new AttributeMember("filters", new[] { Filters }),
                new AttributeMember("kernelSize", new[] { KernelHeight, KernelWidth }),
                new AttributeMember("kernelHeight", new[] { KernelHeight }),
                new AttributeMember("kernelWidth", new[] { KernelWidth }),
                new AttributeMember(nameof(Conv2DAttribute.Filters), new[] { Filters }),
                new AttributeMember(nameof(Conv2DAttribute.KernelHeight), new[] { KernelHeight }),
                new AttributeMember(nameof(Conv2DAttribute.KernelWidth), new[] { KernelWidth }),
            },
            CommonSettings.StrideMembers,
            CommonSettings.DilationMembers,
            new[]
            {
                CommonSettings.PaddingMember, CommonSettings.ActivationMember, CommonSettings.UseBiasMember, CommonSettings.TrainableMember,
                new AttributeMember(nameof(Conv2DAttribute.Kernel), new[] { NamedKernel }),
                new AttributeMember(nameof(Conv2DAttribute.Kernels), new[] { NamedKernels }),
                new AttributeMember(nameof(Conv2DAttribute.KernelValues), new[] { KernelValues }),
            })),
        new[]
        {
            new TextPositional(TextKind.Integer, new[] { Filters }, Optional: false, "FILTERS"),
            new TextPositional(TextKind.Size, new[] { KernelHeight, KernelWidth }, Optional: false, "KERNEL"),
        },
        new List<TextOption>(CommonSettings.Concat(
            new[] { CommonSettings.StrideOption, CommonSettings.DilationOption },
            CommonSettings.PaddingOptions,
            CommonSettings.ActivationOptions,
            new[]
            {
                CommonSettings.NoBiasOption,
                CommonSettings.FixedOption with { Continues = "kernel" },
                KernelOption,
                new TextOption(new[] { "kernel_values" }, new[] { KernelValues }, TextKind.Reals, 0, "kernel"),
            })));

    public override LayerModel? Check(LayerContext context)
    {
        if (!context.RequireFeatureMap())
        {
            return null;
        }

        int filters = context.Integer(Filters, 1);
        int kh = context.Integer(KernelHeight, 1), kw = context.Integer(KernelWidth, 1);
        int sh = context.Integer(CommonSettings.StrideHeight, 1), sw = context.Integer(CommonSettings.StrideWidth, 1);
        Padding padding = context.Padding(CommonSettings.Padding);
        bool useBias = context.Boolean(CommonSettings.UseBias, true);
        if (!TryDilatedWindow(context, kh, kw, sh, sw, padding, out int dh, out int dw, out Window window, out int oh, out int ow)
            || !ConstantKernels.TryRead(context, kh, kw, filters, out ConstantKernels? constant)
            || !context.AddParameter("kernel", new[] { kh, kw, context.Input.Channels, filters }, "GlorotUniform", constant: constant?.Tensor(context.Input.Channels))
            || (useBias && !context.AddParameter("bias", new[] { filters }, "Zeros")))
        {
            return null;
        }

        return context.Build(Shape.Map(oh, ow, filters), new ConvolutionDetails(filters, window, padding, useBias, kh, kw, dh, dw,
            constant?.Names ?? default, constant?.Values ?? default), context.Activation(CommonSettings.Activation));
    }

    /// <summary>The window a kernel of <paramref name="kh"/> x <paramref name="kw"/> covers with the layer's
    /// dilation rate (TensorFlow pads for that size). Reports NDSL0042 when a dilation above 1 meets a stride
    /// above 1, as Keras refuses.</summary>
    public static bool TryDilatedWindow(LayerContext context, int kh, int kw, int sh, int sw, Padding padding, out int dh, out int dw, out Window window, out int oh, out int ow)
    {
        dh = context.Integer(CommonSettings.DilationHeight, 1);
        dw = context.Integer(CommonSettings.DilationWidth, 1);
        window = default;
        oh = ow = 0;
        if ((dh > 1 || dw > 1) && (sh > 1 || sw > 1))
        {
            context.Report(DiagnosticDescriptors.DilationWithStrides, context.Where(dh > 1 && context.Has(CommonSettings.DilationHeight) ? CommonSettings.DilationHeight : CommonSettings.DilationWidth), context.Description, dh + "x" + dw, sh + "x" + sw);
            return false;
        }

        long eh = ((long)(kh - 1) * dh) + 1, ew = ((long)(kw - 1) * dw) + 1;
        if (eh > int.MaxValue / 2 || ew > int.MaxValue / 2)
        {
            context.Report(DiagnosticDescriptors.NetworkTooLarge, context.Location, context.Description, LayerContext.Format(Math.Max(eh, ew)), "dilated kernel pixels", LayerContext.Format(int.MaxValue / 2));
            return false;
        }

        return Pooling2DLayer.TryWindow(context, "kernel", (int)eh, (int)ew, sh, sw, padding, out window, out oh, out ow);
    }

    public override Recovery? Recover(LayerContext context) => Recovery.Map(context.Integer(Filters, 1));

    public override string Describe(LayerModel layer)
    {
        var d = (ConvolutionDetails)layer.Details;
        Window k = d.Window;
        string text = "conv2d " + Int(d.Filters) + " " + Int(d.KernelHeight) + "x" + Int(d.KernelWidth);
        if (k.StrideHeight != 1 || k.StrideWidth != 1)
        {
            text += " stride " + (k.StrideHeight == k.StrideWidth ? Int(k.StrideHeight) : Int(k.StrideHeight) + "x" + Int(k.StrideWidth));
        }

        if (d.IsDilated)
        {
            text += " dilation " + (d.DilationHeight == d.DilationWidth ? Int(d.DilationHeight) : Int(d.DilationHeight) + "x" + Int(d.DilationWidth));
        }

        return text + (d.Padding == Padding.Same ? " same" : string.Empty)
            + (layer.Activation == Activation.None ? string.Empty : " " + Activations.Word(layer.Activation))
            + CommonSettings.FixedSuffix(layer) + ConstantKernels.Describe(d.NamedKernels, d.KernelValues, CommonSettings.IsFrozen(layer))
            + (d.UseBias ? string.Empty : " nobias");
    }

    public override string Title(LayerModel layer)
    {
        var d = (ConvolutionDetails)layer.Details;
        return "Conv2D " + Int(d.Filters) + " " + Int(d.KernelHeight) + "x" + Int(d.KernelWidth) + ", strides " + d.Window.StrideHeight + "x" + d.Window.StrideWidth
            + (d.IsDilated ? ", dilation " + d.DilationHeight + "x" + d.DilationWidth : string.Empty)
            + ", " + (d.Padding == Padding.Same ? "same" : "valid")
            + (layer.Activation == Activation.None ? string.Empty : ", " + Activations.Word(layer.Activation))
            + (d.UseBias ? string.Empty : ", no bias")
            + ConstantKernels.Title(d.NamedKernels, d.KernelValues)
            + (CommonSettings.IsFrozen(layer) ? ", fixed" : string.Empty);
    }

    public override bool HasPostActivation => true;

    public override bool AcceptsFoldedBatchNorm => true;

    public override bool AcceptsFusedReLUAndPool(LayerModel layer) => !((ConvolutionDetails)layer.Details).IsDilated;

    public override IEnumerable<(string Suffix, int Length, string Description)> SampleBuffers(LayerModel layer)
    {
        int padded = PaddedLength(layer);
        if (padded > 0)
        {
            yield return ("Padded", padded, "The input of " + layer.Name + " with its zero padding, kept for the backward pass");
        }
    }

    public override IEnumerable<(string Suffix, int Length, string Description)> ScratchBuffers(LayerModel layer)
    {
        if (((ConvolutionDetails)layer.Details).IsDilated)
        {
            yield break;
        }

        yield return ("Transposed", layer.Find("kernel")!.Length, "The kernel of " + layer.Name + " as [filters, kh * kw * in], for its input gradient");
    }

    public override int TemporaryLength(LayerModel layer)
    {
        if (((ConvolutionDetails)layer.Details).IsDilated)
        {
            return 0;
        }

        Window k = ((ConvolutionDetails)layer.Details).Window;
        return (layer.Output.Height * layer.Output.Width * k.Height * k.Width * layer.Input.Channels) + PaddedLength(layer);
    }

    public override void EmitDeclarations(SourceWriter w, LayerPlan layer)
    {
        LayerModel l = layer.Layer;
        var details = (ConvolutionDetails)l.Details;
        if (details.IsDilated)
        {
            DirectConvolution.EmitGeometry(w, l, Geometry(l), details.Window, details.KernelHeight, details.KernelWidth, details.DilationHeight, details.DilationWidth);
            return;
        }

        Window k = details.Window;
        NetworkEmitter.Doc(w, l.Name + ": " + l.Input + " -> " + l.Output + ", kernel " + k + ", strides " + k.StrideHeight + "x" + k.StrideWidth
            + ", padding " + k.PadTop + "/" + k.PadBottom + "/" + k.PadLeft + "/" + k.PadRight + " (top, bottom, left, right).");
        w.Statement("private static readonly Conv2DGeometry " + Geometry(l) + " = new(");
        w.Statement("    inputHeight: " + Int(l.Input.Height) + ", inputWidth: " + Int(l.Input.Width) + ", inputChannels: " + Int(l.Input.Channels)
            + ", filters: " + Int(l.Output.Channels) + ",");
        w.Statement("    kernelHeight: " + Int(k.Height) + ", kernelWidth: " + Int(k.Width) + ", strideHeight: " + Int(k.StrideHeight)
            + ", strideWidth: " + Int(k.StrideWidth) + ",");
        w.Statement("    padTop: " + Int(k.PadTop) + ", padBottom: " + Int(k.PadBottom) + ", padLeft: " + Int(k.PadLeft) + ", padRight: " + Int(k.PadRight) + ");");
    }

    public override void EmitBeginTraining(SourceWriter w, LayerPlan layer)
    {
        if (!((ConvolutionDetails)layer.Layer.Details).IsDilated)
        {
            w.Statement("Conv2DKernels.TransposeKernel(in " + Geometry(layer.Layer) + ", " + PassWriter.Parameter(layer.Layer, "kernel") + ", s." + layer.Pascal + "Transposed);");
        }
    }

    public override void EmitInference(PassWriter w, LayerPlan layer)
    {
        LayerModel l = layer.Layer;
        (string kernel, string bias) = PassWriter.InferenceKernelAndBias(layer);
        if (((ConvolutionDetails)l.Details).IsDilated)
        {
            w.Statement("DirectConvolutionKernels.Forward(in " + Geometry(l) + ", " + w.Ref(layer.InferInput) + ", " + kernel + ", " + bias + ", "
                + w.Ref(layer.InferOutput) + ", relu: " + (layer.InferenceActivation == Activation.ReLU ? "true" : "false") + ");");
            Activations.EmitOutputActivation(w, layer, layer.InferenceActivation, w.Ref(layer.InferOutput), w.Ref(layer.InferOutput), applied: Activation.ReLU);
            return;
        }

        string padded = PaddedLength(l) > 0 ? "a." + layer.Pascal + "Padded(n)" : "default";
        string relu = layer.InferenceActivation == Activation.ReLU ? "true" : "false";
        string method = layer.PooledWith >= 0 ? "ForwardMaxPool2x2" : "Forward";
        w.Statement("Conv2DKernels." + method + "(in " + Geometry(l) + ", " + w.Ref(layer.InferInput) + ", " + kernel + ", " + bias + ", "
            + w.Ref(layer.InferOutput) + ", " + padded + ", relu: " + relu + ");");
        string y = w.Ref(layer.InferOutput);
        Activations.EmitOutputActivation(w, layer, layer.InferenceActivation, y, y, applied: Activation.ReLU);
    }

    public override void EmitTrainingForward(PassWriter w, LayerPlan layer)
    {
        LayerModel l = layer.Layer;
        var d = (ConvolutionDetails)l.Details;
        string z = w.Ref(layer.TrainLinear ?? layer.TrainOutput);
        if (d.IsDilated)
        {
            w.Statement("DirectConvolutionKernels.Forward(in " + Geometry(l) + ", " + w.Ref(layer.TrainInput) + ", " + PassWriter.Parameter(l, "kernel") + ", "
                + (d.UseBias ? PassWriter.Parameter(l, "bias") : "default") + ", " + z + ", relu: " + (l.Activation == Activation.ReLU ? "true" : "false") + ");");
            Activations.EmitOutputActivation(w, layer, l.Activation, z, w.Ref(layer.TrainOutput), applied: Activation.ReLU);
            return;
        }

        string padded = PaddedLength(l) > 0 ? "a." + layer.Pascal + "Padded(n)" : "default";
        w.Statement("Conv2DKernels.Forward(in " + Geometry(l) + ", " + w.Ref(layer.TrainInput) + ", " + PassWriter.Parameter(l, "kernel") + ", "
            + (d.UseBias ? PassWriter.Parameter(l, "bias") : "default") + ", " + z + ", " + padded + ", relu: "
            + (l.Activation == Activation.ReLU ? "true" : "false") + ");");
        Activations.EmitOutputActivation(w, layer, l.Activation, z, w.Ref(layer.TrainOutput), applied: Activation.ReLU);
    }

    public override void EmitBackward(PassWriter w, LayerPlan layer)
    {
        LayerModel l = layer.Layer;
        var d = (ConvolutionDetails)l.Details;
        bool frozen = CommonSettings.IsFrozen(l);
        if (frozen && layer.IsFirst)
        {
            // A fixed first layer has no parameter gradients: its backward only serves an input gradient.
            w.Comment(l.Name + " is fixed: nothing to do unless the input's gradient is asked for.");
            w.Writer.Block("if (!inputGradient.IsEmpty)", () => EmitBackwardSteps(w, layer, l, d, frozen));
            return;
        }

        EmitBackwardSteps(w, layer, l, d, frozen);
    }

    private void EmitBackwardSteps(PassWriter w, LayerPlan layer, LayerModel l, ConvolutionDetails d, bool frozen)
    {
        string dy = w.Ref(layer.GradientIn);
        Activations.EmitOutputActivationBackward(w, layer, layer.TrainLinear is null ? "default" : w.Ref(layer.TrainLinear), w.Ref(layer.TrainOutput), dy);
        string ifInputGradient = layer.IsFirst && !frozen ? "if (!inputGradient.IsEmpty) " : string.Empty;
        if (d.IsDilated)
        {
            if (!frozen)
            {
                w.Statement("DirectConvolutionKernels.AccumulateParameterGradients(in " + Geometry(l) + ", " + w.Ref(layer.TrainInput) + ", " + dy + ", "
                    + PassWriter.Gradient(l, "kernel") + ", " + (d.UseBias ? PassWriter.Gradient(l, "bias") : "default") + ");");
            }

            w.Statement(ifInputGradient + "DirectConvolutionKernels.InputGradient(in " + Geometry(l) + ", " + PassWriter.Parameter(l, "kernel") + ", " + dy + ", " + w.Ref(layer.GradientOut) + ");");
            return;
        }

        if (!frozen)
        {
            string padded = PaddedLength(l) > 0 ? "a." + layer.Pascal + "Padded(n)" : "default";
            w.Statement("Conv2DKernels.AccumulateParameterGradients(in " + Geometry(l) + ", " + w.Ref(layer.TrainInput) + ", " + padded + ", " + dy + ", "
                + PassWriter.Gradient(l, "kernel") + ", " + (d.UseBias ? PassWriter.Gradient(l, "bias") : "default") + ");");
        }

        w.Statement(ifInputGradient + "Conv2DKernels.InputGradient(in " + Geometry(l) + ", s." + layer.Pascal + "Transposed, " + dy + ", "
            + w.Ref(layer.GradientOut) + ", s.Temporary.Slice(0, " + Int(TemporaryLength(l)) + "));");
    }

    public static string Geometry(LayerModel layer) => layer.Pascal + "Geometry";

    /// <summary>Floats of the padded input (0 without padding).</summary>
    public static int PaddedLength(LayerModel layer)
    {
        var d = (ConvolutionDetails)layer.Details;
        Window k = d.Window;
        return k.IsPadded && !d.IsDilated ? (layer.Input.Height + k.PadTop + k.PadBottom) * (layer.Input.Width + k.PadLeft + k.PadRight) * layer.Input.Channels : 0;
    }
}
