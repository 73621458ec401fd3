using System;

namespace NetDsl.Data;

/// <summary>
/// An augmentation that resamples the image through an <see cref="AffineTransform"/> drawn per sample, into a
/// scratch buffer kept between calls (no allocation per sample after the first).
/// </summary>
public abstract class AffineAugmentation : Augmentation
{
    private float[] _scratch = Array.Empty<float>();

    private protected AffineAugmentation()
    {
    }

    /// <summary>How points outside the image are filled (Keras's <c>fill_mode</c>; default <see cref="FillMode.Reflect"/>, as Keras).</summary>
    public FillMode FillMode
    {
        get;
        init => field = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Use FillMode.Reflect, Wrap, Constant or Nearest.");
    }

    /// <summary>Bilinear (default, as Keras) or nearest.</summary>
    public Interpolation Interpolation
    {
        get;
        init => field = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Use Interpolation.Bilinear or Interpolation.Nearest.");
    } = Interpolation.Bilinear;

    /// <summary>The value outside the image with <see cref="FillMode.Constant"/> (Keras's <c>fill_value</c>, default 0).</summary>
    public float FillValue
    {
        get;
        init => field = float.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The fill value must be finite.");
    }

    /// <inheritdoc/>
    public sealed override void Apply(Span<float> sample, TensorShape shape, DeterministicRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        (int height, int width, int channels) = Geometry(shape, sample.Length);
        AffineTransform transform = DrawTransform(height, width, random);
        if (_scratch.Length < sample.Length)
        {
            _scratch = new float[sample.Length];
        }

        Span<float> source = _scratch.AsSpan(0, sample.Length);
        sample.CopyTo(source);
        transform.Apply(source, sample, height, width, channels, Interpolation, FillMode, FillValue);
    }

    /// <summary>Draws this sample's transform from <paramref name="random"/> (and nothing else).</summary>
    private protected abstract AffineTransform DrawTransform(int height, int width, DeterministicRandom random);

    private protected static (float Lower, float Upper) Range((float Lower, float Upper) factor, string name)
    {
        if (!float.IsFinite(factor.Lower) || !float.IsFinite(factor.Upper) || factor.Lower > factor.Upper)
        {
            throw new ArgumentOutOfRangeException(name, factor, $"{name} must be finite with lower <= upper.");
        }

        return factor;
    }

    private protected static (float Lower, float Upper) Symmetric(float factor, string name)
    {
        if (!float.IsFinite(factor) || factor < 0)
        {
            throw new ArgumentOutOfRangeException(name, factor, $"{name} must be a finite value >= 0 (it gives the range [-{name}, {name}]); give (lower, upper) for another range.");
        }

        return (-factor, factor);
    }
}

/// <summary>
/// Rotates each image by a random angle about its centre (Keras 3's <c>RandomRotation</c>): the angle is drawn
/// uniformly in [lower, upper] x 2π, a positive angle turning the content counter-clockwise; points outside the
/// image are filled by <see cref="AffineAugmentation.FillMode"/> (default reflect) and sampled bilinearly.
/// </summary>
public sealed class RandomRotation : AffineAugmentation
{
    /// <summary>Angles in [-<paramref name="factor"/>, <paramref name="factor"/>] x 2π (0.1 is up to ±36°).</summary>
    public RandomRotation(float factor)
    {
        Factor = Symmetric(factor, nameof(factor));
    }

    /// <summary>Angles in [lower, upper] x 2π, e.g. <c>(-0.2f, 0.3f)</c> for -72° to +108°.</summary>
    public RandomRotation((float Lower, float Upper) factor)
    {
        Factor = Range(factor, nameof(factor));
    }

    /// <summary>The range of angles as fractions of a full turn.</summary>
    public (float Lower, float Upper) Factor { get; }

    private protected override AffineTransform DrawTransform(int height, int width, DeterministicRandom random) =>
        AffineTransform.Rotation(random.NextSingle(Factor.Lower, Factor.Upper) * 2.0 * Math.PI, height, width);
}

/// <summary>
/// Zooms each image in or out about its centre by a random amount (Keras 3's <c>RandomZoom</c>): the zoom is
/// 1 + a factor drawn uniformly in [lower, upper]; as in Keras 3 a <em>positive</em> factor zooms <em>out</em>
/// (shows more of the image, with the border filled by <see cref="AffineAugmentation.FillMode"/>, default reflect)
/// and a negative one zooms in. Without a width factor the same zoom is used on both axes (aspect ratio kept).
/// Draws the height zoom, then the width zoom if there is a width factor.
/// </summary>
public sealed class RandomZoom : AffineAugmentation
{
    /// <summary>Zooms in [1 - f, 1 + f] for each factor f; no <paramref name="widthFactor"/>: the height zoom on both axes.</summary>
    public RandomZoom(float heightFactor, float? widthFactor = null)
    {
        HeightFactor = Zoom(Symmetric(heightFactor, nameof(heightFactor)), nameof(heightFactor));
        WidthFactor = widthFactor is { } w ? Zoom(Symmetric(w, nameof(widthFactor)), nameof(widthFactor)) : null;
    }

    /// <summary>Zooms in [1 + lower, 1 + upper] for each axis, e.g. <c>(-0.3f, -0.2f)</c> zooms in by 20 to 30%.</summary>
    public RandomZoom((float Lower, float Upper) heightFactor, (float Lower, float Upper)? widthFactor = null)
    {
        HeightFactor = Zoom(Range(heightFactor, nameof(heightFactor)), nameof(heightFactor));
        WidthFactor = widthFactor is { } w ? Zoom(Range(w, nameof(widthFactor)), nameof(widthFactor)) : null;
    }

    /// <summary>The vertical zoom's range, minus 1.</summary>
    public (float Lower, float Upper) HeightFactor { get; }

    /// <summary>The horizontal zoom's range, minus 1; null: the vertical zoom is used.</summary>
    public (float Lower, float Upper)? WidthFactor { get; }

    private protected override AffineTransform DrawTransform(int height, int width, DeterministicRandom random)
    {
        float heightZoom = 1 + random.NextSingle(HeightFactor.Lower, HeightFactor.Upper);
        float widthZoom = WidthFactor is { } w ? 1 + random.NextSingle(w.Lower, w.Upper) : heightZoom;
        return AffineTransform.Zoom(heightZoom, widthZoom, height, width);
    }

    private static (float Lower, float Upper) Zoom((float Lower, float Upper) factor, string name) =>
        factor.Lower < -1 ? throw new ArgumentOutOfRangeException(name, factor, $"{name} must be >= -1 (a zoom of 1 + factor >= 0), as Keras.") : factor;
}

/// <summary>
/// Crops a random <see cref="Height"/> x <see cref="Width"/> window and resizes it back to the sample's size
/// (bilinear by default, half-pixel centres and clamped border as <c>tf.image.resize</c>), so the network's input
/// shape never changes. Keras 3's <c>RandomCrop</c> instead <em>outputs</em> the window (its model's later layers
/// see height x width); this equals Keras's <c>RandomCrop(height, width)</c> followed by
/// <c>Resizing(sampleHeight, sampleWidth)</c>. The window's top row, then its left column, are drawn uniformly
/// (as Keras); a window the size of the sample leaves it unchanged, and a larger one is an error.
/// </summary>
public sealed class RandomCrop : Augmentation
{
    private float[] _window = Array.Empty<float>();

    /// <summary>Windows of <paramref name="height"/> rows and <paramref name="width"/> columns.</summary>
    public RandomCrop(int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Height = height;
        Width = width;
    }

    /// <summary>The window's height in pixels.</summary>
    public int Height { get; }

    /// <summary>The window's width in pixels.</summary>
    public int Width { get; }

    /// <summary>How the window is resized back: bilinear (default) or nearest.</summary>
    public Interpolation Interpolation
    {
        get;
        init => field = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Use Interpolation.Bilinear or Interpolation.Nearest.");
    } = Interpolation.Bilinear;

    /// <inheritdoc/>
    public override void Apply(Span<float> sample, TensorShape shape, DeterministicRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        (int height, int width, int channels) = Geometry(shape, sample.Length);
        if (Height > height || Width > width)
        {
            throw new ArgumentException($"RandomCrop({Height}, {Width}) needs samples at least that large; got {height}x{width}.", nameof(shape));
        }

        int top = random.Next(height - Height + 1);
        int left = random.Next(width - Width + 1);
        if (Height == height && Width == width)
        {
            return;
        }

        int windowLength = Height * Width * channels;
        if (_window.Length < windowLength)
        {
            _window = new float[windowLength];
        }

        Span<float> window = _window.AsSpan(0, windowLength);
        for (int y = 0; y < Height; y++)
        {
            sample.Slice((((top + y) * width) + left) * channels, Width * channels).CopyTo(window.Slice(y * Width * channels));
        }

        AffineTransform.Resize(Height, Width, height, width)
            .Apply(window, Height, Width, sample, height, width, channels, Interpolation, FillMode.Nearest);
    }
}
