using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Kernels;

namespace NetDsl.Runtime.Tests.Kernels;

/// <summary>
/// The three convolution passes against naive loops, for filter counts on both sides of every column block
/// (4, 3, 2 and 1 vectors of each width, then the scalar tail) and output sizes on both sides of every tile
/// height. CI runs this on each instruction set, so every tile shape of every register file is covered.
/// </summary>
public sealed class Conv2DKernelTests
{
    public static IEnumerable<object[]> FilterCounts() =>
        new[] { 1, 3, 4, 5, 8, 11, 12, 13, 16, 17, 24, 31, 32, 33, 47, 48, 49, 63, 64, 65, 70, 97 }.Select(f => new object[] { f });

    [Theory]
    [MemberData(nameof(FilterCounts))]
    public void EveryPassMatchesLoops(int filters)
    {
        foreach ((int h, int w, int c, int k, int s, int pad) in new[] { (7, 9, 3, 3, 1, 0), (13, 5, 2, 2, 2, 1), (4, 4, 5, 1, 1, 0) })
        {
            var g = new Conv2DGeometry(h, w, c, filters, k, k, s, s, pad, pad, pad, pad);
            float[] input = Random(g.InputLength, 1), kernel = Random(g.KernelLength, 2), bias = Random(filters, 3);
            float[] dy = Random(g.OutputLength, 4);

            var output = new float[g.OutputLength];
            var padded = new float[g.PaddedInputLength];
            Conv2DKernels.Forward(in g, input, kernel, bias, output, padded, relu: false);
            AssertClose(NaiveForward(g, input, kernel, bias), output, $"forward, {filters} filters, {g.OutputHeight}x{g.OutputWidth}");

            var dk = new float[g.KernelLength];
            var db = new float[filters];
            Conv2DKernels.AccumulateParameterGradients(in g, input, padded, dy, dk, db);
            (double[] expectedDk, double[] expectedDb, double[] expectedDx) = NaiveBackward(g, input, kernel, dy);
            AssertClose(expectedDk, dk, $"kernel gradient, {filters} filters");
            AssertClose(expectedDb, db, $"bias gradient, {filters} filters");

            var transposed = new float[g.KernelLength];
            Conv2DKernels.TransposeKernel(in g, kernel, transposed);
            var dx = new float[g.InputLength];
            Conv2DKernels.InputGradient(in g, transposed, dy, dx, new float[g.InputGradientScratchLength]);
            AssertClose(expectedDx, dx, $"input gradient, {filters} filters");
        }
    }

    private static double[] NaiveForward(Conv2DGeometry g, float[] x, float[] k, float[] b)
    {
        var y = new double[g.OutputLength];
        for (int oy = 0; oy < g.OutputHeight; oy++)
        {
            for (int ox = 0; ox < g.OutputWidth; ox++)
            {
                for (int f = 0; f < g.Filters; f++)
                {
                    double sum = b[f];
                    ForEachTap(g, oy, ox, (xi, ki) => sum += (double)x[xi] * k[(ki * g.Filters) + f]);
                    y[(((oy * g.OutputWidth) + ox) * g.Filters) + f] = sum;
                }
            }
        }

        return y;
    }

    private static (double[] Dk, double[] Db, double[] Dx) NaiveBackward(Conv2DGeometry g, float[] x, float[] k, float[] dy)
    {
        var dk = new double[g.KernelLength];
        var db = new double[g.Filters];
        var dx = new double[g.InputLength];
        for (int oy = 0; oy < g.OutputHeight; oy++)
        {
            for (int ox = 0; ox < g.OutputWidth; ox++)
            {
                for (int f = 0; f < g.Filters; f++)
                {
                    double d = dy[(((oy * g.OutputWidth) + ox) * g.Filters) + f];
                    db[f] += d;
                    ForEachTap(g, oy, ox, (xi, ki) =>
                    {
                        dk[(ki * g.Filters) + f] += x[xi] * d;
                        dx[xi] += k[(ki * g.Filters) + f] * d;
                    });
                }
            }
        }

        return (dk, db, dx);
    }

    /// <summary>Calls <paramref name="tap"/>(input index, kernel index without the filter) for every tap of the
    /// window of output pixel (oy, ox) that lands on a real (not padded) input value.</summary>
    private static void ForEachTap(Conv2DGeometry g, int oy, int ox, Action<int, int> tap)
    {
        for (int ky = 0; ky < g.KernelHeight; ky++)
        {
            for (int kx = 0; kx < g.KernelWidth; kx++)
            {
                int iy = (oy * g.StrideHeight) + ky - g.PadTop, ix = (ox * g.StrideWidth) + kx - g.PadLeft;
                if (iy < 0 || ix < 0 || iy >= g.InputHeight || ix >= g.InputWidth)
                {
                    continue;
                }

                for (int c = 0; c < g.InputChannels; c++)
                {
                    tap((((iy * g.InputWidth) + ix) * g.InputChannels) + c, (((ky * g.KernelWidth) + kx) * g.InputChannels) + c);
                }
            }
        }
    }

    private static void AssertClose(double[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * (1 + Math.Abs(expected[i])), $"{what}: value {i} is {actual[i]}, expected {expected[i]}");
        }
    }

    private static float[] Random(int n, int seed)
    {
        var random = new DeterministicRandom(seed);
        return Enumerable.Range(0, n).Select(_ => random.NextSingle(-1f, 1f)).ToArray();
    }
}
