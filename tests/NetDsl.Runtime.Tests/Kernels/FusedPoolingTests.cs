using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Kernels;

namespace NetDsl.Runtime.Tests.Kernels;

/// <summary>The fused inference kernel (convolution, then 2x2 max pooling in the tile's epilogue) equals the
/// two separate passes, for every tile shape and width tail.</summary>
public sealed class FusedPoolingTests
{
    public static IEnumerable<object[]> Geometries() => new[]
    {
        new object[] { 28, 28, 1, 32, 3, 1, 0 },   // the seed model's first layer
        new object[] { 13, 13, 32, 64, 3, 1, 0 },  // its second: an odd 11x11 map, the last row and column unpooled
        new object[] { 9, 12, 3, 8, 2, 1, 0 },
        new object[] { 10, 11, 2, 70, 3, 1, 1 },   // 70 filters: 512-bit blocks, then 128-bit and scalar tails; same padding
        new object[] { 15, 15, 3, 17, 3, 2, 0 },   // stride 2, 17 filters
        new object[] { 6, 30, 1, 5, 1, 1, 0 },     // pointwise, 5 filters (scalar and 128-bit)
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void FusedEqualsConvolutionThenPooling(int height, int width, int channels, int filters, int kernel, int stride, int pad)
    {
        var g = new Conv2DGeometry(height, width, channels, filters, kernel, kernel, stride, stride, pad, pad, pad, pad);
        var pool = new Pool2DGeometry(g.OutputHeight, g.OutputWidth, filters, 2, 2, 2, 2, 0, 0, 0, 0);
        float[] input = Random(g.InputLength, 1), weights = Random(g.KernelLength, 2), bias = Random(filters, 3);
        var padded = new float[g.PaddedInputLength];
        foreach (bool relu in new[] { true, false })
        {
            var convolved = new float[g.OutputLength];
            var expected = new float[pool.OutputLength];
            Conv2DKernels.Forward(in g, input, weights, bias, convolved, padded, relu);
            PoolingKernels.MaxForward(in pool, convolved, expected);

            var actual = new float[pool.OutputLength];
            Conv2DKernels.ForwardMaxPool2x2(in g, input, weights, bias, actual, padded, relu);

            Assert.Equal(expected, actual); // same sums in the same order: bit-for-bit
        }
    }

    private static float[] Random(int n, int seed)
    {
        var random = new DeterministicRandom(seed);
        return Enumerable.Range(0, n).Select(_ => random.NextSingle(-1f, 1f)).ToArray();
    }
}
