using System.Collections.Generic;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Planning;
using NetDsl.Generator.Shapes;
using static NetDsl.Generator.Model.Identifiers;

namespace NetDsl.Generator.Layers;

/// <summary>A depthwise (or separable) convolution's window, kernel, dilation, multiplier and bias; for a separable
/// one also its filters.</summary>
internal sealed record DepthwiseDetails(Window Window, Padding Padding, int KernelHeight, int KernelWidth, int DilationHeight, int DilationWidth, int Multiplier, bool UseBias, int Filters)
    : LayerDetails;

/// <summary>The geometry of the tap-by-tap kernels (<c>DirectConvolutionKernels</c>), printed once per layer.</summary>
internal static class DirectConvolution
{
    public static void EmitGeometry(SourceWriter w, LayerModel l, string name, Window k, int kernelHeight, int kernelWidth, int dilationHeight, int dilationWidth, int? outputChannels = null)
    {
        NetworkEmitter.Doc(w, l.Name + ": " + l.Input + " -> " + l.Output + ", kernel " + kernelHeight + "x" + kernelWidth + ", strides " + k.StrideHeight + "x"
            + k.StrideWidth + ", dilation " + dilationHeight + "x" + dilationWidth + ", padding " + k.PadTop + "/" + k.PadBottom + "/" + k.PadLeft + "/" + k.PadRight
            + " (top, bottom, left, right).");
        w.Statement("private static readonly DirectConvolutionGeometry " + name + " = new(");
        w.Statement("    inputHeight: " + Int(l.Input.Height) + ", inputWidth: " + Int(l.Input.Width) + ", inputChannels: " + Int(l.Input.Channels) + ",");
        w.Statement("    outputHeight: " + Int(l.Output.Height) + ", outputWidth: " + Int(l.Output.Width) + ", outputChannels: " + Int(outputChannels ?? l.Output.Channels) + ",");
        w.Statement("    kernelHeight: " + Int(kernelHeight) + ", kernelWidth: " + Int(kernelWidth) + ", strideHeight: " + Int(k.StrideHeight)
            + ", strideWidth: " + Int(k.StrideWidth) + ",");
        w.Statement("    dilationHeight: " + Int(dilationHeight) + ", dilationWidth: " + Int(dilationWidth) + ", padTop: " + Int(k.PadTop) + ", padLeft: " + Int(k.PadLeft) + ");");
    }
}

/// <summary>
/// The depthwise convolutions: Keras <c>DepthwiseConv2D</c> (kernel <c>[kh, kw, in, multiplier]</c>, bias
/// <c>[in * multiplier]</c>) and <c>SeparableConv2D</c> (that depthwise step without bias, then a pointwise 1x1
/// convolution <c>[1, 1, in * multiplier, filters]</c> with bias <c>[filters]</c>, run by Conv2D's tiles). Their
/// settings are Conv2D's plus the depth multiplier.
/// </summary>
internal abstract partial class DepthwiseLayerBase : LayerDefinition
{
    protected const string Filters = "filters";
    protected const string KernelHeight = "kernel_height";
    protected const string KernelWidth = "kernel_width";

    protected abstract bool Separable { get; }

    public override ArgumentSchema Schema => Separable ? SeparableSchema : DepthwiseSchema;

    private static readonly ArgumentSchema DepthwiseSchema = BuildSchema(separable: false);

    private static readonly ArgumentSchema SeparableSchema = BuildSchema(separable: true);

    private static ArgumentSchema BuildSchema(bool separable)
    {
        var arguments = new List<Argument>
        {
            new(KernelHeight, "kernel height", ArgumentType.Integer, ArgumentRule.Positive),
            new(KernelWidth, "kernel width", ArgumentType.Integer, ArgumentRule.Positive),
            CommonSettings.DepthMultiplierArgument,
            CommonSettings.PaddingArgument,
            CommonSettings.ActivationArgument,
            CommonSettings.UseBiasArgument,
            CommonSettings.TrainableArgument,
        };
        arguments.AddRange(CommonSettings.StrideArguments);
        arguments.AddRange(CommonSettings.DilationArguments);
        var members = new List<AttributeMember>
        {
            new("kernelSize", new[] { KernelHeight, KernelWidth }),
            new("kernelHeight", new[] { KernelHeight }),
            new("kernelWidth", new[] { KernelWidth }),
            new(nameof(DepthwiseConv2DAttribute.KernelHeight), new[] { KernelHeight }),
            new(nameof(DepthwiseConv2DAttribute.KernelWidth), new[] { KernelWidth }),
            CommonSettings.DepthMultiplierMember,
            CommonSettings.PaddingMember,
            CommonSettings.ActivationMember,
            CommonSettings.UseBiasMember,
            CommonSettings.TrainableMember,
        };
        members.AddRange(CommonSettings.StrideMembers);
        members.AddRange(CommonSettings.DilationMembers);
        var positionals = new List<TextPositional>();
        if (separable)
        {
            arguments.Add(new Argument(Filters, "filters", ArgumentType.Integer, ArgumentRule.Positive));
            members.Add(new AttributeMember("filters", new[] { Filters }));
            members.Add(new AttributeMember(nameof(SeparableConv2DAttribute.Filters), new[] { Filters }));
            positionals.Add(new TextPositional(TextKind.Integer, new[] { Filters }, Optional: false, "FILTERS"));
        }

        positionals.Add(new TextPositional(TextKind.Size, new[] { KernelHeight, KernelWidth }, Optional: false, "KERNEL"));
        var options = new List<TextOption> { CommonSettings.StrideOption, CommonSettings.DilationOption, CommonSettings.DepthMultiplierOption };
        options.AddRange(CommonSettings.PaddingOptions);
        options.AddRange(CommonSettings.ActivationOptions);
        options.Add(CommonSettings.NoBiasOption);
        options.Add(CommonSettings.FixedOption);
        return new ArgumentSchema(arguments, members, positionals, options);
    }

    public override Recovery? Recover(LayerContext context) => Recovery.Map(context.Input.IsMap ? context.Input.Channels : 1);

    public override LayerModel? Check(LayerContext context)
    {
        if (!context.RequireFeatureMap())
        {
            return null;
        }

        int kh = context.Integer(KernelHeight, 1), kw = context.Integer(KernelWidth, 1);
        int sh = context.Integer(CommonSettings.StrideHeight, 1), sw = context.Integer(CommonSettings.StrideWidth, 1);
        int multiplier = context.Integer(CommonSettings.DepthMultiplier, 1);
        Padding padding = context.Padding(CommonSettings.Padding);
        bool useBias = context.Boolean(CommonSettings.UseBias, true);
        int channels = context.Input.Channels;
        long depth = (long)channels * multiplier;
        if (!Conv2DLayer.TryDilatedWindow(context, kh, kw, sh, sw, padding, out int dh, out int dw, out Window window, out int oh, out int ow))
        {
            return null;
        }

        if (depth > int.MaxValue)
        {
            context.Report(Diagnostics.DiagnosticDescriptors.NetworkTooLarge, context.Location, context.Description, LayerContext.Format(depth), "channels", LayerContext.Format(int.MaxValue));
            return null;
        }

        int filters = Separable ? context.Integer(Filters, 1) : (int)depth;
        if (!context.AddParameter("depthwise_kernel", new[] { kh, kw, channels, multiplier }, "GlorotUniform")
            || (Separable && !context.AddParameter("pointwise_kernel", new[] { 1, 1, (int)depth, filters }, "GlorotUniform"))
            || (useBias && !context.AddParameter("bias", new[] { filters }, "Zeros")))
        {
            return null;
        }

        return context.Build(Shape.Map(oh, ow, filters), new DepthwiseDetails(window, padding, kh, kw, dh, dw, multiplier, useBias, filters),
            context.Activation(CommonSettings.Activation));
    }

    public override string Describe(LayerModel layer)
    {
        var d = (DepthwiseDetails)layer.Details;
        Window k = d.Window;
        string text = Word + (Separable ? " " + Int(d.Filters) : string.Empty) + " " + Int(d.KernelHeight) + "x" + Int(d.KernelWidth);
        if (k.StrideHeight != 1 || k.StrideWidth != 1)
        {
            text += " stride " + (k.StrideHeight == k.StrideWidth ? Int(k.StrideHeight) : Int(k.StrideHeight) + "x" + Int(k.StrideWidth));
        }

        if (d.DilationHeight != 1 || d.DilationWidth != 1)
        {
            text += " dilation " + (d.DilationHeight == d.DilationWidth ? Int(d.DilationHeight) : Int(d.DilationHeight) + "x" + Int(d.DilationWidth));
        }

        return text + (d.Multiplier != 1 ? " multiplier " + Int(d.Multiplier) : string.Empty)
            + (d.Padding == Padding.Same ? " same" : string.Empty)
            + (layer.Activation == Activation.None ? string.Empty : " " + Activations.Word(layer.Activation))
            + CommonSettings.FixedSuffix(layer) + (d.UseBias ? string.Empty : " nobias");
    }

    public override string Title(LayerModel layer)
    {
        var d = (DepthwiseDetails)layer.Details;
        return ClassName + (Separable ? " " + Int(d.Filters) : string.Empty) + " " + Int(d.KernelHeight) + "x" + Int(d.KernelWidth)
            + ", strides " + d.Window.StrideHeight + "x" + d.Window.StrideWidth
            + (d.DilationHeight != 1 || d.DilationWidth != 1 ? ", dilation " + d.DilationHeight + "x" + d.DilationWidth : string.Empty)
            + (d.Multiplier != 1 ? ", multiplier " + d.Multiplier : string.Empty)
            + ", " + (d.Padding == Padding.Same ? "same" : "valid")
            + (layer.Activation == Activation.None ? string.Empty : ", " + Activations.Word(layer.Activation))
            + (d.UseBias ? string.Empty : ", no bias") + (CommonSettings.IsFrozen(layer) ? ", fixed" : string.Empty);
    }

    public override bool HasPostActivation => true;

    /// <summary>The depthwise step's output (a separable layer's intermediate map).</summary>
    protected static Shape DepthwiseShape(LayerModel l) => Shape.Map(l.Output.Height, l.Output.Width, l.Input.Channels * ((DepthwiseDetails)l.Details).Multiplier);

    public override IEnumerable<(string Suffix, int Length, string Description)> SampleBuffers(LayerModel layer)
    {
        if (Separable)
        {
            yield return ("Depthwise", DepthwiseShape(layer).Length, "The depthwise step of " + layer.Name + ", " + DepthwiseShape(layer) + ", the pointwise step's input");
        }
    }

    public override IEnumerable<(string Suffix, int Length, string Description)> ScratchBuffers(LayerModel layer)
    {
        if (Separable)
        {
            yield return ("PointwiseTransposed", layer.Find("pointwise_kernel")!.Length, "The pointwise kernel of " + layer.Name + " as [filters, in], for its input gradient");
            yield return ("DepthwiseGradient", DepthwiseShape(layer).Length, "The gradient of the depthwise step of " + layer.Name);
        }
    }

    public override int TemporaryLength(LayerModel layer) => Separable ? DepthwiseShape(layer).Length : 0;

    public override void EmitDeclarations(SourceWriter w, LayerPlan layer)
    {
        LayerModel l = layer.Layer;
        var d = (DepthwiseDetails)l.Details;
        DirectConvolution.EmitGeometry(w, l, layer.Pascal + "Geometry", d.Window, d.KernelHeight, d.KernelWidth, d.DilationHeight, d.DilationWidth, DepthwiseShape(l).Channels);
        if (!Separable)
        {
            return;
        }

        Shape depthwise = DepthwiseShape(l);
        w.Line();
        NetworkEmitter.Doc(w, l.Name + "'s pointwise step: " + depthwise + " -> " + l.Output + ", a 1x1 convolution.");
        w.Statement("private static readonly Conv2DGeometry " + layer.Pascal + "PointwiseGeometry = new(");
        w.Statement("    inputHeight: " + Int(depthwise.Height) + ", inputWidth: " + Int(depthwise.Width) + ", inputChannels: " + Int(depthwise.Channels)
            + ", filters: " + Int(l.Output.Channels) + ",");
        w.Statement("    kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0);");
    }

    public override void EmitBeginTraining(SourceWriter w, LayerPlan layer)
    {
        if (Separable)
        {
            w.Statement("Conv2DKernels.TransposeKernel(in " + layer.Pascal + "PointwiseGeometry, " + PassWriter.Parameter(layer.Layer, "pointwise_kernel") + ", s."
                + layer.Pascal + "PointwiseTransposed);");
        }
    }

    public override void EmitInference(PassWriter w, LayerPlan layer) =>
        EmitForward(w, layer, layer.InferInput, layer.InferOutput, layer.InferOutput, layer.InferenceActivation);

    public override void EmitTrainingForward(PassWriter w, LayerPlan layer) =>
        EmitForward(w, layer, layer.TrainInput, layer.TrainLinear ?? layer.TrainOutput, layer.TrainOutput, layer.Layer.Activation);

    private void EmitForward(PassWriter w, LayerPlan layer, BufferRef input, BufferRef linear, BufferRef output, Activation activation)
    {
        LayerModel l = layer.Layer;
        var d = (DepthwiseDetails)l.Details;
        string bias = d.UseBias ? PassWriter.Parameter(l, "bias") : "default";
        string relu = activation == Activation.ReLU ? "true" : "false";
        string z = w.Ref(linear);
        if (Separable)
        {
            string depthwise = "a." + layer.Pascal + "Depthwise(n)";
            w.Statement("DirectConvolutionKernels.DepthwiseForward(in " + layer.Pascal + "Geometry, " + w.Ref(input) + ", " + PassWriter.Parameter(l, "depthwise_kernel")
                + ", default, " + depthwise + ", relu: false);");
            w.Statement("Conv2DKernels.Forward(in " + layer.Pascal + "PointwiseGeometry, " + depthwise + ", " + PassWriter.Parameter(l, "pointwise_kernel") + ", "
                + bias + ", " + z + ", default, relu: " + relu + ");");
        }
        else
        {
            w.Statement("DirectConvolutionKernels.DepthwiseForward(in " + layer.Pascal + "Geometry, " + w.Ref(input) + ", " + PassWriter.Parameter(l, "depthwise_kernel")
                + ", " + bias + ", " + z + ", relu: " + relu + ");");
        }

        Activations.EmitOutputActivation(w, layer, activation, z, w.Ref(output), applied: Activation.ReLU);
    }

    public override void EmitBackward(PassWriter w, LayerPlan layer)
    {
        LayerModel l = layer.Layer;
        var d = (DepthwiseDetails)l.Details;
        string dy = w.Ref(layer.GradientIn);
        Activations.EmitOutputActivationBackward(w, layer, layer.TrainLinear is null ? "default" : w.Ref(layer.TrainLinear), w.Ref(layer.TrainOutput), dy);
        string bias = d.UseBias ? PassWriter.Gradient(l, "bias") : "default";
        string x = w.Ref(layer.TrainInput);
        string depthwiseGradient = dy;
        if (Separable)
        {
            string depthwise = "a." + layer.Pascal + "Depthwise(n)";
            depthwiseGradient = "s." + layer.Pascal + "DepthwiseGradient";
            w.Statement("Conv2DKernels.AccumulateParameterGradients(in " + layer.Pascal + "PointwiseGeometry, " + depthwise + ", default, " + dy + ", "
                + PassWriter.Gradient(l, "pointwise_kernel") + ", " + bias + ");");
            w.Statement("Conv2DKernels.InputGradient(in " + layer.Pascal + "PointwiseGeometry, s." + layer.Pascal + "PointwiseTransposed, " + dy + ", "
                + depthwiseGradient + ", s.Temporary.Slice(0, " + Int(DepthwiseShape(l).Length) + "));");
            bias = "default";
        }

        w.Statement("DirectConvolutionKernels.DepthwiseAccumulateParameterGradients(in " + layer.Pascal + "Geometry, " + x + ", " + depthwiseGradient + ", "
            + PassWriter.Gradient(l, "depthwise_kernel") + ", " + bias + ");");
        string inputGradient = "DirectConvolutionKernels.DepthwiseInputGradient(in " + layer.Pascal + "Geometry, " + PassWriter.Parameter(l, "depthwise_kernel") + ", "
            + depthwiseGradient + ", " + w.Ref(layer.GradientOut) + ");";
        w.Statement(layer.IsFirst ? "if (!inputGradient.IsEmpty) " + inputGradient : inputGradient);
    }
}

/// <summary>Keras <c>DepthwiseConv2D</c>; DSL <c>depthwiseconv2d 3x3 [multiplier M] [stride S] [dilation D] [same] [relu] [fixed] [nobias]</c>.</summary>
internal sealed partial class DepthwiseConv2DLayer : DepthwiseLayerBase
{
    public override string ClassName => "DepthwiseConv2D";

    public override string? AttributeName => nameof(DepthwiseConv2DAttribute);

    public override string NamePrefix => "depthwise_conv2d";

    public override string Word => "depthwiseconv2d";

    public override IEnumerable<string> Aliases => new[] { "depthwise" };

    protected override bool Separable => false;
}

/// <summary>Keras <c>SeparableConv2D</c>; DSL <c>separableconv2d 32 3x3 [multiplier M] [stride S] [dilation D] [same] [relu] [fixed] [nobias]</c>.</summary>
internal sealed partial class SeparableConv2DLayer : DepthwiseLayerBase
{
    public override string ClassName => "SeparableConv2D";

    public override string? AttributeName => nameof(SeparableConv2DAttribute);

    public override string NamePrefix => "separable_conv2d";

    public override string Word => "separableconv2d";

    public override IEnumerable<string> Aliases => new[] { "separable" };

    protected override bool Separable => true;
}

/// <summary>A Conv2DTranspose's filters, window and bias: the window is that of the convolution whose input
/// gradient it computes (from its output back to its input).</summary>
internal sealed record TransposeDetails(int Filters, Window Window, Padding Padding, bool UseBias) : LayerDetails;

/// <summary>
/// Keras <c>Conv2DTranspose</c>: kernel <c>[kh, kw, filters, in]</c>, bias <c>[filters]</c>. It is the input gradient
/// of a Conv2D from its output shape to its input shape with the same kernel, so all three passes run Conv2D's
/// tiles: forward is that convolution's input gradient, backward its forward pass and its kernel gradient.
/// Inference reads a transposed copy of the kernel kept with the folded parameters.
/// DSL <c>conv2dtranspose 16 3x3 [stride 2] [same] [relu] [fixed] [nobias]</c>.
/// </summary>
internal sealed partial class Conv2DTransposeLayer : LayerDefinition
{
    private const string Filters = "filters";
    private const string KernelHeight = "kernel_height";
    private const string KernelWidth = "kernel_width";

    public override string ClassName => "Conv2DTranspose";

    public override string? AttributeName => nameof(Conv2DTransposeAttribute);

    public override string NamePrefix => "conv2d_transpose";

    public override string Word => "conv2dtranspose";

    public override IEnumerable<string> Aliases => new[] { "deconv2d", "transposedconv2d" };

    public override ArgumentSchema Schema { get; } = new(
        new List<Argument>(CommonSettings.Concat(
            new[]
            {
                new Argument(Filters, "filters", ArgumentType.Integer, ArgumentRule.Positive),
                new Argument(KernelHeight, "kernel height", ArgumentType.Integer, ArgumentRule.Positive),
                new Argument(KernelWidth, "kernel width", ArgumentType.Integer, ArgumentRule.Positive),
            },
            CommonSettings.StrideArguments,
            new[] { CommonSettings.PaddingArgument, CommonSettings.ActivationArgument, CommonSettings.UseBiasArgument, CommonSettings.TrainableArgument })),
        new List<AttributeMember>(CommonSettings.Concat(
            new[]
            {
                new AttributeMember("filters", new[] { Filters }),
                new AttributeMember("kernelSize", new[] { KernelHeight, KernelWidth }),
                new AttributeMember("kernelHeight", new[] { KernelHeight }),
                new AttributeMember("kernelWidth", new[] { KernelWidth }),
                new AttributeMember(nameof(Conv2DTransposeAttribute.Filters), new[] { Filters }),
                new AttributeMember(nameof(Conv2DTransposeAttribute.KernelHeight), new[] { KernelHeight }),
                new AttributeMember(nameof(Conv2DTransposeAttribute.KernelWidth), new[] { KernelWidth }),
            },
            CommonSettings.StrideMembers,
            new[] { CommonSettings.PaddingMember, CommonSettings.ActivationMember, CommonSettings.UseBiasMember, CommonSettings.TrainableMember })),
        new[]
        {
            new TextPositional(TextKind.Integer, new[] { Filters }, Optional: false, "FILTERS"),
            new TextPositional(TextKind.Size, new[] { KernelHeight, KernelWidth }, Optional: false, "KERNEL"),
        },
        new List<TextOption>(CommonSettings.Concat(
            new[] { CommonSettings.StrideOption },
            CommonSettings.PaddingOptions,
            CommonSettings.ActivationOptions,
            new[] { CommonSettings.NoBiasOption, CommonSettings.FixedOption })));

    public override Recovery? Recover(LayerContext context) => Recovery.Map(context.Input.IsMap ? context.Input.Channels : 1);

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
        Shape x = context.Input;

        // Keras's deconv_output_length: in * s (same) or in * s + max(k - s, 0) (valid).
        long oh = ((long)x.Height * sh) + (padding == Padding.Valid ? System.Math.Max(kh - sh, 0) : 0);
        long ow = ((long)x.Width * sw) + (padding == Padding.Valid ? System.Math.Max(kw - sw, 0) : 0);
        if (oh * ow * filters > ShapeChecker.MaxElements)
        {
            context.Report(Diagnostics.DiagnosticDescriptors.NetworkTooLarge, context.Location, context.Description, LayerContext.Format(oh * ow * filters), "output values", LayerContext.Format(ShapeChecker.MaxElements));
            return null;
        }

        // The convolution from the output back to the input: its window and padding.
        var output = Shape.Map((int)oh, (int)ow, filters);
        if (!WindowMath.TryResolve(output, kh, kw, sh, sw, padding, out Window window, out int back, out int backWidth) || back != x.Height || backWidth != x.Width
            || !context.AddParameter("kernel", new[] { kh, kw, filters, x.Channels }, "GlorotUniform")
            || (useBias && !context.AddParameter("bias", new[] { filters }, "Zeros")))
        {
            return null;
        }

        return context.Build(output, new TransposeDetails(filters, window, padding, useBias), context.Activation(CommonSettings.Activation));
    }

    public override string Describe(LayerModel layer)
    {
        var d = (TransposeDetails)layer.Details;
        Window k = d.Window;
        string text = Word + " " + Int(d.Filters) + " " + Int(k.Height) + "x" + Int(k.Width);
        if (k.StrideHeight != 1 || k.StrideWidth != 1)
        {
            text += " stride " + (k.StrideHeight == k.StrideWidth ? Int(k.StrideHeight) : Int(k.StrideHeight) + "x" + Int(k.StrideWidth));
        }

        return text + (d.Padding == Padding.Same ? " same" : string.Empty)
            + (layer.Activation == Activation.None ? string.Empty : " " + Activations.Word(layer.Activation))
            + CommonSettings.FixedSuffix(layer) + (d.UseBias ? string.Empty : " nobias");
    }

    public override string Title(LayerModel layer)
    {
        var d = (TransposeDetails)layer.Details;
        return ClassName + " " + Int(d.Filters) + " " + d.Window + ", strides " + d.Window.StrideHeight + "x" + d.Window.StrideWidth
            + ", " + (d.Padding == Padding.Same ? "same" : "valid")
            + (layer.Activation == Activation.None ? string.Empty : ", " + Activations.Word(layer.Activation))
            + (d.UseBias ? string.Empty : ", no bias") + (CommonSettings.IsFrozen(layer) ? ", fixed" : string.Empty);
    }

    public override bool HasPostActivation => true;

    public override int DerivedLength(LayerModel layer) => layer.Find("kernel")!.Length;

    public override IEnumerable<(string Suffix, int Length, string Description)> ScratchBuffers(LayerModel layer)
    {
        yield return ("Transposed", layer.Find("kernel")!.Length, "The kernel of " + layer.Name + " as [in, kh * kw * filters], for its forward pass in training");
        if (PaddedLength(layer) > 0)
        {
            yield return ("PaddedGradient", PaddedLength(layer), "The output gradient of " + layer.Name + " with its zero border, for its kernel gradient");
        }
    }

    public override int TemporaryLength(LayerModel layer)
    {
        Window k = ((TransposeDetails)layer.Details).Window;
        return (layer.Input.Height * layer.Input.Width * k.Height * k.Width * layer.Output.Channels) + PaddedLength(layer);
    }

    /// <summary>Floats of the output with the convolution's zero border (0 without padding).</summary>
    private static int PaddedLength(LayerModel layer)
    {
        Window k = ((TransposeDetails)layer.Details).Window;
        return k.IsPadded ? (layer.Output.Height + k.PadTop + k.PadBottom) * (layer.Output.Width + k.PadLeft + k.PadRight) * layer.Output.Channels : 0;
    }

    public override void EmitDeclarations(SourceWriter w, LayerPlan layer)
    {
        LayerModel l = layer.Layer;
        Window k = ((TransposeDetails)l.Details).Window;
        NetworkEmitter.Doc(w, l.Name + ": " + l.Input + " -> " + l.Output + "; the convolution it transposes: " + l.Output + " -> " + l.Input + ", kernel " + k + ", strides "
            + k.StrideHeight + "x" + k.StrideWidth + ", padding " + k.PadTop + "/" + k.PadBottom + "/" + k.PadLeft + "/" + k.PadRight + " (top, bottom, left, right).");
        w.Statement("private static readonly Conv2DGeometry " + layer.Pascal + "Geometry = new(");
        w.Statement("    inputHeight: " + Int(l.Output.Height) + ", inputWidth: " + Int(l.Output.Width) + ", inputChannels: " + Int(l.Output.Channels)
            + ", filters: " + Int(l.Input.Channels) + ",");
        w.Statement("    kernelHeight: " + Int(k.Height) + ", kernelWidth: " + Int(k.Width) + ", strideHeight: " + Int(k.StrideHeight)
            + ", strideWidth: " + Int(k.StrideWidth) + ",");
        w.Statement("    padTop: " + Int(k.PadTop) + ", padBottom: " + Int(k.PadBottom) + ", padLeft: " + Int(k.PadLeft) + ", padRight: " + Int(k.PadRight) + ");");
    }

    public override void EmitFold(SourceWriter w, LayerPlan layer, LayerPlan? foldedInto) =>
        w.Statement("Conv2DKernels.TransposeKernel(in " + layer.Pascal + "Geometry, " + PassWriter.Parameter(layer.Layer, "kernel") + ", "
            + PassWriter.Folded(layer.FoldedKernel, DerivedLength(layer.Layer)) + ");");

    public override void EmitBeginTraining(SourceWriter w, LayerPlan layer) =>
        w.Statement("Conv2DKernels.TransposeKernel(in " + layer.Pascal + "Geometry, " + PassWriter.Parameter(layer.Layer, "kernel") + ", s." + layer.Pascal + "Transposed);");

    public override void EmitInference(PassWriter w, LayerPlan layer) =>
        EmitForward(w, layer, PassWriter.Folded(layer.FoldedKernel, DerivedLength(layer.Layer)), layer.InferInput, layer.InferOutput, layer.InferOutput, layer.InferenceActivation);

    public override void EmitTrainingForward(PassWriter w, LayerPlan layer) =>
        EmitForward(w, layer, "s." + layer.Pascal + "Transposed", layer.TrainInput, layer.TrainLinear ?? layer.TrainOutput, layer.TrainOutput, layer.Layer.Activation);

    private void EmitForward(PassWriter w, LayerPlan layer, string transposed, BufferRef input, BufferRef linear, BufferRef output, Activation activation)
    {
        LayerModel l = layer.Layer;
        string z = w.Ref(linear);
        w.Statement("Conv2DKernels.InputGradient(in " + layer.Pascal + "Geometry, " + transposed + ", " + w.Ref(input) + ", " + z + ", s.Temporary.Slice(0, "
            + Int(TemporaryLength(l)) + "));");
        if (((TransposeDetails)l.Details).UseBias)
        {
            w.Statement("VectorOps.AddBias(" + PassWriter.Parameter(l, "bias") + ", " + z + ");");
        }

        Activations.EmitOutputActivation(w, layer, activation, z, w.Ref(output));
    }

    public override void EmitBackward(PassWriter w, LayerPlan layer)
    {
        LayerModel l = layer.Layer;
        var d = (TransposeDetails)l.Details;
        string dy = w.Ref(layer.GradientIn);
        Activations.EmitOutputActivationBackward(w, layer, layer.TrainLinear is null ? "default" : w.Ref(layer.TrainLinear), w.Ref(layer.TrainOutput), dy);
        if (d.UseBias)
        {
            w.Statement("VectorOps.AccumulateColumnSums(" + dy + ", " + PassWriter.Gradient(l, "bias") + ");");
        }

        string padded = "default";
        if (PaddedLength(l) > 0)
        {
            Window k = d.Window;
            padded = "s." + layer.Pascal + "PaddedGradient";
            w.Statement("ResamplingKernels.Pad(" + dy + ", " + padded + ", " + Int(l.Output.Height) + ", " + Int(l.Output.Width) + ", " + Int(l.Output.Channels) + ", "
                + Int(k.PadTop) + ", " + Int(k.PadBottom) + ", " + Int(k.PadLeft) + ", " + Int(k.PadRight) + ");");
        }

        w.Statement("Conv2DKernels.AccumulateParameterGradients(in " + layer.Pascal + "Geometry, " + dy + ", " + padded + ", " + w.Ref(layer.TrainInput) + ", "
            + PassWriter.Gradient(l, "kernel") + ", default);");
        string inputGradient = "Conv2DKernels.Forward(in " + layer.Pascal + "Geometry, " + dy + ", " + PassWriter.Parameter(l, "kernel") + ", default, "
            + w.Ref(layer.GradientOut) + ", " + padded + ", relu: false);";
        w.Statement(layer.IsFirst ? "if (!inputGradient.IsEmpty) " + inputGradient : inputGradient);
    }
}
