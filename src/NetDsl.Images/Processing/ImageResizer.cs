using System;

namespace NetDsl.Images.Processing;

/// <summary>A source window: the rectangle of the decoded image that is resized to the target.</summary>
internal readonly record struct CropWindow(int Top, int Left, int Height, int Width)
{
    /// <summary>The whole image, or with <paramref name="cropToAspectRatio"/> the largest centred window with the
    /// target's aspect ratio, computed exactly as Keras's <c>smart_resize</c> (integer truncation included).</summary>
    public static CropWindow For(int height, int width, int targetHeight, int targetWidth, bool cropToAspectRatio)
    {
        if (!cropToAspectRatio)
        {
            return new CropWindow(0, 0, height, width);
        }

        int cropHeight = Math.Min(height, (int)((double)width * targetHeight / targetWidth));
        int cropWidth = Math.Min(width, (int)((double)height * targetWidth / targetHeight));
        cropHeight = Math.Max(1, cropHeight);
        cropWidth = Math.Max(1, cropWidth);
        return new CropWindow((height - cropHeight) / 2, (width - cropWidth) / 2, cropHeight, cropWidth);
    }
}

/// <summary>
/// Resampling as <c>tf.image.resize</c> without antialiasing (what Keras's image loading uses): half-pixel
/// centres, so output pixel <c>i</c> samples the source at <c>(i + 0.5) * in / out - 0.5</c>; bilinear weights
/// between the two neighbours on each axis (clamped at the border), or the nearest pixel
/// <c>floor((i + 0.5) * in / out)</c>.
/// </summary>
internal sealed class ImageResizer
{
    private int[] _x0 = Array.Empty<int>();
    private int[] _x1 = Array.Empty<int>();
    private float[] _xLerp = Array.Empty<float>();

    /// <summary>Resizes the <paramref name="window"/> of <paramref name="source"/> (<paramref name="sourceWidth"/>
    /// pixels a row, <paramref name="channels"/> channels) to <paramref name="height"/> x <paramref name="width"/>.</summary>
    public void Resize(ReadOnlySpan<float> source, int sourceWidth, int channels, CropWindow window, Span<float> destination, int height, int width, Interpolation interpolation)
    {
        int rowLength = sourceWidth * channels;
        if (window.Height == height && window.Width == width)
        {
            for (int y = 0; y < height; y++)
            {
                source.Slice(((window.Top + y) * rowLength) + (window.Left * channels), width * channels).CopyTo(destination.Slice(y * width * channels));
            }

            return;
        }

        if (interpolation == Interpolation.Nearest)
        {
            ResizeNearest(source, rowLength, channels, window, destination, height, width);
            return;
        }

        Grow(width);
        float xScale = (float)window.Width / width;
        for (int x = 0; x < width; x++)
        {
            (_x0[x], _x1[x], _xLerp[x]) = Weights(x, xScale, window.Width);
            _x0[x] = (window.Left + _x0[x]) * channels;
            _x1[x] = (window.Left + _x1[x]) * channels;
        }

        float yScale = (float)window.Height / height;
        for (int y = 0; y < height; y++)
        {
            (int y0, int y1, float yLerp) = Weights(y, yScale, window.Height);
            ReadOnlySpan<float> top = source.Slice((window.Top + y0) * rowLength, rowLength);
            ReadOnlySpan<float> bottom = source.Slice((window.Top + y1) * rowLength, rowLength);
            Span<float> output = destination.Slice(y * width * channels, width * channels);
            for (int x = 0; x < width; x++)
            {
                int a = _x0[x], b = _x1[x];
                float xLerp = _xLerp[x];
                for (int c = 0; c < channels; c++)
                {
                    float topValue = top[a + c] + ((top[b + c] - top[a + c]) * xLerp);
                    float bottomValue = bottom[a + c] + ((bottom[b + c] - bottom[a + c]) * xLerp);
                    output[(x * channels) + c] = topValue + ((bottomValue - topValue) * yLerp);
                }
            }
        }
    }

    /// <summary>TensorFlow's <c>compute_interpolation_weights</c> with half-pixel centres.</summary>
    internal static (int Lower, int Upper, float Lerp) Weights(int index, float scale, int size)
    {
        float position = ((index + 0.5f) * scale) - 0.5f;
        float floor = MathF.Floor(position);
        int lower = Math.Max((int)floor, 0);
        int upper = Math.Min((int)MathF.Ceiling(position), size - 1);
        return (lower, Math.Max(upper, 0), position - floor);
    }

    private static void ResizeNearest(ReadOnlySpan<float> source, int rowLength, int channels, CropWindow window, Span<float> destination, int height, int width)
    {
        float yScale = (float)window.Height / height, xScale = (float)window.Width / width;
        for (int y = 0; y < height; y++)
        {
            int sy = Math.Min((int)MathF.Floor((y + 0.5f) * yScale), window.Height - 1);
            ReadOnlySpan<float> row = source.Slice((window.Top + sy) * rowLength, rowLength);
            for (int x = 0; x < width; x++)
            {
                int sx = Math.Min((int)MathF.Floor((x + 0.5f) * xScale), window.Width - 1);
                row.Slice((window.Left + sx) * channels, channels).CopyTo(destination.Slice(((y * width) + x) * channels, channels));
            }
        }
    }

    private void Grow(int width)
    {
        if (_x0.Length < width)
        {
            _x0 = new int[width];
            _x1 = new int[width];
            _xLerp = new float[width];
        }
    }
}
