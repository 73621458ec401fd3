using System;

namespace NetDsl.Training;

/// <summary>
/// Keras's <c>ReduceLROnPlateau</c>: multiplies the optimizer's learning rate by <see cref="Factor"/> when
/// <see cref="Monitor"/> has not improved by more than <see cref="MinDelta"/> for <see cref="Patience"/> epochs,
/// never below <see cref="MinLearningRate"/>, then waits <see cref="Cooldown"/> epochs before counting again.
/// </summary>
/// <remarks>
/// Per epoch, as Keras: logs <c>learning_rate</c> (the rate before any change); in cooldown, counts the cooldown
/// down and clears the wait; an improvement (<c>current &lt; best - MinDelta</c>, or <c>&gt; best + MinDelta</c> in
/// max mode; auto is max only for names holding <c>acc</c>) becomes the best and clears the wait; otherwise, out
/// of cooldown, the wait grows, and on reaching <see cref="Patience"/> the rate becomes
/// <c>max(rate * Factor, MinLearningRate)</c> if it is above <see cref="MinLearningRate"/>, the cooldown starts
/// and the wait clears. The optimizer must not have a <see cref="Optimizer.LearningRateSchedule"/> (Keras raises
/// too). Deviation: a monitor the logs lack is an <see cref="InvalidOperationException"/> (Keras warns).
/// </remarks>
public sealed class ReduceLROnPlateau : Callback
{
    private bool _increases;
    private double _best;
    private int _cooldownCounter;

    /// <summary>The quantity to watch (Keras <c>monitor</c>, default <c>val_loss</c>).</summary>
    public string Monitor { get; init; } = TrainingLogs.ValidationLossKey;

    /// <summary>The factor of each reduction (Keras <c>factor</c>, default 0.1), in (0, 1).</summary>
    public float Factor { get; init; } = 0.1f;

    /// <summary>Epochs without improvement before a reduction (Keras <c>patience</c>, default 10).</summary>
    public int Patience { get; init; } = 10;

    /// <summary>Change below which the value has not improved (Keras <c>min_delta</c>, default 1e-4).</summary>
    public double MinDelta { get; init; } = 1e-4;

    /// <summary>Epochs to wait after a reduction before counting again (Keras <c>cooldown</c>, default 0).</summary>
    public int Cooldown { get; init; }

    /// <summary>The lowest rate a reduction gives (Keras <c>min_lr</c>, default 0).</summary>
    public float MinLearningRate { get; init; }

    /// <summary>Whether <see cref="Monitor"/> improves by falling or rising (default: inferred from its name).</summary>
    public MonitorMode Mode { get; init; }

    /// <summary>Running count of epochs without improvement (Keras <c>wait</c>).</summary>
    public int Wait { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin(TrainingLogs logs)
    {
        if (!(Factor > 0f && Factor < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(Factor), Factor, "ReduceLROnPlateau's Factor must be in (0, 1): it multiplies the learning rate.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(Patience, nameof(Patience));
        ArgumentOutOfRangeException.ThrowIfNegative(Cooldown, nameof(Cooldown));
        if (!(MinLearningRate >= 0f) || !float.IsFinite(MinLearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(MinLearningRate), MinLearningRate, "MinLearningRate must be a finite number of at least 0.");
        }

        ArgumentException.ThrowIfNullOrEmpty(Monitor, nameof(Monitor));
        _increases = Mode == MonitorMode.Max || (Mode == MonitorMode.Auto && Monitor.Contains("acc", StringComparison.Ordinal));
        _best = _increases ? double.NegativeInfinity : double.PositiveInfinity;
        _cooldownCounter = 0;
        Wait = 0;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, TrainingLogs logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        Optimizer optimizer = RequireContext().Optimizer;
        logs[TrainingLogs.LearningRateKey] = optimizer.LearningRate;
        double current = MetricFormat.Monitored(logs, Monitor, nameof(ReduceLROnPlateau));
        if (_cooldownCounter > 0)
        {
            _cooldownCounter--;
            Wait = 0;
        }

        if (_increases ? current > _best + MinDelta : current < _best - MinDelta)
        {
            _best = current;
            Wait = 0;
        }
        else if (_cooldownCounter <= 0)
        {
            Wait++;
            if (Wait >= Patience)
            {
                float old = optimizer.LearningRate;
                if (old > MinLearningRate)
                {
                    optimizer.LearningRate = Math.Max(old * Factor, MinLearningRate);
                    _cooldownCounter = Cooldown;
                    Wait = 0;
                }
            }
        }
    }
}
