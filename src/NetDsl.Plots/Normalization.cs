using System;

namespace NetDsl.Plots;

/// <summary>Maps each tile's values onto 0..255 by the tile's own minimum and maximum, so that a filter of tiny
/// weights is not blank and one of large weights is not saturated.</summary>
internal static class Normalization
{
    /// <summary>The gray level of a tile whose values are all equal (nothing to stretch).</summary>
    public const byte ConstantLevel = 128;

    /// <summary>Writes <c>round(255 (v - min) / (max - min))</c> for each value; a constant tile becomes
    /// <see cref="ConstantLevel"/>. NaN becomes 0.</summary>
    public static void ToBytes(ReadOnlySpan<float> values, Span<byte> destination)
    {
        (float min, float max) = Range(values);
        ToBytes(values, destination, min, max);
    }

    /// <summary>Maps <paramref name="values"/> linearly from <c>[min, max]</c> onto 0..255, clamping outside it.</summary>
    public static void ToBytes(ReadOnlySpan<float> values, Span<byte> destination, float min, float max)
    {
        if (destination.Length < values.Length)
        {
            throw new ArgumentException("The destination is shorter than the values.", nameof(destination));
        }

        float span = max - min;
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (float.IsNaN(v))
            {
                destination[i] = 0;
            }
            else if (!(span > 0) || float.IsInfinity(span))
            {
                destination[i] = ConstantLevel;
            }
            else
            {
                float level = MathF.Round((v - min) / span * 255f);
                destination[i] = (byte)Math.Clamp(level, 0f, 255f);
            }
        }
    }

    /// <summary>The smallest and largest finite values (0, 0 when there are none).</summary>
    public static (float Min, float Max) Range(ReadOnlySpan<float> values)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in values)
        {
            if (float.IsFinite(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }

        return min <= max ? (min, max) : (0f, 0f);
    }
}
