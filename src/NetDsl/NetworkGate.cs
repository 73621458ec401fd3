using System;
using System.Threading;

namespace NetDsl;

/// <summary>
/// Who may use one network at a time. Operations that only read the network (<c>Predict</c>, <c>Classify</c>,
/// <c>Evaluate</c>, <c>Save</c>) enter <em>shared</em>: any number run at once, each with its own buffers.
/// Operations that change it (<c>ComputeGradients</c>, <c>Backpropagate</c>, <c>Load</c>, an optimizer step
/// through <see cref="Training.Optimizer.Step(INetwork, ReadOnlySpan{float})"/>, <c>Fit</c>) enter
/// <em>exclusive</em>: one at a time, with no shared operation running.
/// </summary>
/// <remarks>
/// <para>A call that meets an exclusive operation waits until it ends, except while <c>Fit</c> (a long-running
/// exclusive operation) trains the network on another thread: then it throws an
/// <see cref="InvalidOperationException"/> at once that says so, rather than wait for the whole training.
/// Exclusive operations wait for the shared ones in progress, and new shared calls wait behind a waiting
/// exclusive one, so a stream of predictions cannot hold off a <c>Load</c> for ever.</para>
/// <para>The thread that holds the network exclusively may call any of its operations (<c>Fit</c> evaluates
/// and computes gradients). Entering allocates nothing. Code that writes <c>Parameters</c> directly should
/// hold the gate exclusively while it does: <c>using (((INetwork)net).Gate.EnterExclusive("my update")) { ... }</c>.</para>
/// </remarks>
public sealed class NetworkGate
{
    private const int Exclusive = -1;

    private readonly string _networkName;

    // > 0: shared operations in progress; 0: free; -1: held exclusively by _owner.
    private int _state;
    private int _owner;
    private int _exclusiveWaiters;
    private volatile string? _exclusiveOperation;
    private volatile bool _longRunning;

    /// <summary>A gate for the network <paramref name="networkName"/> (used in messages).</summary>
    public NetworkGate(string networkName)
    {
        ArgumentNullException.ThrowIfNull(networkName);
        _networkName = networkName;
    }

    /// <summary>Enters for an operation that reads the network; dispose the scope when it ends.</summary>
    /// <param name="operation">The operation's name, for messages (<c>"Predict"</c>).</param>
    /// <exception cref="InvalidOperationException"><c>Fit</c> is training the network on another thread.</exception>
    public Scope EnterShared(string operation)
    {
        if (Volatile.Read(ref _owner) == Environment.CurrentManagedThreadId)
        {
            return default; // the thread holds the network exclusively: its own calls nest
        }

        var spinner = default(SpinWait);
        while (true)
        {
            int state = Volatile.Read(ref _state);
            if (state >= 0 && Volatile.Read(ref _exclusiveWaiters) == 0)
            {
                if (Interlocked.CompareExchange(ref _state, state + 1, state) == state)
                {
                    return new Scope(this, ScopeKind.Shared);
                }

                continue;
            }

            if (state == Exclusive && _longRunning)
            {
                throw Busy(operation);
            }

            spinner.SpinOnce();
        }
    }

    /// <summary>Enters for an operation that changes the network; dispose the scope when it ends.</summary>
    /// <param name="operation">The operation's name, for messages (<c>"Load"</c>).</param>
    /// <param name="longRunning">Whether the operation runs long (<c>Fit</c>): calls from other threads then
    /// throw instead of waiting for it.</param>
    /// <exception cref="InvalidOperationException"><c>Fit</c> is training the network on another thread.</exception>
    public Scope EnterExclusive(string operation, bool longRunning = false)
    {
        int self = Environment.CurrentManagedThreadId;
        if (Volatile.Read(ref _owner) == self)
        {
            return default;
        }

        Interlocked.Increment(ref _exclusiveWaiters);
        try
        {
            var spinner = default(SpinWait);
            while (Interlocked.CompareExchange(ref _state, Exclusive, 0) != 0)
            {
                if (Volatile.Read(ref _state) == Exclusive && _longRunning)
                {
                    throw Busy(operation);
                }

                spinner.SpinOnce();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _exclusiveWaiters);
        }

        _exclusiveOperation = operation;
        _longRunning = longRunning;
        Volatile.Write(ref _owner, self);
        return new Scope(this, ScopeKind.Exclusive);
    }

    private void Exit(ScopeKind kind)
    {
        switch (kind)
        {
            case ScopeKind.Shared:
                Interlocked.Decrement(ref _state);
                break;
            case ScopeKind.Exclusive:
                _longRunning = false;
                _exclusiveOperation = null;
                Volatile.Write(ref _owner, 0);
                Volatile.Write(ref _state, 0);
                break;
        }
    }

    private InvalidOperationException Busy(string operation) =>
        new($"{_networkName}.{operation} cannot run while {_networkName}.{_exclusiveOperation ?? "Fit"} is training this network on another thread: "
            + "the parameters change after every batch. Call it when training has returned, or on a copy of the network "
            + "(a new instance with the parameters copied over).");

    internal enum ScopeKind
    {
        None,
        Shared,
        Exclusive,
    }

    /// <summary>An entered gate; <see cref="Dispose"/> leaves it. Dispose each scope exactly once.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly NetworkGate? _gate;
        private readonly ScopeKind _kind;

        internal Scope(NetworkGate gate, ScopeKind kind)
        {
            _gate = gate;
            _kind = kind;
        }

        /// <summary>Leaves the gate.</summary>
        public void Dispose() => _gate?.Exit(_kind);
    }
}
