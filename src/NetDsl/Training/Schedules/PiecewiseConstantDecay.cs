using System;
using System.Collections.Generic;
using System.Linq;

namespace NetDsl.Training;

/// <summary>
/// Keras's <c>PiecewiseConstantDecay</c>: <c>values[0]</c> for steps up to and including <c>boundaries[0]</c>,
/// <c>values[1]</c> for steps after <c>boundaries[0]</c> up to <c>boundaries[1]</c>, ..., and the last value
/// after the last boundary.
/// </summary>
public sealed class PiecewiseConstantDecay : LearningRateSchedule
{
    private readonly long[] _boundaries;
    private readonly float[] _values;

    /// <summary>A rate that is <c>values[i]</c> between <c>boundaries[i - 1]</c> (excluded) and
    /// <c>boundaries[i]</c> (included).</summary>
    /// <exception cref="ArgumentException">There is not one value more than boundaries, the boundaries do not
    /// increase, or a value is negative or not finite.</exception>
    public PiecewiseConstantDecay(IReadOnlyList<long> boundaries, IReadOnlyList<float> values)
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != boundaries.Count + 1)
        {
            throw new ArgumentException($"Give one value more than boundaries (the last one holds after the last boundary); there are {boundaries.Count} boundaries and {values.Count} values.", nameof(values));
        }

        for (int i = 1; i < boundaries.Count; i++)
        {
            if (boundaries[i] <= boundaries[i - 1])
            {
                throw new ArgumentException($"The boundaries must increase, but boundaries[{i}] = {boundaries[i]} follows {boundaries[i - 1]}.", nameof(boundaries));
            }
        }

        foreach (float value in values)
        {
            CheckNotNegative(value, nameof(values));
        }

        _boundaries = boundaries.ToArray();
        _values = values.ToArray();
    }

    /// <summary>The steps where the rate changes (the step itself still has the earlier value).</summary>
    public IReadOnlyList<long> Boundaries => _boundaries;

    /// <summary>The rates, one more than <see cref="Boundaries"/>.</summary>
    public IReadOnlyList<float> Values => _values;

    /// <inheritdoc/>
    public override float GetLearningRate(long step)
    {
        int i = 0;
        while (i < _boundaries.Length && step > _boundaries[i])
        {
            i++;
        }

        return _values[i];
    }
}
