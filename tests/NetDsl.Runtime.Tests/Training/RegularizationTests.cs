using System;
using System.Linq;
using NetDsl.Training;

namespace NetDsl.Runtime.Tests.Training;

/// <summary>
/// AdamW, decoupled weight decay and gradient clipping against Keras 3's rules, in double: clip the gradients
/// (each tensor to <c>clipnorm</c>, or all together to <c>global_clipnorm</c>), then <c>w -= w * wd * lr</c>,
/// then the optimizer's own update.
/// </summary>
public sealed class RegularizationTests
{
    [Fact]
    public void AdamWDefaultsAreKeras()
    {
        var adamW = new AdamW();
        Assert.Equal(0.001f, adamW.LearningRate);
        Assert.Equal(0.004f, adamW.WeightDecay);
        Assert.Equal(0.9f, adamW.Beta1);
        Assert.Equal(0.999f, adamW.Beta2);
        Assert.Equal(1e-7f, adamW.Epsilon);
        Assert.Equal(0f, new Adam().WeightDecay);
        Assert.Null(adamW.ClipNorm);
        Assert.Null(adamW.GlobalClipNorm);
    }

    [Fact]
    public void AdamWDecaysBeforeEachAdamStep()
    {
        float[] initial = { 1f, -2f, 0.5f, 3f };
        float[][] gradients = { new[] { 0.5f, -1f, 2f, 0f }, new[] { -0.2f, 0f, 1.5f, 0f }, new[] { 1f, 0.3f, -4f, 0f } };
        const float lr = 0.05f, wd = 0.1f;
        var adamW = new AdamW(lr, weightDecay: wd);
        float[] w = (float[])initial.Clone();
        foreach (float[] g in gradients)
        {
            adamW.Step(w, g);
        }

        double[] expected = Array.ConvertAll(initial, x => (double)x);
        double[] m = new double[4], v = new double[4];
        for (int t = 1; t <= gradients.Length; t++)
        {
            double alpha = lr * Math.Sqrt(1 - Math.Pow(0.999, t)) / (1 - Math.Pow(0.9, t));
            for (int i = 0; i < 4; i++)
            {
                double g = gradients[t - 1][i];
                expected[i] -= expected[i] * wd * lr;
                m[i] += (g - m[i]) * 0.1;
                v[i] += ((g * g) - v[i]) * 0.001;
                expected[i] -= alpha * m[i] / (Math.Sqrt(v[i]) + 1e-7);
            }
        }

        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(expected[i], w[i], 5e-6);
        }

        // The parameter with no gradient only decays: 3 * (1 - 0.005)^3.
        Assert.Equal(3 * Math.Pow(1 - (wd * lr), 3), w[3], 1e-6);
    }

    [Fact]
    public void WeightDecayOnSgdIsDecoupled()
    {
        var sgd = new Sgd(0.1f) { WeightDecay = 0.5f };
        float[] w = { 2f, -4f };
        sgd.Step(w, new[] { 1f, 0f });

        // w = w (1 - 0.5 * 0.1) - 0.1 g
        Assert.Equal((2 * 0.95) - 0.1, w[0], 6);
        Assert.Equal(-4 * 0.95, w[1], 6);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ClippingScalesLongGradientsToTheNorm(bool global)
    {
        // One buffer is one tensor, so both clip the same way: (3, 4) has norm 5; clipped to 1 it is (0.6, 0.8).
        Sgd Make() => global ? new Sgd(1f) { GlobalClipNorm = 1f } : new Sgd(1f) { ClipNorm = 1f };
        float[] w = { 0f, 0f };
        float[] gradients = { 3f, 4f };
        Make().Step(w, gradients);
        Assert.Equal(-0.6f, w[0], 6);
        Assert.Equal(-0.8f, w[1], 6);
        Assert.Equal(new[] { 3f, 4f }, gradients); // the caller's gradients are not changed

        // A gradient already shorter than the norm is used as it is.
        float[] short_ = { 0f, 0f };
        Make().Step(short_, new[] { 0.3f, 0.4f });
        Assert.Equal(new[] { -0.3f, -0.4f }, short_);
    }

    [Fact]
    public void ClippingOptionsAreCheckedAndExclusive()
    {
        var adam = new Adam();
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.ClipNorm = 0f);
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.GlobalClipNorm = float.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.WeightDecay = -0.1f);
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.WeightDecay = float.PositiveInfinity);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(weightDecay: -1f));

        adam.ClipNorm = 1f;
        Assert.Throws<InvalidOperationException>(() => adam.GlobalClipNorm = 1f); // Keras allows one of them
        adam.ClipNorm = null;
        adam.GlobalClipNorm = 2f;
        Assert.Equal(2f, adam.GlobalClipNorm);
    }

    [Fact]
    public void ClippedAdamWMatchesTheRuleInDoubleOverManySteps()
    {
        var random = new Random(3);
        const int n = 37;
        float[] w = Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        double[] expected = Array.ConvertAll(w, x => (double)x);
        double[] m = new double[n], v = new double[n];
        var adamW = new AdamW(0.01f, weightDecay: 0.05f) { GlobalClipNorm = 0.5f };
        for (int t = 1; t <= 20; t++)
        {
            float[] g = Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2) - 1) * (t % 3 == 0 ? 0.01f : 1f)).ToArray();
            adamW.Step(w, g);

            double norm = Math.Sqrt(g.Sum(x => (double)x * x));
            double scale = norm > 0.5 ? 0.5 / norm : 1;
            double alpha = 0.01 * Math.Sqrt(1 - Math.Pow(0.999, t)) / (1 - Math.Pow(0.9, t));
            for (int i = 0; i < n; i++)
            {
                double gi = (float)(g[i] * scale);
                expected[i] -= expected[i] * 0.05 * 0.01;
                m[i] += (gi - m[i]) * 0.1;
                v[i] += ((gi * gi) - v[i]) * 0.001;
                expected[i] -= alpha * m[i] / (Math.Sqrt(v[i]) + 1e-7);
            }
        }

        for (int i = 0; i < n; i++)
        {
            Assert.Equal(expected[i], w[i], 2e-5);
        }
    }
}
