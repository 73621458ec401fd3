using System.Collections.Generic;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Planning;

namespace NetDsl.Generator.Layers;

/// <summary>How a layer's backward pass uses the two gradient buffers.</summary>
internal enum BackwardMode
{
    /// <summary>It writes its input gradient to the other buffer.</summary>
    Swap,

    /// <summary>It turns its output gradient into its input gradient in place.</summary>
    InPlace,

    /// <summary>It has no backward step: the gradient passes through unchanged (a view).</summary>
    PassThrough,
}

/// <summary>
/// Everything about one layer kind, in one place: its names (attribute, DSL words, Keras's class and automatic
/// name), its settings and how both front ends write them, its shape rules and parameter tensors, its text form,
/// what the planner must know about it, and the code of its passes. Every kind is registered once, in
/// <see cref="LayerRegistry"/>; nothing else in the generator switches on layer kinds.
/// </summary>
internal abstract partial class LayerDefinition
{
    /// <summary>Keras's class name, as <c>summary()</c> prints it: <c>Conv2D</c>.</summary>
    public abstract string ClassName { get; }

    /// <summary>The runtime attribute's class name (<c>nameof(Conv2DAttribute)</c>), or null for layers that have
    /// no attribute.</summary>
    public abstract string? AttributeName { get; }

    /// <summary>Keras's automatic name prefix: <c>conv2d</c>, <c>max_pooling2d</c>.</summary>
    public abstract string NamePrefix { get; }

    /// <summary>The DSL word the architecture text uses: <c>conv2d</c>.</summary>
    public abstract string Word { get; }

    /// <summary>Other DSL words for it; Keras's class name and automatic prefix are always accepted too.</summary>
    public virtual IEnumerable<string> Aliases => System.Array.Empty<string>();

    /// <summary>Its settings and how attributes and text write them.</summary>
    public abstract ArgumentSchema Schema { get; }

    /// <summary>Applies defaults and shape rules: the checked layer, or null after reporting why not. Every
    /// setting has already been checked against its rule.</summary>
    public abstract LayerModel? Check(LayerContext context);

    /// <summary>After <see cref="Check"/> failed: the output later layers are checked against, so that
    /// independent mistakes further on get their own errors. <see cref="Recovery.Exact"/> when the output does
    /// not depend on what went wrong (a Dense layer's units); null stops checking at this layer.</summary>
    public virtual Recovery? Recover(LayerContext context) => null;

    /// <summary>The layer in NetDsl's text form, as <c>Architecture</c> prints it: <c>conv2d 32 3x3 relu</c>.</summary>
    public abstract string Describe(LayerModel layer);

    /// <summary>A title for comments: <c>Conv2D 32 3x3, strides 1x1, valid, relu</c>.</summary>
    public abstract string Title(LayerModel layer);

    // ---- What the planner needs to know ----

    /// <summary>Whether the layer merges two or more earlier layers, named in its attribute or text (Add,
    /// Concatenate, ...). Its passes read <see cref="LayerPlan.TrainInputs"/> and write every
    /// <see cref="LayerPlan.GradientOuts"/>.</summary>
    public virtual bool IsMerge => false;

    /// <summary>Whether the layer is a view of its input (Flatten): no buffer, no step.</summary>
    public virtual bool IsView => false;

    /// <summary>Whether the layer needs statistics of the whole batch in training (BatchNormalization).</summary>
    public virtual bool SynchronizesBatch => false;

    /// <summary>Whether inference leaves the layer out (Dropout).</summary>
    public virtual bool IsInferenceIdentity => false;

    /// <summary>How its backward pass uses the gradient buffers.</summary>
    public virtual BackwardMode Backward => BackwardMode.Swap;

    /// <summary>Whether its backward pass reads its own output (so nothing may overwrite it in training).</summary>
    public virtual bool BackwardReadsOutput(LayerModel layer) => layer.Activation != Activation.None;

    /// <summary>Whether it computes its output and then applies <see cref="LayerModel.Activation"/> separately
    /// (Conv2D, Dense), so a separate pre-activation buffer is needed when the activation's backward pass reads
    /// its input.</summary>
    public virtual bool HasPostActivation => false;

    /// <summary>Whether the layer is a Conv2D or Dense whose kernel a BatchNormalization after it can be folded into.</summary>
    public virtual bool AcceptsFoldedBatchNorm => false;

    /// <summary>Whether its inference kernel can also apply a ReLU after it and a 2x2 max pooling (Conv2D's tiles).</summary>
    public virtual bool AcceptsFusedReLUAndPool(LayerModel layer) => false;

    /// <summary>Whether it is an element-wise ReLU that a convolution before it can apply in its kernel.</summary>
    public virtual bool IsFusableReLU(LayerModel layer) => false;

    /// <summary>Whether it is a 2x2, stride-2, valid max pooling a convolution before it can do in its kernel.</summary>
    public virtual bool IsFusableMaxPool2x2(LayerModel layer) => false;

    /// <summary>Whether it is a max pooling (its backward pass can do a ReLU's before it).</summary>
    public virtual bool IsMaxPooling => false;

    /// <summary>Per-sample buffers besides its output: name suffix, length, description.</summary>
    public virtual IEnumerable<(string Suffix, int Length, string Description)> SampleBuffers(LayerModel layer) => System.Array.Empty<(string, int, string)>();

    /// <summary>Per-batch buffers (statistics): name suffix, length, description.</summary>
    public virtual IEnumerable<(string Suffix, int Length, string Description)> BatchBuffers(LayerModel layer) => System.Array.Empty<(string, int, string)>();

    /// <summary>Per-thread buffers: name suffix, length, description.</summary>
    public virtual IEnumerable<(string Suffix, int Length, string Description)> ScratchBuffers(LayerModel layer) => System.Array.Empty<(string, int, string)>();

    /// <summary>Floats of the shared temporary space its passes need (the largest of all layers is allocated).</summary>
    public virtual int TemporaryLength(LayerModel layer) => 0;

    /// <summary>Floats of folded inference parameters: for a BatchNormalization, its scale and shift, plus the
    /// kernel and bias of the layer it is folded into.</summary>
    public virtual int FoldedLength(LayerModel layer, LayerModel? foldedInto) => 0;

    /// <summary>Floats of inference parameters it derives from its own (a transposed kernel), computed by
    /// <see cref="EmitFold"/> whenever the parameters change.</summary>
    public virtual int DerivedLength(LayerModel layer) => 0;

    // ---- Printing ----

    /// <summary>Static fields of the kernel class (geometries), with their comments.</summary>
    public virtual void EmitDeclarations(SourceWriter w, LayerPlan layer)
    {
    }

    /// <summary>Statements of <c>BeginTraining</c> (parameter-derived buffers such as transposed kernels).</summary>
    public virtual void EmitBeginTraining(SourceWriter w, LayerPlan layer)
    {
    }

    /// <summary>Statements of <c>Fold</c>: a BatchNormalization's scale and shift (and the kernel it is folded
    /// into), or a layer's <see cref="DerivedLength"/> floats at <see cref="LayerPlan.FoldedKernel"/>.</summary>
    public virtual void EmitFold(SourceWriter w, LayerPlan layer, LayerPlan? foldedInto)
    {
    }

    /// <summary>The layer's inference step (only called when it computes in inference).</summary>
    public abstract void EmitInference(PassWriter w, LayerPlan layer);

    /// <summary>The layer's training forward step.</summary>
    public abstract void EmitTrainingForward(PassWriter w, LayerPlan layer);

    /// <summary>The layer's step in the unfused inference pass of <c>LayerOutput</c>: from
    /// <see cref="LayerPlan.TrainInput"/> to <see cref="LayerPlan.TrainOutput"/> with inference semantics. By
    /// default the training forward step, which is the same computation for every layer that does not behave
    /// differently in training (BatchNormalization and Dropout do).</summary>
    public virtual void EmitLayerOutputStep(PassWriter w, LayerPlan layer) => EmitTrainingForward(w, layer);

    /// <summary>The layer's backward step: from <see cref="LayerPlan.GradientIn"/> to
    /// <see cref="LayerPlan.GradientOut"/>, adding parameter gradients to <c>g</c>.</summary>
    public abstract void EmitBackward(PassWriter w, LayerPlan layer);

    /// <summary>A batch-wide layer's statistics over the batch (<c>SynchronizeForward</c>).</summary>
    public virtual void EmitSynchronizeForward(SourceWriter w, LayerPlan layer)
    {
    }

    /// <summary>A batch-wide layer's backward sums over the batch (<c>SynchronizeBackward</c>).</summary>
    public virtual void EmitSynchronizeBackward(SourceWriter w, LayerPlan layer)
    {
    }
}

/// <summary>What a failed layer is taken to output: its shape, and whether the shape is exact or only a guess with
/// the right rank (a feature map or a vector).</summary>
internal readonly record struct Recovery(Shapes.Shape Shape, bool Exact)
{
    /// <summary>A feature map of <paramref name="channels"/> channels whose size is unknown.</summary>
    public static Recovery Map(int channels) => new(Shapes.Shape.Map(1, 1, System.Math.Max(1, channels)), Exact: false);
}
