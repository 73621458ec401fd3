using System;

namespace NetDsl;

/// <summary>
/// Spatial dropout (Keras <c>SpatialDropout2D</c>): like <see cref="DropoutAttribute"/>, but drops whole
/// channels of a feature map (every pixel of a channel together), for maps whose neighbouring pixels are
/// strongly correlated.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SpatialDropout2DAttribute : LayerAttribute
{
    /// <summary>Drops each channel with probability <paramref name="rate"/>, in [0, 1).</summary>
    public SpatialDropout2DAttribute(double rate)
    {
        Rate = rate;
    }

    /// <summary>The fraction of channels dropped in training, in [0, 1).</summary>
    public double Rate { get; }
}
