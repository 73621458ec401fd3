using System;

namespace NetDsl.Images.Decoding;

/// <summary>Small conversions shared by the decoders.</summary>
internal static class PixelConversion
{
    /// <summary>0..255 as floats, so an 8-bit sample converts by a table look-up.</summary>
    public static readonly float[] ByteToFloat = CreateByteTable();

    /// <summary>ITU-R BT.601 luma of an 8-bit colour, rounded as libjpeg and Pillow do:
    /// <c>(19595 R + 38470 G + 7471 B + 32768) &gt;&gt; 16</c>.</summary>
    public static int Luma(int r, int g, int b) => ((19595 * r) + (38470 * g) + (7471 * b) + 32768) >> 16;

    /// <summary>BT.601 luma of a colour in 0-255 float units (for 16-bit samples; not rounded).</summary>
    public static float Luma(float r, float g, float b) => (0.299f * r) + (0.587f * g) + (0.114f * b);

    /// <summary>Checks that <paramref name="width"/> x <paramref name="height"/> is a usable image size.</summary>
    public static void CheckSize(string path, string format, long width, long height, long maxPixels)
    {
        if (width <= 0 || height <= 0)
        {
            throw new InvalidImageException(path, $"the {format} header declares an empty image ({width} x {height}).");
        }

        if (width * height > maxPixels)
        {
            throw new InvalidImageException(path, $"the {format} header declares {width} x {height} pixels, more than the limit of {maxPixels} (ImagePreprocessing.MaxPixels).");
        }
    }

    private static float[] CreateByteTable()
    {
        var table = new float[256];
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = i;
        }

        return table;
    }

    /// <summary>Grows <paramref name="buffer"/> to at least <paramref name="length"/>.</summary>
    public static void Ensure<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[Math.Max(length, buffer.Length * 2)];
        }
    }
}
