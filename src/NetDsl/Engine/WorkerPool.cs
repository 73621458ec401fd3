using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace NetDsl.Engine;

/// <summary>One unit of parallel work, split into numbered parts that may run on any thread.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IParallelWork
{
    /// <summary>Runs part <paramref name="part"/>. Parts must not depend on which thread runs them.</summary>
    void Execute(int part);
}

/// <summary>
/// A small pool of dedicated background threads for data-parallel batches. <see cref="Run"/> hands out parts
/// to the pool's threads and the calling thread, and returns when all are done. It allocates nothing per
/// call, so training steps stay allocation-free. Runs on the same pool are serialised; work must not call
/// <see cref="Run"/> from inside a part.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class WorkerPool : IDisposable
{
    private readonly object _runLock = new();
    private readonly Signal _done = new();
    private readonly Signal[] _start;
    private readonly Thread[] _threads;
    private IParallelWork? _work;
    private int _parts;
    private int _nextPart;
    private int _pending;
    private readonly long[] _idleSince;
    private ExceptionDispatchInfo? _error;
    private volatile bool _disposed;

    /// <summary>A pool using <paramref name="threadCount"/> threads in all (the caller counts as one).</summary>
    public WorkerPool(int threadCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threadCount);
        ThreadCount = threadCount;
        _start = new Signal[threadCount - 1];
        _threads = new Thread[threadCount - 1];
        _idleSince = new long[threadCount - 1];
        Array.Fill(_idleSince, long.MinValue / 2);
        for (int i = 0; i < _threads.Length; i++)
        {
            _start[i] = new Signal();
            int index = i;
            _threads[i] = new Thread(() => WorkerLoop(index))
            {
                IsBackground = true,
                Name = $"NetDsl worker {i + 1}",
            };
            _threads[i].Start();
        }
    }

    /// <summary>The process-wide pool, one thread per processor.</summary>
    public static WorkerPool Shared { get; } = new(Environment.ProcessorCount);

    /// <summary>Threads that can run parts at once, the caller included.</summary>
    public int ThreadCount { get; }

    /// <summary>
    /// The caller plus the pool threads that finished work moments ago and are still spinning, so a short job
    /// starts on them at once (helpers are woken in order, so these are the first ones). Waking a sleeping
    /// thread costs more than a job of a few tens of microseconds saves.
    /// </summary>
    internal int WarmThreads
    {
        get
        {
            long now = Stopwatch.GetTimestamp();
            int warm = 0;
            while (warm < _idleSince.Length && now - Volatile.Read(ref _idleSince[warm]) < Signal.SpinTicks / 2)
            {
                warm++;
            }

            return warm + 1;
        }
    }

    /// <summary>Runs <c>work.Execute(part)</c> for every part in [0, <paramref name="parts"/>) and waits for all.
    /// The first exception a part throws is rethrown here, after every part has finished.</summary>
    public void Run(IParallelWork work, int parts)
    {
        ArgumentNullException.ThrowIfNull(work);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (parts <= 0)
        {
            return;
        }

        lock (_runLock)
        {
            RunLocked(work, parts);
        }
    }

    /// <summary>Like <see cref="Run"/>, unless another run holds the pool: then returns false at once, without
    /// running anything (for short jobs that would rather run on the caller than wait).</summary>
    internal bool TryRun(IParallelWork work, int parts)
    {
        if (_disposed || !Monitor.TryEnter(_runLock))
        {
            return false;
        }

        try
        {
            RunLocked(work, parts);
            return true;
        }
        finally
        {
            Monitor.Exit(_runLock);
        }
    }

    private void RunLocked(IParallelWork work, int parts)
    {
        int helpers = Math.Min(_threads.Length, parts - 1);
        _work = work;
        _parts = parts;
        _nextPart = 0;
        _error = null;
        _pending = helpers;
        for (int i = 0; i < helpers; i++)
        {
            _start[i].Set();
        }

        ExecuteParts();
        if (helpers > 0)
        {
            _done.WaitAndReset();
        }

        _work = null;
        ExceptionDispatchInfo? error = _error;
        _error = null;
        error?.Throw();
    }

    /// <summary>Stops the pool's threads.</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (Signal start in _start)
        {
            start.Set();
        }
    }

    private void ExecuteParts()
    {
        IParallelWork work = _work!;
        int part;
        while ((part = Interlocked.Increment(ref _nextPart) - 1) < _parts)
        {
            try
            {
                work.Execute(part);
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(exception), null);
            }
        }
    }

    private void WorkerLoop(int index)
    {
        Signal start = _start[index];
        while (true)
        {
            Volatile.Write(ref _idleSince[index], Stopwatch.GetTimestamp());
            start.WaitAndReset();
            if (_disposed)
            {
                return;
            }

            ExecuteParts();
            if (Interlocked.Decrement(ref _pending) == 0)
            {
                _done.Set();
            }
        }
    }

    /// <summary>
    /// An auto-reset signal that spins for up to <see cref="SpinTicks"/>, then blocks on a monitor. The spin
    /// covers the gap between two batches of a training loop (an optimizer step, the next batch's copy): a
    /// thread woken from a blocking wait on this VM started its part 0.3 to 2 ms late, a tenth of a training
    /// step. Unlike the BCL's slim events it allocates nothing after construction (they create their lock
    /// object lazily on the first blocking wait), which keeps training steps allocation-free.
    /// </summary>
    private sealed class Signal
    {
        /// <summary>How long a waiting thread spins before it blocks: 2 ms.</summary>
        public static readonly long SpinTicks = Stopwatch.Frequency / 500;

        /// <summary>Pause instructions between two looks at the flag.</summary>
        private const int SpinIterations = 20;

        private readonly object _gate = new();
        private volatile bool _set;

        public void Set()
        {
            lock (_gate)
            {
                _set = true;
                Monitor.Pulse(_gate);
            }
        }

        public void WaitAndReset()
        {
            long deadline = Stopwatch.GetTimestamp() + SpinTicks;
            for (int i = 1; !_set && Stopwatch.GetTimestamp() < deadline; i++)
            {
                Thread.SpinWait(SpinIterations);
                if (i % 16 == 0)
                {
                    Thread.Yield(); // lets another thread that is ready on this core run (a busy machine)
                }
            }

            lock (_gate)
            {
                while (!_set)
                {
                    Monitor.Wait(_gate);
                }

                _set = false;
            }
        }
    }
}
