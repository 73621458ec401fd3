using System.Linq;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes;

namespace NetDsl.Generator.Planning;

/// <summary>
/// How a checked network runs, decided before anything is printed: which buffer every layer reads and writes in
/// inference and in training, which layers fuse, where training is cut into segments, and every buffer's size.
/// The emitter only prints this. Plain values only, so the pipeline caches it.
/// </summary>
/// <param name="Model">The checked network.</param>
/// <param name="Layers">One plan per layer, in order.</param>
/// <param name="Buffers">Every buffer of the generated <c>Activations</c> and <c>Scratch</c> classes.</param>
/// <param name="GradientLength">Floats of each of the buffers gradients move through on the way back.</param>
/// <param name="GradientSlots">How many such buffers (2 for a chain: they alternate).</param>
/// <param name="Segments">Training segments: 1, plus one per layer that needs the whole batch.</param>
/// <param name="FoldedLength">Floats of inference parameters derived from the parameters.</param>
/// <param name="Loss">How the loss attaches to the network.</param>
/// <param name="InferenceFinalCopy">The buffer inference must copy to the caller's output at the end (when the
/// last layers do nothing in inference), or null.</param>
internal sealed record NetworkPlan(
    NetworkModel Model,
    EquatableArray<LayerPlan> Layers,
    EquatableArray<BufferDeclaration> Buffers,
    int GradientLength,
    int GradientSlots,
    int Segments,
    int FoldedLength,
    LossPlan Loss,
    BufferRef? InferenceFinalCopy);

/// <summary>How the loss attaches: a final softmax over the whole output is fused with it (computed from logits,
/// like Keras); a linear output is taken as logits; anything else as probabilities.</summary>
/// <param name="PerPositionSoftmaxLayer">A final softmax over each position (per pixel) that a loss taking logits
/// may leave out in training, or -1.</param>
internal sealed record LossPlan(bool FromLogits, int FusedSoftmaxLayer, int PerPositionSoftmaxLayer = -1)
{
    public string Description => FusedSoftmaxLayer >= 0 ? "the final softmax fused with the loss, from logits"
        : FromLogits ? "the outputs taken as logits"
        : "the outputs taken as probabilities";
}

/// <summary>One layer's plan.</summary>
/// <param name="Layer">The checked layer.</param>
/// <param name="Segment">The training segment whose forward pass computes the layer (a batch-wide layer's
/// per-sample part runs at the start of the segment after its statistics).</param>
/// <param name="TrainInput">Its input in training.</param>
/// <param name="TrainOutput">Its output in training.</param>
/// <param name="TrainLinear">Its output before its activation, kept for the activation's backward pass when
/// the output alone does not determine it (GELU, Swish); null otherwise.</param>
/// <param name="Inference">What it does in inference.</param>
/// <param name="InferInput">Its input in inference.</param>
/// <param name="InferOutput">Its output in inference (after fusions: the last fused layer's).</param>
/// <param name="PooledWith">The 2x2 max pooling its inference kernel also does, or -1.</param>
/// <param name="InferenceActivation">The activation its inference applies (its own, or a fused ReLU layer's).</param>
/// <param name="FoldedFrom">The BatchNormalization folded into it for inference, or -1.</param>
/// <param name="FoldedKernel">Where its folded kernel starts in the folded parameters (then the bias), or -1.</param>
/// <param name="FoldedScale">For a BatchNormalization: where its per-channel scale starts in the folded
/// parameters (then the shift).</param>
/// <param name="GradientIn">The gradient of its output, on the way back.</param>
/// <param name="GradientOut">The gradient of its input it writes.</param>
/// <param name="ActivationBackwardDone">Its activation's backward pass is done by the max pooling after it.</param>
/// <param name="PoolThroughReLU">A max pooling that also does the ReLU backward of the layer before it.</param>
/// <param name="IsFirst">The first computing layer: its input gradient is only wanted when the caller asks.</param>
/// <param name="FusedSoftmax">Its softmax is fused with the loss.</param>
/// <param name="LogitsForLoss">Its softmax over each position may be left out in training for a loss that takes
/// logits.</param>
/// <param name="TrainInputs">Every input in training (a merge has several; the first is <paramref name="TrainInput"/>).</param>
/// <param name="InferInputs">Every input in inference.</param>
/// <param name="GradientOuts">A merge's input gradients: one destination per input.</param>
/// <param name="Transfer">Where the input gradient goes after the step when <paramref name="GradientOut"/> is not
/// its final place: added to (or copied into) the gradient of a layer read by several, or the caller's.</param>
internal sealed record LayerPlan(
    LayerModel Layer,
    int Segment,
    BufferRef TrainInput,
    BufferRef TrainOutput,
    BufferRef? TrainLinear,
    InferenceRole Inference,
    BufferRef InferInput,
    BufferRef InferOutput,
    int PooledWith,
    Activation InferenceActivation,
    int FoldedFrom,
    int FoldedKernel,
    int FoldedScale,
    BufferRef GradientIn,
    BufferRef GradientOut,
    bool ActivationBackwardDone,
    bool PoolThroughReLU,
    bool IsFirst,
    bool FusedSoftmax,
    EquatableArray<BufferRef> TrainInputs,
    EquatableArray<BufferRef> InferInputs,
    EquatableArray<GradientEdge> GradientOuts,
    GradientEdge? Transfer,
    bool LogitsForLoss)
{
    public LayerDefinition Definition => Layer.Definition;

    public string Pascal => Layer.Pascal;
}

/// <summary>What a layer does in inference.</summary>
internal enum InferenceRole
{
    /// <summary>It runs.</summary>
    Compute,

    /// <summary>Nothing: it is the identity in inference (Dropout), a view (Flatten), or done by an earlier
    /// layer's kernel (a fused pooling or ReLU, a folded BatchNormalization).</summary>
    Skip,
}

/// <summary>A buffer a step reads or writes.</summary>
/// <param name="Kind">Where it lives.</param>
/// <param name="Name">Its member name (<c>Conv2d</c>), for per-sample, batch and scratch buffers.</param>
/// <param name="Length">Floats used.</param>
internal sealed record BufferRef(BufferKind Kind, string Name, int Length)
{
    public static BufferRef Input(int length) => new(BufferKind.Input, "input", length);

    public static BufferRef Output(int length) => new(BufferKind.Output, "output", length);

    public static BufferRef InputGradient(int length) => new(BufferKind.InputGradient, "inputGradient", length);

    public static BufferRef Gradient(int slot, int length) => new(BufferKind.Gradient, SlotName(slot), length);

    /// <summary>The gradient buffers' names: <c>GradA</c> to <c>GradZ</c>, then <c>Grad26</c>, <c>Grad27</c>, ...</summary>
    public static string SlotName(int slot) => "Grad" + (slot < 26 ? ((char)('A' + slot)).ToString() : slot.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The slot a <see cref="SlotName"/> names.</summary>
    public static int SlotOf(string name) => name.Length == 5 && name[4] is >= 'A' and <= 'Z' ? name[4] - 'A' : int.Parse(name.Substring(4), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether a member name is one of the gradient buffers' (<c>GradA</c>, <c>Grad30</c>).</summary>
    public static bool IsSlotName(string name) =>
        name.StartsWith("Grad", System.StringComparison.Ordinal) && name.Length > 4
        && ((name.Length == 5 && name[4] is >= 'A' and <= 'Z') || name.Substring(4).All(char.IsDigit));
}

/// <summary>Where an input gradient goes.</summary>
/// <param name="Buffer">The gradient of the layer that produced the input (or the caller's input gradient).</param>
/// <param name="Accumulate">Another consumer of that layer has already written there: add, do not overwrite.</param>
/// <param name="Optional">It is the caller's input gradient, computed only when asked for.</param>
internal sealed record GradientEdge(BufferRef Buffer, bool Accumulate, bool Optional);

/// <summary>Where a buffer lives.</summary>
internal enum BufferKind
{
    /// <summary>The sample's input (a method parameter).</summary>
    Input,

    /// <summary>The network's output: the caller's span in inference, the thread's <c>Output</c> in training.</summary>
    Output,

    /// <summary>One per sample: <c>a.Name(n)</c>.</summary>
    Sample,

    /// <summary>One per batch (BatchNormalization's statistics): <c>a.Name</c>.</summary>
    Batch,

    /// <summary>One per thread: <c>s.Name</c>.</summary>
    Scratch,

    /// <summary>One of the two buffers gradients alternate between: <c>s.GradA(length)</c>.</summary>
    Gradient,

    /// <summary>The caller's input gradient (a method parameter, possibly empty).</summary>
    InputGradient,
}

/// <summary>A buffer of the generated <c>Activations</c> (per sample, or per batch) or <c>Scratch</c> class.</summary>
internal sealed record BufferDeclaration(BufferKind Kind, string Name, int Length, string Description);
