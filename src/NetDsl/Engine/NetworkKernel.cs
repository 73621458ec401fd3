using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace NetDsl.Engine;

/// <summary>
/// The passes of one generated network, specialised for its shapes: what the generated code implements and
/// <see cref="NetworkEngine{TActivations, TScratch}"/> drives over samples and batches, on all cores.
/// </summary>
/// <remarks>
/// <para>Buffers come in two kinds. <typeparamref name="TActivations"/> holds what belongs to samples (every
/// layer's output, for a number of samples), <typeparamref name="TScratch"/> what belongs to a thread (transposed
/// kernels, temporary space, the gradients flowing back through one sample).</para>
/// <para>A network whose training needs statistics of the whole batch (BatchNormalization) is cut at those layers
/// into <see cref="Segments"/> segments: the engine runs a segment for every sample of the batch, then the
/// layer that joins the batch (<see cref="SynchronizeForward"/>), and so on; backward the other way round. Other
/// networks have one segment and run each sample from start to end on one thread.</para>
/// </remarks>
/// <typeparam name="TActivations">Per-sample buffers for a number of samples.</typeparam>
/// <typeparam name="TScratch">One thread's working buffers.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class NetworkKernel<TActivations, TScratch>
    where TActivations : class
    where TScratch : class
{
    /// <summary>Describes the network.</summary>
    protected NetworkKernel(string networkName, int inputLength, int outputLength, IReadOnlyList<ParameterTensor> layout, string architecture, int segments = 1, int foldedLength = 0, int outputChannels = 0, IReadOnlyList<LayerInfo>? layers = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(segments);
        ArgumentOutOfRangeException.ThrowIfNegative(foldedLength);
        NetworkName = networkName;
        InputLength = inputLength;
        OutputLength = outputLength;
        Layout = layout;
        Architecture = architecture;
        Segments = segments;
        FoldedLength = foldedLength;
        OutputChannels = outputChannels > 0 ? outputChannels : outputLength;
        Layers = layers ?? Array.Empty<LayerInfo>();
        int count = 0;
        var nonTrainable = new List<ParameterTensor>();
        foreach (ParameterTensor tensor in layout)
        {
            count = Math.Max(count, tensor.Offset + tensor.Length);
            if (!tensor.Trainable)
            {
                nonTrainable.Add(tensor);
            }
        }

        ParameterCount = count;
        NonTrainable = nonTrainable.ToArray();
    }

    /// <summary>The tensors training never changes (moving statistics, the tensors of a fixed layer): their
    /// gradients are reported as zeros.</summary>
    internal ParameterTensor[] NonTrainable { get; }

    /// <summary>The network's class name, for messages and weight files.</summary>
    public string NetworkName { get; }

    /// <summary>Floats in one input sample.</summary>
    public int InputLength { get; }

    /// <summary>Floats in one output sample.</summary>
    public int OutputLength { get; }

    /// <summary>The length of the output's last axis (the classes of a per-pixel output).</summary>
    public int OutputChannels { get; }

    /// <summary>Floats in the parameter buffer.</summary>
    public int ParameterCount { get; }

    /// <summary>The parameter tensors.</summary>
    public IReadOnlyList<ParameterTensor> Layout { get; }

    /// <summary>The layers in order (Keras's <c>model.layers</c>): what <see cref="LayerOutput"/> numbers.</summary>
    public IReadOnlyList<LayerInfo> Layers { get; }

    /// <summary>The network in NetDsl's text form (stored in weight files).</summary>
    public string Architecture { get; }

    /// <summary>Training segments: 1, plus one per layer that needs the whole batch.</summary>
    public int Segments { get; }

    /// <summary>Floats of inference parameters derived from the parameters (BatchNormalization folded into the
    /// layer before it), 0 when there are none.</summary>
    public int FoldedLength { get; }

    /// <summary>Allocates per-sample buffers for <paramref name="capacity"/> samples.</summary>
    public abstract TActivations CreateActivations(int capacity);

    /// <summary>Allocates one thread's working buffers.</summary>
    public abstract TScratch CreateScratch();

    /// <summary>Computes the <see cref="FoldedLength"/> inference parameters from <paramref name="parameters"/>.</summary>
    public virtual void Fold(ReadOnlySpan<float> parameters, Span<float> folded)
    {
    }

    /// <summary>Called once per thread before it runs training passes with <paramref name="parameters"/>:
    /// prepares what depends only on the parameters (e.g. transposed kernels for input gradients).</summary>
    public virtual void BeginTraining(ReadOnlySpan<float> parameters, TScratch scratch)
    {
    }

    /// <summary>Inference of one sample (in slot 0 of <paramref name="activations"/>).</summary>
    public abstract void Predict(ReadOnlySpan<float> parameters, ReadOnlySpan<float> folded, ReadOnlySpan<float> input, TActivations activations, TScratch scratch, Span<float> output);

    /// <summary>
    /// Inference of one sample (in slot 0 of <paramref name="activations"/>) up to layer <paramref name="layer"/>
    /// (its index in <see cref="Layers"/>), writing that layer's output to <paramref name="output"/>: layer by
    /// layer, without fusions, so that every layer's output exists; the last layer's output is
    /// <see cref="Predict"/>'s.
    /// </summary>
    public virtual void LayerOutput(int layer, ReadOnlySpan<float> parameters, ReadOnlySpan<float> folded, ReadOnlySpan<float> input, TActivations activations, TScratch scratch, Span<float> output) =>
        throw new NotSupportedException($"{NetworkName} does not compute layer outputs.");

    /// <summary>Inference of one sample; returns the index of its largest output.</summary>
    public abstract int Classify(ReadOnlySpan<float> parameters, ReadOnlySpan<float> folded, ReadOnlySpan<float> input, TActivations activations, TScratch scratch);

    /// <summary>Inference of one sample and its loss.</summary>
    public abstract float Evaluate(ReadOnlySpan<float> parameters, ReadOnlySpan<float> folded, ReadOnlySpan<float> input, int label, TActivations activations, TScratch scratch, out int predicted);

    /// <summary>
    /// One segment's training step for one sample of the batch (<see cref="TrainingStep.Sample"/>): the whole pass when
    /// <see cref="Segments"/> is 1. The last segment does its forward pass, the loss (of <paramref name="label"/>,
    /// or, when <paramref name="outputGradient"/> is not empty, that gradient of the outputs as given), and its
    /// backward pass, adding parameter gradients to <paramref name="gradients"/>; it returns the loss. An earlier
    /// segment does its forward pass only, and returns 0.
    /// </summary>
    public abstract float TrainForward(int segment, in TrainingStep step, ReadOnlySpan<float> input, int label, ReadOnlySpan<float> outputGradient, TActivations activations, TScratch scratch, Span<float> gradients, Span<float> inputGradient, out int predicted);

    /// <summary>The backward pass of segment <paramref name="segment"/> (not the last) for one sample, from the
    /// gradient the layer after it left in <paramref name="activations"/>.</summary>
    public virtual void TrainBackward(int segment, in TrainingStep step, ReadOnlySpan<float> input, TActivations activations, TScratch scratch, Span<float> gradients, Span<float> inputGradient) =>
        throw new NotSupportedException($"{NetworkName} has one training segment.");

    /// <summary>The layer after segment <paramref name="segment"/> forward over the first <paramref name="count"/>
    /// samples of <paramref name="activations"/>: statistics of the batch, moving statistics updated in
    /// <paramref name="parameters"/>.</summary>
    public virtual void SynchronizeForward(int segment, Span<float> parameters, TActivations activations, int count) =>
        throw new NotSupportedException($"{NetworkName} has one training segment.");

    /// <summary>The backward pass of the layer after segment <paramref name="segment"/> over the batch: adds its
    /// parameter gradients (summed over the batch) to <paramref name="gradients"/> and leaves each sample's input
    /// gradient in <paramref name="activations"/>.</summary>
    public virtual void SynchronizeBackward(int segment, ReadOnlySpan<float> parameters, TActivations activations, int count, Span<float> gradients) =>
        throw new NotSupportedException($"{NetworkName} has one training segment.");
}

/// <summary>What a training pass of one sample needs besides its data: the parameters, the sample's place in the
/// batch (its per-sample buffers, its dropout masks) and the dropout masks' stream of this step.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly ref struct TrainingStep
{
    /// <summary>Describes one sample's pass.</summary>
    public TrainingStep(ReadOnlySpan<float> parameters, int sample, ulong seed, long step)
    {
        Parameters = parameters;
        Sample = sample;
        Seed = seed;
        Step = step;
    }

    /// <summary>The network's parameters.</summary>
    public ReadOnlySpan<float> Parameters { get; }

    /// <summary>The sample's index in the batch (its slot in batch-wide buffers).</summary>
    public int Sample { get; }

    /// <summary>The network's seed.</summary>
    public ulong Seed { get; }

    /// <summary>The training step (one per batch).</summary>
    public long Step { get; }

    /// <summary>Describes one sample's pass with a loss of its own and the sample's targets.</summary>
    public TrainingStep(ReadOnlySpan<float> parameters, int sample, ulong seed, long step, Training.Loss? loss, ReadOnlySpan<float> target, LossAccumulator? metric)
        : this(parameters, sample, seed, step)
    {
        Loss = loss;
        Target = target;
        Metric = metric;
    }

    /// <summary>The loss, or null for sparse categorical cross-entropy of the label.</summary>
    public Training.Loss? Loss { get; }

    /// <summary>The sample's targets for <see cref="Loss"/>.</summary>
    public ReadOnlySpan<float> Target { get; }

    /// <summary>Where the loss's metric of this sample is added.</summary>
    public LossAccumulator? Metric { get; }

    /// <summary>Whether a final softmax over the whole output may be left out for the loss (the default loss and
    /// the cross-entropies take its logits).</summary>
    public bool LossTakesSoftmaxLogits => Loss is null || Loss.TakesSoftmaxLogits;

    /// <summary>Whether a final softmax over each position (per pixel) may be left out: only for a given loss that
    /// takes logits (the default loss reads such outputs as probabilities).</summary>
    public bool LossTakesSoftmaxLogitsPerPosition => Loss is not null && Loss.TakesSoftmaxLogits;

    /// <summary>The dropout stream of layer <paramref name="layer"/> for this sample and step.</summary>
    public ulong DropoutStream(int layer) => Kernels.DropoutKernels.Stream(Seed, Step, Sample, layer);
}

/// <summary>A running sum of a loss's metric (one per thread of a batch).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class LossAccumulator
{
    /// <summary>The metric's sum.</summary>
    public double Sum;

    /// <summary>Positions or values summed.</summary>
    public long Count;

    /// <summary>Starts again.</summary>
    public void Clear()
    {
        Sum = 0;
        Count = 0;
    }
}
