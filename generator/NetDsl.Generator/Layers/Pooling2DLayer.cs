using System;
using System.Collections.Generic;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Model;
using NetDsl.Generator.Planning;
using NetDsl.Generator.Shapes;
using static NetDsl.Generator.Model.Identifiers;

namespace NetDsl.Generator.Layers;

/// <summary>A pooling layer's window, padding resolved.</summary>
internal sealed record PoolingDetails(Window Window, Padding Padding) : LayerDetails;

/// <summary>
/// 2-D max or average pooling (Keras <c>MaxPooling2D</c>, <c>AveragePooling2D</c>): a window of 2x2 by default,
/// strides defaulting to the window, valid or same padding (padded cells never win a max and are not counted in
/// an average). The two kinds differ only in their names and kernels.
/// </summary>
internal abstract partial class Pooling2DLayer : LayerDefinition
{
    public const string PoolHeight = "pool_height";
    public const string PoolWidth = "pool_width";

    protected abstract bool IsMax { get; }

    public override bool IsMaxPooling => IsMax;

    public override ArgumentSchema Schema { get; } = new(
        new List<Argument>(CommonSettings.Concat(
            new[]
            {
                new Argument(PoolHeight, "pool height", ArgumentType.Integer, ArgumentRule.Positive),
                new Argument(PoolWidth, "pool width", ArgumentType.Integer, ArgumentRule.Positive),
            },
            CommonSettings.StrideArguments,
            new[] { CommonSettings.PaddingArgument })),
        new List<AttributeMember>(CommonSettings.Concat(
            new[]
            {
                new AttributeMember("poolSize", new[] { PoolHeight, PoolWidth }),
                new AttributeMember("poolHeight", new[] { PoolHeight }),
                new AttributeMember("poolWidth", new[] { PoolWidth }),
                new AttributeMember(nameof(Pooling2DAttribute.PoolHeight), new[] { PoolHeight }),
                new AttributeMember(nameof(Pooling2DAttribute.PoolWidth), new[] { PoolWidth }),
            },
            CommonSettings.StrideMembers,
            new[] { CommonSettings.PaddingMember })),
        new[] { new TextPositional(TextKind.Size, new[] { PoolHeight, PoolWidth }, Optional: true, "POOL") },
        new List<TextOption>(CommonSettings.Concat(new[] { CommonSettings.StrideOption }, CommonSettings.PaddingOptions)));

    public override LayerModel? Check(LayerContext context)
    {
        if (!context.RequireFeatureMap())
        {
            return null;
        }

        int ph = context.Integer(PoolHeight, 2), pw = context.Integer(PoolWidth, 2);
        int sh = context.Integer(CommonSettings.StrideHeight, ph), sw = context.Integer(CommonSettings.StrideWidth, pw);
        Padding padding = context.Padding(CommonSettings.Padding);
        if (!TryWindow(context, "pool", ph, pw, sh, sw, padding, out Window window, out int oh, out int ow))
        {
            return null;
        }

        return context.Build(Shape.Map(oh, ow, context.Input.Channels), new PoolingDetails(window, padding));
    }

    public override Recovery? Recover(LayerContext context) => Recovery.Map(context.Input.IsMap ? context.Input.Channels : 1);

    /// <summary>Resolves a window over the layer's input; reports NDSL0009 (valid) or NDSL0013 (same) when it
    /// cannot be built.</summary>
    public static bool TryWindow(LayerContext context, string windowName, int kh, int kw, int sh, int sw, Padding padding, out Window window, out int outHeight, out int outWidth)
    {
        if (WindowMath.TryResolve(context.Input, kh, kw, sh, sw, padding, out window, out outHeight, out outWidth))
        {
            return true;
        }

        if (padding == Padding.Valid)
        {
            string fits = Math.Min(kh, context.Input.Height) + "x" + Math.Min(kw, context.Input.Width);
            context.Report(DiagnosticDescriptors.WindowLargerThanInput, context.Location, context.Description, windowName, kh + "x" + kw, context.Input.ToString(), fits,
                context.IsText ? "valid padding" : "Padding.Valid", context.InText("Padding.Same", "same"));
        }
        else
        {
            context.Report(DiagnosticDescriptors.NetworkTooLarge, context.Location, context.Description, LayerContext.Format(Math.Max(kh, kw)), "padding pixels", LayerContext.Format(int.MaxValue / 2));
        }

        return false;
    }

    public override string Describe(LayerModel layer)
    {
        var d = (PoolingDetails)layer.Details;
        Window k = d.Window;
        string text = Word + " " + Int(k.Height) + "x" + Int(k.Width);
        if (k.StrideHeight != k.Height || k.StrideWidth != k.Width)
        {
            text += " stride " + (k.StrideHeight == k.StrideWidth ? Int(k.StrideHeight) : Int(k.StrideHeight) + "x" + Int(k.StrideWidth));
        }

        return text + (d.Padding == Padding.Same ? " same" : string.Empty);
    }

    public override string Title(LayerModel layer)
    {
        var d = (PoolingDetails)layer.Details;
        return ClassName + " " + d.Window + ", strides " + d.Window.StrideHeight + "x" + d.Window.StrideWidth + ", " + (d.Padding == Padding.Same ? "same" : "valid");
    }

    public override bool BackwardReadsOutput(LayerModel layer) => IsMax;

    public override bool IsFusableMaxPool2x2(LayerModel layer) =>
        IsMax && layer.Details is PoolingDetails { Padding: Padding.Valid, Window: { Height: 2, Width: 2, StrideHeight: 2, StrideWidth: 2 } };

    public override void EmitDeclarations(SourceWriter w, LayerPlan layer)
    {
        LayerModel l = layer.Layer;
        Window k = ((PoolingDetails)l.Details).Window;
        w.Statement("/// <summary>" + l.Name + ": " + Title(l) + "; " + l.Input + " -> " + l.Output + ".</summary>");
        w.Statement("private static readonly Pool2DGeometry " + Geometry(l) + " = new(");
        w.Statement("    inputHeight: " + Int(l.Input.Height) + ", inputWidth: " + Int(l.Input.Width) + ", channels: " + Int(l.Input.Channels) + ",");
        w.Statement("    poolHeight: " + Int(k.Height) + ", poolWidth: " + Int(k.Width) + ", strideHeight: " + Int(k.StrideHeight) + ", strideWidth: " + Int(k.StrideWidth) + ",");
        w.Statement("    padTop: " + Int(k.PadTop) + ", padBottom: " + Int(k.PadBottom) + ", padLeft: " + Int(k.PadLeft) + ", padRight: " + Int(k.PadRight) + ");");
    }

    public override void EmitInference(PassWriter w, LayerPlan layer) => EmitForward(w, layer, layer.InferInput, layer.InferOutput);

    public override void EmitTrainingForward(PassWriter w, LayerPlan layer) => EmitForward(w, layer, layer.TrainInput, layer.TrainOutput);

    public override void EmitBackward(PassWriter w, LayerPlan layer)
    {
        string call = IsMax
            ? "PoolingKernels.MaxBackward(in " + Geometry(layer.Layer) + ", " + w.Ref(layer.TrainInput) + ", " + w.Ref(layer.TrainOutput) + ", "
                + w.Ref(layer.GradientIn) + ", " + w.Ref(layer.GradientOut) + ", throughReLU: " + (layer.PoolThroughReLU ? "true" : "false") + ");"
            : "PoolingKernels.AverageBackward(in " + Geometry(layer.Layer) + ", " + w.Ref(layer.GradientIn) + ", " + w.Ref(layer.GradientOut) + ");";
        w.Statement(layer.IsFirst ? "if (!inputGradient.IsEmpty) " + call : call);
    }

    public static string Geometry(LayerModel layer) => layer.Pascal + "Geometry";

    private void EmitForward(PassWriter w, LayerPlan layer, BufferRef input, BufferRef output) => EmitForward(w, IsMax, layer, input, output);

    /// <summary>The pooling call of a window or global pooling layer (both keep a <c>Pool2DGeometry</c>).</summary>
    public static void EmitForward(PassWriter w, bool max, LayerPlan layer, BufferRef input, BufferRef output) =>
        w.Statement("PoolingKernels." + (max ? "MaxForward" : "AverageForward") + "(in " + Geometry(layer.Layer) + ", " + w.Ref(input) + ", " + w.Ref(output) + ");");
}

/// <summary>Keras <c>MaxPooling2D</c>; DSL <c>maxpool</c>.</summary>
internal sealed partial class MaxPooling2DLayer : Pooling2DLayer
{
    public override string ClassName => "MaxPooling2D";

    public override string? AttributeName => nameof(MaxPooling2DAttribute);

    public override string NamePrefix => "max_pooling2d";

    public override string Word => "maxpool";

    protected override bool IsMax => true;
}

/// <summary>Keras <c>AveragePooling2D</c>; DSL <c>avgpool</c>.</summary>
internal sealed partial class AveragePooling2DLayer : Pooling2DLayer
{
    public override string ClassName => "AveragePooling2D";

    public override string? AttributeName => nameof(AveragePooling2DAttribute);

    public override string NamePrefix => "average_pooling2d";

    public override string Word => "avgpool";

    protected override bool IsMax => false;
}
