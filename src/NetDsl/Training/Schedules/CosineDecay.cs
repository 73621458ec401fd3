using System;

namespace NetDsl.Training;

/// <summary>
/// Keras's <c>CosineDecay</c>, with its optional linear warm-up. Without warm-up:
/// <c>initial * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decaySteps) / decaySteps)) + alpha)</c>. With a
/// <see cref="WarmupTarget"/>, the rate first rises linearly from the initial rate to the target over
/// <see cref="WarmupSteps"/> steps (<c>initial + (target - initial) * step / warmupSteps</c>), then decays from the
/// target by the same cosine over the next <see cref="DecaySteps"/> steps; after those it stays at
/// <c>alpha</c> times the rate it decays from.
/// </summary>
public sealed class CosineDecay : LearningRateSchedule
{
    /// <summary>A cosine decay from <paramref name="initialLearningRate"/> (or, with a warm-up, from
    /// <see cref="WarmupTarget"/>) to <paramref name="alpha"/> times it over <paramref name="decaySteps"/> steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is negative or not finite, <paramref name="decaySteps"/>
    /// is not positive, or <paramref name="alpha"/> is outside [0, 1].</exception>
    public CosineDecay(float initialLearningRate, long decaySteps, float alpha = 0f)
    {
        CheckNotNegative(initialLearningRate, nameof(initialLearningRate));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(decaySteps);
        if (!(alpha >= 0f && alpha <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Alpha (the final fraction of the rate) must be in [0, 1].");
        }

        InitialLearningRate = initialLearningRate;
        DecaySteps = decaySteps;
        Alpha = alpha;
    }

    /// <summary>The learning rate of step 0 (where the warm-up starts, when there is one).</summary>
    public float InitialLearningRate { get; }

    /// <summary>Steps of the cosine decay (after the warm-up).</summary>
    public long DecaySteps { get; }

    /// <summary>The fraction of the rate left at the end of the decay (Keras <c>alpha</c>, default 0).</summary>
    public float Alpha { get; }

    /// <summary>The rate the warm-up reaches and the decay starts from (Keras <c>warmup_target</c>); null (the
    /// default): no warm-up, the decay starts from <see cref="InitialLearningRate"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or not finite.</exception>
    public float? WarmupTarget
    {
        get;
        init
        {
            if (value is float target)
            {
                CheckNotNegative(target, nameof(value));
            }

            field = value;
        }
    }

    /// <summary>Steps of the linear warm-up (Keras <c>warmup_steps</c>, default 0); used with <see cref="WarmupTarget"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public long WarmupSteps
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    }

    /// <inheritdoc/>
    public override float GetLearningRate(long step)
    {
        double s = Math.Max(0, step);
        if (WarmupTarget is not float target)
        {
            return (float)Decayed(Math.Min(s, DecaySteps), InitialLearningRate);
        }

        s = Math.Min(s, DecaySteps + WarmupSteps);
        return s < WarmupSteps
            ? (float)(((target - (double)InitialLearningRate) * (s / WarmupSteps)) + InitialLearningRate)
            : (float)Decayed(s - WarmupSteps, target);
    }

    private double Decayed(double step, double from)
    {
        double cosine = 0.5 * (1d + Math.Cos(Math.PI * step / DecaySteps));
        return from * (((1d - Alpha) * cosine) + Alpha);
    }
}
