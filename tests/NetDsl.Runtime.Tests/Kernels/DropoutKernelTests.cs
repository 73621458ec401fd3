using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Kernels;

namespace NetDsl.Runtime.Tests.Kernels;

/// <summary>
/// <see cref="DropoutKernels"/>: inverted dropout (kept values scaled by exactly <c>1 / (1 - rate)</c>, dropped ones
/// 0), masks that the backward pass regenerates from the same stream, statistics of the counter-based masks (kept
/// fraction, independence between neighbours and between streams), spatial dropout of whole channels, and the
/// argument checks.
/// </summary>
public sealed class DropoutKernelTests
{
    private const int Many = 200_000;

    private static readonly ulong Base = DropoutKernels.Stream(seed: 42, step: 7, sample: 3, layer: 2);

    private static readonly int[] Lengths = { 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 70, 100 };

    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.5f)]
    [InlineData(0.9f)]
    public void ForwardKeepsOneMinusRateAndScalesTheKeptValuesExactly(float rate)
    {
        float[] x = Uniform(Many, 0.5f, 1.5f, 1);
        var y = new float[Many];
        DropoutKernels.Forward(x, y, rate, Base);
        float scale = 1f / (1f - rate);
        int kept = 0;
        for (int i = 0; i < Many; i++)
        {
            bool keeps = DropoutKernels.Keeps(Base, i, rate);
            if (keeps)
            {
                kept++;
                Assert.Equal(x[i] * scale, y[i]);
            }
            else
            {
                Assert.Equal(0, BitConverter.SingleToInt32Bits(y[i]));
            }
        }

        Assert.InRange((double)kept / Many, 1 - rate - 0.005, 1 - rate + 0.005);
    }

    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.25f)]
    [InlineData(0.5f)]
    [InlineData(0.9f)]
    public void BackwardWithTheSameStreamDropsTheSamePositionsAndScalesAlike(float rate)
    {
        foreach (int n in Lengths.Append(Many))
        {
            ulong stream = DropoutKernels.Stream(5, n, 0, 1);
            float[] x = Uniform(n, 0.5f, 1.5f, n);
            float[] gradient = Uniform(n, -2f, 2f, n + 1);
            float[] dy = gradient.ToArray();
            var y = new float[n];
            DropoutKernels.Forward(x, y, rate, stream);
            DropoutKernels.Backward(gradient, rate, stream);
            float scale = 1f / (1f - rate);
            for (int i = 0; i < n; i++)
            {
                bool kept = DropoutKernels.Keeps(stream, i, rate);
                Assert.Equal(kept ? x[i] * scale : 0f, y[i]);
                Assert.Equal(kept ? dy[i] * scale : 0f, gradient[i]);
            }
        }
    }

    [Fact]
    public void RateZeroKeepsEverythingUnscaled()
    {
        float[] x = Uniform(10_000, -3f, 3f, 2);
        var y = new float[x.Length];
        DropoutKernels.Forward(x, y, 0f, Base);
        Assert.Equal(x, y);
        float[] gradient = x.ToArray();
        DropoutKernels.Backward(gradient, 0f, Base);
        Assert.Equal(x, gradient);
        DropoutKernels.SpatialForward(x, y, 16, 0f, Base);
        Assert.Equal(x, y);
        DropoutKernels.SpatialBackward(gradient, 16, 0f, Base);
        Assert.Equal(x, gradient);
        Assert.True(Enumerable.Range(0, Many).All(i => DropoutKernels.Keeps(Base, i, 0f)));
    }

    [Fact]
    public void DroppedValuesAreZeroWhateverTheInput()
    {
        // Like Keras (where(keep, x / (1 - rate), 0)): a dropped infinity or NaN is 0, not NaN.
        float[] x = Enumerable.Range(0, 1000).Select(i => (i % 3) switch { 0 => float.PositiveInfinity, 1 => float.NaN, _ => float.NegativeInfinity }).ToArray();
        var y = new float[x.Length];
        DropoutKernels.Forward(x, y, 0.5f, Base);
        for (int i = 0; i < x.Length; i++)
        {
            if (DropoutKernels.Keeps(Base, i, 0.5f))
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(x[i] * 2f), BitConverter.SingleToInt32Bits(y[i]));
            }
            else
            {
                Assert.Equal(0f, y[i]);
            }
        }
    }

    [Fact]
    public void TheSameStreamGivesTheSameMaskAndEachValueDependsOnlyOnItsIndex()
    {
        float[] x = Uniform(10_000, -1f, 1f, 3);
        var first = new float[x.Length];
        var second = new float[x.Length];
        DropoutKernels.Forward(x, first, 0.3f, Base);
        DropoutKernels.Forward(x, second, 0.3f, DropoutKernels.Stream(42, 7, 3, 2));
        Assert.Equal(first, second);

        // A prefix has the prefix's mask (the mask of value i is a hash of the stream and i alone), and in place
        // gives the same values as separate spans.
        var prefix = new float[1000];
        DropoutKernels.Forward(x.AsSpan(0, 1000), prefix, 0.3f, Base);
        Assert.Equal(first.Take(1000), prefix);
        float[] inPlace = x.ToArray();
        DropoutKernels.Forward(inPlace, inPlace, 0.3f, Base);
        Assert.Equal(first, inPlace);
    }

    [Fact]
    public void MasksAreNestedAcrossRates()
    {
        // A value kept at some rate is kept at every lower rate (one uniform draw per value, compared with the rate).
        float[] rates = { 0f, 0.1f, 0.25f, 0.5f, 0.75f, 0.9f, 0.999f };
        for (int i = 0; i < 20_000; i++)
        {
            bool[] keeps = rates.Select(r => DropoutKernels.Keeps(Base, i, r)).ToArray();
            for (int k = 1; k < keeps.Length; k++)
            {
                Assert.True(keeps[k - 1] || !keeps[k], $"value {i} is kept at rate {rates[k]} but not at {rates[k - 1]}");
            }
        }

        Assert.DoesNotContain(Enumerable.Range(0, Many), i => DropoutKernels.Keeps(Base, i, 1f));
        Assert.InRange(Enumerable.Range(0, Many).Count(i => DropoutKernels.Keeps(Base, i, 0.25f)) / (double)Many, 0.745, 0.755);
        Assert.InRange(Enumerable.Range(0, Many).Count(i => DropoutKernels.Keeps(Base, i, 0.75f)) / (double)Many, 0.245, 0.255);
    }

    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.5f)]
    [InlineData(0.9f)]
    public void NeighbouringValuesAreNotCorrelated(float rate)
    {
        bool[] mask = Enumerable.Range(0, Many).Select(i => DropoutKernels.Keeps(Base, i, rate)).ToArray();
        double p = 1 - rate, expected = (p * p) + ((1 - p) * (1 - p));
        foreach (int lag in new[] { 1, 2, 3, 4, 8, 16, 64, 1024 })
        {
            int agree = 0;
            for (int i = 0; i + lag < Many; i++)
            {
                agree += mask[i] == mask[i + lag] ? 1 : 0;
            }

            Assert.InRange(agree / (double)(Many - lag), expected - 0.01, expected + 0.01);
        }

        // Runs of kept values are as long as independent draws make them: mean run length 1 / (1 - p).
        int runs = 1;
        for (int i = 1; i < Many; i++)
        {
            runs += mask[i] != mask[i - 1] ? 1 : 0;
        }

        double transitions = 2 * p * (1 - p) * (Many - 1);
        Assert.InRange(runs, transitions * 0.95, (transitions * 1.05) + 2);
    }

    public static IEnumerable<object[]> OtherStreams() => new[]
    {
        new object[] { "seed", DropoutKernels.Stream(43, 7, 3, 2) },
        new object[] { "step", DropoutKernels.Stream(42, 8, 3, 2) },
        new object[] { "sample", DropoutKernels.Stream(42, 7, 4, 2) },
        new object[] { "layer", DropoutKernels.Stream(42, 7, 3, 3) },
        new object[] { "every argument", DropoutKernels.Stream(0, 0, 0, 0) },
    };

    [Theory]
    [MemberData(nameof(OtherStreams))]
    public void AnotherStreamGivesAnIndependentMask(string changed, ulong other)
    {
        Assert.NotEqual(Base, other);
        foreach (float rate in new[] { 0.1f, 0.5f, 0.9f })
        {
            double p = 1 - rate, expected = (p * p) + ((1 - p) * (1 - p));
            int agree = Enumerable.Range(0, Many).Count(i => DropoutKernels.Keeps(Base, i, rate) == DropoutKernels.Keeps(other, i, rate));
            Assert.True(Math.Abs((agree / (double)Many) - expected) <= 0.01, $"changing the {changed} at rate {rate}: the masks agree on {agree / (double)Many:P2}, expected {expected:P2}");

            // Spatial masks too: one draw per channel, from the other stream.
            int channels = 20_000;
            int agreeChannels = Enumerable.Range(0, channels).Count(c => DropoutKernels.Keeps(Base, c, rate) == DropoutKernels.Keeps(other, c, rate));
            Assert.True(Math.Abs((agreeChannels / (double)channels) - expected) <= 0.02, $"changing the {changed}: channel masks agree on {agreeChannels / (double)channels:P2}");
        }
    }

    [Fact]
    public void StreamsOfNearbyArgumentsAreAllDistinct()
    {
        var streams = new HashSet<ulong>();
        for (ulong seed = 0; seed < 4; seed++)
        {
            for (long step = 0; step < 8; step++)
            {
                for (int sample = 0; sample < 16; sample++)
                {
                    for (int layer = 0; layer < 8; layer++)
                    {
                        Assert.True(streams.Add(DropoutKernels.Stream(seed, step, sample, layer)), $"Stream({seed}, {step}, {sample}, {layer}) repeats an earlier stream");
                    }
                }
            }
        }

        // Swapping which argument is 1 changes the stream.
        ulong[] unit = { DropoutKernels.Stream(1, 0, 0, 0), DropoutKernels.Stream(0, 1, 0, 0), DropoutKernels.Stream(0, 0, 1, 0), DropoutKernels.Stream(0, 0, 0, 1) };
        Assert.Equal(unit.Length, unit.Distinct().Count());
    }

    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.5f)]
    [InlineData(0.9f)]
    public void SpatialDropoutKeepsOrDropsWholeChannels(float rate)
    {
        float scale = 1f / (1f - rate);
        foreach (int channels in Lengths.Append(5000))
        {
            int rows = channels == 5000 ? 3 : 9;
            ulong stream = DropoutKernels.Stream(9, 1, channels, 4);
            float[] x = Uniform(rows * channels, 0.5f, 1.5f, channels);
            var y = new float[x.Length];
            DropoutKernels.SpatialForward(x, y, channels, rate, stream);
            float[] dy = Uniform(x.Length, -2f, 2f, channels + 1);
            float[] gradient = dy.ToArray();
            DropoutKernels.SpatialBackward(gradient, channels, rate, stream);
            for (int c = 0; c < channels; c++)
            {
                // One draw per channel (the value-index draw of the channel), for every pixel.
                bool kept = DropoutKernels.Keeps(stream, c, rate);
                for (int r = 0; r < rows; r++)
                {
                    int i = (r * channels) + c;
                    Assert.Equal(kept ? x[i] * scale : 0f, y[i]);
                    Assert.Equal(kept ? dy[i] * scale : 0f, gradient[i]);
                }
            }
        }

        // The kept fraction of channels.
        const int many = 50_000;
        var ones = new float[many * 2];
        Array.Fill(ones, 1f);
        var output = new float[ones.Length];
        DropoutKernels.SpatialForward(ones, output, many, rate, Base);
        int keptChannels = output.Take(many).Count(v => v != 0f);
        Assert.InRange(keptChannels / (double)many, 1 - rate - 0.01, 1 - rate + 0.01);
        Assert.Equal(output.Take(many), output.Skip(many));
    }

    [Fact]
    public void SpatialDropoutOfOneChannelIsAllOrNothing()
    {
        int keptMasks = 0;
        for (int step = 0; step < 400; step++)
        {
            ulong stream = DropoutKernels.Stream(1, step, 0, 0);
            float[] x = Uniform(37, 0.5f, 1.5f, step);
            var y = new float[37];
            DropoutKernels.SpatialForward(x, y, 1, 0.5f, stream);
            bool kept = y[0] != 0f;
            keptMasks += kept ? 1 : 0;
            Assert.All(y, (v, i) => Assert.Equal(kept ? x[i] * 2f : 0f, v));
        }

        Assert.InRange(keptMasks, 140, 260);
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(-float.Epsilon)]
    [InlineData(1f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void RatesOutsideZeroToOneAreRejected(float rate)
    {
        var x = new float[8];
        Assert.Throws<ArgumentOutOfRangeException>(() => DropoutKernels.Forward(x, new float[8], rate, Base));
        Assert.Throws<ArgumentOutOfRangeException>(() => DropoutKernels.Backward(x, rate, Base));
        Assert.Throws<ArgumentOutOfRangeException>(() => DropoutKernels.SpatialForward(x, new float[8], 4, rate, Base));
        Assert.Throws<ArgumentOutOfRangeException>(() => DropoutKernels.SpatialBackward(x, 4, rate, Base));
        Assert.All(x, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void MismatchedLengthsAndChannelsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => DropoutKernels.Forward(new float[8], new float[7], 0.5f, Base));
        Assert.Throws<ArgumentException>(() => DropoutKernels.Forward(new float[16], new float[17], 0.5f, Base));
        Assert.Throws<ArgumentException>(() => DropoutKernels.Forward(new float[3], default, 0.5f, Base));
        Assert.Throws<ArgumentException>(() => DropoutKernels.SpatialForward(new float[8], new float[12], 4, 0.5f, Base));
        Assert.Throws<ArgumentException>(() => DropoutKernels.SpatialForward(new float[8], new float[8], 3, 0.5f, Base));
        Assert.Throws<ArgumentException>(() => DropoutKernels.SpatialForward(new float[8], new float[8], 0, 0.5f, Base));
        Assert.Throws<ArgumentException>(() => DropoutKernels.SpatialForward(new float[8], new float[8], -4, 0.5f, Base));
        Assert.Throws<ArgumentException>(() => DropoutKernels.SpatialBackward(new float[9], 2, 0.5f, Base));
        Assert.Throws<ArgumentException>(() => DropoutKernels.SpatialBackward(new float[8], 0, 0.5f, Base));
    }

    private static float[] Uniform(int n, float low, float high, int seed)
    {
        var random = new DeterministicRandom(seed);
        return Enumerable.Range(0, n).Select(_ => random.NextSingle(low, high)).ToArray();
    }
}
