using System;

namespace NetDsl;

/// <summary>
/// A standalone leaky ReLU layer (Keras <c>LeakyReLU</c>): <c>x &gt; 0 ? x : slope * x</c>. Its default slope is
/// 0.3, as Keras's layer has; <see cref="Activation.LeakyReLU"/> on a layer uses 0.2, as
/// <c>keras.activations.leaky_relu</c> does.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LeakyReLUAttribute : LayerAttribute
{
    /// <summary>Keras's default negative slope of the layer.</summary>
    public const double DefaultNegativeSlope = 0.3;

    /// <summary>A leaky ReLU with Keras's default slope, 0.3.</summary>
    public LeakyReLUAttribute()
        : this(DefaultNegativeSlope)
    {
    }

    /// <summary>A leaky ReLU with <paramref name="negativeSlope"/> (not negative) for negative inputs.</summary>
    public LeakyReLUAttribute(double negativeSlope)
    {
        NegativeSlope = negativeSlope;
    }

    /// <summary>The factor of negative inputs, not negative.</summary>
    public double NegativeSlope { get; }
}
