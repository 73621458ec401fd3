using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Threading;
using NetDsl.Serialization;

namespace NetDsl.Engine;

/// <summary>
/// Runs a network's kernel over samples and batches, and makes one network safe to share between threads.
/// Every call works in buffers of its own: a single-sample call rents a workspace, a batch call rents a job (its
/// parts' workspaces and gradient accumulators, and for networks trained segment by segment the whole batch's
/// activations); both are pooled, so once as many exist as threads use them at once, calls allocate nothing.
/// <see cref="Gate"/> keeps calls that change the network apart from the others (see <see cref="NetworkGate"/>).
/// </summary>
/// <remarks>
/// A batch runs data-parallel: one part per worker thread, each taking small chunks of samples from a shared
/// counter until the batch is done, so a core that is slower (busy with other work) does less instead of holding
/// everyone up; the parts' gradients are then summed in part order. With one thread the result is bit-for-bit
/// repeatable; with more it equals the one-thread result up to float summation order. Losses are summed per
/// sample in sample order, so the loss of <see cref="Evaluate(ReadOnlySpan{float}, ReadOnlySpan{int})"/> is the same for any thread count. An inference
/// batch that finds the worker pool busy (another thread's batch) runs on its calling thread alone rather than
/// wait. Dropout masks depend on the network's seed, the training step and the sample's place in the batch, not
/// on the thread that runs it.
/// </remarks>
/// <typeparam name="TActivations">The generated network's per-sample buffers.</typeparam>
/// <typeparam name="TScratch">The generated network's per-thread buffers.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed unsafe class NetworkEngine<TActivations, TScratch> : NetworkRuntime, IBatchEngineDiagnostics
    where TActivations : class
    where TScratch : class
{
    private readonly NetworkKernel<TActivations, TScratch> _kernel;
    private readonly WorkerPool _pool;
    private readonly AlignedBuffer _parameters;
    private readonly ObjectPool<Workspace> _workspaces;
    private readonly ObjectPool<Job> _jobs;
    private readonly NetworkGate _gate;
    private readonly ulong _seed;
    private readonly object _foldLock = new();
    private readonly AlignedBuffer? _folded;
    private int _maxDegreeOfParallelism;
    private long _allocatedBytesInParts;
    private long _trainingSteps;
    private int _version = 1;
    private int _foldedVersion;

    /// <summary>An engine for <paramref name="kernel"/> on <paramref name="pool"/>, its parameters initialised
    /// from <paramref name="seed"/> as Keras does.</summary>
    public NetworkEngine(NetworkKernel<TActivations, TScratch> kernel, WorkerPool pool, int seed)
    {
        _kernel = kernel ?? throw new ArgumentNullException(nameof(kernel));
        _pool = pool ?? throw new ArgumentNullException(nameof(pool));
        _maxDegreeOfParallelism = pool.ThreadCount;
        _gate = new NetworkGate(kernel.NetworkName);
        _parameters = new AlignedBuffer(kernel.ParameterCount);
        NetworkInitializer.Initialize(_parameters.Span, kernel.Layout, seed);
        _seed = Kernels.DropoutKernels.Seed(seed);
        _folded = kernel.FoldedLength > 0 ? new AlignedBuffer(kernel.FoldedLength) : null;
        int capacity = Math.Max(4, 2 * Environment.ProcessorCount);
        _workspaces = new ObjectPool<Workspace>(() => new Workspace(kernel.CreateActivations(1), kernel.CreateScratch()), capacity);
        _jobs = new ObjectPool<Job>(() => new Job(this), capacity);

        // One of each up front, so a network used from one thread allocates nothing after construction.
        _workspaces.Return(_workspaces.Rent());
    }

    private enum Operation
    {
        Gradients,
        Backpropagate,
        Evaluate,
        Predict,
        Classify,
    }

    /// <summary>What the parts of a job run: whole samples, or one stage of a segmented training step.</summary>
    private enum Phase
    {
        Samples,
        SegmentForward,
        LastSegment,
        SegmentBackward,
    }

    /// <inheritdoc/>
    public override Span<float> Parameters
    {
        get
        {
            // The caller may write through the span: derived inference parameters must be recomputed.
            Interlocked.Increment(ref _version);
            return _parameters.Span;
        }
    }

    /// <inheritdoc/>
    public override NetworkGate Gate => _gate;

    /// <inheritdoc/>
    public override int MaxDegreeOfParallelism
    {
        get => Volatile.Read(ref _maxDegreeOfParallelism);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            Volatile.Write(ref _maxDegreeOfParallelism, Math.Min(value, _pool.ThreadCount));
        }
    }

    /// <inheritdoc/>
    public override void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        NetworkGuard.CheckLength(input.Length, _kernel.InputLength, nameof(input));
        NetworkGuard.CheckLength(output.Length, _kernel.OutputLength, nameof(output));
        using NetworkGate.Scope scope = _gate.EnterShared("Predict");
        ReadOnlySpan<float> folded = Folded();
        Workspace workspace = _workspaces.Rent();
        try
        {
            _kernel.Predict(_parameters.Span, folded, input, workspace.Activations, workspace.Scratch, output);
        }
        finally
        {
            _workspaces.Return(workspace);
        }
    }

    /// <inheritdoc/>
    public override void LayerOutput(int layer, ReadOnlySpan<float> input, Span<float> output)
    {
        IReadOnlyList<LayerInfo> layers = _kernel.Layers;
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, layers.Count);
        NetworkGuard.CheckLength(input.Length, _kernel.InputLength, nameof(input));
        NetworkGuard.CheckLayerLength(output.Length, layers[layer], nameof(output));
        using NetworkGate.Scope scope = _gate.EnterShared("LayerOutput");
        ReadOnlySpan<float> folded = Folded();
        Workspace workspace = _workspaces.Rent();
        try
        {
            _kernel.LayerOutput(layer, _parameters.Span, folded, input, workspace.Activations, workspace.Scratch, output);
        }
        finally
        {
            _workspaces.Return(workspace);
        }
    }

    /// <inheritdoc/>
    public override int Classify(ReadOnlySpan<float> input)
    {
        NetworkGuard.CheckLength(input.Length, _kernel.InputLength, nameof(input));
        using NetworkGate.Scope scope = _gate.EnterShared("Classify");
        ReadOnlySpan<float> folded = Folded();
        Workspace workspace = _workspaces.Rent();
        try
        {
            return _kernel.Classify(_parameters.Span, folded, input, workspace.Activations, workspace.Scratch);
        }
        finally
        {
            _workspaces.Return(workspace);
        }
    }

    /// <inheritdoc/>
    public override void Classify(ReadOnlySpan<float> inputs, Span<int> classes)
    {
        NetworkGuard.CheckBatch(inputs.Length, classes.Length, _kernel.InputLength, nameof(inputs));
        if (classes.IsEmpty)
        {
            return;
        }

        using NetworkGate.Scope scope = _gate.EnterShared("Classify");
        fixed (float* x = inputs)
        fixed (int* c = classes)
        {
            Run(new Call(Operation.Classify, x, classes.Length) { Classes = c }, exclusive: false);
        }
    }

    /// <inheritdoc/>
    public override void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize)
    {
        NetworkGuard.CheckBatch(inputs.Length, batchSize, _kernel.InputLength, nameof(inputs));
        NetworkGuard.CheckBatch(outputs.Length, batchSize, _kernel.OutputLength, nameof(outputs));
        if (batchSize == 0)
        {
            return;
        }

        using NetworkGate.Scope scope = _gate.EnterShared("Predict");
        fixed (float* x = inputs, y = outputs)
        {
            Run(new Call(Operation.Predict, x, batchSize) { Outputs = y }, exclusive: false);
        }
    }

    /// <inheritdoc/>
    public override BatchStatistics ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, Span<float> gradients, Span<float> inputGradients)
    {
        int batch = labels.Length;
        NetworkGuard.CheckBatch(inputs.Length, batch, _kernel.InputLength, nameof(inputs));
        NetworkGuard.CheckLength(gradients.Length, _kernel.ParameterCount, nameof(gradients));
        if (!inputGradients.IsEmpty)
        {
            NetworkGuard.CheckBatch(inputGradients.Length, batch, _kernel.InputLength, nameof(inputGradients));
        }

        CheckLabels(labels);
        using NetworkGate.Scope scope = _gate.EnterExclusive("ComputeGradients");
        if (batch == 0)
        {
            gradients.Clear();
            return new BatchStatistics(0f, 0, 0);
        }

        fixed (float* x = inputs, dx = inputGradients)
        fixed (int* y = labels)
        {
            var call = new Call(Operation.Gradients, x, batch) { Labels = y, InputGradients = dx };
            BatchStatistics statistics = Run(call, exclusive: true, gradients, 1f / batch);
            if (!inputGradients.IsEmpty)
            {
                // Input gradients are of the mean loss too, as a gradient tape over the batch mean would give.
                Kernels.VectorOps.Scale(inputGradients, 1f / batch);
            }

            return statistics;
        }
    }

    /// <inheritdoc/>
    public override void Backpropagate(ReadOnlySpan<float> inputs, ReadOnlySpan<float> outputGradients, Span<float> gradients, Span<float> inputGradients)
    {
        if (_kernel.InputLength == 0 || inputs.Length % _kernel.InputLength != 0)
        {
            NetworkGuard.CheckLength(inputs.Length, _kernel.InputLength, nameof(inputs));
        }

        int batch = _kernel.InputLength == 0 ? 0 : inputs.Length / _kernel.InputLength;
        NetworkGuard.CheckBatch(outputGradients.Length, batch, _kernel.OutputLength, nameof(outputGradients));
        NetworkGuard.CheckLength(gradients.Length, _kernel.ParameterCount, nameof(gradients));
        if (!inputGradients.IsEmpty)
        {
            NetworkGuard.CheckBatch(inputGradients.Length, batch, _kernel.InputLength, nameof(inputGradients));
        }

        using NetworkGate.Scope scope = _gate.EnterExclusive("Backpropagate");
        if (batch == 0)
        {
            gradients.Clear();
            return;
        }

        fixed (float* x = inputs, dy = outputGradients, dx = inputGradients)
        {
            Run(new Call(Operation.Backpropagate, x, batch) { OutputGradients = dy, InputGradients = dx }, exclusive: true, gradients, 1f);
        }
    }

    /// <inheritdoc/>
    public override BatchStatistics Evaluate(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
    {
        int batch = labels.Length;
        NetworkGuard.CheckBatch(inputs.Length, batch, _kernel.InputLength, nameof(inputs));
        CheckLabels(labels);
        if (batch == 0)
        {
            return new BatchStatistics(0f, 0, 0);
        }

        using NetworkGate.Scope scope = _gate.EnterShared("Evaluate");
        fixed (float* x = inputs)
        fixed (int* y = labels)
        {
            return Run(new Call(Operation.Evaluate, x, batch) { Labels = y }, exclusive: false);
        }
    }

    /// <inheritdoc/>
    public override BatchStatistics ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Training.Loss loss, Span<float> gradients, Span<float> inputGradients)
    {
        ArgumentNullException.ThrowIfNull(loss);
        int batch = CheckTargets(inputs, targets, loss);
        NetworkGuard.CheckLength(gradients.Length, _kernel.ParameterCount, nameof(gradients));
        if (!inputGradients.IsEmpty)
        {
            NetworkGuard.CheckBatch(inputGradients.Length, batch, _kernel.InputLength, nameof(inputGradients));
        }

        using NetworkGate.Scope scope = _gate.EnterExclusive("ComputeGradients");
        if (batch == 0)
        {
            gradients.Clear();
            return new BatchStatistics(0f, 0, 0) { Metric = 0, MetricName = loss.MetricName };
        }

        fixed (float* x = inputs, t = targets, dx = inputGradients)
        {
            var call = new Call(Operation.Gradients, x, batch) { Targets = t, Loss = loss, InputGradients = dx };
            BatchStatistics statistics = Run(call, exclusive: true, gradients, 1f / batch);
            if (!inputGradients.IsEmpty)
            {
                Kernels.VectorOps.Scale(inputGradients, 1f / batch);
            }

            return statistics;
        }
    }

    /// <inheritdoc/>
    public override BatchStatistics Evaluate(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Training.Loss loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        int batch = CheckTargets(inputs, targets, loss);
        if (batch == 0)
        {
            return new BatchStatistics(0f, 0, 0) { Metric = 0, MetricName = loss.MetricName };
        }

        using NetworkGate.Scope scope = _gate.EnterShared("Evaluate");
        fixed (float* x = inputs, t = targets)
        {
            return Run(new Call(Operation.Evaluate, x, batch) { Targets = t, Loss = loss }, exclusive: false);
        }
    }

    /// <summary>The batch size of <paramref name="inputs"/>, checked against the targets <paramref name="loss"/> needs.</summary>
    private int CheckTargets(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Training.Loss loss)
    {
        if (_kernel.InputLength == 0 || inputs.Length % _kernel.InputLength != 0)
        {
            NetworkGuard.CheckLength(inputs.Length, _kernel.InputLength, nameof(inputs));
        }

        int batch = inputs.Length / _kernel.InputLength;
        int targetLength = loss.TargetLength(_kernel.OutputLength, _kernel.OutputChannels);
        if (targetLength <= 0 || targets.Length != (long)batch * targetLength)
        {
            throw new ArgumentException($"{loss.Name} needs {targetLength} target values per sample of {_kernel.NetworkName} ({_kernel.OutputLength} outputs, "
                + $"{_kernel.OutputChannels} per position): {(long)batch * targetLength} for {batch} samples, but targets has {targets.Length}.", nameof(targets));
        }

        int bad = Kernels.VectorOps.IndexOfNonFinite(targets);
        if (bad >= 0)
        {
            throw new ArgumentException($"Target {bad % targetLength} of sample {bad / targetLength} is {targets[bad]}; targets must be finite numbers.", nameof(targets));
        }

        return batch;
    }

    /// <inheritdoc/>
    public override void Save(string path)
    {
        using NetworkGate.Scope scope = _gate.EnterShared("Save");
        Safetensors.Save(path, _kernel.Layout, _parameters.Span, new Dictionary<string, string>
        {
            ["format"] = "netdsl",
            ["network"] = _kernel.NetworkName,
            ["architecture"] = _kernel.Architecture,
        });
    }

    /// <inheritdoc/>
    public override void Load(string path, bool allowNonFinite) => Load(path, WeightLayout.Keras, allowNonFinite);

    /// <inheritdoc/>
    public override void Load(string path, WeightLayout layout, bool allowNonFinite)
    {
        using NetworkGate.Scope scope = _gate.EnterExclusive("Load");
        Safetensors.Load(path, _kernel.Layout, _parameters.Span, layout, allowNonFinite);
        Interlocked.Increment(ref _version);
    }

    /// <inheritdoc/>
    long IBatchEngineDiagnostics.AllocatedBytesInParts => Interlocked.Read(ref _allocatedBytesInParts);

    /// <inheritdoc/>
    int IBatchEngineDiagnostics.WorkspacesCreated => _workspaces.Created;

    /// <summary>The inference parameters derived from the current parameters (recomputed after a change).</summary>
    private ReadOnlySpan<float> Folded()
    {
        if (_folded is null)
        {
            return default;
        }

        int version = Volatile.Read(ref _version);
        if (Volatile.Read(ref _foldedVersion) != version)
        {
            lock (_foldLock)
            {
                if (_foldedVersion != version)
                {
                    _kernel.Fold(_parameters.Span, _folded.Span);
                    Volatile.Write(ref _foldedVersion, version);
                }
            }
        }

        return _folded.Span;
    }

    /// <summary>Runs <paramref name="call"/> on a rented job; for gradients, writes the sum of the parts (and of
    /// the batch-wide layers) times <paramref name="scale"/> to <paramref name="gradients"/>.</summary>
    private BatchStatistics Run(in Call call, bool exclusive, Span<float> gradients = default, float scale = 1f)
    {
        bool training = call.Operation is Operation.Gradients or Operation.Backpropagate;
        if (training && _kernel.Segments > 1)
        {
            // Batch statistics change the moving statistics: derived inference parameters are out of date.
            Interlocked.Increment(ref _version);
        }

        ReadOnlySpan<float> folded = training ? default : Folded();
        Job job = _jobs.Rent();
        try
        {
            fixed (float* f = folded)
            {
                BatchStatistics statistics = job.Run(call, exclusive, f, training ? Interlocked.Increment(ref _trainingSteps) : 0);
                if (training)
                {
                    job.ReduceGradients(gradients, scale);
                }

                return statistics;
            }
        }
        finally
        {
            _jobs.Return(job);
        }
    }

    private void CheckLabels(ReadOnlySpan<int> labels)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)_kernel.OutputLength)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"Label {labels[i]} at index {i} is not a class of {_kernel.NetworkName}: labels must be in 0..{_kernel.OutputLength - 1}.");
            }
        }
    }

    /// <summary>One call's arguments; the spans are pinned by the caller for the call's duration.</summary>
    private readonly struct Call
    {
        public Call(Operation operation, float* inputs, int batchSize)
        {
            Operation = operation;
            Inputs = inputs;
            BatchSize = batchSize;
        }

        public Operation Operation { get; }

        public float* Inputs { get; }

        public int BatchSize { get; }

        public int* Labels { get; init; }

        public int* Classes { get; init; }

        public float* Outputs { get; init; }

        public float* OutputGradients { get; init; }

        public float* InputGradients { get; init; }

        /// <summary>Each sample's targets for <see cref="Loss"/>, one after another.</summary>
        public float* Targets { get; init; }

        /// <summary>The loss, or null for sparse categorical cross-entropy of <see cref="Labels"/>.</summary>
        public Training.Loss? Loss { get; init; }
    }

    /// <summary>A single-sample call's buffers: one sample's activations and one thread's scratch.</summary>
    private sealed class Workspace(TActivations activations, TScratch scratch)
    {
        public TActivations Activations { get; } = activations;

        public TScratch Scratch { get; } = scratch;
    }

    /// <summary>
    /// The buffers of one batch call: a part per thread (workspace, gradient accumulator), a loss per sample, and
    /// for segmented training the whole batch's activations and the batch-wide layers' gradients. Pooled by the
    /// engine, so concurrent calls never share one.
    /// </summary>
    private sealed class Job : IParallelWork
    {
        private readonly NetworkEngine<TActivations, TScratch> _engine;
        private Part[] _parts = Array.Empty<Part>();
        private double[] _losses = Array.Empty<double>();
        private TActivations? _batch;
        private int _batchCapacity;
        private AlignedBuffer? _batchGradients;
        private Call _call;
        private float* _folded;
        private long _step;
        private Phase _phase;
        private int _segment;
        private int _partCount;
        private int _chunkSize;
        private int _nextSample;

        public Job(NetworkEngine<TActivations, TScratch> engine)
        {
            _engine = engine;
        }

        private NetworkKernel<TActivations, TScratch> Kernel => _engine._kernel;

        public BatchStatistics Run(in Call call, bool exclusive, float* folded, long step)
        {
            _call = call;
            _folded = folded;
            _step = step;
            int batch = call.BatchSize;
            bool measuresLoss = call.Operation is Operation.Gradients or Operation.Evaluate;
            if (measuresLoss && _losses.Length < batch)
            {
                _losses = new double[batch];
            }

            bool segmented = call.Operation is Operation.Gradients or Operation.Backpropagate && Kernel.Segments > 1;
            int parts = Math.Min(_engine.MaxDegreeOfParallelism, batch);
            EnsureParts(parts);
            foreach (Part part in _parts.AsSpan(0, parts))
            {
                part.Correct = 0;
                part.Metric.Clear();
            }

            try
            {
                if (!segmented)
                {
                    RunPhase(Phase.Samples, 0, parts, exclusive);
                }
                else
                {
                    RunSegmented(parts);
                }
            }
            finally
            {
                _call = default;
                _folded = null;
            }

            if (!measuresLoss)
            {
                return default;
            }

            double loss = 0;
            for (int i = 0; i < batch; i++)
            {
                loss += _losses[i];
            }

            int correct = 0;
            double metricSum = 0;
            long metricCount = 0;
            foreach (Part part in _parts.AsSpan(0, parts))
            {
                correct += part.Correct;
                metricSum += part.Metric.Sum;
                metricCount += part.Metric.Count;
            }

            var statistics = new BatchStatistics((float)(loss / batch), correct, batch);
            return call.Loss is { } given
                ? statistics with { Metric = metricCount == 0 ? 0 : metricSum / metricCount, MetricName = given.MetricName }
                : statistics;
        }

        public void ReduceGradients(Span<float> gradients, float scale)
        {
            _parts[0].Gradients.CopyTo(gradients);
            for (int p = 1; p < _partCount; p++)
            {
                Kernels.VectorOps.Add(_parts[p].Gradients, gradients);
            }

            if (_batchGradients is not null && Kernel.Segments > 1)
            {
                Kernels.VectorOps.Add(_batchGradients.Span, gradients);
            }

            if (scale != 1f)
            {
                Kernels.VectorOps.Scale(gradients, scale);
            }

            // A frozen DepthwiseConv2D, SeparableConv2D or Conv2DTranspose computes its parameter gradients with its
            // input gradient (a frozen Conv2D or Dense skips them): a tensor training never changes has none.
            foreach (ParameterTensor tensor in Kernel.NonTrainable)
            {
                tensor.Slice(gradients).Clear();
            }
        }

        void IParallelWork.Execute(int part) => ExecutePart(part);

        /// <summary>
        /// A segmented training step: each segment's forward pass over every sample, then the layer that joins
        /// the batch; the last segment's forward and backward pass with the loss; then backward, the batch-wide
        /// layer's backward pass and the segment before it, down to the first.
        /// </summary>
        private void RunSegmented(int parts)
        {
            int batch = _call.BatchSize;
            if (_batch is null || _batchCapacity < batch)
            {
                _batch = Kernel.CreateActivations(batch);
                _batchCapacity = batch;
            }

            _batchGradients ??= new AlignedBuffer(Kernel.ParameterCount);
            _batchGradients.Span.Clear();
            int last = Kernel.Segments - 1;
            Span<float> parameters = _engine._parameters.Span;
            for (int segment = 0; segment < last; segment++)
            {
                RunPhase(Phase.SegmentForward, segment, parts, exclusive: true);
                Kernel.SynchronizeForward(segment, parameters, _batch, batch);
            }

            RunPhase(Phase.LastSegment, last, parts, exclusive: true);
            for (int segment = last - 1; segment >= 0; segment--)
            {
                Kernel.SynchronizeBackward(segment, parameters, _batch, batch, _batchGradients.Span);
                RunPhase(Phase.SegmentBackward, segment, parts, exclusive: true);
            }
        }

        private void RunPhase(Phase phase, int segment, int parts, bool exclusive)
        {
            _phase = phase;
            _segment = segment;
            Prepare(parts);
            if (parts == 1)
            {
                ExecutePart(0);
            }
            else if (exclusive)
            {
                _engine._pool.Run(this, parts);
            }
            else if (!_engine._pool.TryRun(this, parts))
            {
                // Another thread's batch holds the pool: this one runs here, alone, rather than wait.
                Prepare(1);
                ExecutePart(0);
            }
        }

        private void Prepare(int parts)
        {
            _partCount = parts;
            _chunkSize = Math.Max(1, _call.BatchSize / (parts * 8));
            _nextSample = 0;
        }

        private void EnsureParts(int parts)
        {
            if (_parts.Length >= parts)
            {
                return;
            }

            var grown = new Part[parts];
            _parts.CopyTo(grown, 0);
            for (int i = _parts.Length; i < parts; i++)
            {
                grown[i] = new Part(Kernel.CreateActivations(1), Kernel.CreateScratch());
            }

            _parts = grown;
        }

        private void ExecutePart(int index)
        {
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            ExecutePartCore(index);
            Interlocked.Add(ref _engine._allocatedBytesInParts, GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);
        }

        private void ExecutePartCore(int index)
        {
            Part part = _parts[index];
            ReadOnlySpan<float> parameters = _engine._parameters.Span;
            bool training = _call.Operation is Operation.Gradients or Operation.Backpropagate;
            if (training && part.PreparedStep != _step)
            {
                // The part's first phase of this training step.
                part.ClearGradients(Kernel.ParameterCount);
                Kernel.BeginTraining(parameters, part.Scratch);
                part.PreparedStep = _step;
            }

            int start;
            while ((start = Interlocked.Add(ref _nextSample, _chunkSize) - _chunkSize) < _call.BatchSize)
            {
                int end = Math.Min(start + _chunkSize, _call.BatchSize);
                for (int i = start; i < end; i++)
                {
                    RunSample(part, parameters, i);
                }
            }
        }

        private void RunSample(Part part, ReadOnlySpan<float> parameters, int i)
        {
            NetworkKernel<TActivations, TScratch> kernel = Kernel;
            int n = kernel.InputLength, m = kernel.OutputLength;
            var input = new ReadOnlySpan<float>(_call.Inputs + ((long)i * n), n);
            Span<float> inputGradient = _call.InputGradients == null ? default : new Span<float>(_call.InputGradients + ((long)i * n), n);
            var folded = new ReadOnlySpan<float>(_folded, kernel.FoldedLength);
            int predicted;
            ReadOnlySpan<float> target = default;
            if (_call.Loss is { } given)
            {
                int targetLength = given.TargetLength(m, kernel.OutputChannels);
                target = new ReadOnlySpan<float>(_call.Targets + ((long)i * targetLength), targetLength);
                if (_call.Operation == Operation.Evaluate)
                {
                    Span<float> output = part.LossOutput(m);
                    kernel.Predict(parameters, _folded == null ? default : folded, input, part.Activations, part.Scratch, output);
                    _losses[i] = given.Compute(output, target, part.LossGradient(m), kernel.OutputChannels);
                    given.Measure(output, target, kernel.OutputChannels, ref part.Metric.Sum, ref part.Metric.Count);
                    return;
                }
            }

            switch (_call.Operation)
            {
                case Operation.Evaluate:
                    _losses[i] = kernel.Evaluate(parameters, _folded == null ? default : folded, input, _call.Labels[i], part.Activations, part.Scratch, out predicted);
                    part.Correct += predicted == _call.Labels[i] ? 1 : 0;
                    return;
                case Operation.Predict:
                    kernel.Predict(parameters, _folded == null ? default : folded, input, part.Activations, part.Scratch, new Span<float>(_call.Outputs + ((long)i * m), m));
                    return;
                case Operation.Classify:
                    _call.Classes[i] = kernel.Classify(parameters, _folded == null ? default : folded, input, part.Activations, part.Scratch);
                    return;
            }

            var step = _call.Loss is null ? new TrainingStep(parameters, i, _engine._seed, _step) : new TrainingStep(parameters, i, _engine._seed, _step, _call.Loss, target, part.Metric);
            TActivations activations = _batch is not null && kernel.Segments > 1 ? _batch : part.Activations;
            bool backpropagate = _call.Operation == Operation.Backpropagate;
            ReadOnlySpan<float> outputGradient = backpropagate ? new ReadOnlySpan<float>(_call.OutputGradients + ((long)i * m), m) : default;
            int label = backpropagate || _call.Loss is not null ? -1 : _call.Labels[i];
            switch (_phase)
            {
                case Phase.Samples:
                case Phase.LastSegment:
                    float loss = kernel.TrainForward(_segment, step, input, label, outputGradient, activations, part.Scratch, part.Gradients, inputGradient, out predicted);
                    if (!backpropagate)
                    {
                        _losses[i] = loss;
                        part.Correct += predicted == label ? 1 : 0;
                    }

                    if (_call.Loss is not null && !float.IsFinite(loss))
                    {
                        _losses[i] = loss;
                    }

                    break;
                case Phase.SegmentForward:
                    kernel.TrainForward(_segment, step, input, label, default, activations, part.Scratch, part.Gradients, default, out _);
                    break;
                case Phase.SegmentBackward:
                    kernel.TrainBackward(_segment, step, input, activations, part.Scratch, part.Gradients, inputGradient);
                    break;
            }
        }
    }

    /// <summary>One thread's share of a job: its sample's activations and scratch, and its gradient accumulator
    /// (allocated on the first training call).</summary>
    private sealed class Part(TActivations activations, TScratch scratch)
    {
        private AlignedBuffer? _gradients;

        private float[]? _lossOutput;
        private float[]? _lossGradient;

        public TActivations Activations { get; } = activations;

        public TScratch Scratch { get; } = scratch;

        /// <summary>The running sum of a given loss's metric.</summary>
        public LossAccumulator Metric { get; } = new();

        /// <summary>A sample's output, for a given loss in inference (allocated on first use).</summary>
        public Span<float> LossOutput(int length) => (_lossOutput ??= new float[length]).AsSpan(0, length);

        /// <summary>Where a given loss writes the gradient Evaluate does not use.</summary>
        public Span<float> LossGradient(int length) => (_lossGradient ??= new float[length]).AsSpan(0, length);

        public Span<float> Gradients => _gradients!.Span;

        public int Correct { get; set; }

        /// <summary>The training step whose gradients the accumulator holds (0: none).</summary>
        public long PreparedStep { get; set; }

        public void ClearGradients(int length)
        {
            if (_gradients is null)
            {
                _gradients = new AlignedBuffer(length);
            }
            else
            {
                _gradients.Span.Clear();
            }
        }
    }
}

/// <summary>What the engine measures about itself, for tests: bytes allocated by the threads running batch
/// parts (each measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/> on its own thread), and the
/// single-sample workspaces created so far.</summary>
internal interface IBatchEngineDiagnostics
{
    long AllocatedBytesInParts { get; }

    int WorkspacesCreated { get; }
}
