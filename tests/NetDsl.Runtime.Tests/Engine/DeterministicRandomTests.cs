using System;
using System.Linq;

namespace NetDsl.Runtime.Tests.Engine;

public sealed class DeterministicRandomTests
{
    [Fact]
    public void TheSequenceOfASeedNeverChanges()
    {
        // Golden values: weights and shuffles of every trained network depend on this sequence.
        var random = new DeterministicRandom(42);
        uint[] first = Enumerable.Range(0, 4).Select(_ => random.NextUInt32()).ToArray();
        var again = new DeterministicRandom(42);
        Assert.Equal(first, Enumerable.Range(0, 4).Select(_ => again.NextUInt32()).ToArray());
        Assert.Equal(GoldenFirstValues, first);
        Assert.NotEqual(first, Enumerable.Range(0, 4).Select(_ => new DeterministicRandom(43).NextUInt32()).ToArray());
    }

    [Fact]
    public void UniformValuesStayInRangeAndLookUniform()
    {
        var random = new DeterministicRandom(1);
        float[] values = Enumerable.Range(0, 100_000).Select(_ => random.NextSingle()).ToArray();
        Assert.All(values, v => Assert.InRange(v, 0f, 0.99999994f));
        Assert.InRange(values.Average(), 0.495, 0.505);
        int[] counts = new int[10];
        var ints = new DeterministicRandom(2);
        for (int i = 0; i < 100_000; i++)
        {
            counts[ints.Next(10)]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
        Assert.Throws<ArgumentOutOfRangeException>(() => ints.Next(0));
    }

    [Fact]
    public void ShuffleIsAPermutation()
    {
        int[] items = Enumerable.Range(0, 1000).ToArray();
        new DeterministicRandom(3).Shuffle(items.AsSpan());
        Assert.NotEqual(Enumerable.Range(0, 1000), items);
        Assert.Equal(Enumerable.Range(0, 1000), items.OrderBy(i => i));
    }

    [Fact]
    public void GaussianHasUnitVariance()
    {
        var random = new DeterministicRandom(4);
        double[] values = Enumerable.Range(0, 50_000).Select(_ => (double)random.NextGaussian()).ToArray();
        double mean = values.Average();
        Assert.InRange(mean, -0.02, 0.02);
        Assert.InRange(values.Average(v => (v - mean) * (v - mean)), 0.97, 1.03);
    }

    private static readonly uint[] GoldenFirstValues = ComputeGolden();

    // xoshiro128** seeded by SplitMix64(42), written out independently of the implementation.
    private static uint[] ComputeGolden()
    {
        ulong state = 42;
        ulong Next()
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        ulong a = Next(), b = Next();
        uint s0 = (uint)a, s1 = (uint)(a >> 32), s2 = (uint)b, s3 = (uint)(b >> 32);
        var result = new uint[4];
        for (int i = 0; i < 4; i++)
        {
            result[i] = BitRotate(s1 * 5, 7) * 9;
            uint t = s1 << 9;
            s2 ^= s0;
            s3 ^= s1;
            s1 ^= s2;
            s0 ^= s3;
            s2 ^= t;
            s3 = BitRotate(s3, 11);
        }

        return result;
    }

    private static uint BitRotate(uint x, int k) => (x << k) | (x >> (32 - k));
}
