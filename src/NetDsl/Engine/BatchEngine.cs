using System;
using System.ComponentModel;
using System.Threading;

namespace NetDsl.Engine;

/// <summary>
/// Runs a network's per-sample passes over a batch, data-parallel: one part per worker thread, each with its
/// own workspace and gradient accumulator (allocated once, on first use). Workers take small chunks of
/// samples from a shared counter until the batch is done, so a core that is slower (busy with other work)
/// does less instead of holding everyone up; the parts' gradients are then summed in part order. With one
/// thread the result is bit-for-bit repeatable; with more it equals the one-thread result up to float
/// summation order.
/// </summary>
/// <typeparam name="TWorkspace">The generated network's buffers for one sample.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed unsafe class BatchEngine<TWorkspace> : IParallelWork, IBatchEngineDiagnostics
    where TWorkspace : class
{
    private long _allocatedBytesInParts;

    private readonly NetworkKernel<TWorkspace> _kernel;
    private readonly WorkerPool _pool;
    private Part[] _parts = Array.Empty<Part>();
    private int _maxDegreeOfParallelism;

    // The current call, visible to the workers. Spans are pinned for its duration.
    private Operation _operation;
    private float* _parameters;
    private float* _inputs;
    private int* _labels;
    private float* _outputs;
    private float* _outputGradients;
    private float* _inputGradients;
    private int _batchSize;
    private int _partCount;
    private int _chunkSize;
    private int _nextSample;

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
    }

    private enum Operation
    {
        Gradients,
        Backpropagate,
        Evaluate,
        Predict,
    }

    /// <summary>How many threads a batch may use (default: one per processor). 1 makes training
    /// bit-for-bit repeatable.</summary>
    public int MaxDegreeOfParallelism
    {
        get => _maxDegreeOfParallelism;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _maxDegreeOfParallelism = Math.Min(value, _pool.ThreadCount);
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
        if (batch == 0)
        {
            gradients.Clear();
            return new BatchStatistics(0f, 0, 0);
        }

        fixed (float* p = parameters, x = inputs, dx = inputGradients)
        fixed (int* y = labels)
        {
            Start(Operation.Gradients, p, x, y, null, null, dx, batch);
        }

        ReduceGradients(gradients, 1f / batch);
        if (!inputGradients.IsEmpty)
        {
            // Input gradients are of the mean loss too, as a gradient tape over the batch mean would give.
            Kernels.VectorOps.Scale(inputGradients, 1f / batch);
        }

        return Statistics(batch);
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

        if (batch == 0)
        {
            gradients.Clear();
            return;
        }

        fixed (float* p = parameters, x = inputs, dy = outputGradients, dx = inputGradients)
        {
            Start(Operation.Backpropagate, p, x, null, null, dy, dx, batch);
        }

        ReduceGradients(gradients, 1f);
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

        fixed (float* p = parameters, x = inputs)
        fixed (int* y = labels)
        {
            Start(Operation.Evaluate, p, x, y, null, null, null, batch);
        }

        return Statistics(batch);
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

        fixed (float* p = parameters, x = inputs, y = outputs)
        {
            Start(Operation.Predict, p, x, null, y, null, null, batchSize);
        }
    }

    /// <inheritdoc/>
    long IBatchEngineDiagnostics.AllocatedBytesInParts => Interlocked.Read(ref _allocatedBytesInParts);

    /// <inheritdoc/>
    void IParallelWork.Execute(int part) => ExecutePart(part);

    private void Start(Operation operation, float* parameters, float* inputs, int* labels, float* outputs, float* outputGradients, float* inputGradients, int batch)
    {
        _operation = operation;
        _parameters = parameters;
        _inputs = inputs;
        _labels = labels;
        _outputs = outputs;
        _outputGradients = outputGradients;
        _inputGradients = inputGradients;
        _batchSize = batch;
        _partCount = Math.Min(_maxDegreeOfParallelism, batch);
        _chunkSize = Math.Max(1, batch / (_partCount * 8));
        _nextSample = 0;
        EnsureParts(_partCount);
        try
        {
            if (_partCount == 1)
            {
                ExecutePart(0);
            }
            else
            {
                _pool.Run(this, _partCount);
            }
        }
        finally
        {
            _parameters = _inputs = _outputs = _outputGradients = _inputGradients = null;
            _labels = null;
        }
    }

    private void ExecutePart(int index)
    {
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        ExecutePartCore(index);
        Interlocked.Add(ref _allocatedBytesInParts, GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);
    }

    private void ExecutePartCore(int index)
    {
        Part part = _parts[index];
        var parameters = new ReadOnlySpan<float>(_parameters, _kernel.ParameterCount);
        bool accumulates = _operation is Operation.Gradients or Operation.Backpropagate;
        if (accumulates)
        {
            part.Gradients.Clear();
            _kernel.BeginTraining(parameters, part.Workspace);
        }

        double loss = 0;
        int correct = 0;
        int start;
        while ((start = Interlocked.Add(ref _nextSample, _chunkSize) - _chunkSize) < _batchSize)
        {
            int end = Math.Min(start + _chunkSize, _batchSize);
            for (int i = start; i < end; i++)
            {
                RunSample(part, parameters, i, ref loss, ref correct);
            }
        }

        part.Loss = loss;
        part.Correct = correct;
    }

    private void RunSample(Part part, ReadOnlySpan<float> parameters, int i, ref double loss, ref int correct)
    {
        int n = _kernel.InputLength, m = _kernel.OutputLength;
        var input = new ReadOnlySpan<float>(_inputs + ((long)i * n), n);
        Span<float> inputGradient = _inputGradients == null ? default : new Span<float>(_inputGradients + ((long)i * n), n);
        int predicted;
        switch (_operation)
        {
            case Operation.Gradients:
                loss += _kernel.AccumulateGradients(parameters, input, _labels[i], part.Workspace, part.Gradients, inputGradient, out predicted);
                correct += predicted == _labels[i] ? 1 : 0;
                break;
            case Operation.Backpropagate:
                var outputGradient = new ReadOnlySpan<float>(_outputGradients + ((long)i * m), m);
                _kernel.Backpropagate(parameters, input, outputGradient, part.Workspace, part.Gradients, inputGradient);
                break;
            case Operation.Evaluate:
                loss += _kernel.Evaluate(parameters, input, _labels[i], part.Workspace, out predicted);
                correct += predicted == _labels[i] ? 1 : 0;
                break;
            case Operation.Predict:
                _kernel.Predict(parameters, input, part.Workspace, new Span<float>(_outputs + ((long)i * m), m));
                break;
        }
    }

    private void ReduceGradients(Span<float> gradients, float scale)
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

    private BatchStatistics Statistics(int batch)
    {
        double loss = 0;
        int correct = 0;
        for (int p = 0; p < _partCount; p++)
        {
            loss += _parts[p].Loss;
            correct += _parts[p].Correct;
        }

        return new BatchStatistics((float)(loss / batch), correct, batch);
    }

    private void EnsureParts(int count)
    {
        if (_parts.Length >= count)
        {
            return;
        }

        var parts = new Part[count];
        _parts.CopyTo(parts, 0);
        for (int i = _parts.Length; i < count; i++)
        {
            parts[i] = new Part(_kernel.CreateWorkspace(), new AlignedBuffer(_kernel.ParameterCount));
        }

        _parts = parts;
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

    private sealed class Part
    {
        private readonly AlignedBuffer _gradients;

        public Part(TWorkspace workspace, AlignedBuffer gradients)
        {
            Workspace = workspace;
            _gradients = gradients;
        }

        public TWorkspace Workspace { get; }

        public Span<float> Gradients => _gradients.Span;

        public double Loss { get; set; }

        public int Correct { get; set; }
    }
}

/// <summary>What the engine measures about itself, for tests: bytes allocated by the threads running batch
/// parts (each measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/> on its own thread).</summary>
internal interface IBatchEngineDiagnostics
{
    long AllocatedBytesInParts { get; }
}
