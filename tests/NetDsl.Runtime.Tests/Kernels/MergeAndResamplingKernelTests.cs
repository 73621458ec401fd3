using System;
using System.Linq;
using NetDsl.Kernels;

namespace NetDsl.Runtime.Tests.Kernels;

/// <summary>
/// <see cref="MergeKernels"/> and <see cref="ResamplingKernels"/> against plain loops, at lengths that exercise every
/// vector width and the scalar tail (the SIMD-knob runs repeat them on every path), in place where the generated
/// code calls them in place, with accumulation, and the argument checks.
/// </summary>
public sealed class MergeAndResamplingKernelTests
{
    private static readonly int[] Lengths = { 1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100 };

    [Fact]
    public void ElementWiseMergesMatchPlainLoops()
    {
        foreach (int n in Lengths)
        {
            float[] a = Uniform(n, 1), b = Uniform(n, 2);
            b[0] = a[0]; // a tie: Maximum keeps the first
            Check((p, q, r) => MergeKernels.Add(p, q, r), (x, y) => x + y);
            Check((p, q, r) => MergeKernels.Subtract(p, q, r), (x, y) => x - y);
            Check((p, q, r) => MergeKernels.Multiply(p, q, r), (x, y) => x * y);
            Check((p, q, r) => MergeKernels.Maximum(p, q, r), (x, y) => y > x ? y : x);

            void Check(Action<float[], float[], float[]> kernel, Func<float, float, float> expected)
            {
                var y = new float[n];
                kernel(a, b, y);
                Assert.Equal(a.Zip(b, expected), y);

                float[] inPlace = a.ToArray();
                kernel(inPlace, b, inPlace);
                Assert.Equal(y, inPlace);
            }
        }
    }

    [Fact]
    public void MaximumRecordsTheFirstLargestInputAndRoutesItsGradient()
    {
        foreach (int n in Lengths)
        {
            float[][] x = { Uniform(n, 3), Uniform(n, 4), Uniform(n, 5) };
            x[2][n / 2] = x[1][n / 2] = Math.Max(x[0][n / 2], x[1][n / 2]) + 1; // a tie between inputs 1 and 2
            float[] y = x[0].ToArray();
            var choice = new float[n];
            MergeKernels.MaximumWithChoice(x[1], y, choice, 1);
            MergeKernels.MaximumWithChoice(x[2], y, choice, 2);
            float[] dy = Uniform(n, 6);
            for (int i = 0; i < n; i++)
            {
                int first = Array.FindIndex(x, v => v[i] == x.Max(w => w[i]));
                Assert.Equal(x[first][i], y[i]);
                Assert.Equal(first, (int)choice[i]);
            }

            for (int k = 0; k < 3; k++)
            {
                float[] dx = Uniform(n, 7 + k);
                float[] before = dx.ToArray();
                MergeKernels.MaximumBackward(choice, k, dy, dx, accumulate: true);
                for (int i = 0; i < n; i++)
                {
                    Assert.Equal(before[i] + ((int)choice[i] == k ? dy[i] : 0f), dx[i]);
                }

                MergeKernels.MaximumBackward(choice, k, dy, dx, accumulate: false);
                Assert.Equal(Enumerable.Range(0, n).Select(i => (int)choice[i] == k ? dy[i] : 0f), dx);
            }
        }
    }

    [Fact]
    public void ScaledAndMultiplyBackwardWriteOrAdd()
    {
        foreach (int n in Lengths)
        {
            float[] dy = Uniform(n, 8), other = Uniform(n, 9), start = Uniform(n, 10);
            foreach (float s in new[] { 1f, -1f, 0.25f })
            {
                var written = new float[n];
                MergeKernels.Scaled(dy, s, written, accumulate: false);
                Assert.Equal(dy.Select(g => s * g), written);
                float[] added = start.ToArray();
                MergeKernels.Scaled(dy, s, added, accumulate: true);
                AssertClose(start.Zip(dy, (d, g) => d + (s * g)).ToArray(), added);
            }

            var product = new float[n];
            MergeKernels.MultiplyBackward(dy, other, product, accumulate: false);
            Assert.Equal(dy.Zip(other, (g, o) => g * o), product);
            float[] sum = start.ToArray();
            MergeKernels.MultiplyBackward(dy, other, sum, accumulate: true);
            AssertClose(start.Select((d, i) => d + (dy[i] * other[i])).ToArray(), sum);
        }
    }

    [Theory]
    [InlineData(3, 1, 2, 0)]
    [InlineData(5, 4, 9, 4)]
    [InlineData(2, 17, 20, 3)]
    [InlineData(4, 6, 6, 0)]
    public void ConcatenateAndSliceChannelsAreInverse(int pixels, int channels, int total, int offset)
    {
        float[] x = Uniform(pixels * channels, 11);
        float[] y = Uniform(pixels * total, 12);
        float[] before = y.ToArray();
        MergeKernels.ConcatenateChannels(x, y, channels, total, offset);
        for (int p = 0; p < pixels; p++)
        {
            for (int c = 0; c < total; c++)
            {
                bool mine = c >= offset && c < offset + channels;
                Assert.Equal(mine ? x[(p * channels) + c - offset] : before[(p * total) + c], y[(p * total) + c]);
            }
        }

        var dx = new float[x.Length];
        MergeKernels.SliceChannels(y, dx, channels, total, offset, accumulate: false);
        Assert.Equal(x, dx);
        MergeKernels.SliceChannels(y, dx, channels, total, offset, accumulate: true);
        Assert.Equal(x.Select(v => 2 * v), dx);
    }

    [Theory]
    [InlineData(2, 3, 1, 2, 2)]
    [InlineData(3, 2, 5, 3, 2)]
    [InlineData(4, 4, 16, 2, 2)]
    [InlineData(1, 5, 3, 1, 4)]
    public void NearestUpsamplingRepeatsPixelsAndSumsTheirGradients(int h, int w, int c, int sh, int sw)
    {
        float[] x = Uniform(h * w * c, 13);
        var y = new float[h * sh * w * sw * c];
        ResamplingKernels.UpSampleNearest(x, y, h, w, c, sh, sw);
        for (int i = 0; i < h * sh; i++)
        {
            for (int j = 0; j < w * sw; j++)
            {
                for (int k = 0; k < c; k++)
                {
                    Assert.Equal(x[((((i / sh) * w) + (j / sw)) * c) + k], y[(((i * w * sw) + j) * c) + k]);
                }
            }
        }

        float[] dy = Uniform(y.Length, 14);
        float[] dx = Uniform(x.Length, 15); // overwritten
        ResamplingKernels.UpSampleNearestBackward(dy, dx, h, w, c, sh, sw);
        var expected = new double[x.Length];
        for (int i = 0; i < h * sh; i++)
        {
            for (int j = 0; j < w * sw; j++)
            {
                for (int k = 0; k < c; k++)
                {
                    expected[((((i / sh) * w) + (j / sw)) * c) + k] += dy[(((i * w * sw) + j) * c) + k];
                }
            }
        }

        AssertClose(expected.Select(v => (float)v).ToArray(), dx);
    }

    [Fact]
    public void BilinearUpsamplingOfA2x2MapMatchesTensorFlowsValues()
    {
        // tf.image.resize([[1, 2], [3, 4]], (4, 4), "bilinear"): half-pixel centres, border repeated.
        float[] x = { 1, 2, 3, 4 };
        var y = new float[16];
        ResamplingKernels.UpSampleBilinear(x, y, 2, 2, 1, 2, 2);
        float[] expected =
        {
            1f, 1.25f, 1.75f, 2f,
            1.5f, 1.75f, 2.25f, 2.5f,
            2.5f, 2.75f, 3.25f, 3.5f,
            3f, 3.25f, 3.75f, 4f,
        };
        AssertClose(expected, y);

        // The backward pass is the transpose: <dy, up(x)> = <down(dy), x> for any x and dy.
        float[] dy = Uniform(16, 16);
        var dx = new float[4];
        ResamplingKernels.UpSampleBilinearBackward(dy, dx, 2, 2, 1, 2, 2);
        double left = dy.Zip(y, (a, b) => (double)a * b).Sum(), right = dx.Zip(x, (a, b) => (double)a * b).Sum();
        Assert.Equal(left, right, 4);
    }

    [Theory]
    [InlineData(3, 4, 2, 1, 1, 1, 1)]
    [InlineData(2, 5, 17, 0, 2, 3, 0)]
    [InlineData(1, 1, 1, 2, 0, 0, 2)]
    public void PaddingAndCroppingAreEachOthersGradient(int h, int w, int c, int top, int bottom, int left, int right)
    {
        float[] x = Uniform(h * w * c, 17);
        int oh = h + top + bottom, ow = w + left + right;
        float[] y = Uniform(oh * ow * c, 18); // every value overwritten, the border with zeros
        ResamplingKernels.Pad(x, y, h, w, c, top, bottom, left, right);
        for (int i = 0; i < oh; i++)
        {
            for (int j = 0; j < ow; j++)
            {
                bool inside = i >= top && i < top + h && j >= left && j < left + w;
                for (int k = 0; k < c; k++)
                {
                    Assert.Equal(inside ? x[(((i - top) * w) + j - left) * c + k] : 0f, y[(((i * ow) + j) * c) + k]);
                }
            }
        }

        var back = new float[x.Length];
        ResamplingKernels.Crop(y, back, oh, ow, c, top, bottom, left, right);
        Assert.Equal(x, back);
    }

    [Fact]
    public void WrongLengthsAndGeometriesAreRefused()
    {
        Assert.Throws<ArgumentException>(() => MergeKernels.Add(new float[3], new float[4], new float[3]));
        Assert.Throws<ArgumentException>(() => MergeKernels.ConcatenateChannels(new float[6], new float[10], 3, 5, 3));
        Assert.Throws<ArgumentException>(() => ResamplingKernels.UpSampleNearest(new float[4], new float[15], 2, 2, 1, 2, 2));
        Assert.Throws<ArgumentException>(() => ResamplingKernels.Pad(new float[4], new float[8], 2, 2, 1, 1, 0, 1, 0));
        Assert.Throws<ArgumentException>(() => ResamplingKernels.Crop(new float[9], new float[4], 3, 3, 1, 1, 1, 1, 1));
    }

    private static float[] Uniform(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f * Math.Max(1f, Math.Abs(expected[i])), $"[{i}]: expected {expected[i]}, got {actual[i]}");
        }
    }
}
