using System;
using System.Collections.Generic;
using NetDsl.Engine;

namespace NetDsl.Training;

/// <summary>
/// Updates a flat parameter buffer in place from its gradients, one training step per <see cref="Step(Span{float}, ReadOnlySpan{float})"/>.
/// The per-parameter state (momentum, moments) is sized on the first step and reused by every later step,
/// so a step allocates nothing; the buffer must keep that length until <see cref="Reset"/>. Not thread-safe.
/// </summary>
/// <remarks>
/// Every optimizer also has Keras's common options: <see cref="WeightDecay"/> (decoupled, as Keras 3 applies it:
/// <c>w -= w * weightDecay * learningRate</c> before the update), and gradient clipping by the norm of each
/// tensor (<see cref="ClipNorm"/>, Keras <c>clipnorm</c>) or of all of them together (<see cref="GlobalClipNorm"/>,
/// <c>global_clipnorm</c>). <see cref="Step(INetwork, ReadOnlySpan{float})"/> updates only the network's
/// trainable tensors (never BatchNormalization's moving statistics) and clips tensor by tensor; the span overload
/// sees one tensor, and updates all of it.
/// </remarks>
public abstract class Optimizer
{
    /// <summary>Below this many parameters a step runs on the calling thread: waking the pool costs more.</summary>
    private const int ParallelThreshold = 32 * 1024;

    private float _learningRate;
    private LearningRateSchedule? _schedule;
    private float _weightDecay;
    private float? _clipNorm;
    private float? _globalClipNorm;
    private float[]? _clipped;
    private float[]? _kept;
    private IReadOnlyList<ParameterTensor>? _rangesLayout;
    private (int Offset, int Length)[] _ranges = Array.Empty<(int, int)>();
    private int _parameterCount = -1;
    private int _maxDegreeOfParallelism; // 0: one per processor
    private PartedUpdate? _partedUpdate;

    /// <summary>Starts an optimizer with no state and no steps taken.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is not a finite positive number.</exception>
    protected Optimizer(float learningRate)
    {
        CheckLearningRate(learningRate, nameof(learningRate));
        _learningRate = learningRate;
    }

    /// <summary>Step size; can be changed between steps (e.g. by a callback). Must be finite and positive. With a
    /// <see cref="LearningRateSchedule"/>, the rate the schedule gives the next step, and not settable (as in Keras).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a finite positive number.</exception>
    /// <exception cref="InvalidOperationException">Set while <see cref="LearningRateSchedule"/> is set.</exception>
    public float LearningRate
    {
        get => _learningRate;
        set
        {
            if (_schedule is not null)
            {
                throw new InvalidOperationException($"This optimizer's learning rate follows its {_schedule.GetType().Name} (LearningRateSchedule), so it cannot be set: set LearningRateSchedule to null first, or change the schedule.");
            }

            CheckLearningRate(value, nameof(value));
            _learningRate = value;
        }
    }

    /// <summary>
    /// The schedule that sets the learning rate of every step (Keras: an optimizer built with a
    /// <c>LearningRateSchedule</c> as its <c>learning_rate</c>); default null: <see cref="LearningRate"/> is used as
    /// set. Step <c>k</c> (0-based, <see cref="Iterations"/> before the step) uses <c>GetLearningRate(k)</c>.
    /// Setting it back to null keeps the last scheduled rate.
    /// </summary>
    public LearningRateSchedule? LearningRateSchedule
    {
        get => _schedule;
        set
        {
            if (value is not null)
            {
                _learningRate = Scheduled(value, Iterations);
            }

            _schedule = value;
        }
    }

    /// <summary>
    /// How many threads a step may use for a large buffer (default: one per processor); a step runs on several
    /// only right after a data-parallel batch. The update rules are elementwise, so the result is the same,
    /// bit for bit, for any value.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxDegreeOfParallelism
    {
        get => _maxDegreeOfParallelism > 0 ? _maxDegreeOfParallelism : WorkerPool.Shared.ThreadCount;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _maxDegreeOfParallelism = Math.Min(value, WorkerPool.Shared.ThreadCount);
        }
    }

    /// <summary>
    /// Decoupled weight decay (default 0: none): each step first multiplies every trainable parameter by
    /// <c>1 - weightDecay * learningRate</c>, as Keras 3 does for every optimizer.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or not finite.</exception>
    public float WeightDecay
    {
        get => _weightDecay;
        set
        {
            if (!(value >= 0f) || !float.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The weight decay must be a finite number of at least 0.");
            }

            _weightDecay = value;
        }
    }

    /// <summary>
    /// Clips each tensor's gradient to this L2 norm (Keras <c>clipnorm</c>; default null: no clipping). With the
    /// span overload of <c>Step</c> the whole buffer is one tensor.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a finite positive number.</exception>
    /// <exception cref="InvalidOperationException"><see cref="GlobalClipNorm"/> is set too (Keras allows one of them).</exception>
    public float? ClipNorm
    {
        get => _clipNorm;
        set
        {
            CheckClip(value, nameof(value), _globalClipNorm, nameof(GlobalClipNorm));
            _clipNorm = value;
        }
    }

    /// <summary>
    /// Clips the gradients of all trainable tensors together to this L2 norm (Keras <c>global_clipnorm</c>;
    /// default null: no clipping).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a finite positive number.</exception>
    /// <exception cref="InvalidOperationException"><see cref="ClipNorm"/> is set too (Keras allows one of them).</exception>
    public float? GlobalClipNorm
    {
        get => _globalClipNorm;
        set
        {
            CheckClip(value, nameof(value), _clipNorm, nameof(ClipNorm));
            _globalClipNorm = value;
        }
    }

    /// <summary>Number of <see cref="Step(Span{float}, ReadOnlySpan{float})"/> calls since construction or the last <see cref="Reset"/>.</summary>
    public long Iterations { get; private set; }

    /// <summary>
    /// Applies one update to <paramref name="parameters"/> in place, using <paramref name="gradients"/> (the
    /// gradient of the loss with respect to each parameter, same order and length).
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length, or the length differs from the one
    /// the optimizer's state was sized for on the first step (call <see cref="Reset"/> to change it).</exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients) => StepCore(parameters, gradients, layout: null);

    private void StepCore(Span<float> parameters, ReadOnlySpan<float> gradients, IReadOnlyList<ParameterTensor>? layout)
    {
        if (_schedule is null)
        {
            UpdateCore(parameters, gradients, layout);
            return;
        }

        // The step uses the schedule's rate at its 0-based index; afterwards LearningRate shows the next step's.
        _learningRate = Scheduled(_schedule, Iterations);
        UpdateCore(parameters, gradients, layout);
        _learningRate = Scheduled(_schedule, Iterations);
    }

    private static float Scheduled(LearningRateSchedule schedule, long step)
    {
        float rate = schedule.GetLearningRate(step);
        if (!(rate >= 0f) || !float.IsFinite(rate))
        {
            throw new InvalidOperationException($"{schedule.GetType().Name} gave the learning rate {rate} for step {step}; a learning rate must be a finite number of at least 0.");
        }

        return rate;
    }

    private void UpdateCore(Span<float> parameters, ReadOnlySpan<float> gradients, IReadOnlyList<ParameterTensor>? layout)
    {
        if (parameters.Length != gradients.Length)
        {
            throw new ArgumentException($"Expected one gradient per parameter, but there are {parameters.Length} parameters and {gradients.Length} gradients.", nameof(gradients));
        }

        if (_parameterCount < 0)
        {
            InitializeState(parameters.Length);
            _parameterCount = parameters.Length;
        }
        else if (parameters.Length != _parameterCount)
        {
            throw new ArgumentException($"This optimizer's state holds {_parameterCount} parameters, but '{nameof(parameters)}' has length {parameters.Length}. Call {nameof(Reset)}() before using it with a different parameter buffer.", nameof(parameters));
        }

        Iterations++;
        ReadOnlySpan<(int Offset, int Length)> ranges = TrainableRanges(layout, parameters.Length);
        gradients = Clip(gradients, layout, ranges);
        if (_weightDecay > 0f)
        {
            float keep = 1f - (_weightDecay * _learningRate);
            foreach ((int offset, int length) in ranges)
            {
                Kernels.VectorOps.Scale(parameters.Slice(offset, length), keep);
            }
        }

        if (ranges.Length == 1 && ranges[0].Length == parameters.Length)
        {
            UpdateSlice(parameters, gradients, 0);
            return;
        }

        if (!UpdatesRanges)
        {
            // The subclass updates whole buffers only: put the non-trainable values back afterwards.
            if (_kept?.Length != parameters.Length)
            {
                _kept = new float[parameters.Length];
            }

            float[] kept = _kept;
            parameters.CopyTo(kept);
            Update(parameters, gradients);
            int end = 0;
            foreach ((int offset, int length) in ranges)
            {
                kept.AsSpan(end, offset - end).CopyTo(parameters.Slice(end, offset - end));
                end = offset + length;
            }

            kept.AsSpan(end).CopyTo(parameters.Slice(end));
            return;
        }

        foreach ((int offset, int length) in ranges)
        {
            UpdateSlice(parameters.Slice(offset, length), gradients.Slice(offset, length), offset);
        }
    }

    /// <summary>Updates one trainable slice, split between the pool's warm threads when it is large.</summary>
    private void UpdateSlice(Span<float> parameters, ReadOnlySpan<float> gradients, int offset)
    {
        if (UpdatesRanges && parameters.Length >= ParallelThreshold && _maxDegreeOfParallelism != 1)
        {
            // Right after a data-parallel batch, while the pool's threads still spin, each updates one slice.
            // Threads asleep are left so (after a one-thread batch, say): waking one costs more than the step;
            // and if the pool is busy with another network's batch, the step runs here rather than wait.
            int threads = Math.Min(MaxDegreeOfParallelism, WorkerPool.Shared.WarmThreads);
            if (threads > 1 && (_partedUpdate ??= new PartedUpdate(this)).TryRun(parameters, gradients, offset, threads))
            {
                SplitSteps++;
                return;
            }
        }

        if (offset == 0 && parameters.Length == _parameterCount)
        {
            Update(parameters, gradients);
        }
        else
        {
            UpdateRange(parameters, gradients, offset);
        }
    }

    /// <summary>The trainable parts of the buffer as (offset, length), adjacent tensors merged: the whole buffer
    /// without a layout.</summary>
    private ReadOnlySpan<(int Offset, int Length)> TrainableRanges(IReadOnlyList<ParameterTensor>? layout, int length)
    {
        if (layout is null)
        {
            if (_ranges.Length != 1 || _ranges[0] != (0, length) || _rangesLayout is not null)
            {
                _ranges = [(0, length)];
                _rangesLayout = null;
            }

            return _ranges;
        }

        if (!ReferenceEquals(layout, _rangesLayout))
        {
            var tensors = new List<ParameterTensor>(layout);
            tensors.Sort((a, b) => a.Offset.CompareTo(b.Offset));
            var ranges = new List<(int Offset, int Length)>();
            foreach (ParameterTensor tensor in tensors)
            {
                if (!tensor.Trainable || tensor.Length == 0)
                {
                    continue;
                }

                if (ranges.Count > 0 && ranges[^1].Offset + ranges[^1].Length == tensor.Offset)
                {
                    ranges[^1] = (ranges[^1].Offset, ranges[^1].Length + tensor.Length);
                }
                else
                {
                    ranges.Add((tensor.Offset, tensor.Length));
                }
            }

            _ranges = ranges.ToArray();
            _rangesLayout = layout;
        }

        return _ranges;
    }

    /// <summary>The gradients clipped by <see cref="ClipNorm"/> or <see cref="GlobalClipNorm"/> (a copy), or as given.</summary>
    private ReadOnlySpan<float> Clip(ReadOnlySpan<float> gradients, IReadOnlyList<ParameterTensor>? layout, ReadOnlySpan<(int Offset, int Length)> ranges)
    {
        if (_clipNorm is null && _globalClipNorm is null)
        {
            return gradients;
        }

        if (_clipped is null || _clipped.Length != gradients.Length)
        {
            _clipped = new float[gradients.Length];
        }

        gradients.CopyTo(_clipped);
        if (_globalClipNorm is float globalClip)
        {
            double squares = 0;
            foreach ((int offset, int length) in ranges)
            {
                ReadOnlySpan<float> g = gradients.Slice(offset, length);
                squares += Kernels.VectorOps.Dot(g, g);
            }

            float norm = (float)Math.Sqrt(squares);
            if (norm > globalClip)
            {
                Kernels.VectorOps.Scale(_clipped, globalClip / norm);
            }

            return _clipped;
        }

        float clip = _clipNorm!.Value;
        if (layout is null)
        {
            ClipTensor(_clipped, clip);
        }
        else
        {
            foreach (ParameterTensor tensor in layout)
            {
                if (tensor.Trainable)
                {
                    ClipTensor(tensor.Slice(_clipped.AsSpan()), clip);
                }
            }
        }

        return _clipped;

        static void ClipTensor(Span<float> g, float clip)
        {
            float norm = MathF.Sqrt(Kernels.VectorOps.Dot(g, g));
            if (norm > clip)
            {
                Kernels.VectorOps.Scale(g, clip / norm);
            }
        }
    }

    /// <summary>
    /// Applies one update to <paramref name="network"/>'s parameters, holding the network exclusively (see
    /// <see cref="NetworkGate"/>), so predictions on other threads never see a half-updated network.
    /// </summary>
    /// <exception cref="ArgumentException">The gradients do not match the parameters.</exception>
    /// <exception cref="InvalidOperationException">Another thread is training the network with <c>Fit</c>.</exception>
    public void Step(INetwork network, ReadOnlySpan<float> gradients)
    {
        ArgumentNullException.ThrowIfNull(network);
        using NetworkGate.Scope scope = network.Gate.EnterExclusive("optimizer step");
        StepCore(network.Parameters, gradients, network.ParameterLayout);
    }

    /// <summary>Steps that ran split between threads (for tests).</summary>
    internal long SplitSteps { get; private set; }

    /// <summary>
    /// Forgets all state: the step count returns to 0, momentum and moments to zero, and the next
    /// <see cref="Step(Span{float}, ReadOnlySpan{float})"/> may use a different length. <see cref="LearningRate"/> is kept (with a schedule: the schedule's rate of step 0).
    /// </summary>
    public virtual void Reset()
    {
        Iterations = 0;
        _parameterCount = -1;
        if (_schedule is not null)
        {
            _learningRate = Scheduled(_schedule, 0);
        }
    }

    /// <summary>
    /// Called on the first <see cref="Step(Span{float}, ReadOnlySpan{float})"/> after construction or <see cref="Reset"/>: sizes the state for
    /// <paramref name="parameterCount"/> parameters and sets it to its initial value. State buffers of the
    /// right length may be cleared and reused instead of allocated again. The default does nothing.
    /// </summary>
    protected virtual void InitializeState(int parameterCount)
    {
    }

    /// <summary>
    /// Applies the update rule. The lengths are already checked, the state is initialised, and
    /// <see cref="Iterations"/> already counts this step (1 on the first).
    /// </summary>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <summary>
    /// Whether <see cref="UpdateRange"/> is implemented, so a step over a large buffer can be split between
    /// threads. The default is false: <see cref="Update"/> then always gets the whole buffer.
    /// </summary>
    protected virtual bool UpdatesRanges => false;

    /// <summary>
    /// Applies the update rule to the slice of the buffer that starts at index <paramref name="offset"/>
    /// (<paramref name="parameters"/> and <paramref name="gradients"/> are that slice). Called from several
    /// threads at once, on disjoint slices, when <see cref="UpdatesRanges"/> is true.
    /// </summary>
    protected virtual void UpdateRange(Span<float> parameters, ReadOnlySpan<float> gradients, int offset) =>
        throw new NotSupportedException($"{GetType().Name} does not update ranges; {nameof(UpdatesRanges)} must be false.");

    /// <summary>Returns <paramref name="buffer"/> cleared if it has <paramref name="length"/> values, else a new zeroed array.</summary>
    private protected static float[] ClearedState(float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length != length)
        {
            return new float[length];
        }

        Array.Clear(buffer);
        return buffer;
    }

    /// <summary>A step split into slices on the shared worker pool; allocated once, then reused.</summary>
    private sealed unsafe class PartedUpdate(Optimizer optimizer) : IParallelWork
    {
        private float* _parameters;
        private float* _gradients;
        private int _baseOffset;
        private int _length;
        private int _sliceLength;

        public bool TryRun(Span<float> parameters, ReadOnlySpan<float> gradients, int baseOffset, int parts)
        {
            fixed (float* p = parameters, g = gradients)
            {
                _parameters = p;
                _gradients = g;
                _baseOffset = baseOffset;
                _length = parameters.Length;
                // Slices of a multiple of 16 floats (64 bytes), so each value takes the same SIMD width (and
                // gets the same result) as in a one-thread step; no more slices than threads.
                _sliceLength = (((_length + parts - 1) / parts) + 15) & ~15;
                try
                {
                    return WorkerPool.Shared.TryRun(this, (_length + _sliceLength - 1) / _sliceLength);
                }
                finally
                {
                    _parameters = _gradients = null;
                }
            }
        }

        void IParallelWork.Execute(int part)
        {
            int offset = part * _sliceLength;
            int length = Math.Min(_sliceLength, _length - offset);
            optimizer.UpdateRange(new Span<float>(_parameters + offset, length), new ReadOnlySpan<float>(_gradients + offset, length), _baseOffset + offset);
        }
    }

    private static void CheckClip(float? value, string parameterName, float? other, string otherName)
    {
        if (value is float v && (!(v > 0f) || !float.IsFinite(v)))
        {
            throw new ArgumentOutOfRangeException(parameterName, v, "A clipping norm must be a finite number greater than 0.");
        }

        if (value is not null && other is not null)
        {
            throw new InvalidOperationException($"Set one of ClipNorm and GlobalClipNorm, not both (as Keras); {otherName} is already {other}.");
        }
    }

    private static void CheckLearningRate(float value, string parameterName)
    {
        if (!(value > 0f) || !float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(parameterName, value, "The learning rate must be a finite number greater than 0.");
        }
    }
}
