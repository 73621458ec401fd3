using System.Collections.Generic;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;
using NetDsl.Generator.Planning;

namespace NetDsl.Generator.Emit;

/// <summary>Which pass a step is printed into.</summary>
internal enum Pass
{
    Inference,
    TrainingForward,
    TrainingBackward,

    /// <summary>Inference layer by layer in the training buffers, without fusions, so that every layer's output
    /// exists (<c>LayerOutput</c>).</summary>
    LayerOutputs,
}

/// <summary>
/// Prints the steps of one pass (inference, or a training segment's forward or backward pass): each layer
/// definition writes its calls through this, which knows how the pass names buffers and parameters.
/// </summary>
internal sealed class PassWriter
{
    private readonly SourceWriter _writer;

    public PassWriter(SourceWriter writer, Pass pass, NetworkPlan plan)
    {
        _writer = writer;
        Pass = pass;
        Plan = plan;
    }

    public Pass Pass { get; }

    public NetworkPlan Plan { get; }

    /// <summary>Whether the pass works in the training buffers (the network's output is the thread's <c>Output</c>).</summary>
    public bool Training => Pass != Pass.Inference;

    /// <summary>Whether the layer's final softmax is left out when the loss takes logits (the variable
    /// <c>logits</c> says so at run time): a softmax over the whole output, or in training one over each position
    /// (per pixel) for a loss that takes them.</summary>
    public bool MaySkipSoftmax(LayerPlan layer) => Pass != Pass.LayerOutputs && (layer.FusedSoftmax || (Training && layer.LogitsForLoss));

    /// <summary>The step's comment: <c>// conv2d: Conv2D 32 3x3, relu; 28x28x1 -> 26x26x32</c>.</summary>
    public void Comment(string text) => _writer.Comment(text);

    public void Line(string text) => _writer.Statement(text);

    /// <summary>A statement, wrapped when it is too long for one line.</summary>
    public void Statement(string text) => _writer.Statement(text);

    public SourceWriter Writer => _writer;

    /// <summary>How the pass names a buffer: <c>input</c>, <c>a.Conv2d(n)</c>, <c>s.GradA(576)</c>.</summary>
    public string Ref(BufferRef buffer) => buffer.Kind switch
    {
        BufferKind.Input => "input",
        BufferKind.Output => Training ? "s.Output" : "output",
        BufferKind.Sample => "a." + buffer.Name + "(n)",
        BufferKind.Batch => "a." + buffer.Name,
        BufferKind.Scratch => "s." + buffer.Name,
        BufferKind.Gradient => "s." + buffer.Name + "(" + Identifiers.Int(buffer.Length) + ")",
        BufferKind.InputGradient => "inputGradient",
        _ => buffer.Name,
    };

    /// <summary>A parameter tensor of <paramref name="layer"/>: <c>p.Slice(Conv2dKernel, 288)</c>.</summary>
    public static string Parameter(LayerModel layer, string role)
    {
        ParameterModel parameter = layer.Find(role)!;
        return "p.Slice(" + OffsetName(layer, parameter) + ", " + Identifiers.Int(parameter.Length) + ")";
    }

    /// <summary>The parameter tensor, or <c>default</c> when the layer has none of that role.</summary>
    public static string ParameterOrDefault(LayerModel layer, string role) => layer.Find(role) is null ? "default" : Parameter(layer, role);

    /// <summary>The name of a tensor's offset constant: <c>Conv2dKernel</c>.</summary>
    public static string OffsetName(LayerModel layer, ParameterModel parameter) => layer.Pascal + Identifiers.Pascal(parameter.Role);

    /// <summary>The gradient of a parameter tensor, in the gradient accumulator <c>g</c>.</summary>
    public static string Gradient(LayerModel layer, string role)
    {
        ParameterModel parameter = layer.Find(role)!;
        return "g.Slice(" + OffsetName(layer, parameter) + ", " + Identifiers.Int(parameter.Length) + ")";
    }

    /// <summary>The kernel and bias a Conv2D or Dense reads in inference: its own, or those of the
    /// BatchNormalization folded into it.</summary>
    public static (string Kernel, string Bias) InferenceKernelAndBias(LayerPlan layer)
    {
        LayerModel l = layer.Layer;
        if (layer.FoldedKernel < 0)
        {
            return (Parameter(l, "kernel"), ParameterOrDefault(l, "bias"));
        }

        int kernelLength = l.Find("kernel")!.Length;
        return (Folded(layer.FoldedKernel, kernelLength), Folded(layer.FoldedKernel + kernelLength, l.Output.Channels));
    }

    /// <summary>A slice of the folded inference parameters <c>f</c>.</summary>
    public static string Folded(int offset, int length) => "f.Slice(" + Identifiers.Int(offset) + ", " + Identifiers.Int(length) + ")";
}
