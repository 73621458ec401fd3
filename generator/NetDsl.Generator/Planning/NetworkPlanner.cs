using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Emit;
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

        if (!CheckMemberNames(b, diagnostics))
        {
            return null;
        }

        var graph = new Graph(b, model.Input.Length);
        LossPlan loss = PlanLoss(b, lastComputing, model.Output);
        int segments = PlanSegments(b);
        bool copiesInput = PlanTraining(b, graph, model.Input, lastComputing);
        PlanInference(b, graph, model.Input);
        (int gradientLength, int gradientSlots) = PlanBackward(b, graph, model.Output.Length);
        int foldedLength = PlanFolding(b);
        List<BufferDeclaration> buffers = DeclareBuffers(b, copiesInput, model.Input, model.Output);

        long sampleTotal = buffers.Where(x => x.Kind == BufferKind.Sample).Sum(x => (long)RoundUp(x.Length));
        long scratchTotal = buffers.Where(x => x.Kind == BufferKind.Scratch).Sum(x => (long)RoundUp(x.Length)) + ((long)gradientSlots * RoundUp(gradientLength));
        long largest = Math.Max(Math.Max(sampleTotal, scratchTotal), foldedLength);
        if (largest > ShapeChecker.MaxElements)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, null, model.Target.Name + "'s buffers for one sample",
                largest.ToString("N0", CultureInfo.InvariantCulture), "floats", ShapeChecker.MaxElements.ToString("N0", CultureInfo.InvariantCulture)));
            return null;
        }

        BufferRef? finalCopy = b.All(x => x.Inference == InferenceRole.Skip) ? BufferRef.Input(model.Input.Length) : null;
        return new NetworkPlan(model, b.Select(x => x.Build()).ToEquatableArray(), buffers.ToEquatableArray(), gradientLength, gradientSlots, segments, foldedLength, loss, finalCopy);
    }

    /// <summary>Members every kernel has, that no layer's may take.</summary>
    internal static readonly string[] Reserved =
    {
        "Input", "InputStride", "InputBatch", "Output", "Temporary", "Instance", "ParameterLayout", "ArchitectureText", "Activations", "Scratch", "Fold", "Predict", "Classify",
        "Evaluate", "Infer", "TrainForward", "TrainBackward", "ForwardSegment", "SynchronizeForward", "SynchronizeBackward", "BeginTraining",
        "CreateRuntime", "CreateActivations", "CreateScratch",
    };

    /// <summary>The kernel members a layer's name gives (its buffers, offsets and geometry, with every suffix any
    /// of them can have) must not be another layer's: <c>conv</c> and <c>conv_kernel</c> would both give
    /// <c>ConvKernel</c>. Reports NDSL0036 at the later layer.</summary>
    private static bool CheckMemberNames(Builder[] b, List<DiagnosticInfo> diagnostics)
    {
        var owners = new Dictionary<string, LayerModel>(StringComparer.Ordinal);
        foreach (string reserved in Reserved)
        {
            owners[reserved] = null!;
        }


        foreach (Builder layer in b)
        {
            LayerModel l = layer.Layer;
            var members = new HashSet<string>(StringComparer.Ordinal) { l.Pascal, l.Pascal + "Linear", l.Pascal + "Gradient", l.Pascal + "Geometry" };
            members.UnionWith(l.Parameters.Select(p => PassWriter.OffsetName(l, p)));
            members.UnionWith(layer.Definition.SampleBuffers(l).Concat(layer.Definition.BatchBuffers(l)).Concat(layer.Definition.ScratchBuffers(l)).Select(x => l.Pascal + x.Suffix));
            members.UnionWith(members.SelectMany(m => new[] { m + "Stride", m + "Batch" }).ToList());
            foreach (string member in members)
            {
                if (BufferRef.IsSlotName(member))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateLayerName, l.Location, l.Name, $" with a gradient buffer every network may have ({member} in generated code)"));
                    return false;
                }

                if (owners.TryGetValue(member, out LayerModel? other))
                {
                    string clash = other is null ? $" with a member every network has ({member} in generated code)" : $" in generated code: it and '{other.Name}' both give the member {member}; rename one";
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateLayerName, l.Location, l.Name, clash));
                    return false;
                }
            }

            foreach (string member in members)
            {
                owners[member] = l;
            }
        }

        return true;
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

        if (last.Activation == Activation.Softmax)
        {
            b[lastComputing].LogitsForLoss = true;
            return new LossPlan(FromLogits: false, FusedSoftmaxLayer: -1, PerPositionSoftmaxLayer: lastComputing);
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
    /// thread's output), except an activation that can work in place (nothing else reads the value it overwrites);
    /// views read their input's. Returns whether the input is copied into a per-sample buffer (a batch-wide layer
    /// reads it across the batch).</summary>
    private static bool PlanTraining(Builder[] b, Graph graph, Shape input, int lastComputing)
    {
        bool copiesInput = b.Any(x => x.Definition.SynchronizesBatch && graph.Root(x.Layer.Source) < 0);
        BufferRef inputBuffer = copiesInput ? new BufferRef(BufferKind.Sample, "Input", input.Length) : BufferRef.Input(input.Length);
        BufferRef OutputOf(int j) => j < 0 ? inputBuffer : b[j].TrainOutput;
        for (int i = 0; i < b.Length; i++)
        {
            Builder layer = b[i];
            LayerModel l = layer.Layer;
            layer.TrainInputs = l.Sources.Select(OutputOf).ToList();
            layer.TrainInput = layer.TrainInputs[0];
            if (layer.Definition.IsView)
            {
                layer.TrainOutput = layer.TrainInput with { Length = l.Output.Length };
                continue;
            }

            int producer = graph.Root(l.Source);
            bool inPlace = layer.Definition is ActivationLayer && !layer.FusedSoftmax && !layer.LogitsForLoss && !Activations.NeedsInput(l.Activation)
                && layer.TrainInput.Kind == BufferKind.Sample && producer >= 0 && !b[producer].Definition.BackwardReadsOutput(b[producer].Layer)
                && graph.Readers(producer) == 1 && i != lastComputing;
            layer.TrainOutput = inPlace ? layer.TrainInput
                : i == lastComputing ? BufferRef.Output(l.Output.Length)
                : new BufferRef(BufferKind.Sample, l.Pascal, l.Output.Length);
            if (layer.Definition.HasPostActivation && Activations.NeedsInput(l.Activation))
            {
                layer.TrainLinear = new BufferRef(BufferKind.Sample, l.Pascal + "Linear", l.Output.Length);
            }
        }

        return copiesInput;
    }

    /// <summary>Inference roles, fusions and buffers. A layer fuses into the one before it only when that one
    /// feeds nothing else (every layer between them too).</summary>
    private static void PlanInference(Builder[] b, Graph graph, Shape input)
    {
        foreach (Builder layer in b)
        {
            layer.Inference = layer.Definition.IsView || layer.Definition.IsInferenceIdentity ? InferenceRole.Skip : InferenceRole.Compute;
            layer.InferenceActivation = layer.FusedSoftmax ? Activation.None : layer.Layer.Activation;
        }

        for (int i = 0; i < b.Length; i++)
        {
            Builder layer = b[i];
            int source = layer.Layer.Source;

            // BatchNormalization right after a linear Conv2D or Dense: folded into its kernel and bias.
            if (layer.Definition.SynchronizesBatch && source >= 0 && graph.Consumers(source) == 1 && b[source].Definition.AcceptsFoldedBatchNorm
                && b[source].Layer.Activation == Activation.None && b[source].FoldedFrom < 0)
            {
                layer.Inference = InferenceRole.Skip;
                b[source].FoldedFrom = i;
                continue;
            }

            if (layer.Inference != InferenceRole.Compute || layer.Definition.IsMerge)
            {
                continue;
            }

            int q = PreviousComputing(b, graph, i);
            if (q < 0 || !b[q].Definition.AcceptsFusedReLUAndPool(b[q].Layer))
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
        BufferRef InferOf(int j) => j < 0 ? BufferRef.Input(input.Length) : b[j].InferOutput;
        for (int i = 0; i < b.Length; i++)
        {
            Builder layer = b[i];
            layer.InferInputs = layer.Layer.Sources.Select(InferOf).ToList();
            layer.InferInput = layer.InferInputs[0];
            if (layer.Inference == InferenceRole.Skip)
            {
                layer.InferOutput = layer.InferInput with { Length = layer.Layer.Output.Length };
                continue;
            }

            // The step writes what its group outputs: it and the skipped layers after it (fused, folded,
            // identities, views), whose buffers it may use.
            int length = (layer.PooledWith >= 0 ? b[layer.PooledWith] : layer).Layer.Output.Length;
            if (i == lastCompute)
            {
                layer.InferOutput = BufferRef.Output(length);
                continue;
            }

            // Only a skipped layer reached through layers that each feed nothing else: another reader of the
            // way there would read the buffer, and a later in-place step may overwrite it.
            var group = new List<int> { i };
            for (int k = i + 1; k < b.Length; k++)
            {
                int source = b[k].Layer.Source;
                if (b[k].Inference == InferenceRole.Skip && group.Contains(source) && graph.Consumers(source) == 1)
                {
                    group.Add(k);
                }
            }

            BufferRef? owned = null;
            for (int g = group.Count - 1; g >= 0 && owned is null; g--)
            {
                if (b[group[g]].TrainOutput is { Kind: BufferKind.Sample } t && t.Length == length)
                {
                    owned = t;
                }
            }

            layer.InferOutput = owned ?? new BufferRef(BufferKind.Sample, layer.Layer.Pascal, length);
        }
    }

    /// <summary>The computing layer whose kernel could also do layer <paramref name="i"/>'s work: back through
    /// identities and folded layers, each feeding only the next; none past a view or a max pooling.</summary>
    private static int PreviousComputing(Builder[] b, Graph graph, int i)
    {
        for (int k = b[i].Layer.Source; k >= 0; k = b[k].Layer.Source)
        {
            if (graph.Consumers(k) != 1 || b[k].Definition.IsMerge)
            {
                return -1;
            }

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
    /// The gradient route, from the output back. Each computing layer's output gradient lives in one of a few
    /// reused buffers (two alternate along a chain) from its first writer to its own backward step; it is kept per
    /// sample instead when it crosses a training segment (a batch-wide layer's, or one whose consumers run in
    /// another segment). A layer read by several gets the first consumer's gradient written and the others'
    /// added. An in-place layer hands its buffer on. The caller's input gradient is written by the first layer
    /// that reaches it. Also lets a max pooling do the ReLU backward of the layer before it. Returns the buffers'
    /// length and count.
    /// </summary>
    private static (int Length, int Slots) PlanBackward(Builder[] b, Graph graph, int outputLength)
    {
        var slots = new List<bool>();
        int longest = outputLength;
        var gradient = new BufferRef?[b.Length];
        bool inputWritten = false;

        int Pass(int i) => b[i].Segment - (b[i].Definition.SynchronizesBatch ? 1 : 0);
        bool PerSample(int r) => b[r].Definition.SynchronizesBatch || graph.Edges(r).Any(c => Pass(c) != Pass(r));
        BufferRef Kept(int r) => new(BufferKind.Sample, b[r].Layer.Pascal + "Gradient", b[r].Layer.Output.Length);

        BufferRef Slot(int length, BufferRef? avoid)
        {
            int slot = 0;
            while (slot < slots.Count && (slots[slot] || avoid is { Kind: BufferKind.Gradient } a && a.Name == BufferRef.SlotName(slot)))
            {
                slot++;
            }

            if (slot == slots.Count)
            {
                slots.Add(false);
            }

            slots[slot] = true;
            longest = Math.Max(longest, length);
            return BufferRef.Gradient(slot, length);
        }

        void Release(BufferRef buffer)
        {
            if (buffer.Kind == BufferKind.Gradient)
            {
                slots[BufferRef.SlotOf(buffer.Name)] = false;
            }
        }

        // Where layer r's output gradient lives: an in-place layer's is the one it will hand on.
        BufferRef Allocate(int r, BufferRef? avoid)
        {
            Builder layer = b[r];
            if (layer.Definition.Backward == BackwardMode.InPlace && !layer.Definition.IsMerge && !PerSample(r))
            {
                int q = graph.Root(layer.Layer.Source);
                if (q >= 0 && gradient[q] is null && graph.Readers(q) == 1)
                {
                    return Allocate(q, avoid) with { Length = layer.Layer.Output.Length };
                }
            }

            return PerSample(r) ? Kept(r) : Slot(layer.Layer.Output.Length, avoid);
        }

        int final = b.Length == 0 ? -1 : graph.Root(b.Length - 1);
        if (final >= 0)
        {
            gradient[final] = Allocate(final, null);
        }

        for (int i = b.Length - 1; i >= 0; i--)
        {
            Builder layer = b[i];
            LayerModel l = layer.Layer;
            if (layer.Definition.IsView)
            {
                continue;
            }

            BufferRef dy = gradient[i]! with { Length = l.Output.Length };
            layer.GradientIn = dy;
            longest = Math.Max(longest, Math.Max(l.Input.Length, l.Output.Length));
            if (layer.Definition.IsMerge)
            {
                var edges = new List<GradientEdge>();
                foreach (int source in l.Sources)
                {
                    int r = graph.Root(source);
                    int length = source < 0 ? graph.InputLength : b[source].Layer.Output.Length;
                    if (r < 0)
                    {
                        edges.Add(new GradientEdge(BufferRef.InputGradient(length), inputWritten, Optional: true));
                        inputWritten = true;
                        layer.IsFirst = true;
                    }
                    else if (gradient[r] is null)
                    {
                        gradient[r] = Allocate(r, dy);
                        edges.Add(new GradientEdge(gradient[r]! with { Length = length }, Accumulate: false, Optional: false));
                    }
                    else
                    {
                        edges.Add(new GradientEdge(gradient[r]! with { Length = length }, Accumulate: true, Optional: false));
                    }
                }

                layer.GradientOuts = edges;
                layer.GradientOut = edges[0].Buffer;
                Release(dy);
                continue;
            }

            int root = graph.Root(l.Source);
            if (layer.Definition.Backward == BackwardMode.InPlace)
            {
                // It turns dy into its input gradient where it is; that buffer becomes the producer's gradient
                // when it can, or is copied or added there.
                layer.GradientOut = dy with { Length = l.Input.Length };
                if (root < 0)
                {
                    layer.IsFirst = true;
                    layer.Transfer = new GradientEdge(BufferRef.InputGradient(l.Input.Length), inputWritten, Optional: true);
                    inputWritten = true;
                    Release(dy);
                }
                else if (gradient[root] is null && dy.Kind == BufferKind.Gradient && !PerSample(root))
                {
                    gradient[root] = dy with { Length = b[root].Layer.Output.Length };
                }
                else
                {
                    bool accumulate = gradient[root] is not null;
                    gradient[root] ??= Allocate(root, dy);
                    BufferRef target = gradient[root]!;
                    if (accumulate || target.Kind != dy.Kind || target.Name != dy.Name)
                    {
                        layer.Transfer = new GradientEdge(target with { Length = l.Input.Length }, accumulate, Optional: false);
                        Release(dy);
                    }

                    // else dy is already where the producer's gradient is kept (placed there for this).
                }
            }
            else if (root < 0)
            {
                layer.IsFirst = true;
                if (!inputWritten)
                {
                    layer.GradientOut = BufferRef.InputGradient(l.Input.Length);
                }
                else
                {
                    layer.GradientOut = Slot(l.Input.Length, dy);
                    layer.Transfer = new GradientEdge(BufferRef.InputGradient(l.Input.Length), Accumulate: true, Optional: true);
                    Release(layer.GradientOut);
                }

                inputWritten = true;
                Release(dy);
            }
            else if (gradient[root] is null)
            {
                gradient[root] = Allocate(root, dy);
                layer.GradientOut = gradient[root]! with { Length = l.Input.Length };
                Release(dy);
            }
            else
            {
                layer.GradientOut = Slot(l.Input.Length, dy);
                layer.Transfer = new GradientEdge(gradient[root]! with { Length = l.Input.Length }, Accumulate: true, Optional: false);
                Release(layer.GradientOut);
                Release(dy);
            }
        }

        // Views pass gradients through: theirs are their computing layer's.
        foreach (Builder view in b.Where(x => x.Definition.IsView))
        {
            int r = graph.Root(view.Layer.Index);
            BufferRef g = r >= 0 ? gradient[r]! : BufferRef.Gradient(0, outputLength);
            view.GradientIn = g with { Length = view.Layer.Output.Length };
            view.GradientOut = g with { Length = view.Layer.Input.Length };
        }

        // A max pooling does the ReLU backward of the layer right before it (the pooled maximum's cell is where
        // the ReLU passed its input), saving a pass over the larger map, when nothing else reads that layer.
        foreach (Builder pool in b)
        {
            int source = pool.Layer.Source;
            if (!pool.Definition.IsMaxPooling || source < 0 || graph.Consumers(source) != 1)
            {
                continue;
            }

            Builder before = b[source];
            bool reluBefore = before.Layer.Activation == Activation.ReLU && (before.Definition.HasPostActivation || before.Definition is ActivationLayer)
                && before.TrainLinear is null && !before.FusedSoftmax && !before.LogitsForLoss;
            if (reluBefore && before.Segment == pool.Segment)
            {
                pool.PoolThroughReLU = true;
                before.ActivationBackwardDone = true;
            }
        }

        return (longest, Math.Max(2, slots.Count));
    }

    /// <summary>Folded inference parameters: each BatchNormalization's scale and shift, then the kernel and bias
    /// of the layer it is folded into; and what other layers derive from their parameters (transposed kernels).</summary>
    private static int PlanFolding(Builder[] b)
    {
        int offset = 0;
        for (int i = 0; i < b.Length; i++)
        {
            int derived = b[i].Definition.DerivedLength(b[i].Layer);
            if (derived > 0)
            {
                b[i].FoldedKernel = offset;
                offset += derived;
                continue;
            }

            if (!b[i].Definition.SynchronizesBatch)
            {
                continue;
            }

            int source = b[i].Layer.Source;
            Builder? into = source >= 0 && b[source].FoldedFrom == i ? b[source] : null;
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

        // Gradients kept per sample because their consumers run in another training segment.
        foreach (Builder layer in b)
        {
            IEnumerable<BufferRef> gradients = new[] { layer.GradientIn, layer.GradientOut }.Concat(layer.GradientOuts.Select(e => e.Buffer));
            foreach (BufferRef g in gradients.Where(g => g.Kind == BufferKind.Sample && g.Name.EndsWith("Gradient", StringComparison.Ordinal)))
            {
                Builder owner = b.First(x => x.Layer.Pascal + "Gradient" == g.Name);
                Add(BufferKind.Sample, g.Name, owner.Layer.Output.Length, "the gradient of " + owner.Layer.Name + "'s output, kept for the batch's sums or a later segment");
            }
        }

        Add(BufferKind.Scratch, "Output", output.Length, "the network's output in training (logits when the final softmax is fused with the loss)");
        if (temporary > 0)
        {
            Add(BufferKind.Scratch, "Temporary", temporary, "temporary space of the backward passes");
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

        public bool LogitsForLoss { get; set; }

        public List<BufferRef> TrainInputs { get; set; } = new();

        public List<BufferRef> InferInputs { get; set; } = new();

        public List<GradientEdge> GradientOuts { get; set; } = new();

        public GradientEdge? Transfer { get; set; }

        public LayerPlan Build() => new(
            Layer, Segment, TrainInput, TrainOutput, TrainLinear, Inference, InferInput, InferOutput, PooledWith, InferenceActivation,
            FoldedFrom, FoldedKernel, FoldedScale, GradientIn, GradientOut, ActivationBackwardDone, PoolThroughReLU, IsFirst, FusedSoftmax,
            TrainInputs.ToEquatableArray(), InferInputs.ToEquatableArray(), GradientOuts.ToEquatableArray(), Transfer, LogitsForLoss);
    }

    /// <summary>Who reads whom: each layer's consumers, and the computing layer behind a view.</summary>
    private sealed class Graph
    {
        private readonly Builder[] _b;
        private readonly int[] _consumers;
        private readonly List<int>[] _edges;

        public Graph(Builder[] b, int inputLength)
        {
            _b = b;
            InputLength = inputLength;
            _consumers = new int[b.Length + 1];
            _edges = new List<int>[b.Length + 1];
            for (int i = 0; i <= b.Length; i++)
            {
                _edges[i] = new List<int>();
            }

            foreach (Builder layer in b)
            {
                foreach (int source in layer.Layer.Sources)
                {
                    _consumers[source + 1]++;
                    if (!layer.Definition.IsView)
                    {
                        _edges[Root(source) + 1].Add(layer.Layer.Index);
                    }
                }
            }
        }

        /// <summary>Floats of the network's input.</summary>
        public int InputLength { get; }

        /// <summary>The computing layer whose buffer <paramref name="j"/> reads (-1: the input).</summary>
        public int Root(int j)
        {
            while (j >= 0 && _b[j].Definition.IsView)
            {
                j = _b[j].Layer.Source;
            }

            return j;
        }

        /// <summary>How many layers (views included) read layer <paramref name="j"/> directly.</summary>
        public int Consumers(int j) => _consumers[j + 1];

        /// <summary>The computing layers that read computing layer <paramref name="r"/>'s buffer (through views),
        /// once per input.</summary>
        public IEnumerable<int> Edges(int r) => _edges[r + 1];

        /// <summary>How many inputs of computing layers read <paramref name="r"/>'s buffer.</summary>
        public int Readers(int r) => _edges[r + 1].Count;
    }
}
