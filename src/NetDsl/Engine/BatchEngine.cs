using System;
using System.ComponentModel;
using System.Threading;

namespace NetDsl.Engine;

/// <summary>
/// Runs a network's per-sample passes, one sample or a batch, and makes one network safe to share between
/// threads. Every call works in buffers of its own: a single-sample call rents a workspace, a batch call rents a
/// job (its parts' workspaces and gradient accumulators); both are pooled, so once as many exist as threads use
/// them at once, calls allocate nothing. <see cref="Gate"/> keeps calls that change the network apart from the
/// others (see <see cref="NetworkGate"/>).
/// </summary>
/// <remarks>
/// A batch runs data-parallel: one part per worker thread, each taking small chunks of samples from a shared
/// counter until the batch is done, so a core that is slower (busy with other work) does less instead of
/// holding everyone up; the parts' gradients are then summed in part order. With one thread the result is
/// bit-for-bit repeatable; with more it equals the one-thread result up to float summation order. Losses are
/// summed per sample in sample order, so the loss of <see cref="Evaluate"/> is the same for any thread count. An
/// inference batch that finds the worker pool busy (another thread's batch) runs on its calling thread alone
/// rather than wait.
/// </remarks>
/// <typeparam name="TWorkspace">The generated network's buffers for one sample.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed unsafe class BatchEngine<TWorkspace> : IBatchEngineDiagnostics
    where TWorkspace : class
{
    private readonly NetworkKernel<TWorkspace> _kernel;
    private readonly WorkerPool _pool;
    private readonly ObjectPool<TWorkspace> _workspaces;
    private readonly ObjectPool<Job> _jobs;
    private int _maxDegreeOfParallelism;
    private long _allocatedBytesInParts;

    /// <summary>An engine for <paramref name="kernel"/> on the shared worker pool.</summary>
    public BatchEngine(NetworkKernel<TWorkspace> kernel)
        : this(kernel, WorkerPool.Shared)
    {
    }

    /// <summary>An engine for <paramref name="kernel"/> on <paramref name="pool"/>.</summary>
    public BatchEngine(NetworkKernel<TWorkspace> kernel, WorkerPool pool)
    {
        _kernel = kernel ?? throw new ArgumentNullException(nameof(kernel));
        _pool = pool ?? throw new ArgumentNullException(nameof(pool));
        _maxDegreeOfParallelism = pool.ThreadCount;
        Gate = new NetworkGate(kernel.NetworkName);
        int capacity = Math.Max(4, 2 * Environment.ProcessorCount);
        _workspaces = new ObjectPool<TWorkspace>(kernel.CreateWorkspace, capacity);
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

    /// <summary>Keeps the operations that change the network apart from the others.</summary>
    public NetworkGate Gate { get; }

    /// <summary>How many threads a batch may use (default: one per processor). 1 makes training
    /// bit-for-bit repeatable.</summary>
    public int MaxDegreeOfParallelism
    {
        get => Volatile.Read(ref _maxDegreeOfParallelism);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            Volatile.Write(ref _maxDegreeOfParallelism, Math.Min(value, _pool.ThreadCount));
        }
    }

    /// <summary>Inference of one sample.</summary>
    public void Predict(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> output)
    {
        CheckParameters(parameters.Length);
        NetworkGuard.CheckLength(input.Length, _kernel.InputLength, nameof(input));
        NetworkGuard.CheckLength(output.Length, _kernel.OutputLength, nameof(output));
        using NetworkGate.Scope scope = Gate.EnterShared("Predict");
        TWorkspace workspace = _workspaces.Rent();
        try
        {
            _kernel.Predict(parameters, input, workspace, output);
        }
        finally
        {
            _workspaces.Return(workspace);
        }
    }

    /// <summary>The predicted class of one sample.</summary>
    public int Classify(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input)
    {
        CheckParameters(parameters.Length);
        NetworkGuard.CheckLength(input.Length, _kernel.InputLength, nameof(input));
        using NetworkGate.Scope scope = Gate.EnterShared("Classify");
        TWorkspace workspace = _workspaces.Rent();
        try
        {
            return _kernel.Classify(parameters, input, workspace);
        }
        finally
        {
            _workspaces.Return(workspace);
        }
    }

    /// <summary>The predicted class of each of <c>classes.Length</c> samples, on all cores.</summary>
    public void Classify(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, Span<int> classes)
    {
        CheckParameters(parameters.Length);
        NetworkGuard.CheckBatch(inputs.Length, classes.Length, _kernel.InputLength, nameof(inputs));
        if (classes.IsEmpty)
        {
            return;
        }

        using NetworkGate.Scope scope = Gate.EnterShared("Classify");
        fixed (float* p = parameters, x = inputs)
        fixed (int* c = classes)
        {
            Run(new Call(Operation.Classify, p, x, classes.Length) { Classes = c }, exclusive: false);
        }
    }

    /// <summary>Inference over a batch, one sample after another in <paramref name="outputs"/>.</summary>
    public void Predict(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize)
    {
        CheckParameters(parameters.Length);
        NetworkGuard.CheckBatch(inputs.Length, batchSize, _kernel.InputLength, nameof(inputs));
        NetworkGuard.CheckBatch(outputs.Length, batchSize, _kernel.OutputLength, nameof(outputs));
        if (batchSize == 0)
        {
            return;
        }

        using NetworkGate.Scope scope = Gate.EnterShared("Predict");
        fixed (float* p = parameters, x = inputs, y = outputs)
        {
            Run(new Call(Operation.Predict, p, x, batchSize) { Outputs = y }, exclusive: false);
        }
    }

    /// <summary>Mean loss, accuracy and mean parameter gradients of a batch (see the generated
    /// <c>ComputeGradients</c>).</summary>
    public BatchStatistics ComputeGradients(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, Span<float> gradients, Span<float> inputGradients)
    {
        int batch = labels.Length;
        CheckParameters(parameters.Length);
        NetworkGuard.CheckBatch(inputs.Length, batch, _kernel.InputLength, nameof(inputs));
        NetworkGuard.CheckLength(gradients.Length, _kernel.ParameterCount, nameof(gradients));
        if (!inputGradients.IsEmpty)
        {
            NetworkGuard.CheckBatch(inputGradients.Length, batch, _kernel.InputLength, nameof(inputGradients));
        }

        CheckLabels(labels);
        using NetworkGate.Scope scope = Gate.EnterExclusive("ComputeGradients");
        if (batch == 0)
        {
            gradients.Clear();
            return new BatchStatistics(0f, 0, 0);
        }

        fixed (float* p = parameters, x = inputs, dx = inputGradients)
        fixed (int* y = labels)
        {
            var call = new Call(Operation.Gradients, p, x, batch) { Labels = y, InputGradients = dx };
            BatchStatistics statistics = Run(call, exclusive: true, gradients, 1f / batch);
            if (!inputGradients.IsEmpty)
            {
                // Input gradients are of the mean loss too, as a gradient tape over the batch mean would give.
                Kernels.VectorOps.Scale(inputGradients, 1f / batch);
            }

            return statistics;
        }
    }

    /// <summary>Sum over the batch of the parameter gradients for given output gradients (see the generated
    /// <c>Backpropagate</c>).</summary>
    public void Backpropagate(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> outputGradients, Span<float> gradients, Span<float> inputGradients)
    {
        CheckParameters(parameters.Length);
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

        using NetworkGate.Scope scope = Gate.EnterExclusive("Backpropagate");
        if (batch == 0)
        {
            gradients.Clear();
            return;
        }

        fixed (float* p = parameters, x = inputs, dy = outputGradients, dx = inputGradients)
        {
            Run(new Call(Operation.Backpropagate, p, x, batch) { OutputGradients = dy, InputGradients = dx }, exclusive: true, gradients, 1f);
        }
    }

    /// <summary>Mean loss and accuracy of a batch in inference mode.</summary>
    public BatchStatistics Evaluate(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
    {
        int batch = labels.Length;
        CheckParameters(parameters.Length);
        NetworkGuard.CheckBatch(inputs.Length, batch, _kernel.InputLength, nameof(inputs));
        CheckLabels(labels);
        if (batch == 0)
        {
            return new BatchStatistics(0f, 0, 0);
        }

        using NetworkGate.Scope scope = Gate.EnterShared("Evaluate");
        fixed (float* p = parameters, x = inputs)
        fixed (int* y = labels)
        {
            return Run(new Call(Operation.Evaluate, p, x, batch) { Labels = y }, exclusive: false);
        }
    }

    /// <inheritdoc/>
    long IBatchEngineDiagnostics.AllocatedBytesInParts => Interlocked.Read(ref _allocatedBytesInParts);

    /// <inheritdoc/>
    int IBatchEngineDiagnostics.WorkspacesCreated => _workspaces.Created;

    /// <summary>Runs <paramref name="call"/> on a rented job; for gradients, writes the parts' sum times
    /// <paramref name="scale"/> to <paramref name="gradients"/>.</summary>
    private BatchStatistics Run(in Call call, bool exclusive, Span<float> gradients = default, float scale = 1f)
    {
        Job job = _jobs.Rent();
        try
        {
            BatchStatistics statistics = job.Run(call, exclusive);
            if (call.Operation is Operation.Gradients or Operation.Backpropagate)
            {
                job.ReduceGradients(gradients, scale);
            }

            return statistics;
        }
        finally
        {
            _jobs.Return(job);
        }
    }

    private void CheckParameters(int length)
    {
        if (length != _kernel.ParameterCount)
        {
            throw new ArgumentException($"{_kernel.NetworkName} has {_kernel.ParameterCount} parameters, but the buffer has {length}.", "parameters");
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
        public Call(Operation operation, float* parameters, float* inputs, int batchSize)
        {
            Operation = operation;
            Parameters = parameters;
            Inputs = inputs;
            BatchSize = batchSize;
        }

        public Operation Operation { get; }

        public float* Parameters { get; }

        public float* Inputs { get; }

        public int BatchSize { get; }

        public int* Labels { get; init; }

        public int* Classes { get; init; }

        public float* Outputs { get; init; }

        public float* OutputGradients { get; init; }

        public float* InputGradients { get; init; }
    }

    /// <summary>
    /// The buffers of one batch call: a part per thread (workspace, gradient accumulator) and a loss per sample.
    /// Pooled by the engine, so concurrent calls never share one.
    /// </summary>
    private sealed class Job : IParallelWork
    {
        private readonly BatchEngine<TWorkspace> _engine;
        private Part[] _parts = Array.Empty<Part>();
        private double[] _losses = Array.Empty<double>();
        private Call _call;
        private int _partCount;
        private int _chunkSize;
        private int _nextSample;

        public Job(BatchEngine<TWorkspace> engine)
        {
            _engine = engine;
        }

        public BatchStatistics Run(in Call call, bool exclusive)
        {
            _call = call;
            int batch = call.BatchSize;
            bool measuresLoss = call.Operation is Operation.Gradients or Operation.Evaluate;
            if (measuresLoss && _losses.Length < batch)
            {
                _losses = new double[batch];
            }

            int parts = Math.Min(_engine.MaxDegreeOfParallelism, batch);
            Prepare(parts);
            try
            {
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
            finally
            {
                _call = default;
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
            for (int p = 0; p < _partCount; p++)
            {
                correct += _parts[p].Correct;
            }

            return new BatchStatistics((float)(loss / batch), correct, batch);
        }

        public void ReduceGradients(Span<float> gradients, float scale)
        {
            _parts[0].Gradients.CopyTo(gradients);
            for (int p = 1; p < _partCount; p++)
            {
                Kernels.VectorOps.Add(_parts[p].Gradients, gradients);
            }

            if (scale != 1f)
            {
                Kernels.VectorOps.Scale(gradients, scale);
            }
        }

        void IParallelWork.Execute(int part) => ExecutePart(part);

        private void Prepare(int parts)
        {
            _partCount = parts;
            _chunkSize = Math.Max(1, _call.BatchSize / (parts * 8));
            _nextSample = 0;
            if (_parts.Length < parts)
            {
                var grown = new Part[parts];
                _parts.CopyTo(grown, 0);
                for (int i = _parts.Length; i < parts; i++)
                {
                    grown[i] = new Part(_engine._kernel.CreateWorkspace());
                }

                _parts = grown;
            }
        }

        private void ExecutePart(int index)
        {
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            ExecutePartCore(index);
            Interlocked.Add(ref _engine._allocatedBytesInParts, GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);
        }

        private void ExecutePartCore(int index)
        {
            NetworkKernel<TWorkspace> kernel = _engine._kernel;
            Part part = _parts[index];
            var parameters = new ReadOnlySpan<float>(_call.Parameters, kernel.ParameterCount);
            if (_call.Operation is Operation.Gradients or Operation.Backpropagate)
            {
                part.ClearGradients(kernel.ParameterCount);
                kernel.BeginTraining(parameters, part.Workspace);
            }

            part.Correct = 0;
            int start;
            while ((start = Interlocked.Add(ref _nextSample, _chunkSize) - _chunkSize) < _call.BatchSize)
            {
                int end = Math.Min(start + _chunkSize, _call.BatchSize);
                for (int i = start; i < end; i++)
                {
                    RunSample(kernel, part, parameters, i);
                }
            }
        }

        private void RunSample(NetworkKernel<TWorkspace> kernel, Part part, ReadOnlySpan<float> parameters, int i)
        {
            int n = kernel.InputLength, m = kernel.OutputLength;
            var input = new ReadOnlySpan<float>(_call.Inputs + ((long)i * n), n);
            Span<float> inputGradient = _call.InputGradients == null ? default : new Span<float>(_call.InputGradients + ((long)i * n), n);
            int predicted;
            switch (_call.Operation)
            {
                case Operation.Gradients:
                    _losses[i] = kernel.AccumulateGradients(parameters, input, _call.Labels[i], part.Workspace, part.Gradients, inputGradient, out predicted);
                    part.Correct += predicted == _call.Labels[i] ? 1 : 0;
                    break;
                case Operation.Backpropagate:
                    var outputGradient = new ReadOnlySpan<float>(_call.OutputGradients + ((long)i * m), m);
                    kernel.Backpropagate(parameters, input, outputGradient, part.Workspace, part.Gradients, inputGradient);
                    break;
                case Operation.Evaluate:
                    _losses[i] = kernel.Evaluate(parameters, input, _call.Labels[i], part.Workspace, out predicted);
                    part.Correct += predicted == _call.Labels[i] ? 1 : 0;
                    break;
                case Operation.Predict:
                    kernel.Predict(parameters, input, part.Workspace, new Span<float>(_call.Outputs + ((long)i * m), m));
                    break;
                case Operation.Classify:
                    _call.Classes[i] = kernel.Classify(parameters, input, part.Workspace);
                    break;
            }
        }
    }

    /// <summary>One thread's share of a job: its workspace, and its gradient accumulator (allocated on the
    /// first training call).</summary>
    private sealed class Part
    {
        private AlignedBuffer? _gradients;

        public Part(TWorkspace workspace)
        {
            Workspace = workspace;
        }

        public TWorkspace Workspace { get; }

        public Span<float> Gradients => _gradients!.Span;

        public int Correct { get; set; }

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
