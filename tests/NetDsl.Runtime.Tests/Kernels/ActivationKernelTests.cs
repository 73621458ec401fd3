using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Kernels;

namespace NetDsl.Runtime.Tests.Kernels;

/// <summary>
/// Every activation of <see cref="ActivationKernels"/>, forward and backward, against references written in double
/// precision from the math (Keras 3's definitions). Each check runs on lengths around every vector width's
/// boundaries (31 = 16 + 8 + 4 + 3 runs the 512-, 256-, 128-bit and scalar paths in turn); CI also runs the suite
/// with AVX-512, AVX2 (and with it FMA), AVX and all intrinsics switched off, so the tolerances below hold on
/// every path, fused or not.
/// </summary>
public sealed class ActivationKernelTests
{
    private const double SeluAlpha = 1.6732632423543772;
    private const double SeluScale = 1.0507009873554805;
    private const float DefaultSlope = 0.2f;

    private static readonly int[] Lengths = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 20, 24, 28, 31, 32, 33, 47, 48, 63, 64, 65, 70, 100, 127 };

    private static readonly Activation[] ElementWiseActivations = Enum.GetValues<Activation>().Where(a => a != Activation.Softmax).ToArray();

    /// <summary>Finite extremes: signed zeros, subnormals, the clamping bounds of the exponential, huge values.</summary>
    private static readonly float[] Extremes = new float[]
    {
        0f, -0f, float.Epsilon, 1e-40f, 1.17549435e-38f, 1e-30f, 1e-8f, 1e-4f, 0.5f, 1f, 3f, 6f, 10f, 20f, 30f, 44f, 50f, 80f,
        87f, 87.5f, 88f, 88.5f, 89f, 100f, 1000f, 1e10f, 1e30f,
    }.SelectMany(v => new[] { v, -v }).ToArray();

    public static IEnumerable<object[]> ElementWise() => ElementWiseActivations.Select(a => new object[] { a });

    // Swish is left out of the largest finite inputs: below x = -88 sigmoid floors at ~6e-39 (the exponential is
    // clamped to [-87.3, 88]), and x times that is no longer negligible beyond |x| ~ 1e31 (swish(-3.4e38) = -2.06).
    public static IEnumerable<object[]> ElementWiseButSwish() => ElementWise().Where(a => (Activation)a[0] != Activation.Swish);

    // ---------------------------------------------------------------- forward

    [Theory]
    [MemberData(nameof(ElementWise))]
    public void ForwardMatchesTheDoubleReferenceAtEveryLength(Activation activation)
    {
        foreach (int n in Lengths)
        {
            float[] x = Uniform(n, -10f, 10f, 100 + n);
            var y = new float[n];
            ActivationKernels.Forward(activation, x, y);
            AssertForward(activation, x, y, DefaultSlope, $"(uniform, length {n})");
        }
    }

    [Theory]
    [MemberData(nameof(ElementWise))]
    public void ForwardIsAccurateOverAWideRange(Activation activation)
    {
        // Uniform in [-10, 10], in [-1, 1], and log-uniform magnitudes from 1e-8 to 1e2 of either sign.
        var random = new DeterministicRandom(7);
        float[] x = Uniform(4000, -10f, 10f, 1)
            .Concat(Uniform(1000, -1f, 1f, 2))
            .Concat(Enumerable.Range(0, 3000).Select(_ => (random.NextSingle() < 0.5f ? -1f : 1f) * MathF.Pow(10f, random.NextSingle(-8f, 2f))))
            .ToArray();
        var y = new float[x.Length];
        ActivationKernels.Forward(activation, x, y);
        AssertForward(activation, x, y, DefaultSlope, "(wide range)");
    }

    [Theory]
    [MemberData(nameof(ElementWise))]
    public void ExtremeFiniteInputsGiveFiniteAccurateOutputsOnEveryPath(Activation activation)
    {
        // Each extreme fills a span of 31 (every width's path), then all of them share one span.
        foreach (float v in Extremes)
        {
            float[] x = Enumerable.Repeat(v, 31).ToArray();
            var y = new float[x.Length];
            ActivationKernels.Forward(activation, x, y);
            AssertForward(activation, x, y, DefaultSlope, "(extreme)");
            Assert.All(y, value => Assert.False(float.IsNaN(value), $"{activation}({v:R}) is NaN"));
        }

        float[] mixed = Extremes.Concat(Extremes.Reverse()).ToArray();
        var output = new float[mixed.Length];
        ActivationKernels.Forward(activation, mixed, output);
        AssertForward(activation, mixed, output, DefaultSlope, "(mixed extremes)");
    }

    [Theory]
    [MemberData(nameof(ElementWiseButSwish))]
    public void TheLargestFiniteInputsGiveTheirLimits(Activation activation)
    {
        float[] x = new[] { 1e31f, 1e35f, 1e38f, float.MaxValue }.SelectMany(v => new[] { v, -v }).SelectMany(v => Enumerable.Repeat(v, 31)).ToArray();
        var y = new float[x.Length];
        ActivationKernels.Forward(activation, x, y);
        AssertForward(activation, x, y, DefaultSlope, "(largest finite)");
    }

    [Theory]
    [MemberData(nameof(ElementWise))]
    public void BackwardIsFiniteAndAccurateAtTheExtremes(Activation activation)
    {
        // Every extreme on every width's path; the kinks (0, +-3, 6) take Keras's one-sided convention
        // (ReLU'(0) = 0, ELU'(0) = 1, ReLU6'(6) = 0, hard_sigmoid'(+-3) = 0), which the reference's strict comparisons share.
        foreach (float v in Extremes.Concat(new[] { 3f, -3f }))
        {
            float[] x = Enumerable.Repeat(v, 31).ToArray();
            float[] dy = Uniform(31, -2f, 2f, 1700);
            var y = new float[31];
            ActivationKernels.Forward(activation, x, y);
            float[] dx = dy.ToArray();
            ActivationKernels.Backward(activation, x, y, dx);
            double derivative = Derivative(activation, v, DefaultSlope);
            for (int i = 0; i < 31; i++)
            {
                double allowed = Math.Abs(dy[i]) * (BackwardTolerance(activation, v, derivative) + 1e-37);
                Assert.True(Math.Abs(dx[i] - (dy[i] * derivative)) <= allowed, $"{activation}'({v:R}) at [{i}]: dy {dy[i]:R}, expected dx {dy[i] * derivative:R}, got {dx[i]:R}");
            }
        }
    }

    [Fact]
    public void TheDocumentedLimitsHold()
    {
        Assert.Equal(1e30f, Apply(Activation.Softplus, 1e30f));
        Assert.Equal(100f, Apply(Activation.Softplus, 100f));
        Assert.InRange(Apply(Activation.Softplus, -100f), 0f, 1e-37f);
        Assert.Equal(1f, Apply(Activation.Sigmoid, 100f));
        Assert.InRange(Apply(Activation.Sigmoid, -100f), 0f, 1e-37f);
        Assert.InRange(Apply(Activation.Sigmoid, -1e30f), 0f, 1e-37f);
        Assert.InRange(Apply(Activation.Swish, -100f), -1e-30f, 0f);
        Assert.Equal(100f, Apply(Activation.Swish, 100f));
        Assert.Equal(-1f, Apply(Activation.ELU, -100f));
        Assert.Equal(-1f, Apply(Activation.ELU, -1e30f));
        Assert.Equal((float)(-SeluScale * SeluAlpha), Apply(Activation.SELU, -100f), 6);
        Assert.Equal(1f, Apply(Activation.Tanh, 20f));
        Assert.Equal(-1f, Apply(Activation.Tanh, -20f));
        Assert.Equal(1f, Apply(Activation.Tanh, 1e30f));
        Assert.Equal(-1f, Apply(Activation.Tanh, -1e30f));
        Assert.Equal(100f, Apply(Activation.GELU, 100f));
        Assert.Equal(0f, Apply(Activation.GELU, -100f));
        Assert.Equal(1e30f, Apply(Activation.GELU, 1e30f));
        Assert.Equal(0f, Apply(Activation.GELU, -1e30f));
        Assert.Equal(1f, Apply(Activation.Softsign, 1e30f));
        Assert.Equal(-1f, Apply(Activation.Softsign, -1e30f));
        Assert.Equal(1f, Apply(Activation.HardSigmoid, 100f));
        Assert.Equal(0f, Apply(Activation.HardSigmoid, -100f));
        Assert.Equal(0.5f, Apply(Activation.HardSigmoid, 0f));
        Assert.Equal(6f, Apply(Activation.ReLU6, 1e30f));
        Assert.Equal(0f, Apply(Activation.ReLU6, -1e30f));
        Assert.Equal(-2e29f, Apply(Activation.LeakyReLU, -1e30f));

        // Signed zeros and subnormals go through unharmed where the function is the identity near 0.
        Assert.True(float.IsNegative(Apply(Activation.Tanh, -0f)) && Apply(Activation.Tanh, -0f) == 0f);
        Assert.Equal(1e-40f, Apply(Activation.ReLU, 1e-40f));
        Assert.Equal(1e-40f, Apply(Activation.Softsign, 1e-40f));
        Assert.Equal(0.5f, Apply(Activation.Sigmoid, -1e-40f));
        Assert.Equal(MathF.Log(2f), Apply(Activation.Softplus, 0f), 6);
    }

    [Theory]
    [MemberData(nameof(ElementWise))]
    public void NaNInputsGiveNaNOutputsAtEveryLength(Activation activation)
    {
        float[] nans = { float.NaN, BitConverter.Int32BitsToSingle(0x7FC00000), BitConverter.Int32BitsToSingle(0x7F800001), BitConverter.Int32BitsToSingle(unchecked((int)0xFFFFFFFF)) };
        foreach (int n in Lengths.Where(n => n > 0))
        {
            foreach (float nan in nans)
            {
                // All NaN, then NaN at every third position with ordinary values between.
                float[] all = Enumerable.Repeat(nan, n).ToArray();
                var y = new float[n];
                ActivationKernels.Forward(activation, all, y);
                Assert.All(y, v => Assert.True(float.IsNaN(v), $"{activation}(NaN) = {v} at length {n}"));

                float[] x = Uniform(n, -10f, 10f, n);
                int first = n < 3 ? 0 : n % 3;
                for (int i = first; i < n; i += 3)
                {
                    x[i] = nan;
                }

                ActivationKernels.Forward(activation, x, y);
                for (int i = 0; i < n; i++)
                {
                    Assert.True(float.IsNaN(x[i]) == float.IsNaN(y[i]), $"{activation}({x[i]}) = {y[i]} at [{i}] of {n}");
                }

                // In place too.
                ActivationKernels.Forward(activation, x, x);
                Assert.True(float.IsNaN(x[first]), $"{activation} in place lost a NaN at length {n}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(ElementWise))]
    public void InPlaceGivesTheSameBitsAsSeparateSpans(Activation activation)
    {
        foreach (int n in Lengths)
        {
            float[] x = Uniform(n, -10f, 10f, 300 + n);
            if (n > 2)
            {
                x[1] = Extremes[n % Extremes.Length];
                x[^1] = float.NaN;
            }

            var separate = new float[n];
            ActivationKernels.Forward(activation, x, separate, 0.3f);
            float[] inPlace = x.ToArray();
            ActivationKernels.Forward(activation, inPlace, inPlace, 0.3f);
            AssertSameBits(separate, inPlace, $"{activation} length {n}");
        }
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.01f)]
    [InlineData(0.2f)]
    [InlineData(0.3f)]
    [InlineData(1f)]
    public void LeakyReLUUsesItsSlopeForwardAndBackward(float slope)
    {
        foreach (int n in Lengths)
        {
            float[] x = AwayFromKinks(Uniform(n, -5f, 5f, 400 + n));
            var y = new float[n];
            ActivationKernels.Forward(Activation.LeakyReLU, x, y, slope);
            AssertForward(Activation.LeakyReLU, x, y, slope, $"(slope {slope}, length {n})");

            float[] dy = Uniform(n, -2f, 2f, 500 + n);
            float[] dx = dy.ToArray();
            ActivationKernels.Backward(Activation.LeakyReLU, default, y, dx, slope);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(x[i] > 0 ? dy[i] : dy[i] * slope, dx[i]);
            }
        }

        // The default slope is Keras's 0.2 (keras.activations.leaky_relu).
        Assert.Equal(-0.2f, Apply(Activation.LeakyReLU, -1f));
    }

    // ---------------------------------------------------------------- backward

    [Theory]
    [MemberData(nameof(ElementWise))]
    public void BackwardMatchesTheAnalyticDerivativeAndFiniteDifferences(Activation activation)
    {
        foreach (int n in Lengths.Concat(new[] { 2000 }))
        {
            float[] x = AwayFromKinks(Uniform(n, -10f, 10f, 600 + n));
            float[] dy = Uniform(n, -2f, 2f, 700 + n);
            var y = new float[n];
            ActivationKernels.Forward(activation, x, y);
            float[] dx = dy.ToArray();
            ActivationKernels.Backward(activation, x, y, dx);
            for (int i = 0; i < n; i++)
            {
                double derivative = Derivative(activation, x[i], DefaultSlope);

                // The reference derivative is itself checked against central differences of the reference function.
                double h = 1e-5 * Math.Max(1, Math.Abs(x[i]));
                double difference = (Reference(activation, x[i] + h, DefaultSlope) - Reference(activation, x[i] - h, DefaultSlope)) / (2 * h);
                Assert.True(Math.Abs(difference - derivative) <= 1e-8 + (1e-7 * Math.Abs(derivative)), $"{activation}'({x[i]:R}): analytic {derivative:R}, finite difference {difference:R}");

                double allowed = Math.Abs(dy[i]) * BackwardTolerance(activation, x[i], derivative);
                double error = Math.Abs(dx[i] - (dy[i] * derivative));
                if (!(error <= allowed) || !(Math.Abs(dx[i] - (dy[i] * difference)) <= allowed + (1e-7 * Math.Abs(dy[i]))))
                {
                    Assert.Fail($"{activation}' at x = {x[i]:R} (length {n}, [{i}]): dy {dy[i]:R}, expected dx {dy[i] * derivative:R} (finite difference {dy[i] * difference:R}), got {dx[i]:R}; error {error:G3}, allowed {allowed:G3}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(ElementWise))]
    public void BackwardReadsTheInputOnlyWhenItNeedsIt(Activation activation)
    {
        bool needsInput = activation is Activation.GELU or Activation.Swish;
        Assert.Equal(needsInput, ActivationKernels.NeedsInput(activation));

        const int n = 31;
        float[] x = AwayFromKinks(Uniform(n, -4f, 4f, 800));
        float[] dy = Uniform(n, -1f, 1f, 801);
        var y = new float[n];
        ActivationKernels.Forward(activation, x, y);
        float[] both = dy.ToArray(), one = dy.ToArray();
        ActivationKernels.Backward(activation, x, y, both);

        // The span the activation does not read may be empty (the generated code passes it so).
        if (needsInput)
        {
            ActivationKernels.Backward(activation, x, default, one);
        }
        else
        {
            ActivationKernels.Backward(activation, default, y, one);
        }

        AssertSameBits(both, one, activation.ToString());

        // And its content does not matter: garbage in the unread span changes nothing.
        float[] garbage = Enumerable.Repeat(float.NaN, n).ToArray(), again = dy.ToArray();
        ActivationKernels.Backward(activation, needsInput ? x : garbage, needsInput ? garbage : y, again);
        AssertSameBits(both, again, activation.ToString());
    }

    [Fact]
    public void NoneIsTheIdentityForwardAndBackward()
    {
        foreach (int n in Lengths)
        {
            float[] x = Uniform(n, -10f, 10f, 900 + n);
            var y = new float[n];
            ActivationKernels.Forward(Activation.None, x, y);
            AssertSameBits(x, y, "None forward");
            float[] dy = Uniform(n, -1f, 1f, 901 + n), dx = dy.ToArray();
            ActivationKernels.Backward(Activation.None, x, y, dx);
            AssertSameBits(dy, dx, "None backward");
        }
    }

    [Fact]
    public void TheReLUShortcutsMatchTheGeneralKernels()
    {
        foreach (int n in Lengths)
        {
            float[] x = Uniform(n, -3f, 3f, 1000 + n), values = x.ToArray(), expected = new float[n];
            ActivationKernels.ReLU(values);
            ActivationKernels.Forward(Activation.ReLU, x, expected);
            AssertSameBits(expected, values, "ReLU");
            Assert.All(values, (v, i) => Assert.Equal(MathF.Max(x[i], 0f), v));

            float[] dy = Uniform(n, -1f, 1f, 1001 + n), shortcut = dy.ToArray();
            ActivationKernels.ReLUBackward(values, shortcut);
            Assert.All(shortcut, (v, i) => Assert.Equal(x[i] > 0 ? dy[i] : 0f, v));
        }
    }

    [Fact]
    public void TheScalarSigmoidIsAccurateAndNeverOverflows()
    {
        foreach (float x in Uniform(2000, -20f, 20f, 1100).Concat(Extremes))
        {
            double expected = Sigmoid(x), actual = ActivationKernels.Sigmoid(x);
            Assert.True(Math.Abs(actual - expected) <= 1e-45 + (3e-7 * expected), $"Sigmoid({x:R}): expected {expected:R}, got {actual:R}");
        }

        Assert.Equal(1f, ActivationKernels.Sigmoid(float.MaxValue));
        Assert.Equal(0f, ActivationKernels.Sigmoid(-float.MaxValue));
        Assert.True(float.IsNaN(ActivationKernels.Sigmoid(float.NaN)));
    }

    // ---------------------------------------------------------------- softmax

    [Fact]
    public void SoftmaxMatchesTheDoubleReferenceForEveryGroupLength()
    {
        foreach (int group in Lengths.Where(n => n > 0))
        {
            const int groups = 3;
            float[] x = Uniform(group * groups, -10f, 10f, 1200 + group);
            var y = new float[x.Length];
            ActivationKernels.Softmax(x, y, group);
            float[] inPlace = x.ToArray();
            ActivationKernels.Softmax(inPlace, group);
            AssertSameBits(y, inPlace, $"softmax in place, group {group}");
            float[] sameSpan = x.ToArray();
            ActivationKernels.Softmax(sameSpan, sameSpan, group);
            AssertSameBits(y, sameSpan, $"softmax (x, x), group {group}");

            double[] expected = SoftmaxReference(x, group);
            for (int g = 0; g < groups; g++)
            {
                double sum = 0;
                for (int i = g * group; i < (g + 1) * group; i++)
                {
                    Assert.True(Math.Abs(y[i] - expected[i]) <= 1e-38 + (2e-6 * expected[i]), $"softmax group {group} [{i}]: expected {expected[i]:R}, got {y[i]:R}");
                    sum += y[i];
                }

                Assert.Equal(1.0, sum, 5);
            }
        }
    }

    [Fact]
    public void SoftmaxIsStableForHugeAndShiftedInputs()
    {
        // Shift invariance: softmax(x + 1000) = softmax(x) (up to the rounding of x + 1000).
        float[] x = Uniform(100, -5f, 5f, 1300);
        float[] shifted = x.Select(v => v + 1000f).ToArray();
        var y = new float[100];
        var z = new float[100];
        ActivationKernels.Softmax(x, y, 20);
        ActivationKernels.Softmax(shifted, z, 20);
        double[] expected = SoftmaxReference(shifted, 20);
        for (int i = 0; i < 100; i++)
        {
            Assert.True(Math.Abs(z[i] - expected[i]) <= 2e-6 * expected[i], $"[{i}] expected {expected[i]}, got {z[i]}");
            Assert.Equal(y[i], z[i], 3);
        }

        // Huge logits: the winner takes (almost) everything, without overflow or NaN.
        float[] huge = { 1e30f, 0f, -1e30f, float.MaxValue, -float.MaxValue, 0f, 88f, 89f, -100f, -1000f, 0f, 0f };
        ActivationKernels.Softmax(huge, 3);
        Assert.All(huge, v => Assert.False(float.IsNaN(v)));
        Assert.Equal(1f, huge[0]);
        Assert.InRange(huge[1], 0f, 1e-37f);
        Assert.InRange(huge[2], 0f, 1e-37f);
        Assert.Equal(1f, huge[3]);
        Assert.InRange(huge[4], 0f, 1e-37f);
        Assert.InRange(huge[5], 0f, 1e-37f);
        Assert.Equal(0.26894142f, huge[6], 6);
        Assert.Equal(0.73105858f, huge[7], 6);
        Assert.InRange(huge[8], 0f, 1e-37f);
        Assert.InRange(huge[9], 0f, 1e-37f);
        Assert.Equal(0.5f, huge[10], 6);
        Assert.Equal(0.5f, huge[11], 6);
    }

    [Fact]
    public void SoftmaxPropagatesNaNWithinItsGroupOnly()
    {
        foreach (int group in new[] { 1, 3, 7, 16, 17, 31, 33 })
        {
            float[] x = Uniform(group * 3, -3f, 3f, 1400 + group);
            x[group + (group / 2)] = float.NaN;
            ActivationKernels.Softmax(x, group);
            for (int i = 0; i < x.Length; i++)
            {
                bool inSecondGroup = i >= group && i < 2 * group;
                Assert.True(float.IsNaN(x[i]) == inSecondGroup, $"group {group} [{i}] = {x[i]}");
            }
        }
    }

    [Fact]
    public void SoftmaxBackwardIsTheJacobianProduct()
    {
        foreach (int group in new[] { 1, 3, 4, 7, 8, 15, 16, 17, 31, 33, 65 })
        {
            float[] x = Uniform(group * 2, -4f, 4f, 1500 + group), dy = Uniform(group * 2, -1f, 1f, 1501 + group);
            var y = new float[x.Length];
            ActivationKernels.Softmax(x, y, group);
            float[] dx = dy.ToArray();
            ActivationKernels.SoftmaxBackward(y, dx, group);
            double[] s = SoftmaxReference(x, group);
            for (int g = 0; g < 2; g++)
            {
                // dx_i = sum_j dy_j ds_j/dx_i = s_i (dy_i - sum_j dy_j s_j).
                double dot = 0;
                for (int j = g * group; j < (g + 1) * group; j++)
                {
                    dot += dy[j] * s[j];
                }

                for (int i = g * group; i < (g + 1) * group; i++)
                {
                    double expected = s[i] * (dy[i] - dot);
                    Assert.True(Math.Abs(dx[i] - expected) <= 1e-6 * (s[i] + 1e-3), $"group {group} [{i}]: expected {expected:R}, got {dx[i]:R}");
                }
            }
        }
    }

    // ---------------------------------------------------------------- argument checks

    [Theory]
    [MemberData(nameof(ElementWise))]
    public void WrongSpanLengthsAreRejected(Activation activation)
    {
        Assert.Throws<ArgumentException>(() => ActivationKernels.Forward(activation, new float[5], new float[4]));
        Assert.Throws<ArgumentException>(() => ActivationKernels.Forward(activation, new float[16], new float[17]));
        Assert.Throws<ArgumentException>(() => ActivationKernels.Forward(activation, new float[3], default));

        // The span the backward pass reads (x for GELU and Swish, y for the others) must match the gradient.
        if (ActivationKernels.NeedsInput(activation))
        {
            Assert.Throws<ArgumentException>(() => ActivationKernels.Backward(activation, new float[7], new float[8], new float[8]));
            Assert.Throws<ArgumentException>(() => ActivationKernels.Backward(activation, default, new float[8], new float[8]));
        }
        else
        {
            Assert.Throws<ArgumentException>(() => ActivationKernels.Backward(activation, new float[8], new float[7], new float[8]));
            Assert.Throws<ArgumentException>(() => ActivationKernels.Backward(activation, new float[8], default, new float[8]));
        }
    }

    [Fact]
    public void SoftmaxArgumentsAreChecked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ActivationKernels.Forward(Activation.Softmax, new float[3], new float[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ActivationKernels.Backward(Activation.Softmax, new float[3], new float[3], new float[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ActivationKernels.Forward((Activation)99, new float[3], new float[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ActivationKernels.Backward((Activation)99, new float[3], new float[3], new float[3]));
        Assert.Throws<ArgumentException>(() => ActivationKernels.Softmax(new float[5], 3));
        Assert.Throws<ArgumentException>(() => ActivationKernels.Softmax(new float[6], 0));
        Assert.Throws<ArgumentException>(() => ActivationKernels.Softmax(new float[6], -3));
        Assert.Throws<ArgumentException>(() => ActivationKernels.Softmax(new float[6], new float[7], 3));
        Assert.Throws<ArgumentException>(() => ActivationKernels.Softmax(new float[6], new float[6], 4));
        Assert.Throws<ArgumentException>(() => ActivationKernels.SoftmaxBackward(new float[6], new float[3], 3));
        Assert.Throws<ArgumentException>(() => ActivationKernels.SoftmaxBackward(new float[6], new float[6], 4));
    }

    [Fact]
    public void TheReferenceErrorFunctionIsAccurate()
    {
        // Reference values of erfc (C's correctly rounded-to-an-ulp erfc, as printed by Python's math.erfc).
        (double X, double Erfc)[] table =
        {
            (0.0, 1.0), (0.5, 0.4795001221869535), (1.0, 0.15729920705028513), (2.0, 0.004677734981047265),
            (2.9, 4.109787809945886e-05), (3.0, 2.2090496998585438e-05), (3.1, 1.1648657367199589e-05),
            (5.0, 1.5374597944280351e-12), (10.0, 2.088487583762545e-45),
        };
        foreach ((double x, double erfc) in table)
        {
            Assert.True(Math.Abs(Erfc(x) - erfc) <= 1e-15 + (1e-12 * erfc), $"erfc({x}) = {Erfc(x):R}, expected {erfc:R}");
            Assert.True(Math.Abs(Erfc(-x) - (2 - erfc)) <= 1e-15, $"erfc({-x})");
        }
    }

    // ---------------------------------------------------------------- references (double precision)

    private static double Reference(Activation activation, double x, double slope) => activation switch
    {
        Activation.None => x,
        Activation.ReLU => Math.Max(x, 0),
        Activation.Sigmoid => Sigmoid(x),
        Activation.Tanh => Math.Tanh(x),
        Activation.LeakyReLU => x > 0 ? x : slope * x,
        Activation.ELU => x > 0 ? x : ExpM1(x),
        Activation.SELU => SeluScale * (x > 0 ? x : SeluAlpha * ExpM1(x)),
        Activation.GELU => x * Phi(x),
        Activation.Swish => x * Sigmoid(x),
        Activation.ReLU6 => Math.Min(Math.Max(x, 0), 6),
        Activation.Softplus => x > 0 ? x + Log1P(Math.Exp(-x)) : Log1P(Math.Exp(x)),
        Activation.Softsign => x / (1 + Math.Abs(x)),
        Activation.HardSigmoid => Math.Min(Math.Max(x + 3, 0), 6) / 6,
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    private static double Derivative(Activation activation, double x, double slope) => activation switch
    {
        Activation.None => 1,
        Activation.ReLU => x > 0 ? 1 : 0,
        Activation.Sigmoid => Sigmoid(x) * (1 - Sigmoid(x)),
        Activation.Tanh => 1 - (Math.Tanh(x) * Math.Tanh(x)),
        Activation.LeakyReLU => x > 0 ? 1 : slope,
        Activation.ELU => x > 0 ? 1 : Math.Exp(x),
        Activation.SELU => SeluScale * (x > 0 ? 1 : SeluAlpha * Math.Exp(x)),
        Activation.GELU => Phi(x) + (x * Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI)),
        Activation.Swish => Sigmoid(x) + (x * Sigmoid(x) * (1 - Sigmoid(x))),
        Activation.ReLU6 => x > 0 && x < 6 ? 1 : 0,
        Activation.Softplus => Sigmoid(x),
        Activation.Softsign => 1 / ((1 + Math.Abs(x)) * (1 + Math.Abs(x))),
        Activation.HardSigmoid => x > -3 && x < 3 ? 1.0 / 6 : 0,
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    /// <summary>The error allowed in <c>activation(x)</c> computed in float, whose exact value is <paramref name="expected"/>.</summary>
    private static double ForwardTolerance(Activation activation, double x, double expected)
    {
        double e = Math.Abs(expected);
        return activation switch
        {
            // Exact: the float result must be the rounding of the exact value.
            Activation.None or Activation.ReLU or Activation.ReLU6 or Activation.LeakyReLU => Math.Abs((float)expected - expected),

            // exp (Cephes, ~1 ulp) and a division; the exponential is clamped to [-87.3, 88], so for x < -87 the
            // result is e^-87.3 ~ 1e-38 instead of a subnormal or 0: an absolute 1e-37.
            Activation.Sigmoid => 1e-37 + (4e-7 * e),

            // 1 - 2 / (e^2|x| + 1): accurate to a few ulp of 1 absolutely, not relatively near 0.
            Activation.Tanh => 2.5e-7 + (1e-6 * e),

            // e^x - 1 without expm1: a few ulp of 1 absolutely for x near 0-.
            Activation.ELU => 1e-7 + (5e-7 * e),
            Activation.SELU => 1.5e-7 + (5e-7 * e),

            // erf (Abramowitz and Stegun 7.1.26) is good to 1.5e-7 absolutely; 1 + erf rounds to 6e-8 more;
            // gelu = 0.5 x (1 + erf) scales both by 0.5 |x|.
            Activation.GELU => 1e-37 + (0.5 * Math.Abs(x) * 2.2e-7) + (1e-6 * e),

            // x * sigmoid(x); below x = -88 sigmoid floors at ~6e-39 (the exponential is clamped), so x * 1e-38.
            Activation.Swish => 1e-37 + (1e-38 * Math.Abs(x)) + (1e-6 * e),

            // max(x, 0) + log1p(e^-|x|): exp, the atanh series (~1e-7) and an addition.
            Activation.Softplus => 1e-37 + (5e-7 * e),

            // One addition and one division: 2 roundings.
            Activation.Softsign => 1e-45 + (2.5e-7 * e),

            // x + 3 rounds to half an ulp of 6 at most, then a division by 6.
            Activation.HardSigmoid => 5e-8 + (1.2e-7 * e),
            _ => throw new ArgumentOutOfRangeException(nameof(activation)),
        };
    }

    /// <summary>The error allowed in dx per unit of |dy|, for an exact derivative <paramref name="derivative"/>.</summary>
    private static double BackwardTolerance(Activation activation, double x, double derivative)
    {
        double d = Math.Abs(derivative);
        return activation switch
        {
            Activation.None or Activation.ReLU or Activation.ReLU6 or Activation.LeakyReLU => 1e-7 * d,

            // From the float output y: y - y^2, 1 - y^2, y + 1, y + scale alpha, (1 - |y|)^2, 1 - e^-y: each loses a
            // few ulp of 1 absolutely (the output carries its own rounding in).
            Activation.Sigmoid or Activation.Tanh or Activation.ELU or Activation.SELU or Activation.Softplus or Activation.Softsign => 5e-7 + (2e-6 * d),

            // From x: Phi(x) + x phi(x) with the approximate erf (1.5e-7), s (1 + x (1 - s)).
            Activation.GELU => 4e-7 + (2e-6 * d),
            Activation.Swish => 5e-7 + (2e-6 * d),
            Activation.HardSigmoid => 1e-7 * d,
            _ => throw new ArgumentOutOfRangeException(nameof(activation)),
        };
    }

    private static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    /// <summary>The standard normal distribution function.</summary>
    private static double Phi(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    /// <summary>erfc to ~1e-15 relative: the all-positive series of erf below 3, Laplace's continued fraction above.</summary>
    private static double Erfc(double z)
    {
        if (z < 0)
        {
            return 2 - Erfc(-z);
        }

        if (z < 3)
        {
            // erf z = 2/sqrt(pi) e^-z^2 sum_n 2^n z^(2n+1) / (1 3 5 ... (2n+1)).
            double term = z, sum = z;
            for (int n = 1; n < 500 && term > 1e-18 * sum; n++)
            {
                term *= 2 * z * z / ((2 * n) + 1);
                sum += term;
            }

            return 1 - (2 / Math.Sqrt(Math.PI) * Math.Exp(-z * z) * sum);
        }

        // erfc z = e^-z^2 / sqrt(pi) / (z + (1/2) / (z + 1 / (z + (3/2) / (z + 2 / (z + ...))))).
        double f = z;
        for (int k = 300; k >= 1; k--)
        {
            f = z + (k / 2.0 / f);
        }

        return Math.Exp(-z * z) / (Math.Sqrt(Math.PI) * f);
    }

    private static double ExpM1(double x) => Math.Abs(x) < 1e-5 ? x + (x * x / 2) + (x * x * x / 6) : Math.Exp(x) - 1;

    private static double Log1P(double t)
    {
        double u = 1 + t;
        return u == 1 ? t : Math.Log(u) * t / (u - 1);
    }

    private static double[] SoftmaxReference(float[] x, int group)
    {
        var result = new double[x.Length];
        for (int start = 0; start < x.Length; start += group)
        {
            double max = double.NegativeInfinity;
            for (int i = start; i < start + group; i++)
            {
                max = Math.Max(max, x[i]);
            }

            double sum = 0;
            for (int i = start; i < start + group; i++)
            {
                result[i] = Math.Exp(x[i] - max);
                sum += result[i];
            }

            for (int i = start; i < start + group; i++)
            {
                result[i] /= sum;
            }
        }

        return result;
    }

    // ---------------------------------------------------------------- helpers

    private static void AssertForward(Activation activation, float[] x, float[] y, float slope, string context)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double expected = Reference(activation, x[i], slope);
            if (float.IsInfinity((float)expected))
            {
                // Beyond float's range (SELU of 3.4e38): the rounding is the infinity of that sign.
                Assert.True((float)expected == y[i], $"{activation}({x[i]:R}) at [{i}] {context}: expected {(float)expected}, got {y[i]:R}");
                continue;
            }

            double error = Math.Abs(y[i] - expected);
            double allowed = ForwardTolerance(activation, x[i], expected);
            if (!(error <= allowed))
            {
                Assert.Fail($"{activation}({x[i]:R}) at [{i}] of {x.Length} {context}: expected {expected:R}, got {y[i]:R} (error {error:G3}, allowed {allowed:G3})");
            }
        }
    }

    private static float Apply(Activation activation, float x)
    {
        // Through a span of 31 so that every width's path computes it; they must agree (to an ulp: the vector
        // paths may fuse multiply-adds, the scalar tail never does).
        float[] values = Enumerable.Repeat(x, 31).ToArray();
        ActivationKernels.Forward(activation, values, values);
        Assert.All(values, v => Assert.True(Math.Abs(v - values[0]) <= 1.2e-7 * Math.Abs(values[0]), $"{activation}({x:R}): {v:R} on one path, {values[0]:R} on another"));
        return values[0];
    }

    /// <summary>Moves values off the kinks (0, +-3, 6) by at least 1e-3.</summary>
    private static float[] AwayFromKinks(float[] x)
    {
        foreach (float kink in new[] { 0f, -3f, 3f, 6f })
        {
            for (int i = 0; i < x.Length; i++)
            {
                if (MathF.Abs(x[i] - kink) < 2e-3f)
                {
                    x[i] = kink + (x[i] >= kink ? 2e-3f : -2e-3f);
                }
            }
        }

        return x;
    }

    private static void AssertSameBits(float[] expected, float[] actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]), $"{context} [{i}]: {expected[i]:R} vs {actual[i]:R}");
        }
    }

    private static float[] Uniform(int n, float low, float high, int seed)
    {
        var random = new DeterministicRandom(seed);
        return Enumerable.Range(0, n).Select(_ => random.NextSingle(low, high)).ToArray();
    }
}
