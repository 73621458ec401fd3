using System;

namespace NetDsl.Training;

/// <summary>
/// Keras's <c>ExponentialDecay</c>: <c>initialLearningRate * decayRate ^ (step / decaySteps)</c>, the exponent
/// rounded down when <see cref="Staircase"/> (the rate then drops once every <see cref="DecaySteps"/> steps).
/// </summary>
/// <remarks><c>FitOptions.LearningRateDecay = d</c> is this schedule with <c>decaySteps</c> = batches per epoch,
/// <c>decayRate = d</c> and <c>staircase: true</c>.</remarks>
public sealed class ExponentialDecay : LearningRateSchedule
{
    /// <summary>A decay from <paramref name="initialLearningRate"/> by <paramref name="decayRate"/> every
    /// <paramref name="decaySteps"/> steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate is not a finite positive number, or
    /// <paramref name="decaySteps"/> is not positive.</exception>
    public ExponentialDecay(float initialLearningRate, long decaySteps, float decayRate, bool staircase = false)
    {
        CheckPositive(initialLearningRate, nameof(initialLearningRate));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(decaySteps);
        CheckPositive(decayRate, nameof(decayRate));
        InitialLearningRate = initialLearningRate;
        DecaySteps = decaySteps;
        DecayRate = decayRate;
        Staircase = staircase;
    }

    /// <summary>The learning rate of step 0.</summary>
    public float InitialLearningRate { get; }

    /// <summary>Steps over which the rate is multiplied by <see cref="DecayRate"/> once.</summary>
    public long DecaySteps { get; }

    /// <summary>The factor per <see cref="DecaySteps"/> steps.</summary>
    public float DecayRate { get; }

    /// <summary>Whether the rate falls in steps (Keras <c>staircase</c>) rather than continuously.</summary>
    public bool Staircase { get; }

    /// <inheritdoc/>
    public override float GetLearningRate(long step)
    {
        double exponent = (double)Math.Max(0, step) / DecaySteps;
        if (Staircase)
        {
            exponent = Math.Floor(exponent);
        }

        return (float)(InitialLearningRate * Math.Pow(DecayRate, exponent));
    }
}
