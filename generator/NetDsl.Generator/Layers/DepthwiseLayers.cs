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
internal abstract class DepthwiseLayerBase : LayerDefinition
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
        return new ArgumentSchema(arguments, members, positionals, options);
    }

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
            + (d.UseBias ? string.Empty : " nobias");
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
            + (d.UseBias ? string.Empty : ", no bias");
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

/// <summary>Keras <c>DepthwiseConv2D</c>; DSL <c>depthwiseconv2d 3x3 [multiplier M] [stride S] [dilation D] [same] [relu] [nobias]</c>.</summary>
internal sealed class DepthwiseConv2DLayer : DepthwiseLayerBase
{
    public override string ClassName => "DepthwiseConv2D";

    public override string? AttributeName => nameof(DepthwiseConv2DAttribute);

    public override string NamePrefix => "depthwise_conv2d";

    public override string Word => "depthwiseconv2d";

    public override IEnumerable<string> Aliases => new[] { "depthwise" };

    protected override bool Separable => false;
}

/// <summary>Keras <c>SeparableConv2D</c>; DSL <c>separableconv2d 32 3x3 [multiplier M] [stride S] [dilation D] [same] [relu] [nobias]</c>.</summary>
internal sealed class SeparableConv2DLayer : DepthwiseLayerBase
{
    public override string ClassName => "SeparableConv2D";

    public override string? AttributeName => nameof(SeparableConv2DAttribute);

    public override string NamePrefix => "separable_conv2d";

    public override string Word => "separableconv2d";

    public override IEnumerable<string> Aliases => new[] { "separable" };

    protected override bool Separable => true;
}
