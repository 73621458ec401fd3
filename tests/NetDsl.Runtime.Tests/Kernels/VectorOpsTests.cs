using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Kernels;

namespace NetDsl.Runtime.Tests.Kernels;

/// <summary>The SIMD building blocks against plain loops, on lengths around every vector width's boundary
/// (CI also runs the suite with AVX-512 and with all intrinsics switched off, so every path is exercised).</summary>
public sealed class VectorOpsTests
{
    public static IEnumerable<object[]> Lengths() =>
        new[] { 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 70, 100 }.Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(Lengths))]
    public void MultiplyAccumulateMatchesALoop(int columns)
    {
        const int rows = 7;
        float[] x = Random(rows, 1), matrix = Random(rows * columns, 2), acc = Random(columns, 3);
        float[] expected = acc.ToArray();
        for (int j = 0; j < columns; j++)
        {
            for (int r = 0; r < rows; r++)
            {
                expected[j] += x[r] * matrix[(r * columns) + j];
            }
        }

        VectorOps.MultiplyAccumulate(x, matrix, acc);
        AssertClose(expected, acc);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void OuterProductAndColumnSumsMatchLoops(int columns)
    {
        const int rows = 5;
        float[] matrix = Random(rows * columns, 4), d = Random(columns, 5), x = Random(rows, 6);
        float[] outer = Random(rows * columns, 7);
        float[] expectedOuter = outer.ToArray();
        var sums = new float[columns];
        var expectedSums = new float[columns];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < columns; j++)
            {
                expectedOuter[(r * columns) + j] += x[r] * d[j];
                expectedSums[j] += matrix[(r * columns) + j];
            }
        }

        VectorOps.AccumulateOuterProduct(x, d, outer);
        VectorOps.AccumulateColumnSums(matrix, sums);
        AssertClose(expectedOuter, outer);
        AssertClose(expectedSums, sums);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 7)]
    [InlineData(7, 1)]
    [InlineData(16, 16)]
    [InlineData(17, 33)]
    [InlineData(288, 64)]
    [InlineData(5, 40)]
    public void TransposeMovesEveryValue(int rows, int columns)
    {
        float[] matrix = Random(rows * columns, 12);
        var transposed = new float[rows * columns];
        VectorOps.Transpose(matrix, rows, transposed);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                Assert.Equal(matrix[(r * columns) + c], transposed[(c * rows) + r]);
            }
        }

        Assert.Throws<ArgumentException>(() => VectorOps.Transpose(matrix, rows, new float[(rows * columns) + 1]));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ElementwiseOperationsMatchLoops(int n)
    {
        float[] x = Random(n, 8), y = Random(n, 9);
        float[] max = y.ToArray(), scaled = y.ToArray(), added = y.ToArray(), relu = x.ToArray();
        VectorOps.Max(x, max);
        VectorOps.Scale(scaled, 0.5f);
        VectorOps.MultiplyAdd(2f, x, added);
        ActivationKernels.ReLU(relu);
        float[] reluGradient = y.ToArray(), sigmoidGradient = y.ToArray(), tanhGradient = y.ToArray();
        ActivationKernels.ReLUBackward(x, reluGradient);
        ActivationKernels.Backward(Activation.Sigmoid, default, x, sigmoidGradient);
        ActivationKernels.Backward(Activation.Tanh, default, x, tanhGradient);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(MathF.Max(x[i], y[i]), max[i]);
            Assert.Equal(y[i] * 0.5f, scaled[i]);
            Assert.Equal((2f * x[i]) + y[i], added[i], 5);
            Assert.Equal(MathF.Max(x[i], 0f), relu[i]);
            Assert.Equal(x[i] > 0 ? y[i] : 0f, reluGradient[i]);
            Assert.Equal(y[i] * x[i] * (1 - x[i]), sigmoidGradient[i], 5);
            Assert.Equal(y[i] * (1 - (x[i] * x[i])), tanhGradient[i], 5);
        }

        Assert.Equal(x.Zip(y, (a, b) => (double)a * b).Sum(), VectorOps.Dot(x, y), 4);
        Assert.Equal(Array.IndexOf(x, x.Max()), VectorOps.ArgMax(x));
    }

    [Fact]
    public void NaNPropagatesThroughReLUAtEveryWidth()
    {
        float[] values = Enumerable.Repeat(1f, 37).ToArray();
        values[0] = values[20] = values[36] = float.NaN;
        ActivationKernels.ReLU(values);
        Assert.True(float.IsNaN(values[0]) && float.IsNaN(values[20]) && float.IsNaN(values[36]));
    }

    [Fact]
    public void SoftmaxGroupsAndItsBackward()
    {
        float[] values = { 1, 2, 3, 0, 0, 0 };
        ActivationKernels.Softmax(values, 3);
        AssertClose(new[] { 0.09003057f, 0.24472847f, 0.66524096f, 1 / 3f, 1 / 3f, 1 / 3f }, values);

        // d softmax: dx = y * (dy - sum(dy * y)); for dy = one-hot(0) on the first group.
        float[] gradient = { 1, 0, 0, 0, 0, 0 };
        ActivationKernels.SoftmaxBackward(values, gradient, 3);
        float y0 = values[0];
        AssertClose(new[] { y0 * (1 - y0), -values[1] * y0, -values[2] * y0, 0, 0, 0 }, gradient);
        Assert.Throws<ArgumentException>(() => ActivationKernels.Softmax(new float[5], 3));
    }

    [Fact]
    public void WrongLengthsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => VectorOps.MultiplyAccumulate(new float[3], new float[10], new float[4]));
        Assert.Throws<ArgumentException>(() => VectorOps.Dot(new float[3], new float[4]));
        Assert.Throws<ArgumentException>(() => ActivationKernels.ReLUBackward(new float[3], new float[4]));
    }

    private static float[] Random(int n, int seed)
    {
        var random = new DeterministicRandom(seed);
        return Enumerable.Range(0, n).Select(_ => random.NextSingle(-1f, 1f)).ToArray();
    }

    private static void AssertClose(float[] expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= 1e-5f + (1e-5f * MathF.Abs(expected[i])), $"[{i}] expected {expected[i]}, got {actual[i]}");
        }
    }
}
