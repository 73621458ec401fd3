using System;

namespace NetDsl.Training;

/// <summary>
/// Step decay, the classic recipe (<c>initialLearningRate * factor ^ floor(step / stepSize)</c>): the rate is
/// multiplied by <see cref="Factor"/> once every <see cref="StepSize"/> steps. The same as Keras's
/// <c>ExponentialDecay(initial, stepSize, factor, staircase=True)</c>; Keras has no class of this name.
/// </summary>
public sealed class StepDecay : LearningRateSchedule
{
    /// <summary>A rate that starts at <paramref name="initialLearningRate"/> and is multiplied by
    /// <paramref name="factor"/> (e.g. 0.5) every <paramref name="stepSize"/> steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate is not a finite positive number, or
    /// <paramref name="stepSize"/> is not positive.</exception>
    public StepDecay(float initialLearningRate, long stepSize, float factor)
    {
        CheckPositive(initialLearningRate, nameof(initialLearningRate));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        CheckPositive(factor, nameof(factor));
        InitialLearningRate = initialLearningRate;
        StepSize = stepSize;
        Factor = factor;
    }

    /// <summary>The learning rate of steps 0 to <see cref="StepSize"/> - 1.</summary>
    public float InitialLearningRate { get; }

    /// <summary>Steps between two drops.</summary>
    public long StepSize { get; }

    /// <summary>The factor of each drop.</summary>
    public float Factor { get; }

    /// <inheritdoc/>
    public override float GetLearningRate(long step) =>
        (float)(InitialLearningRate * Math.Pow(Factor, Math.Floor((double)Math.Max(0, step) / StepSize)));
}
