using System;
using System.Linq;
using System.Text.RegularExpressions;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes;
using static NetDsl.Generator.Emit.NetworkEmitter;

namespace NetDsl.Generator.Emit;

/// <summary>
/// One specialised method per layer: every size is a named constant, windows of up to
/// <see cref="MaxUnrolledTaps"/> taps are unrolled, and the channel dimension runs through the runtime's
/// SIMD building blocks (<c>NetDsl.Kernels</c>).
/// </summary>
internal static class LayerEmitter
{
    /// <summary>Windows with at most this many rows (convolution) or cells (pooling) are unrolled.</summary>
    public const int MaxUnrolledTaps = 9;

    public static string ForwardName(LayerPlan layer) => Pascal(layer.Name) + "Forward";

    public static void EmitForward(SourceWriter w, LayerPlan layer)
    {
        w.Line("/// <summary>" + layer.Name + ": " + Title(layer) + "; " + Describe(layer.Input) + " -> " + Describe(layer.Output) + ".</summary>");
        switch (layer.Kind)
        {
            case LayerKind.Conv2D:
                EmitConv2DForward(w, layer);
                break;
            case LayerKind.MaxPooling2D:
            case LayerKind.AveragePooling2D:
            case LayerKind.GlobalAveragePooling2D:
            case LayerKind.GlobalMaxPooling2D:
                EmitPoolingForward(w, layer);
                break;
            case LayerKind.Dense:
                EmitDenseForward(w, layer);
                break;
            case LayerKind.Activation:
                // The activation itself is applied by the wiring, like every layer's.
                w.Block("private static void " + ForwardName(layer) + "(" + ReadOnlySpan + " input, " + Span + " output)", () =>
                    w.Line("input.CopyTo(output);"));
                break;
        }
    }

    public static string BackwardName(LayerPlan layer) => Pascal(layer.Name) + "Backward";

    /// <summary>
    /// The backward pass of a layer's linear part (the wiring has already turned the output gradient into the
    /// gradient before the activation): adds to the parameter gradients and writes the input gradient, which
    /// parameterised layers skip when it is empty (the first layer).
    /// </summary>
    public static void EmitBackward(SourceWriter w, LayerPlan layer)
    {
        w.Line("/// <summary>" + layer.Name + " backward: " + Title(layer) + "; " + Describe(layer.Output) + " -> " + Describe(layer.Input) + ".</summary>");
        switch (layer.Kind)
        {
            case LayerKind.Conv2D:
                EmitConv2DBackward(w, layer);
                break;
            case LayerKind.MaxPooling2D:
            case LayerKind.AveragePooling2D:
            case LayerKind.GlobalAveragePooling2D:
            case LayerKind.GlobalMaxPooling2D:
                EmitPoolingBackward(w, layer);
                break;
            case LayerKind.Dense:
                EmitDenseBackward(w, layer);
                break;
        }
    }

    /// <summary>Human description: <c>Conv2D 32 3x3, strides 1x1, valid, relu</c>.</summary>
    public static string Title(LayerPlan layer)
    {
        string activation = layer.Activation == ActivationKind.None ? string.Empty : ", " + layer.Activation.ToString().ToLowerInvariant();
        string window = ", strides " + layer.Window.StrideHeight + "x" + layer.Window.StrideWidth + ", " + layer.Padding.ToString().ToLowerInvariant();
        return layer.Kind switch
        {
            LayerKind.Conv2D => "Conv2D " + layer.Units + " " + layer.Window + window + activation + (layer.UseBias ? string.Empty : ", no bias"),
            LayerKind.MaxPooling2D or LayerKind.AveragePooling2D => layer.Kind + " " + layer.Window + window,
            LayerKind.Dense => "Dense " + layer.Units + activation + (layer.UseBias ? string.Empty : ", no bias"),
            LayerKind.Activation => "Activation " + layer.Activation.ToString().ToLowerInvariant(),
            _ => layer.Kind.ToString(),
        };
    }

    /// <summary>Whether the layer's activation is applied inside its kernel (so the wiring must not apply it again).</summary>
    public static bool FusesActivation(LayerPlan layer) => layer.Kind == LayerKind.Conv2D && layer.Activation == ActivationKind.ReLU;

    public static string GeometryName(LayerPlan layer) => Pascal(layer.Name) + "Geometry";

    public static string PaddedInputName(LayerPlan layer) => Pascal(layer.Name) + "PaddedInput";

    public static string TransposedKernelName(LayerPlan layer) => Pascal(layer.Name) + "TransposedKernel";

    /// <summary>Convolutions and dense layers compute their input gradient with the transposed kernel, prepared
    /// once per batch (so the product runs along contiguous rows).</summary>
    public static bool NeedsTransposedKernel(LayerPlan layer) => layer.Kind is LayerKind.Conv2D or LayerKind.Dense;

    /// <summary>Floats of the padded input a convolution keeps for its backward pass (0 without padding).</summary>
    public static int PaddedInputLength(LayerPlan layer) =>
        layer.Kind == LayerKind.Conv2D && layer.Window.IsPadded
            ? (layer.Input.Height + layer.Window.PadTop + layer.Window.PadBottom) * (layer.Input.Width + layer.Window.PadLeft + layer.Window.PadRight) * layer.Input.Channels
            : 0;

    /// <summary>Floats of temporary space the input gradient of a convolution needs (mirrors
    /// <c>Conv2DGeometry.InputGradientScratchLength</c>).</summary>
    public static int InputGradientScratchLength(LayerPlan layer)
    {
        if (layer.Kind != LayerKind.Conv2D)
        {
            return 0;
        }

        Window k = layer.Window;
        return (layer.Output.Height * layer.Output.Width * k.Height * k.Width * layer.Input.Channels) + PaddedInputLength(layer);
    }

    /// <summary>The layer's sizes as a constant geometry for the runtime's register-blocked kernels.</summary>
    public static void EmitConv2DGeometry(SourceWriter w, LayerPlan layer)
    {
        Window k = layer.Window;
        w.Line("/// <summary>" + layer.Name + ": " + Describe(layer.Input) + " -> " + Describe(layer.Output) + ", kernel " + k + ", strides " + k.StrideHeight + "x" + k.StrideWidth
            + ", padding top/bottom/left/right " + k.PadTop + "/" + k.PadBottom + "/" + k.PadLeft + "/" + k.PadRight + ".</summary>");
        w.Line("private static readonly global::NetDsl.Kernels.Conv2DGeometry " + GeometryName(layer) + " = new global::NetDsl.Kernels.Conv2DGeometry(");
        w.Line("    inputHeight: " + Int(layer.Input.Height) + ", inputWidth: " + Int(layer.Input.Width) + ", inputChannels: " + Int(layer.Input.Channels) + ", filters: " + Int(layer.Units) + ",");
        w.Line("    kernelHeight: " + Int(k.Height) + ", kernelWidth: " + Int(k.Width) + ", strideHeight: " + Int(k.StrideHeight) + ", strideWidth: " + Int(k.StrideWidth) + ",");
        w.Line("    padTop: " + Int(k.PadTop) + ", padBottom: " + Int(k.PadBottom) + ", padLeft: " + Int(k.PadLeft) + ", padRight: " + Int(k.PadRight) + ");");
    }

    /// <summary>Whether inference runs <paramref name="conv"/> and the <paramref name="pool"/> after it as one kernel:
    /// a 2x2, stride-2, valid max pooling of a linear or ReLU convolution.</summary>
    public static bool FusesWithPooling(LayerPlan conv, LayerPlan? pool) =>
        conv.Kind == LayerKind.Conv2D
        && conv.Activation is ActivationKind.None or ActivationKind.ReLU
        && pool is { Kind: LayerKind.MaxPooling2D, Padding: PaddingKind.Valid }
        && pool.Window is { Height: 2, Width: 2, StrideHeight: 2, StrideWidth: 2 };

    public static string PooledForwardName(LayerPlan conv) => Pascal(conv.Name) + "ForwardPooled";

    /// <summary>The inference kernel of a convolution and the 2x2 max pooling after it: only the pooled map is
    /// written.</summary>
    public static void EmitConv2DPooledForward(SourceWriter w, LayerPlan conv, LayerPlan pool)
    {
        w.Line("/// <summary>" + conv.Name + " and " + pool.Name + " in one pass (inference): " + Title(conv) + ", then MaxPooling2D 2x2; "
            + Describe(conv.Input) + " -> " + Describe(pool.Output) + ".</summary>");
        string bias = conv.UseBias ? ", " + ReadOnlySpan + " bias" : string.Empty;
        string padded = conv.Window.IsPadded ? ", " + Span + " paddedInput" : string.Empty;
        w.Block("private static void " + PooledForwardName(conv) + "(" + ReadOnlySpan + " input, " + ReadOnlySpan + " kernel" + bias + ", " + Span + " pooledOutput" + padded + ")", () =>
            w.Line("global::NetDsl.Kernels.Conv2DKernels.ForwardMaxPool2x2(in " + GeometryName(conv) + ", input, kernel, "
                + (conv.UseBias ? "bias" : "default") + ", pooledOutput, " + (conv.Window.IsPadded ? "paddedInput" : "default")
                + ", relu: " + (FusesActivation(conv) ? "true" : "false") + ");"));
    }

    private static void EmitConv2DForward(SourceWriter w, LayerPlan layer)
    {
        string bias = layer.UseBias ? ", " + ReadOnlySpan + " bias" : string.Empty;
        string padded = layer.Window.IsPadded ? ", " + Span + " paddedInput" : string.Empty;
        w.Block("private static void " + ForwardName(layer) + "(" + ReadOnlySpan + " input, " + ReadOnlySpan + " kernel" + bias + ", " + Span + " output" + padded + ")", () =>
            w.Line("global::NetDsl.Kernels.Conv2DKernels.Forward(in " + GeometryName(layer) + ", input, kernel, "
                + (layer.UseBias ? "bias" : "default") + ", output, " + (layer.Window.IsPadded ? "paddedInput" : "default")
                + ", relu: " + (FusesActivation(layer) ? "true" : "false") + ");"));
    }

    /// <summary>Pooling layers (global ones included) run the runtime's vectorised pooling kernels.</summary>
    public static bool IsPooling(LayerPlan layer) => layer.Kind is LayerKind.MaxPooling2D or LayerKind.AveragePooling2D
        or LayerKind.GlobalAveragePooling2D or LayerKind.GlobalMaxPooling2D;

    public static bool IsMax(LayerPlan layer) => layer.Kind is LayerKind.MaxPooling2D or LayerKind.GlobalMaxPooling2D;

    /// <summary>The pooling geometry as a constant for the runtime kernels.</summary>
    public static void EmitPool2DGeometry(SourceWriter w, LayerPlan layer)
    {
        w.Line("/// <summary>" + layer.Name + ": " + Title(layer) + "; " + Describe(layer.Input) + " -> " + Describe(layer.Output) + ".</summary>");
        if (layer.Kind is LayerKind.GlobalAveragePooling2D or LayerKind.GlobalMaxPooling2D)
        {
            w.Line("private static readonly global::NetDsl.Kernels.Pool2DGeometry " + GeometryName(layer) + " = global::NetDsl.Kernels.Pool2DGeometry.Global("
                + Int(layer.Input.Height) + ", " + Int(layer.Input.Width) + ", " + Int(layer.Input.Channels) + ");");
            return;
        }

        Window k = layer.Window;
        w.Line("private static readonly global::NetDsl.Kernels.Pool2DGeometry " + GeometryName(layer) + " = new global::NetDsl.Kernels.Pool2DGeometry(");
        w.Line("    inputHeight: " + Int(layer.Input.Height) + ", inputWidth: " + Int(layer.Input.Width) + ", channels: " + Int(layer.Input.Channels) + ",");
        w.Line("    poolHeight: " + Int(k.Height) + ", poolWidth: " + Int(k.Width) + ", strideHeight: " + Int(k.StrideHeight) + ", strideWidth: " + Int(k.StrideWidth) + ",");
        w.Line("    padTop: " + Int(k.PadTop) + ", padBottom: " + Int(k.PadBottom) + ", padLeft: " + Int(k.PadLeft) + ", padRight: " + Int(k.PadRight) + ");");
    }

    private static void EmitPoolingForward(SourceWriter w, LayerPlan layer) =>
        w.Block("private static void " + ForwardName(layer) + "(" + ReadOnlySpan + " input, " + Span + " output)", () =>
            w.Line("global::NetDsl.Kernels.PoolingKernels." + (IsMax(layer) ? "MaxForward" : "AverageForward") + "(in " + GeometryName(layer) + ", input, output);"));

    private static void EmitDenseForward(SourceWriter w, LayerPlan layer)
    {
        string bias = layer.UseBias ? ", " + ReadOnlySpan + " bias" : string.Empty;
        var constants = new[] { new[] { ("In", layer.Input.Length), ("Out", layer.Units) } };
        EmitMethod(w, "private static void " + ForwardName(layer) + "(" + ReadOnlySpan + " input, " + ReadOnlySpan + " kernel" + bias + ", " + Span + " output)", constants, w =>
        {
            w.Line(layer.UseBias ? "bias.CopyTo(output);" : "output.Clear();");
            w.Line(VectorOps + ".MultiplyAccumulate(input.Slice(0, In), kernel.Slice(0, In * Out), output.Slice(0, Out));");
        });
    }

    private static void EmitConv2DBackward(SourceWriter w, LayerPlan layer)
    {
        string bias = layer.UseBias ? ", " + Span + " biasGradient" : string.Empty;
        string padded = layer.Window.IsPadded ? ", " + ReadOnlySpan + " paddedInput" : string.Empty;
        w.Block("private static void " + BackwardName(layer) + "(" + ReadOnlySpan + " input, " + ReadOnlySpan + " transposedKernel, " + ReadOnlySpan + " outputGradient, "
            + Span + " kernelGradient" + bias + ", " + Span + " inputGradient" + padded + ", " + Span + " scratch)", () =>
        {
            w.Line("global::NetDsl.Kernels.Conv2DKernels.AccumulateParameterGradients(in " + GeometryName(layer) + ", input, "
                + (layer.Window.IsPadded ? "paddedInput" : "default") + ", outputGradient, kernelGradient, " + (layer.UseBias ? "biasGradient" : "default") + ");");
            w.Block("if (!inputGradient.IsEmpty)", () =>
                w.Line("global::NetDsl.Kernels.Conv2DKernels.InputGradient(in " + GeometryName(layer) + ", transposedKernel, outputGradient, inputGradient, scratch.Slice(0, " + Int(InputGradientScratchLength(layer)) + "));"));
        });
    }

    private static void EmitPoolingBackward(SourceWriter w, LayerPlan layer) =>
        w.Block("private static void " + BackwardName(layer) + "(" + ReadOnlySpan + " input, " + ReadOnlySpan + " output, " + ReadOnlySpan + " outputGradient, " + Span + " inputGradient" + (IsMax(layer) ? ", bool throughReLU" : string.Empty) + ")", () =>
            w.Line(IsMax(layer)
                ? "global::NetDsl.Kernels.PoolingKernels.MaxBackward(in " + GeometryName(layer) + ", input, output, outputGradient, inputGradient, throughReLU);"
                : "global::NetDsl.Kernels.PoolingKernels.AverageBackward(in " + GeometryName(layer) + ", outputGradient, inputGradient);"));

    /// <summary>
    /// Whether the backward pass of max pool <paramref name="layer"/> also does the ReLU backward of the layer
    /// before it (<paramref name="previous"/>): the cell that gets a window's gradient holds the window's maximum,
    /// so masking by the pooled output is the ReLU's own mask, and it saves a pass over the larger map.
    /// </summary>
    public static bool PoolsThroughReLU(LayerPlan layer, LayerPlan? previous) =>
        IsMax(layer) && previous is not null && previous.Activation == ActivationKind.ReLU;

    private static void EmitDenseBackward(SourceWriter w, LayerPlan layer)
    {
        string bias = layer.UseBias ? ", " + Span + " biasGradient" : string.Empty;
        var constants = new[] { new[] { ("In", layer.Input.Length), ("Out", layer.Units) } };
        string header = "private static void " + BackwardName(layer) + "(" + ReadOnlySpan + " input, " + ReadOnlySpan + " transposedKernel, " + ReadOnlySpan + " outputGradient, " + Span + " kernelGradient" + bias + ", " + Span + " inputGradient)";
        EmitMethod(w, header, constants, w =>
        {
            w.Line(ReadOnlySpan + " d = outputGradient.Slice(0, Out);");
            if (layer.UseBias)
            {
                w.Line(VectorOps + ".Add(d, biasGradient);");
            }

            w.Line(VectorOps + ".AccumulateOuterProduct(input.Slice(0, In), d, kernelGradient.Slice(0, In * Out));");
            w.Block("if (!inputGradient.IsEmpty)", () =>
            {
                // dX = d . kernel^T: with the kernel transposed to [Out, In], a product along contiguous rows.
                w.Line("inputGradient.Clear();");
                w.Line(VectorOps + ".MultiplyAccumulate(d, transposedKernel.Slice(0, Out * In), inputGradient.Slice(0, In));");
            });
        });
    }

    /// <summary>
    /// Writes a method whose body declares, as local constants, exactly those of <paramref name="constants"/>
    /// (one line per group) that the body uses: sizes read as names, and no unused-variable warnings.
    /// </summary>
    private static void EmitMethod(SourceWriter w, string header, (string Name, int Value)[][] constants, Action<SourceWriter> body)
    {
        w.Line(header);
        w.OpenBrace();
        SourceWriter bodyWriter = w.Fork();
        body(bodyWriter);
        string text = bodyWriter.ToString();
        foreach ((string Name, int Value)[] group in constants)
        {
            var used = group.Where(c => Regex.IsMatch(text, @"\b" + c.Name + @"\b")).Select(c => c.Name + " = " + Int(c.Value)).ToList();
            if (used.Count > 0)
            {
                w.Line("const int " + string.Join(", ", used) + ";");
            }
        }

        w.Append(bodyWriter);
        w.CloseBrace();
    }

    /// <summary>The sizes of a windowed layer, grouped by line: input, output, window, padding.</summary>
    private static (string Name, int Value)[][] Geometry(LayerPlan layer, string heightName, string widthName)
    {
        Window k = layer.Window;
        bool conv = layer.Kind == LayerKind.Conv2D;
        return new[]
        {
            conv
                ? new[] { ("InH", layer.Input.Height), ("InW", layer.Input.Width), ("InC", layer.Input.Channels) }
                : new[] { ("InH", layer.Input.Height), ("InW", layer.Input.Width), ("C", layer.Input.Channels) },
            conv
                ? new[] { ("OutH", layer.Output.Height), ("OutW", layer.Output.Width), ("OutC", layer.Output.Channels) }
                : new[] { ("OutH", layer.Output.Height), ("OutW", layer.Output.Width) },
            new[] { (heightName, k.Height), (widthName, k.Width), ("SH", k.StrideHeight), ("SW", k.StrideWidth) },
            new[] { ("PadTop", k.PadTop), ("PadLeft", k.PadLeft) },
        };
    }

    /// <summary>The call that applies an activation in place to <paramref name="target"/> (softmax over groups
    /// of <paramref name="groupLength"/>, the channels), or null for a linear layer.</summary>
    public static string? ActivationCall(ActivationKind activation, string target, int groupLength) => activation switch
    {
        ActivationKind.ReLU => Activations + ".ReLU(" + target + ");",
        ActivationKind.Sigmoid => Activations + ".Sigmoid(" + target + ");",
        ActivationKind.Tanh => Activations + ".Tanh(" + target + ");",
        ActivationKind.Softmax => Activations + ".Softmax(" + target + ", " + Int(groupLength) + ");",
        _ => null,
    };

    /// <summary>The call that turns the gradient of an activation's output into the gradient of its input,
    /// in place, from the activation's output <paramref name="output"/>; null for a linear layer.</summary>
    public static string? ActivationBackwardCall(ActivationKind activation, string output, string gradient, int groupLength) => activation switch
    {
        ActivationKind.ReLU => Activations + ".ReLUBackward(" + output + ", " + gradient + ");",
        ActivationKind.Sigmoid => Activations + ".SigmoidBackward(" + output + ", " + gradient + ");",
        ActivationKind.Tanh => Activations + ".TanhBackward(" + output + ", " + gradient + ");",
        ActivationKind.Softmax => Activations + ".SoftmaxBackward(" + output + ", " + gradient + ", " + Int(groupLength) + ");",
        _ => null,
    };
}
