using System;

namespace NetDsl.Training;

/// <summary>
/// Keras 3's <c>EarlyStopping</c>: stops training when <see cref="Monitor"/> has not improved by more than
/// <see cref="MinDelta"/> for <see cref="Patience"/> epochs, and with <see cref="RestoreBestWeights"/> puts back
/// the parameters of the best epoch when training ends (whether it stopped early or ran all its epochs).
/// </summary>
/// <remarks>
/// Per epoch, as Keras 3: epochs before <see cref="StartFromEpoch"/> are ignored; the first epoch considered is the
/// first best; a value is an improvement when <c>current + MinDelta &lt; best</c> (min mode) or
/// <c>current - MinDelta &gt; best</c> (max mode); an improvement resets the wait unless a <see cref="Baseline"/>
/// is set and not beaten; otherwise the wait grows by one, and training stops once it reaches
/// <see cref="Patience"/> (never after the first epoch, index 0). Deviation: a monitor the logs lack is an
/// <see cref="InvalidOperationException"/> (Keras warns and carries on, so the callback would never act).
/// </remarks>
public sealed class EarlyStopping : Callback
{
    private float[]? _bestWeights;
    private double? _best;
    private bool _increases;

    /// <summary>The quantity to watch (Keras <c>monitor</c>, default <c>val_loss</c>): any name of the epoch's
    /// logs, <c>loss</c>, <c>accuracy</c>, <c>val_accuracy</c>, or the loss's metric (<c>binary_accuracy</c>, ...).</summary>
    public string Monitor { get; init; } = TrainingLogs.ValidationLossKey;

    /// <summary>Smallest change that counts as an improvement (Keras <c>min_delta</c>, default 0; its sign is ignored).</summary>
    public double MinDelta { get; init; }

    /// <summary>Epochs without improvement after which training stops (Keras <c>patience</c>, default 0).</summary>
    public int Patience { get; init; }

    /// <summary>Whether <see cref="Monitor"/> improves by falling or rising (default: inferred from its name).</summary>
    public MonitorMode Mode { get; init; }

    /// <summary>A value to beat (Keras <c>baseline</c>, default null): until <see cref="Monitor"/> is better than it,
    /// the wait is not reset, so training stops after <see cref="Patience"/> epochs.</summary>
    public double? Baseline { get; init; }

    /// <summary>Whether to put back, when training ends, the parameters of the epoch with the best
    /// <see cref="Monitor"/> (Keras <c>restore_best_weights</c>, default false: keep the last epoch's).</summary>
    public bool RestoreBestWeights { get; init; }

    /// <summary>The 0-based epoch from which to watch (Keras <c>start_from_epoch</c>, default 0): a warm-up.</summary>
    public int StartFromEpoch { get; init; }

    /// <summary>Running count of epochs without improvement (Keras <c>wait</c>).</summary>
    public int Wait { get; private set; }

    /// <summary>The 0-based epoch after which training was stopped, or 0 when it was not (Keras <c>stopped_epoch</c>).</summary>
    public int StoppedEpoch { get; private set; }

    /// <summary>The 0-based epoch with the best <see cref="Monitor"/> so far (Keras <c>best_epoch</c>).</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The best value of <see cref="Monitor"/> so far (Keras <c>best</c>), null before the first epoch watched.</summary>
    public double? Best => _best;

    /// <inheritdoc/>
    public override void OnTrainBegin(TrainingLogs logs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Patience, nameof(Patience));
        ArgumentOutOfRangeException.ThrowIfNegative(StartFromEpoch, nameof(StartFromEpoch));
        ArgumentException.ThrowIfNullOrEmpty(Monitor, nameof(Monitor));
        Wait = 0;
        StoppedEpoch = 0;
        BestEpoch = 0;
        _best = null;
        _bestWeights = null;
        _increases = MetricFormat.Increases(Monitor, Mode);
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, TrainingLogs logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        TrainingContext context = RequireContext();
        if (epoch < StartFromEpoch)
        {
            return;
        }

        double current = MetricFormat.Monitored(logs, Monitor, nameof(EarlyStopping));
        if (RestoreBestWeights && _bestWeights is null)
        {
            // Never set: the current weights are the best so far.
            _bestWeights = context.Network.Parameters.ToArray();
            BestEpoch = epoch;
        }

        Wait++;
        if (IsImprovement(current, _best))
        {
            _best = current;
            BestEpoch = epoch;
            if (RestoreBestWeights)
            {
                context.Network.Parameters.CopyTo(_bestWeights);
            }

            // The wait restarts only if the value beats both the baseline and the previous best.
            if (Baseline is not double baseline || IsImprovement(current, baseline))
            {
                Wait = 0;
            }

            return;
        }

        if (Wait >= Patience && epoch > 0)
        {
            StoppedEpoch = epoch;
            context.StopTraining = true;
        }
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(TrainingLogs logs)
    {
        if (RestoreBestWeights && _bestWeights is not null)
        {
            _bestWeights.CopyTo(RequireContext().Network.Parameters);
        }
    }

    private bool IsImprovement(double current, double? reference)
    {
        if (reference is not double best)
        {
            return true;
        }

        double delta = Math.Abs(MinDelta);
        return _increases ? current - delta > best : current + delta < best;
    }
}
