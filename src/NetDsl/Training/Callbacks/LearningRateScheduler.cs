using System;

namespace NetDsl.Training;

/// <summary>
/// Keras's <c>LearningRateScheduler</c>: at the start of every epoch, sets the optimizer's learning rate to what
/// the schedule gives for the 0-based epoch (and the current rate), and logs <c>learning_rate</c> at its end. For a
/// rate that changes every step, give the optimizer a <see cref="LearningRateSchedule"/> instead.
/// </summary>
public sealed class LearningRateScheduler : Callback
{
    private readonly Func<int, float, float> _schedule;

    /// <summary>A scheduler calling <paramref name="schedule"/>(epoch, current rate) (Keras's two-argument schedule).</summary>
    public LearningRateScheduler(Func<int, float, float> schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        _schedule = schedule;
    }

    /// <summary>A scheduler calling <paramref name="schedule"/>(epoch) (Keras's one-argument schedule).</summary>
    public LearningRateScheduler(Func<int, float> schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        _schedule = (epoch, _) => schedule(epoch);
    }

    /// <summary>A scheduler that takes the rate of epoch <c>e</c> from <paramref name="schedule"/> at step <c>e</c>
    /// (a Keras schedule object counted in epochs).</summary>
    public LearningRateScheduler(LearningRateSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        _schedule = (epoch, _) => schedule.GetLearningRate(epoch);
    }

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, TrainingLogs logs)
    {
        Optimizer optimizer = RequireContext().Optimizer;
        optimizer.LearningRate = _schedule(epoch, optimizer.LearningRate);
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, TrainingLogs logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        logs[TrainingLogs.LearningRateKey] = RequireContext().Optimizer.LearningRate;
    }
}
