using System;

namespace NetDsl.Data;

/// <summary>
/// Scales each channel's deviation from its mean by a random contrast factor (Keras 3's <c>RandomContrast</c>):
/// the factor is drawn once per sample, uniformly in [1 - lower, 1 + upper]; every value becomes
/// <c>(x - mean) * factor + mean</c>, the mean taken over the channel's pixels, then is clipped to
/// <see cref="ValueRange"/>. Keras clips to <c>value_range=(0, 255)</c> by default; NetDsl's pixels are in [0, 1],
/// so <see cref="ValueRange"/> defaults to (0, 1).
/// </summary>
public sealed class RandomContrast : Augmentation
{
    private double[] _means = Array.Empty<double>();

    /// <summary>Contrast factors in [1 - <paramref name="factor"/>, 1 + <paramref name="factor"/>]; 0 &lt;= factor &lt;= 1.</summary>
    public RandomContrast(float factor)
        : this((factor, factor))
    {
    }

    /// <summary>Contrast factors in [1 - lower, 1 + upper]; 0 &lt;= lower &lt;= 1 and upper &gt;= 0, as Keras.</summary>
    public RandomContrast((float Lower, float Upper) factor)
    {
        if (!(factor.Lower >= 0 && factor.Lower <= 1 && factor.Upper >= 0 && float.IsFinite(factor.Upper)))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The contrast factor needs 0 <= lower <= 1 and a finite upper >= 0 (factors 1 - lower to 1 + upper).");
        }

        Factor = factor;
    }

    /// <summary>The contrast factor is drawn in [1 - Lower, 1 + Upper].</summary>
    public (float Lower, float Upper) Factor { get; }

    /// <summary>The range results are clipped to (default (0, 1), NetDsl's pixel range; Keras's default is (0, 255)).</summary>
    public (float Low, float High) ValueRange
    {
        get;
        init => field = ColorRange.Validate(value);
    } = (0f, 1f);

    /// <inheritdoc/>
    public override void Apply(Span<float> sample, TensorShape shape, DeterministicRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        (int height, int width, int channels) = Geometry(shape, sample.Length);
        float factor = random.NextSingle(1 - Factor.Lower, 1 + Factor.Upper);
        if (_means.Length < channels)
        {
            _means = new double[channels];
        }

        Span<double> means = _means.AsSpan(0, channels);
        means.Clear();
        for (int i = 0; i < sample.Length; i++)
        {
            means[i % channels] += sample[i];
        }

        int pixels = height * width;
        for (int c = 0; c < channels; c++)
        {
            means[c] /= pixels;
        }

        for (int i = 0; i < sample.Length; i++)
        {
            float mean = (float)means[i % channels];
            sample[i] = Math.Clamp(((sample[i] - mean) * factor) + mean, ValueRange.Low, ValueRange.High);
        }
    }
}

/// <summary>
/// Adds one random offset to every value of a sample (Keras 3's <c>RandomBrightness</c>): a factor drawn uniformly
/// in [lower, upper] (within [-1, 1]) times the width of <see cref="ValueRange"/>, then clipped to that range, so -1
/// gives black and 1 white. Keras's <c>value_range</c> defaults to (0, 255); NetDsl's pixels are in [0, 1], so
/// <see cref="ValueRange"/> defaults to (0, 1).
/// </summary>
public sealed class RandomBrightness : Augmentation
{
    /// <summary>Factors in [-|<paramref name="factor"/>|, |<paramref name="factor"/>|], as Keras; |factor| &lt;= 1.</summary>
    public RandomBrightness(float factor)
    {
        Check(factor, nameof(factor));
        Factor = (-Math.Abs(factor), Math.Abs(factor));
    }

    /// <summary>Factors between the two bounds (in either order, as Keras), each in [-1, 1].</summary>
    public RandomBrightness((float Lower, float Upper) factor)
    {
        Check(factor.Lower, nameof(factor));
        Check(factor.Upper, nameof(factor));
        Factor = (Math.Min(factor.Lower, factor.Upper), Math.Max(factor.Lower, factor.Upper));
    }

    /// <summary>The brightness factor's range, lower first.</summary>
    public (float Lower, float Upper) Factor { get; }

    /// <summary>The pixels' range: the offset is the factor times its width, and results are clipped to it (default (0, 1); Keras's is (0, 255)).</summary>
    public (float Low, float High) ValueRange
    {
        get;
        init => field = ColorRange.Validate(value);
    } = (0f, 1f);

    /// <inheritdoc/>
    public override void Apply(Span<float> sample, TensorShape shape, DeterministicRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        _ = Geometry(shape, sample.Length);
        float delta = random.NextSingle(Factor.Lower, Factor.Upper) * (ValueRange.High - ValueRange.Low);
        for (int i = 0; i < sample.Length; i++)
        {
            sample[i] = Math.Clamp(sample[i] + delta, ValueRange.Low, ValueRange.High);
        }
    }

    private static void Check(float factor, string name)
    {
        if (!(factor >= -1 && factor <= 1))
        {
            throw new ArgumentOutOfRangeException(name, factor, "The brightness factor must be in [-1, 1].");
        }
    }
}

internal static class ColorRange
{
    internal static (float Low, float High) Validate((float Low, float High) range) =>
        float.IsFinite(range.Low) && float.IsFinite(range.High) && range.Low < range.High
            ? range
            : throw new ArgumentOutOfRangeException("ValueRange", range, "The value range must be finite with Low < High.");
}
