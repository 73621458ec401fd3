using System;
using System.Collections.Generic;

namespace NetDsl.Images;

/// <summary>
/// What happens to every image after decoding: resampling to the target size (optionally after a centred crop to
/// the target's aspect ratio), scaling from 0-255 to [0, 1], and an optional per-channel normalisation
/// <c>(x - Mean[c]) / StandardDeviation[c]</c>. The same settings serve training (<see cref="ImageDatasetOptions"/>
/// derives from this) and prediction (<see cref="ImageInput.Load"/>), so both see the same pixels.
/// </summary>
public record ImagePreprocessing
{
    /// <summary>The most pixels (width x height) an image may declare: 89,478,485 by default, Pillow's
    /// decompression-bomb limit. A file declaring more is rejected before anything is allocated.</summary>
    public const long DefaultMaxPixels = 89_478_485;

    /// <summary>How images are resampled (default <see cref="Interpolation.Bilinear"/>, as Keras).</summary>
    public Interpolation Interpolation { get; init; } = Interpolation.Bilinear;

    /// <summary>Crop the largest centred window with the target's aspect ratio before resizing, so the image is
    /// not distorted (Keras's <c>crop_to_aspect_ratio</c>). Default false: the whole image is stretched.</summary>
    public bool CropToAspectRatio { get; init; }

    /// <summary>Per-channel means subtracted after scaling to [0, 1] (one per channel), or null for none.</summary>
    public IReadOnlyList<float>? Mean { get; init; }

    /// <summary>Per-channel standard deviations divided by after subtracting <see cref="Mean"/> (one per
    /// channel, each positive), or null for none.</summary>
    public IReadOnlyList<float>? StandardDeviation { get; init; }

    /// <summary>The most pixels an image may declare (default <see cref="DefaultMaxPixels"/>).</summary>
    public long MaxPixels { get; init; } = DefaultMaxPixels;

    /// <summary>Checks the settings for images of <paramref name="channels"/> channels.</summary>
    /// <exception cref="ArgumentException">A setting is out of range or the normalisation has the wrong length.</exception>
    internal void Validate(int channels)
    {
        if (MaxPixels <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPixels), MaxPixels, "MaxPixels must be positive.");
        }

        if (Mean is { } mean)
        {
            if (mean.Count != channels)
            {
                throw new ArgumentException($"Mean has {mean.Count} values, but the images have {channels} channel(s): give one per channel.", nameof(Mean));
            }

            foreach (float m in mean)
            {
                if (!float.IsFinite(m))
                {
                    throw new ArgumentException($"Mean holds {m}; every mean must be finite.", nameof(Mean));
                }
            }
        }

        if (StandardDeviation is { } std)
        {
            if (std.Count != channels)
            {
                throw new ArgumentException($"StandardDeviation has {std.Count} values, but the images have {channels} channel(s): give one per channel.", nameof(StandardDeviation));
            }

            foreach (float s in std)
            {
                if (!(s > 0f) || !float.IsFinite(s))
                {
                    throw new ArgumentException($"StandardDeviation holds {s}; every standard deviation must be positive and finite.", nameof(StandardDeviation));
                }
            }
        }
    }
}
