using System;
using NetDsl.Images.Decoding;

namespace NetDsl.Images.Processing;

/// <summary>
/// One image file to one sample: decode (<see cref="ImageFileReader"/>), convert to the channels, crop to the
/// aspect ratio if asked, resize (<see cref="ImageResizer"/>), divide by 255, normalise. Keeps its buffers between
/// calls, so loading allocates nothing once warm; not thread-safe: one per thread.
/// </summary>
internal sealed class ImageLoader
{
    private readonly ImageFileReader _reader = new();
    private readonly ImageResizer _resizer = new();
    private readonly float[] _mean;
    private readonly float[] _inverseStd;
    private readonly bool _normalize;
    private float[] _decoded = Array.Empty<float>();
    private float[] _resized = Array.Empty<float>();

    public ImageLoader(int height, int width, int channels, ImagePreprocessing preprocessing)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (channels is not (1 or 3))
        {
            throw new ArgumentException($"Images load with 1 channel (grayscale) or 3 (RGB), not {channels}.", nameof(channels));
        }

        if ((long)height * width * channels > Array.MaxLength)
        {
            throw new ArgumentException($"A {height} x {width} x {channels} sample is too large.", nameof(height));
        }

        preprocessing.Validate(channels);
        Height = height;
        Width = width;
        Channels = channels;
        Preprocessing = preprocessing;
        _mean = new float[channels];
        _inverseStd = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            _mean[c] = preprocessing.Mean?[c] ?? 0f;
            _inverseStd[c] = 1f / (preprocessing.StandardDeviation?[c] ?? 1f);
        }

        _normalize = preprocessing.Mean is not null || preprocessing.StandardDeviation is not null;
    }

    public int Height { get; }

    public int Width { get; }

    public int Channels { get; }

    public int SampleLength => Height * Width * Channels;

    public ImagePreprocessing Preprocessing { get; }

    /// <summary>Loads <paramref name="path"/> into <paramref name="destination"/> (<see cref="SampleLength"/> floats).</summary>
    /// <exception cref="InvalidImageException">The file cannot be read or decoded.</exception>
    public void Load(string path, Span<float> destination)
    {
        if (destination.Length != SampleLength)
        {
            throw new ArgumentException($"Expected room for {SampleLength} floats, got {destination.Length}.", nameof(destination));
        }

        DecodedImage image = _reader.Read(path, Channels, Preprocessing.MaxPixels, ref _decoded);
        CropWindow window = CropWindow.For(image.Height, image.Width, Height, Width, Preprocessing.CropToAspectRatio);
        PixelConversion.Ensure(ref _resized, SampleLength);
        Span<float> resized = _resized.AsSpan(0, SampleLength);
        _resizer.Resize(_decoded.AsSpan(0, image.Length), image.Width, Channels, window, resized, Height, Width, Preprocessing.Interpolation);
        if (!_normalize)
        {
            for (int i = 0; i < resized.Length; i++)
            {
                destination[i] = resized[i] / 255f; // as Dataset.LoadIdx: an 8-bit value b becomes exactly b / 255f
            }

            return;
        }

        for (int i = 0; i < resized.Length; i++)
        {
            int c = i % Channels;
            destination[i] = ((resized[i] / 255f) - _mean[c]) * _inverseStd[c];
        }
    }
}
