using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Kernels;

namespace NetDsl.Runtime.Tests.Kernels;

/// <summary>
/// Max-pool backward against a plain loop: the gradient goes to the first cell holding each window's maximum;
/// with <c>throughReLU</c> it is also masked as the ReLU before the pool would mask it. The target starts
/// full of stale values, as the generated code's reused gradient buffers do, so a cell that is neither written
/// nor cleared shows up.
/// </summary>
public sealed class MaxPoolBackwardTests
{
    public static IEnumerable<object[]> Geometries() => new[]
    {
        new object[] { 26, 26, 32, 2, 2, 2, 2, 0, 0 },  // the seed model's first pool: windows tile the map
        new object[] { 11, 11, 64, 2, 2, 2, 2, 0, 0 },  // its second: the last row and column belong to no window
        new object[] { 7, 5, 3, 2, 2, 2, 2, 0, 1 },     // same padding: the bottom and right windows are clipped
        new object[] { 7, 7, 17, 3, 3, 2, 2, 0, 0 },    // overlapping windows add up
        new object[] { 10, 10, 5, 2, 2, 3, 3, 0, 1 },   // strides larger than the pool: gaps between windows
        new object[] { 5, 4, 20, 5, 4, 5, 4, 0, 0 },    // one window over the whole map (a global max pool)
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void MatchesLoopWithAndWithoutTheReLUMask(int height, int width, int channels, int poolHeight, int poolWidth, int strideHeight, int strideWidth, int padTop, int padBottom)
    {
        int padLeft = padTop, padRight = padBottom;
        var g = new Pool2DGeometry(height, width, channels, poolHeight, poolWidth, strideHeight, strideWidth, padTop, padBottom, padLeft, padRight);
        float[] input = Random(g.InputLength, 1);
        input[3 * channels] = input[2 * channels]; // a tie: the first cell of the window wins
        var output = new float[g.OutputLength];
        PoolingKernels.MaxForward(in g, input, output);
        float[] outputGradient = Random(g.OutputLength, 2);

        foreach (bool throughReLU in new[] { false, true })
        {
            float[] expected = Reference(g, input, output, outputGradient, throughReLU);
            float[] actual = Enumerable.Repeat(float.NaN, g.InputLength).ToArray();
            PoolingKernels.MaxBackward(in g, input, output, outputGradient, actual, throughReLU);
            Assert.Equal(expected, actual);
        }
    }

    private static float[] Reference(Pool2DGeometry g, float[] input, float[] output, float[] outputGradient, bool throughReLU)
    {
        var gradient = new float[g.InputLength];
        for (int oy = 0; oy < g.OutputHeight; oy++)
        {
            for (int ox = 0; ox < g.OutputWidth; ox++)
            {
                for (int c = 0; c < g.Channels; c++)
                {
                    int o = (((oy * g.OutputWidth) + ox) * g.Channels) + c;
                    if (throughReLU && !(output[o] > 0f))
                    {
                        continue;
                    }

                    bool routed = false;
                    for (int ky = 0; ky < g.PoolHeight && !routed; ky++)
                    {
                        for (int kx = 0; kx < g.PoolWidth && !routed; kx++)
                        {
                            int iy = (oy * g.StrideHeight) - g.PadTop + ky, ix = (ox * g.StrideWidth) - g.PadLeft + kx;
                            if (iy < 0 || iy >= g.InputHeight || ix < 0 || ix >= g.InputWidth)
                            {
                                continue;
                            }

                            int i = (((iy * g.InputWidth) + ix) * g.Channels) + c;
                            if (input[i] == output[o])
                            {
                                gradient[i] += outputGradient[o];
                                routed = true;
                            }
                        }
                    }
                }
            }
        }

        return gradient;
    }

    private static float[] Random(int n, int seed)
    {
        var random = new DeterministicRandom(seed);
        return Enumerable.Range(0, n).Select(_ => random.NextSingle(-1f, 1f)).ToArray();
    }
}
