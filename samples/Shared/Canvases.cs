using System;
using NetDsl.Data;
using NetDsl.Vision;

namespace NetDsl.Samples.Vision;

/// <summary>
/// The primer's vision tasks on real digits: MNIST digits placed on a larger canvas, with clutter (pieces of
/// other digits) around them.
/// </summary>
public static class Canvases
{
    public const int DigitSize = 28;

    /// <summary>Where a digit's ink is brighter than this counts for its box and its pixels' label.</summary>
    public const float Ink = 0.25f;

    /// <summary>Draws digit <paramref name="index"/> of <paramref name="digits"/> at (<paramref name="top"/>,
    /// <paramref name="left"/>) (the brighter value wins where it overlaps something) and returns its ink's box.</summary>
    public static BoundingBox Place(Dataset digits, int index, Span<float> canvas, int size, int top, int left)
    {
        ReadOnlySpan<float> digit = digits.GetInput(index);
        int x0 = int.MaxValue, y0 = int.MaxValue, x1 = int.MinValue, y1 = int.MinValue;
        for (int y = 0; y < DigitSize; y++)
        {
            for (int x = 0; x < DigitSize; x++)
            {
                float v = digit[(y * DigitSize) + x];
                ref float pixel = ref canvas[((top + y) * size) + left + x];
                pixel = Math.Max(pixel, v);
                if (v > Ink)
                {
                    x0 = Math.Min(x0, left + x);
                    y0 = Math.Min(y0, top + y);
                    x1 = Math.Max(x1, left + x + 1);
                    y1 = Math.Max(y1, top + y + 1);
                }
            }
        }

        return x0 == int.MaxValue ? new BoundingBox(left, top, left + DigitSize, top + DigitSize) : new BoundingBox(x0, y0, x1, y1);
    }

    /// <summary>Scatters <paramref name="pieces"/> small crops (6x6 to 10x10) of random digits, dimmed, over the canvas.</summary>
    public static void Clutter(Dataset digits, Span<float> canvas, int size, Random random, int pieces)
    {
        for (int p = 0; p < pieces; p++)
        {
            ReadOnlySpan<float> digit = digits.GetInput(random.Next(digits.Count));
            int h = random.Next(6, 11), w = random.Next(6, 11);
            int sy = random.Next(4, DigitSize - 4 - h + 1), sx = random.Next(4, DigitSize - 4 - w + 1);
            int ty = random.Next(size - h + 1), tx = random.Next(size - w + 1);
            float dim = 0.4f + (0.4f * (float)random.NextDouble());
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    ref float pixel = ref canvas[((ty + y) * size) + tx + x];
                    pixel = Math.Max(pixel, dim * digit[((sy + y) * DigitSize) + sx + x]);
                }
            }
        }
    }
}
