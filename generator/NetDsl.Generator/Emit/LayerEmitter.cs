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
                EmitPoolingForward(w, layer);
                break;
            case LayerKind.GlobalAveragePooling2D:
            case LayerKind.GlobalMaxPooling2D:
                EmitGlobalPoolingForward(w, layer);
                break;
            case LayerKind.Dense:
                EmitDenseForward(w, layer);
                break;
            case LayerKind.Activation:
                w.Block("private static void " + ForwardName(layer) + "(" + ReadOnlySpan + " input, " + Span + " output)", () =>
                {
                    w.Line("input.CopyTo(output);");
                    EmitActivation(w, layer.Activation, "output", layer.Output.Channels);
                });
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

    private static void EmitConv2DForward(SourceWriter w, LayerPlan layer)
    {
        Window k = layer.Window;
        string bias = layer.UseBias ? ", " + ReadOnlySpan + " bias" : string.Empty;
        EmitMethod(w, "private static void " + ForwardName(layer) + "(" + ReadOnlySpan + " input, " + ReadOnlySpan + " kernel" + bias + ", " + Span + " output)", Geometry(layer, "KH", "KW"), w =>
        {
            w.Block("for (int oy = 0; oy < OutH; oy++)", () =>
            {
                w.Line(k.IsPadded ? "int iy = oy * SH - PadTop;" : "int iy = oy * SH;");
                if (k.IsPadded)
                {
                    w.Line("int ky0 = global::System.Math.Max(0, -iy), ky1 = global::System.Math.Min(KH, InH - iy);");
                }

                w.Block("for (int ox = 0; ox < OutW; ox++)", () =>
                {
                    w.Line(k.IsPadded ? "int ix = ox * SW - PadLeft;" : "int ix = ox * SW;");
                    w.Line(Span + " acc = output.Slice((oy * OutW + ox) * OutC, OutC);");
                    w.Line(layer.UseBias ? "bias.CopyTo(acc);" : "acc.Clear();");
                    if (k.IsPadded)
                    {
                        // Clip the window to the input; padded cells contribute nothing.
                        w.Line("int kx0 = global::System.Math.Max(0, -ix), kx1 = global::System.Math.Min(KW, InW - ix);");
                        w.Line("int taps = (kx1 - kx0) * InC;");
                        w.Block("for (int ky = ky0; ky < ky1; ky++)", () =>
                            w.Line(VectorOps + ".MultiplyAccumulate(input.Slice(((iy + ky) * InW + ix + kx0) * InC, taps), kernel.Slice((ky * KW + kx0) * InC * OutC, taps * OutC), acc);"));
                    }
                    else if (k.Height <= MaxUnrolledTaps)
                    {
                        // One call per kernel row: KW * InC inputs are contiguous, and so are their kernel rows.
                        for (int ky = 0; ky < k.Height; ky++)
                        {
                            w.Line(VectorOps + ".MultiplyAccumulate(input.Slice(((iy + " + ky + ") * InW + ix) * InC, KW * InC), kernel.Slice(" + ky + " * KW * InC * OutC, KW * InC * OutC), acc);");
                        }
                    }
                    else
                    {
                        w.Block("for (int ky = 0; ky < KH; ky++)", () =>
                            w.Line(VectorOps + ".MultiplyAccumulate(input.Slice(((iy + ky) * InW + ix) * InC, KW * InC), kernel.Slice(ky * KW * InC * OutC, KW * InC * OutC), acc);"));
                    }

                    EmitActivation(w, layer.Activation, "acc", layer.Output.Channels);
                });
            });
        });
    }

    private static void EmitPoolingForward(SourceWriter w, LayerPlan layer)
    {
        Window k = layer.Window;
        bool max = layer.Kind == LayerKind.MaxPooling2D;
        string combine = max ? VectorOps + ".Max" : VectorOps + ".Add";
        EmitMethod(w, "private static void " + ForwardName(layer) + "(" + ReadOnlySpan + " input, " + Span + " output)", Geometry(layer, "PH", "PW"), w =>
        {
            w.Block("for (int oy = 0; oy < OutH; oy++)", () =>
            {
                w.Line(k.IsPadded ? "int iy = oy * SH - PadTop;" : "int iy = oy * SH;");
                if (k.IsPadded)
                {
                    w.Line("int ky0 = global::System.Math.Max(0, -iy), ky1 = global::System.Math.Min(PH, InH - iy);");
                }

                w.Block("for (int ox = 0; ox < OutW; ox++)", () =>
                {
                    w.Line(k.IsPadded ? "int ix = ox * SW - PadLeft;" : "int ix = ox * SW;");
                    w.Line(Span + " o = output.Slice((oy * OutW + ox) * C, C);");
                    if (k.IsPadded)
                    {
                        // Only real cells take part: padding never wins a max and is not counted in a mean.
                        w.Line("int kx0 = global::System.Math.Max(0, -ix), kx1 = global::System.Math.Min(PW, InW - ix);");
                        w.Line("input.Slice(((iy + ky0) * InW + ix + kx0) * C, C).CopyTo(o);");
                        w.Block("for (int ky = ky0; ky < ky1; ky++)", () =>
                            w.Block("for (int kx = ky == ky0 ? kx0 + 1 : kx0; kx < kx1; kx++)", () =>
                                w.Line(combine + "(input.Slice(((iy + ky) * InW + ix + kx) * C, C), o);")));
                        if (!max)
                        {
                            w.Line(VectorOps + ".Scale(o, 1f / ((ky1 - ky0) * (kx1 - kx0)));");
                        }
                    }
                    else if (k.Height * k.Width <= MaxUnrolledTaps)
                    {
                        w.Line("input.Slice((iy * InW + ix) * C, C).CopyTo(o);");
                        for (int ky = 0; ky < k.Height; ky++)
                        {
                            for (int kx = 0; kx < k.Width; kx++)
                            {
                                if (ky == 0 && kx == 0)
                                {
                                    continue;
                                }

                                w.Line(combine + "(input.Slice(((iy + " + ky + ") * InW + ix + " + kx + ") * C, C), o);");
                            }
                        }

                        if (!max)
                        {
                            w.Line(VectorOps + ".Scale(o, 1f / (PH * PW));");
                        }
                    }
                    else
                    {
                        w.Line("input.Slice((iy * InW + ix) * C, C).CopyTo(o);");
                        w.Block("for (int ky = 0; ky < PH; ky++)", () =>
                            w.Block("for (int kx = ky == 0 ? 1 : 0; kx < PW; kx++)", () =>
                                w.Line(combine + "(input.Slice(((iy + ky) * InW + ix + kx) * C, C), o);")));
                        if (!max)
                        {
                            w.Line(VectorOps + ".Scale(o, 1f / (PH * PW));");
                        }
                    }
                });
            });
        });
    }

    private static void EmitGlobalPoolingForward(SourceWriter w, LayerPlan layer)
    {
        bool max = layer.Kind == LayerKind.GlobalMaxPooling2D;
        var constants = new[] { new[] { ("Pixels", layer.Input.Height * layer.Input.Width), ("C", layer.Input.Channels) } };
        EmitMethod(w, "private static void " + ForwardName(layer) + "(" + ReadOnlySpan + " input, " + Span + " output)", constants, w =>
        {
            w.Line("input.Slice(0, C).CopyTo(output);");
            w.Block("for (int i = 1; i < Pixels; i++)", () =>
                w.Line((max ? VectorOps + ".Max" : VectorOps + ".Add") + "(input.Slice(i * C, C), output);"));
            if (!max)
            {
                w.Line(VectorOps + ".Scale(output, 1f / Pixels);");
            }
        });
    }

    private static void EmitDenseForward(SourceWriter w, LayerPlan layer)
    {
        string bias = layer.UseBias ? ", " + ReadOnlySpan + " bias" : string.Empty;
        var constants = new[] { new[] { ("In", layer.Input.Length), ("Out", layer.Units) } };
        EmitMethod(w, "private static void " + ForwardName(layer) + "(" + ReadOnlySpan + " input, " + ReadOnlySpan + " kernel" + bias + ", " + Span + " output)", constants, w =>
        {
            w.Line(layer.UseBias ? "bias.CopyTo(output);" : "output.Clear();");
            w.Line(VectorOps + ".MultiplyAccumulate(input.Slice(0, In), kernel.Slice(0, In * Out), output.Slice(0, Out));");
            EmitActivation(w, layer.Activation, "output", layer.Output.Channels);
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

    /// <summary>Applies an activation in place to <paramref name="target"/>; softmax runs over groups of
    /// <paramref name="groupLength"/> (the channels).</summary>
    public static void EmitActivation(SourceWriter w, ActivationKind activation, string target, int groupLength)
    {
        switch (activation)
        {
            case ActivationKind.ReLU:
                w.Line(Activations + ".ReLU(" + target + ");");
                break;
            case ActivationKind.Sigmoid:
                w.Line(Activations + ".Sigmoid(" + target + ");");
                break;
            case ActivationKind.Tanh:
                w.Line(Activations + ".Tanh(" + target + ");");
                break;
            case ActivationKind.Softmax:
                w.Line(Activations + ".Softmax(" + target + ", " + Int(groupLength) + ");");
                break;
        }
    }
}
