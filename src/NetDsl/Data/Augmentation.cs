using System;

namespace NetDsl.Data;

/// <summary>
/// A random change applied to each training sample every time it is drawn (Keras's preprocessing layers
/// <c>RandomTranslation</c>, <c>RandomFlip</c>, <c>RandomRotation</c>, <c>RandomZoom</c>, <c>RandomCrop</c>,
/// <c>RandomContrast</c>, <c>RandomBrightness</c>). Give them to <c>FitOptions.Augmentations</c>; they never
/// touch the dataset itself, and draw from the training's seeded generator, so training stays repeatable.
/// </summary>
public abstract class Augmentation
{
    /// <summary>Changes one channels-last sample of <paramref name="shape"/> in place.</summary>
    public abstract void Apply(Span<float> sample, TensorShape shape, DeterministicRandom random);

    private protected static (int Height, int Width, int Channels) Geometry(TensorShape shape, int length)
    {
        if (shape.Rank != 3 || shape.ElementCount != length)
        {
            throw new ArgumentException($"Image augmentations need height x width x channels samples; got shape {shape} for {length} values.");
        }

        return (shape[0], shape[1], shape[2]);
    }
}

/// <summary>
/// Shifts the image by a whole number of pixels, drawn uniformly in [-max, max] on each axis; pixels shifted
/// in are 0 (Keras's <c>fill_mode="constant"</c>).
/// </summary>
public sealed class RandomTranslation : Augmentation
{
    private float[] _scratch = Array.Empty<float>();

    /// <summary>Shifts of up to <paramref name="maxShiftHeight"/> rows and <paramref name="maxShiftWidth"/> columns.</summary>
    public RandomTranslation(int maxShiftHeight, int maxShiftWidth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxShiftHeight);
        ArgumentOutOfRangeException.ThrowIfNegative(maxShiftWidth);
        MaxShiftHeight = maxShiftHeight;
        MaxShiftWidth = maxShiftWidth;
    }

    /// <summary>Largest vertical shift in pixels.</summary>
    public int MaxShiftHeight { get; }

    /// <summary>Largest horizontal shift in pixels.</summary>
    public int MaxShiftWidth { get; }

    /// <inheritdoc/>
    public override void Apply(Span<float> sample, TensorShape shape, DeterministicRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        (int height, int width, int channels) = Geometry(shape, sample.Length);
        int dy = random.Next((2 * MaxShiftHeight) + 1) - MaxShiftHeight;
        int dx = random.Next((2 * MaxShiftWidth) + 1) - MaxShiftWidth;
        if (dy == 0 && dx == 0)
        {
            return;
        }

        if (_scratch.Length < sample.Length)
        {
            _scratch = new float[sample.Length];
        }

        Span<float> source = _scratch.AsSpan(0, sample.Length);
        sample.CopyTo(source);
        sample.Clear();
        int rowLength = width * channels;
        for (int y = Math.Max(0, dy); y < Math.Min(height, height + dy); y++)
        {
            int x0 = Math.Max(0, dx), x1 = Math.Min(width, width + dx);
            if (x1 <= x0)
            {
                break;
            }

            source.Slice(((y - dy) * rowLength) + ((x0 - dx) * channels), (x1 - x0) * channels)
                .CopyTo(sample.Slice((y * rowLength) + (x0 * channels)));
        }
    }
}

/// <summary>Mirrors the image left-right and/or top-bottom, each with probability 1/2 (Keras's <c>RandomFlip</c>).</summary>
public sealed class RandomFlip : Augmentation
{
    /// <summary>Flips horizontally (left-right), vertically (top-bottom), or both.</summary>
    public RandomFlip(bool horizontal = true, bool vertical = false)
    {
        Horizontal = horizontal;
        Vertical = vertical;
    }

    /// <summary>Whether left-right mirroring is drawn.</summary>
    public bool Horizontal { get; }

    /// <summary>Whether top-bottom mirroring is drawn.</summary>
    public bool Vertical { get; }

    /// <inheritdoc/>
    public override void Apply(Span<float> sample, TensorShape shape, DeterministicRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        (int height, int width, int channels) = Geometry(shape, sample.Length);
        if (Horizontal && random.Next(2) == 1)
        {
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width / 2; x++)
                {
                    Swap(sample, ((y * width) + x) * channels, ((y * width) + width - 1 - x) * channels, channels);
                }
            }
        }

        if (Vertical && random.Next(2) == 1)
        {
            for (int y = 0; y < height / 2; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    Swap(sample, ((y * width) + x) * channels, (((height - 1 - y) * width) + x) * channels, channels);
                }
            }
        }
    }

    private static void Swap(Span<float> values, int a, int b, int count)
    {
        for (int c = 0; c < count; c++)
        {
            (values[a + c], values[b + c]) = (values[b + c], values[a + c]);
        }
    }
}
