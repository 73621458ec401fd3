using System;
using System.Linq;
using NetDsl.Data;

namespace NetDsl.Runtime.Tests.Kernels;

public sealed class AugmentationTests
{
    private static readonly TensorShape Shape = new(3, 4, 2);

    [Fact]
    public void TranslationShiftsWholePixelsAndFillsWithZero()
    {
        float[] image = Enumerable.Range(1, 24).Select(v => (float)v).ToArray();
        var seen = new System.Collections.Generic.HashSet<(int, int)>();
        var random = new DeterministicRandom(5);
        var translation = new RandomTranslation(1, 2);
        for (int trial = 0; trial < 200; trial++)
        {
            float[] shifted = image.ToArray();
            translation.Apply(shifted, Shape, random);
            (int dy, int dx) = FindShift(image, shifted);
            Assert.InRange(dy, -1, 1);
            Assert.InRange(dx, -2, 2);
            seen.Add((dy, dx));
        }

        Assert.Equal(15, seen.Count); // every shift in [-1, 1] x [-2, 2] occurs
    }

    [Fact]
    public void FlipMirrorsRowsOrColumns()
    {
        float[] image = Enumerable.Range(0, 24).Select(v => (float)v).ToArray();
        var random = new DeterministicRandom(6);
        bool sawFlip = false, sawSame = false;
        for (int trial = 0; trial < 40; trial++)
        {
            float[] flipped = image.ToArray();
            new RandomFlip(horizontal: true).Apply(flipped, Shape, random);
            bool mirrored = true;
            for (int y = 0; y < 3; y++)
            {
                for (int x = 0; x < 4; x++)
                {
                    for (int c = 0; c < 2; c++)
                    {
                        mirrored &= flipped[(((y * 4) + x) * 2) + c] == image[(((y * 4) + 3 - x) * 2) + c];
                    }
                }
            }

            sawFlip |= mirrored;
            sawSame |= flipped.SequenceEqual(image);
            Assert.True(mirrored || flipped.SequenceEqual(image));
        }

        Assert.True(sawFlip && sawSame);
    }

    [Fact]
    public void ImageAugmentationsNeedImages()
    {
        Assert.Throws<ArgumentException>(() => new RandomTranslation(1, 1).Apply(new float[10], new TensorShape(10), new DeterministicRandom(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomTranslation(-1, 0));
    }

    private static (int Dy, int Dx) FindShift(float[] original, float[] shifted)
    {
        for (int dy = -1; dy <= 1; dy++)
        {
            for (int dx = -2; dx <= 2; dx++)
            {
                bool match = true;
                for (int y = 0; y < 3 && match; y++)
                {
                    for (int x = 0; x < 4 && match; x++)
                    {
                        for (int c = 0; c < 2; c++)
                        {
                            int sy = y - dy, sx = x - dx;
                            float expected = sy is >= 0 and < 3 && sx is >= 0 and < 4 ? original[(((sy * 4) + sx) * 2) + c] : 0f;
                            match &= shifted[(((y * 4) + x) * 2) + c] == expected;
                        }
                    }
                }

                if (match)
                {
                    return (dy, dx);
                }
            }
        }

        throw new Xunit.Sdk.XunitException("not a whole-pixel shift");
    }
}
