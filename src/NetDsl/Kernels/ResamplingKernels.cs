using System;
using System.ComponentModel;

namespace NetDsl.Kernels;

/// <summary>
/// UpSampling2D (nearest and bilinear), ZeroPadding2D and Cropping2D on channels-last feature maps, forward and
/// backward. Rows and pixels move as whole spans (vectorised copies and multiply-adds over the channels).
/// Geometry and lengths are checked on entry.
/// </summary>
/// <remarks>For generated code; the signatures may change between versions.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ResamplingKernels
{
    /// <summary>Each pixel of <paramref name="x"/> (<paramref name="height"/> x <paramref name="width"/> x
    /// <paramref name="channels"/>) repeated <paramref name="sizeHeight"/> x <paramref name="sizeWidth"/> times.</summary>
    public static void UpSampleNearest(ReadOnlySpan<float> x, Span<float> y, int height, int width, int channels, int sizeHeight, int sizeWidth)
    {
        Check(x.Length, y.Length, height, width, channels, sizeHeight, sizeWidth);
        int inRow = width * channels, outRow = inRow * sizeWidth;
        for (int i = 0; i < height; i++)
        {
            ReadOnlySpan<float> source = x.Slice(i * inRow, inRow);
            Span<float> row = y.Slice(i * sizeHeight * outRow, outRow);
            if (channels == 1)
            {
                for (int j = 0, o = 0; j < width; j++)
                {
                    float value = source[j];
                    for (int s = 0; s < sizeWidth; s++)
                    {
                        row[o++] = value;
                    }
                }
            }
            else
            {
                for (int j = 0; j < width; j++)
                {
                    ReadOnlySpan<float> pixel = source.Slice(j * channels, channels);
                    for (int s = 0; s < sizeWidth; s++)
                    {
                        pixel.CopyTo(row.Slice(((j * sizeWidth) + s) * channels, channels));
                    }
                }
            }

            for (int r = 1; r < sizeHeight; r++)
            {
                row.CopyTo(y.Slice(((i * sizeHeight) + r) * outRow, outRow));
            }
        }
    }

    /// <summary>The input gradient of <see cref="UpSampleNearest"/>: each pixel's gradient is the sum of its
    /// copies'.</summary>
    public static void UpSampleNearestBackward(ReadOnlySpan<float> dy, Span<float> dx, int height, int width, int channels, int sizeHeight, int sizeWidth)
    {
        Check(dx.Length, dy.Length, height, width, channels, sizeHeight, sizeWidth);
        int inRow = width * channels, outRow = inRow * sizeWidth;
        for (int i = 0; i < height; i++)
        {
            Span<float> target = dx.Slice(i * inRow, inRow);

            // The first copy row is written, the others added; then the copies along the row are summed.
            ReadOnlySpan<float> first = dy.Slice(i * sizeHeight * outRow, outRow);
            for (int j = 0; j < width; j++)
            {
                Span<float> pixel = target.Slice(j * channels, channels);
                first.Slice(j * sizeWidth * channels, channels).CopyTo(pixel);
                for (int s = 1; s < sizeWidth; s++)
                {
                    VectorOps.Add(first.Slice(((j * sizeWidth) + s) * channels, channels), pixel);
                }
            }

            for (int r = 1; r < sizeHeight; r++)
            {
                ReadOnlySpan<float> copy = dy.Slice(((i * sizeHeight) + r) * outRow, outRow);
                for (int j = 0; j < width; j++)
                {
                    Span<float> pixel = target.Slice(j * channels, channels);
                    for (int s = 0; s < sizeWidth; s++)
                    {
                        VectorOps.Add(copy.Slice(((j * sizeWidth) + s) * channels, channels), pixel);
                    }
                }
            }
        }
    }

    /// <summary>Bilinear upsampling, TensorFlow's rule: output pixel <c>o</c> samples input coordinate
    /// <c>(o + 0.5) / size - 0.5</c>, between its two nearest pixels, the border repeated.</summary>
    public static void UpSampleBilinear(ReadOnlySpan<float> x, Span<float> y, int height, int width, int channels, int sizeHeight, int sizeWidth)
    {
        Check(x.Length, y.Length, height, width, channels, sizeHeight, sizeWidth);
        int outHeight = height * sizeHeight, outWidth = width * sizeWidth;
        for (int oi = 0; oi < outHeight; oi++)
        {
            (int i0, int i1, float fy) = Source(oi, height, sizeHeight);
            for (int oj = 0; oj < outWidth; oj++)
            {
                (int j0, int j1, float fx) = Source(oj, width, sizeWidth);
                Span<float> pixel = y.Slice(((oi * outWidth) + oj) * channels, channels);
                MergeKernels.Scaled(x.Slice(((i0 * width) + j0) * channels, channels), (1 - fy) * (1 - fx), pixel, accumulate: false);
                VectorOps.MultiplyAdd((1 - fy) * fx, x.Slice(((i0 * width) + j1) * channels, channels), pixel);
                VectorOps.MultiplyAdd(fy * (1 - fx), x.Slice(((i1 * width) + j0) * channels, channels), pixel);
                VectorOps.MultiplyAdd(fy * fx, x.Slice(((i1 * width) + j1) * channels, channels), pixel);
            }
        }
    }

    /// <summary>The input gradient of <see cref="UpSampleBilinear"/>: each output pixel's gradient shared among
    /// its four input pixels with the same weights.</summary>
    public static void UpSampleBilinearBackward(ReadOnlySpan<float> dy, Span<float> dx, int height, int width, int channels, int sizeHeight, int sizeWidth)
    {
        Check(dx.Length, dy.Length, height, width, channels, sizeHeight, sizeWidth);
        dx.Clear();
        int outHeight = height * sizeHeight, outWidth = width * sizeWidth;
        for (int oi = 0; oi < outHeight; oi++)
        {
            (int i0, int i1, float fy) = Source(oi, height, sizeHeight);
            for (int oj = 0; oj < outWidth; oj++)
            {
                (int j0, int j1, float fx) = Source(oj, width, sizeWidth);
                ReadOnlySpan<float> g = dy.Slice(((oi * outWidth) + oj) * channels, channels);
                VectorOps.MultiplyAdd((1 - fy) * (1 - fx), g, dx.Slice(((i0 * width) + j0) * channels, channels));
                VectorOps.MultiplyAdd((1 - fy) * fx, g, dx.Slice(((i0 * width) + j1) * channels, channels));
                VectorOps.MultiplyAdd(fy * (1 - fx), g, dx.Slice(((i1 * width) + j0) * channels, channels));
                VectorOps.MultiplyAdd(fy * fx, g, dx.Slice(((i1 * width) + j1) * channels, channels));
            }
        }
    }

    /// <summary>
    /// <paramref name="x"/> (<paramref name="height"/> x <paramref name="width"/> x <paramref name="channels"/>)
    /// inside a border of zeros: <paramref name="top"/> rows above, <paramref name="bottom"/> below,
    /// <paramref name="left"/> and <paramref name="right"/> columns beside. Also the input gradient of a crop.
    /// </summary>
    public static void Pad(ReadOnlySpan<float> x, Span<float> y, int height, int width, int channels, int top, int bottom, int left, int right)
    {
        CheckBorder(x.Length, y.Length, height, width, channels, top, bottom, left, right);
        int inRow = width * channels, outRow = (width + left + right) * channels;
        y.Slice(0, top * outRow).Clear();
        y.Slice((top + height) * outRow).Clear();
        for (int i = 0; i < height; i++)
        {
            Span<float> row = y.Slice((top + i) * outRow, outRow);
            row.Slice(0, left * channels).Clear();
            x.Slice(i * inRow, inRow).CopyTo(row.Slice(left * channels));
            row.Slice((left * channels) + inRow).Clear();
        }
    }

    /// <summary>
    /// The inside of <paramref name="x"/> (<paramref name="height"/> x <paramref name="width"/> x
    /// <paramref name="channels"/> with the border included) without <paramref name="top"/> rows above,
    /// <paramref name="bottom"/> below, <paramref name="left"/> and <paramref name="right"/> columns beside. Also
    /// the input gradient of a zero padding.
    /// </summary>
    public static void Crop(ReadOnlySpan<float> x, Span<float> y, int height, int width, int channels, int top, int bottom, int left, int right)
    {
        int innerHeight = height - top - bottom, innerWidth = width - left - right;
        CheckBorder(y.Length, x.Length, innerHeight, innerWidth, channels, top, bottom, left, right);
        int inRow = width * channels, outRow = innerWidth * channels;
        for (int i = 0; i < innerHeight; i++)
        {
            x.Slice(((top + i) * inRow) + (left * channels), outRow).CopyTo(y.Slice(i * outRow, outRow));
        }
    }

    private static (int Lower, int Upper, float Fraction) Source(int output, int input, int size)
    {
        float at = ((output + 0.5f) / size) - 0.5f;
        int floor = (int)MathF.Floor(at);
        return (Math.Max(floor, 0), Math.Min(floor + 1, input - 1), at - floor);
    }

    private static void Check(int inputLength, int outputLength, int height, int width, int channels, int sizeHeight, int sizeWidth)
    {
        if (height <= 0 || width <= 0 || channels <= 0 || sizeHeight <= 0 || sizeWidth <= 0
            || inputLength != (long)height * width * channels || outputLength != (long)height * sizeHeight * width * sizeWidth * channels)
        {
            throw new ArgumentException($"{inputLength} and {outputLength} values are not a {height}x{width}x{channels} map and its {sizeHeight}x{sizeWidth} upsampling.");
        }
    }

    private static void CheckBorder(int innerLength, int outerLength, int height, int width, int channels, int top, int bottom, int left, int right)
    {
        if (height <= 0 || width <= 0 || channels <= 0 || top < 0 || bottom < 0 || left < 0 || right < 0
            || innerLength != (long)height * width * channels || outerLength != (long)(height + top + bottom) * (width + left + right) * channels)
        {
            throw new ArgumentException($"{innerLength} and {outerLength} values are not a {height}x{width}x{channels} map and the same with a border of {top}, {bottom}, {left}, {right}.");
        }
    }
}
