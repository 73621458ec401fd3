using System;

namespace NetDsl.Training;

/// <summary>
/// Adam with decoupled weight decay (Keras <c>AdamW</c>): every step first multiplies each trainable parameter by
/// <c>1 - weightDecay * learningRate</c>, then applies <see cref="Adam"/>'s update. Keras's defaults.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates the optimizer; the defaults are Keras's (<c>keras.optimizers.AdamW()</c>).</summary>
    /// <param name="learningRate">Step size, finite and greater than 0.</param>
    /// <param name="weightDecay">Decoupled weight decay, finite and at least 0 (Keras's default 0.004).</param>
    /// <param name="beta1">Decay of the first-moment estimate, in [0, 1).</param>
    /// <param name="beta2">Decay of the second-moment estimate, in [0, 1).</param>
    /// <param name="epsilon">Added to <c>sqrt(v)</c>; finite and greater than 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public AdamW(float learningRate = 0.001f, float weightDecay = 0.004f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f)
        : base(learningRate, beta1, beta2, epsilon)
    {
        WeightDecay = weightDecay;
    }
}
