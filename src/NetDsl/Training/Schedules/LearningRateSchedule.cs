using System;

namespace NetDsl.Training;

/// <summary>
/// A learning rate that changes with the optimizer's step count, as Keras's
/// <c>keras.optimizers.schedules.LearningRateSchedule</c>: give it to an optimizer
/// (<c>new Adam { LearningRateSchedule = new CosineDecay(...) }</c>) and step <c>k</c> (0-based, the optimizer's
/// <see cref="Optimizer.Iterations"/> before the step) uses <c>GetLearningRate(k)</c>, in <c>Fit</c> and in a
/// hand-written loop alike.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate of 0-based optimizer step <paramref name="step"/> (Keras's <c>__call__(step)</c>).
    /// Must be finite and not negative.</summary>
    public abstract float GetLearningRate(long step);

    /// <summary>Throws unless <paramref name="value"/> is a finite positive number.</summary>
    private protected static void CheckPositive(float value, string parameterName)
    {
        if (!(value > 0f) || !float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(parameterName, value, "Must be a finite number greater than 0.");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is a finite number of at least 0.</summary>
    private protected static void CheckNotNegative(float value, string parameterName)
    {
        if (!(value >= 0f) || !float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(parameterName, value, "Must be a finite number of at least 0.");
        }
    }
}
