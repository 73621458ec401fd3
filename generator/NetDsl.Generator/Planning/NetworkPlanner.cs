using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes;

namespace NetDsl.Generator.Planning;

/// <summary>
/// Decides how a checked network runs, from what each layer's definition says about itself: the training
/// buffers (every layer's output kept for the backward pass, activations in place where nothing else needs the
/// value they overwrite), the segments training is cut into at batch-wide layers, the inference fusions
/// (BatchNormalization folded into the layer before it, a ReLU and a 2x2 max pooling done in a convolution's
/// kernel, Dropout left out), the route of gradients through two alternating buffers, and every buffer's size.
/// </summary>
internal static class NetworkPlanner
{
    /// <summary>The plan, or null (with NDSL0013) when one sample's buffers would not fit an array.</summary>
    public static NetworkPlan? Plan(NetworkModel model, List<DiagnosticInfo> diagnostics)
    {
        EquatableArray<LayerModel> layers = model.Layers;
        int count = layers.Count;
        var b = new Builder[count];
        for (int i = 0; i < count; i++)
        {
            b[i] = new Builder(layers[i]);
        }

        int lastComputing = -1;
        for (int i = 0; i < count; i++)
        {
            if (!b[i].Definition.IsView)
            {
                lastComputing = i;
            }
        }

        LossPlan loss = PlanLoss(b, lastComputing, model.Output);
        int segments = PlanSegments(b);
        bool copiesInput = PlanTraining(b, model.Input, lastComputing);
        PlanInference(b, model.Input);
        int gradientLength = PlanBackward(b, model.Output.Length);
        int foldedLength = PlanFolding(b);
        List<BufferDeclaration> buffers = DeclareBuffers(b, copiesInput, model.Input, model.Output);

        long sampleTotal = buffers.Where(x => x.Kind == BufferKind.Sample).Sum(x => (long)RoundUp(x.Length));
        long scratchTotal = buffers.Where(x => x.Kind == BufferKind.Scratch).Sum(x => (long)RoundUp(x.Length)) + (2L * RoundUp(gradientLength));
        long largest = Math.Max(Math.Max(sampleTotal, scratchTotal), foldedLength);
        if (largest > ShapeChecker.MaxElements)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, null, model.Target.Name + "'s buffers for one sample",
                largest.ToString("N0", CultureInfo.InvariantCulture), "floats", ShapeChecker.MaxElements.ToString("N0", CultureInfo.InvariantCulture)));
            return null;
        }

        BufferRef? finalCopy = b.All(x => x.Inference == InferenceRole.Skip) ? BufferRef.Input(model.Input.Length) : null;
        return new NetworkPlan(model, b.Select(x => x.Build()).ToEquatableArray(), buffers.ToEquatableArray(), gradientLength, segments, foldedLength, loss, finalCopy);
    }

    /// <summary>Rounds up to a multiple of 16 floats, so every buffer starts on a 64-byte boundary.</summary>
    public static int RoundUp(int length) => (int)Math.Min(((long)length + 15) / 16 * 16, int.MaxValue);

    private static LossPlan PlanLoss(Builder[] b, int lastComputing, Shape output)
    {
        if (lastComputing < 0 || b[lastComputing].Layer.Activation == Activation.None)
        {
            return new LossPlan(FromLogits: true, FusedSoftmaxLayer: -1);
        }

        LayerModel last = b[lastComputing].Layer;
        if (last.Activation == Activation.Softmax && last.Output.Channels == output.Length)
        {
            b[lastComputing].FusedSoftmax = true;
            return new LossPlan(FromLogits: true, FusedSoftmaxLayer: lastComputing);
        }

        return new LossPlan(FromLogits: false, FusedSoftmaxLayer: -1);
    }

    /// <summary>Each batch-wide layer starts a segment: its statistics are taken between the segments, its
    /// per-sample part runs at the start of its own.</summary>
    private static int PlanSegments(Builder[] b)
    {
        int segment = 0;
        foreach (Builder layer in b)
        {
            if (layer.Definition.SynchronizesBatch)
            {
                segment++;
            }

            layer.Segment = segment;
        }

        return segment + 1;
    }

    /// <summary>Training buffers: each computing layer writes a per-sample buffer of its own (the last one the
    /// thread's output), except an activation that can work in place; views read their input's. Returns whether
    /// the input is copied into a per-sample buffer (a batch-wide layer reads it across the batch).</summary>
    private static bool PlanTraining(Builder[] b, Shape input, int lastComputing)
    {
        bool copiesInput = b.Length > 0 && b.TakeWhile(x => x.Definition.IsView).Concat(b.SkipWhile(x => x.Definition.IsView).Take(1)).Any(x => x.Definition.SynchronizesBatch);
        BufferRef current = copiesInput ? new BufferRef(BufferKind.Sample, "Input", input.Length) : BufferRef.Input(input.Length);
        Builder? producer = null;
        for (int i = 0; i < b.Length; i++)
        {
            Builder layer = b[i];
            LayerModel l = layer.Layer;
            layer.TrainInput = current;
            if (layer.Definition.IsView)
            {
                current = current with { Length = l.Output.Length };
                layer.TrainOutput = current;
                continue;
            }

            bool inPlace = layer.Definition is ActivationLayer && !layer.FusedSoftmax && !Activations.NeedsInput(l.Activation)
                && current.Kind == BufferKind.Sample && producer is not null && !producer.Definition.BackwardReadsOutput(producer.Layer)
                && i != lastComputing;
            layer.TrainOutput = inPlace ? current
                : i == lastComputing ? BufferRef.Output(l.Output.Length)
                : new BufferRef(BufferKind.Sample, l.Pascal, l.Output.Length);
            if (layer.Definition.HasPostActivation && Activations.NeedsInput(l.Activation))
            {
                layer.TrainLinear = new BufferRef(BufferKind.Sample, l.Pascal + "Linear", l.Output.Length);
            }

            current = layer.TrainOutput;
            producer = layer;
        }

        return copiesInput;
    }

    /// <summary>Inference roles, fusions and buffers.</summary>
    private static void PlanInference(Builder[] b, Shape input)
    {
        foreach (Builder layer in b)
        {
            layer.Inference = layer.Definition.IsView || layer.Definition.IsInferenceIdentity ? InferenceRole.Skip : InferenceRole.Compute;
            layer.InferenceActivation = layer.FusedSoftmax ? Activation.None : layer.Layer.Activation;
        }

        for (int i = 0; i < b.Length; i++)
        {
            Builder layer = b[i];

            // BatchNormalization right after a linear Conv2D or Dense: folded into its kernel and bias.
            if (layer.Definition.SynchronizesBatch && i > 0 && b[i - 1].Definition.AcceptsFoldedBatchNorm
                && b[i - 1].Layer.Activation == Activation.None && b[i - 1].FoldedFrom < 0)
            {
                layer.Inference = InferenceRole.Skip;
                b[i - 1].FoldedFrom = i;
                continue;
            }

            if (layer.Inference != InferenceRole.Compute)
            {
                continue;
            }

            int q = PreviousComputing(b, i);
            if (q < 0 || b[q].Definition is not Conv2DLayer)
            {
                continue;
            }

            // A ReLU after a linear convolution: applied in the convolution's kernel.
            if (layer.Definition.IsFusableReLU(layer.Layer) && b[q].InferenceActivation == Activation.None && b[q].PooledWith < 0)
            {
                layer.Inference = InferenceRole.Skip;
                b[q].InferenceActivation = Activation.ReLU;
                continue;
            }

            // A 2x2 max pooling after a linear or ReLU convolution: computed by the convolution's kernel, which
            // stores only each window's maximum.
            if (layer.Definition.IsFusableMaxPool2x2(layer.Layer) && b[q].InferenceActivation is Activation.None or Activation.ReLU && b[q].PooledWith < 0)
            {
                layer.Inference = InferenceRole.Skip;
                b[q].PooledWith = i;
            }
        }

        int lastCompute = Array.FindLastIndex(b, x => x.Inference == InferenceRole.Compute);
        BufferRef current = BufferRef.Input(input.Length);
        for (int i = 0; i < b.Length; i++)
        {
            Builder layer = b[i];
            layer.InferInput = current;
            if (layer.Inference == InferenceRole.Skip)
            {
                current = current with { Length = layer.Layer.Output.Length };
                layer.InferOutput = current;
                continue;
            }

            // The step writes what its group (it and the skipped layers after it) outputs.
            int end = i;
            while (end + 1 < b.Length && b[end + 1].Inference == InferenceRole.Skip)
            {
                end++;
            }

            int length = b[end].Layer.Output.Length;
            if (i == lastCompute)
            {
                layer.InferOutput = BufferRef.Output(length);
            }
            else
            {
                BufferRef? owned = null;
                for (int k = end; k >= i && owned is null; k--)
                {
                    if (b[k].TrainOutput is { Kind: BufferKind.Sample } t && t.Length == length)
                    {
                        owned = t;
                    }
                }

                layer.InferOutput = owned ?? new BufferRef(BufferKind.Sample, layer.Layer.Pascal, length);
            }

            current = layer.InferOutput;
        }
    }

    private static int PreviousComputing(Builder[] b, int i)
    {
        for (int k = i - 1; k >= 0; k--)
        {
            if (b[k].Inference == InferenceRole.Compute)
            {
                return k;
            }

            if (b[k].Definition.IsView || b[k].Definition.IsMaxPooling)
            {
                return -1;
            }
        }

        return -1;
    }

    /// <summary>
    /// The gradient route, from the output back: two alternating buffers, a batch-wide layer's gradient kept per
    /// sample (the layer after it writes there), the first layer's input gradient the caller's. Also lets a max
    /// pooling do the ReLU backward of the layer before it. Returns the alternating buffers' length.
    /// </summary>
    private static int PlanBackward(Builder[] b, int outputLength)
    {
        int firstComputing = Array.FindIndex(b, x => !x.Definition.IsView);
        int slot = 0;
        int longest = outputLength;
        BufferRef current = BufferRef.Gradient(slot, outputLength);

        // The layers (back to the last that wrote it) that read or write the current gradient buffer.
        var sharing = new List<Builder>();
        for (int i = b.Length - 1; i >= 0; i--)
        {
            Builder layer = b[i];
            LayerModel l = layer.Layer;
            if (layer.Definition.IsView)
            {
                layer.GradientIn = current;
                current = current with { Length = l.Input.Length };
                layer.GradientOut = current;
                sharing.Add(layer);
                continue;
            }

            if (layer.Definition.SynchronizesBatch)
            {
                // The layers after it leave its output gradient in a per-sample buffer, for the batch's sums.
                var kept = new BufferRef(BufferKind.Sample, l.Pascal + "Gradient", l.Output.Length);
                foreach (Builder shared in sharing)
                {
                    if (shared.GradientOut == current)
                    {
                        shared.GradientOut = kept with { Length = shared.GradientOut.Length };
                    }

                    if (shared.GradientIn == current)
                    {
                        shared.GradientIn = kept with { Length = shared.GradientIn.Length };
                    }
                }

                current = kept;
            }

            layer.GradientIn = current;
            layer.IsFirst = i == firstComputing;
            if (layer.Definition.Backward == BackwardMode.InPlace && current.Kind != BufferKind.Sample)
            {
                layer.GradientOut = current with { Length = l.Input.Length };
                sharing.Add(layer);
            }
            else if (layer.IsFirst)
            {
                layer.GradientOut = BufferRef.InputGradient(l.Input.Length);
            }
            else
            {
                // Out of a per-sample buffer (a batch-wide layer's) into the gradient buffers: start at A.
                slot = current.Kind == BufferKind.Gradient ? slot + 1 : 0;
                layer.GradientOut = BufferRef.Gradient(slot, l.Input.Length);
                sharing.Clear();
                sharing.Add(layer);
            }

            current = layer.GradientOut;
            longest = Math.Max(longest, Math.Max(l.Input.Length, l.Output.Length));
        }

        // A max pooling does the ReLU backward of the layer right before it (the pooled maximum's cell is where
        // the ReLU passed its input), saving a pass over the larger map.
        for (int i = 1; i < b.Length; i++)
        {
            Builder pool = b[i], before = b[i - 1];
            bool reluBefore = before.Layer.Activation == Activation.ReLU && (before.Definition.HasPostActivation || before.Definition is ActivationLayer)
                && before.TrainLinear is null && !before.FusedSoftmax;
            if (pool.Definition.IsMaxPooling && reluBefore && before.Segment == pool.Segment)
            {
                pool.PoolThroughReLU = true;
                before.ActivationBackwardDone = true;
            }
        }

        return longest;
    }

    /// <summary>Folded inference parameters: each BatchNormalization's scale and shift, then the kernel and bias
    /// of the layer it is folded into.</summary>
    private static int PlanFolding(Builder[] b)
    {
        int offset = 0;
        for (int i = 0; i < b.Length; i++)
        {
            if (!b[i].Definition.SynchronizesBatch)
            {
                continue;
            }

            Builder? into = i > 0 && b[i - 1].FoldedFrom == i ? b[i - 1] : null;
            b[i].FoldedScale = offset;
            offset += 2 * b[i].Layer.Output.Channels;
            if (into is not null)
            {
                into.FoldedKernel = offset;
            }

            offset += b[i].Definition.FoldedLength(b[i].Layer, into?.Layer) - (2 * b[i].Layer.Output.Channels);
        }

        return offset;
    }

    private static List<BufferDeclaration> DeclareBuffers(Builder[] b, bool copiesInput, Shape input, Shape output)
    {
        var buffers = new List<BufferDeclaration>();
        var names = new HashSet<string>();
        void Add(BufferKind kind, string name, int length, string description)
        {
            if (names.Add(name))
            {
                buffers.Add(new BufferDeclaration(kind, name, length, description));
            }
        }

        if (copiesInput)
        {
            Add(BufferKind.Sample, "Input", input.Length, "the input, " + input + ", kept for the batch's statistics");
        }

        int temporary = 0;
        foreach (Builder layer in b)
        {
            LayerModel l = layer.Layer;
            foreach (BufferRef? owned in new[] { layer.TrainLinear, layer.TrainOutput, layer.InferOutput })
            {
                if (owned is { Kind: BufferKind.Sample } && owned.Name.StartsWith(l.Pascal, StringComparison.Ordinal))
                {
                    Add(BufferKind.Sample, owned.Name, owned == layer.TrainLinear ? l.Output.Length : Math.Max(owned.Length, l.Output.Length),
                        owned == layer.TrainLinear ? "The output of " + l.Name + " before its activation, " + l.Output : "The output of " + l.Name + ", " + l.Output);
                }
            }

            foreach ((string suffix, int length, string description) in layer.Definition.SampleBuffers(l))
            {
                Add(BufferKind.Sample, l.Pascal + suffix, length, description);
            }

            foreach ((string suffix, int length, string description) in layer.Definition.BatchBuffers(l))
            {
                Add(BufferKind.Batch, l.Pascal + suffix, length, description);
            }

            foreach ((string suffix, int length, string description) in layer.Definition.ScratchBuffers(l))
            {
                Add(BufferKind.Scratch, l.Pascal + suffix, length, description);
            }

            temporary = Math.Max(temporary, layer.Definition.TemporaryLength(l));
        }

        Add(BufferKind.Scratch, "Output", output.Length, "the network's output in training (logits when the final softmax is fused with the loss)");
        if (temporary > 0)
        {
            Add(BufferKind.Scratch, "Temporary", temporary, "temporary space of the convolutions' input gradients");
        }

        return buffers;
    }

    /// <summary>A layer's plan while it is being decided.</summary>
    private sealed class Builder(LayerModel layer)
    {
        public LayerModel Layer { get; } = layer;

        public LayerDefinition Definition { get; } = layer.Definition;

        public int Segment { get; set; }

        public BufferRef TrainInput { get; set; } = BufferRef.Input(0);

        public BufferRef TrainOutput { get; set; } = BufferRef.Input(0);

        public BufferRef? TrainLinear { get; set; }

        public InferenceRole Inference { get; set; }

        public BufferRef InferInput { get; set; } = BufferRef.Input(0);

        public BufferRef InferOutput { get; set; } = BufferRef.Input(0);

        public int PooledWith { get; set; } = -1;

        public Activation InferenceActivation { get; set; }

        public int FoldedFrom { get; set; } = -1;

        public int FoldedKernel { get; set; } = -1;

        public int FoldedScale { get; set; } = -1;

        public BufferRef GradientIn { get; set; } = BufferRef.Input(0);

        public BufferRef GradientOut { get; set; } = BufferRef.Input(0);

        public bool ActivationBackwardDone { get; set; }

        public bool PoolThroughReLU { get; set; }

        public bool IsFirst { get; set; }

        public bool FusedSoftmax { get; set; }

        public LayerPlan Build() => new(
            Layer, Segment, TrainInput, TrainOutput, TrainLinear, Inference, InferInput, InferOutput, PooledWith, InferenceActivation,
            FoldedFrom, FoldedKernel, FoldedScale, GradientIn, GradientOut, ActivationBackwardDone, PoolThroughReLU, IsFirst, FusedSoftmax);
    }
}
