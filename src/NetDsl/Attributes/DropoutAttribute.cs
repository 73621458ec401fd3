using System;

namespace NetDsl;

/// <summary>
/// Dropout (Keras <c>Dropout</c>): in training, each value is set to 0 with probability <see cref="Rate"/> and
/// the others are scaled by <c>1 / (1 - rate)</c> (inverted dropout); in inference it is the identity. The
/// masks are drawn from the network's seed, the training step and the sample, so a seeded network trains the same
/// way on any number of threads.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute : LayerAttribute
{
    /// <summary>Drops each value with probability <paramref name="rate"/>, in [0, 1).</summary>
    public DropoutAttribute(double rate)
    {
        Rate = rate;
    }

    /// <summary>The fraction of values dropped in training, in [0, 1).</summary>
    public double Rate { get; }
}
