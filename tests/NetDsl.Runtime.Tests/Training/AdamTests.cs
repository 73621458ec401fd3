using System;
using NetDsl.Training;

namespace NetDsl.Runtime.Tests.Training;

/// <summary>Adam (Keras's form) against hand-worked steps and a double-precision evaluation of the formula.</summary>
public sealed class AdamTests
{
    [Fact]
    public void DefaultsAreKeras()
    {
        var adam = new Adam();
        Assert.Equal(0.001f, adam.LearningRate);
        Assert.Equal(0.9f, adam.Beta1);
        Assert.Equal(0.999f, adam.Beta2);
        Assert.Equal(1e-7f, adam.Epsilon);
        Assert.Equal(0, adam.Iterations);
    }

    [Fact]
    public void ThreeStepsOnOneParameterWorkedByHand()
    {
        // lr = 0.1, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7; w starts at 1; gradients 0.5, -0.2, 1.
        var adam = new Adam(learningRate: 0.1f);
        float[] w = { 1f };

        // t = 1: m = 0 + (0.5 - 0) * 0.1 = 0.05;  v = 0 + (0.25 - 0) * 0.001 = 0.00025, sqrt(v) = 0.0158113883
        //        alpha = 0.1 * sqrt(1 - 0.999) / (1 - 0.9) = 0.1 * 0.0316227766 / 0.1 = 0.0316227766
        //        w -= 0.0316227766 * 0.05 / (0.0158113883 + 1e-7) = 0.0999993675  ->  w = 0.9000006325
        adam.Step(w, new[] { 0.5f });
        Assert.Equal(0.9000006325, w[0], 1e-6);

        // t = 2: m = 0.05 + (-0.2 - 0.05) * 0.1 = 0.025;  v = 0.00025 + (0.04 - 0.00025) * 0.001 = 0.00028975,
        //        sqrt(v) = 0.0170220445;  alpha = 0.1 * sqrt(1 - 0.998001) / (1 - 0.81) = 0.1 * 0.0447101778 / 0.19
        //        = 0.0235316725;  w -= 0.0235316725 * 0.025 / (0.0170220445 + 1e-7) = 0.0345603818
        //        ->  w = 0.8654402507
        adam.Step(w, new[] { -0.2f });
        Assert.Equal(0.8654402507, w[0], 1e-6);

        // t = 3: m = 0.025 + (1 - 0.025) * 0.1 = 0.1225;  v = 0.00028975 + (1 - 0.00028975) * 0.001 = 0.00128946025,
        //        sqrt(v) = 0.0359090553;  alpha = 0.1 * sqrt(1 - 0.997002999) / (1 - 0.729) = 0.1 * 0.0547448762 / 0.271
        //        = 0.0202010597;  w -= 0.0202010597 * 0.1225 / (0.0359090553 + 1e-7) = 0.0689136183
        //        ->  w = 0.7965266324
        adam.Step(w, new[] { 1f });
        Assert.Equal(0.7965266324, w[0], 1e-6);
        Assert.Equal(3, adam.Iterations);
    }

    [Fact]
    public void ThreeStepsOnThreeParametersMatchTheFormulaInDouble()
    {
        float[] initial = { 1f, -2f, 0.5f };
        float[][] gradients =
        {
            new[] { 0.5f, -1f, 2f },
            new[] { -0.2f, 0f, 1.5f },
            new[] { 1f, 0.3f, -4f },
        };
        var adam = new Adam(learningRate: 0.05f, beta1: 0.8f, beta2: 0.99f, epsilon: 1e-3f);
        float[] w = (float[])initial.Clone();
        for (int step = 0; step < gradients.Length; step++)
        {
            adam.Step(w, gradients[step]);
            double[] expected = ReferenceOptimizer.Adam(initial, gradients[..(step + 1)], 0.05f, 0.8f, 0.99f, 1e-3f);
            for (int i = 0; i < w.Length; i++)
            {
                Assert.Equal(expected[i], w[i], 1e-6);
            }
        }
    }

    [Theory]
    [InlineData(0.5f)]
    [InlineData(-3f)]
    [InlineData(100f)]
    [InlineData(-1e-2f)]
    public void FirstStepMovesByAboutTheLearningRateAgainstTheGradient(float gradient)
    {
        // t = 1: m = 0.1 g, v = 0.001 g^2, alpha = lr * sqrt(0.001) / 0.1, so the step is
        // lr * sqrt(0.001) |g| / (sqrt(0.001) |g| + eps) * sign(g) = lr * sign(g), up to epsilon.
        const float LearningRate = 0.01f;
        var adam = new Adam(LearningRate);
        float[] w = { 2f };
        adam.Step(w, new[] { gradient });
        Assert.Equal(2f - (LearningRate * MathF.Sign(gradient)), w[0], 1e-4f);
    }

    [Fact]
    public void ZeroGradientLeavesAFreshParameterUnchanged()
    {
        // m = v = 0, so the step is alpha * 0 / (0 + eps) = 0.
        var adam = new Adam(0.1f);
        float[] w = { 1.5f, -0.5f };
        adam.Step(w, new[] { 0f, 2f });
        Assert.Equal(1.5f, w[0]);
        Assert.Equal(-0.5f - 0.1f, w[1], 1e-5f);
    }

    [Fact]
    public void StaysAccurateAfterManySteps()
    {
        // beta^t comes from the step count in double, so step 10,000 matches the formula as well as step 1.
        const int Steps = 10_000;
        float[] initial = { 0.25f, -0.75f };
        float[][] gradients = new float[Steps][];
        for (int s = 0; s < Steps; s++)
        {
            gradients[s] = new[] { MathF.Sin(s * 0.01f), 0.5f * MathF.Cos(s * 0.003f) };
        }

        var adam = new Adam(1e-3f);
        float[] w = (float[])initial.Clone();
        foreach (float[] g in gradients)
        {
            adam.Step(w, g);
        }

        double[] expected = ReferenceOptimizer.Adam(initial, gradients, 1e-3f);
        Assert.Equal(expected[0], w[0], 1e-4);
        Assert.Equal(expected[1], w[1], 1e-4);
    }

    [Fact]
    public void ResetStartsTheBiasCorrectionAgain()
    {
        var adam = new Adam(0.1f);
        float[] w = { 1f };
        adam.Step(w, new[] { 0.5f });
        adam.Step(w, new[] { -0.2f });
        adam.Reset();
        Assert.Equal(0, adam.Iterations);

        // Same as the first hand-worked step: zero moments and t = 1 again.
        w[0] = 1f;
        adam.Step(w, new[] { 0.5f });
        Assert.Equal(0.9000006325, w[0], 1e-6);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1e-3f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void RejectsBadLearningRates(float learningRate)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(learningRate));
        Assert.Equal("learningRate", e.ParamName);
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1f)]
    [InlineData(float.NaN)]
    public void RejectsBetasOutsideZeroToOne(float beta)
    {
        Assert.Equal("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta1: beta)).ParamName);
        Assert.Equal("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta2: beta)).ParamName);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1e-7f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void RejectsBadEpsilon(float epsilon)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(epsilon: epsilon));
        Assert.Equal("epsilon", e.ParamName);
    }

    [Fact]
    public void AcceptsZeroBetas()
    {
        // beta1 = beta2 = 0: m = g, v = g^2, alpha = lr, so w -= lr * g / (|g| + eps).
        var adam = new Adam(0.1f, beta1: 0f, beta2: 0f);
        float[] w = { 1f };
        adam.Step(w, new[] { -2f });
        Assert.Equal(1.1f, w[0], 1e-6f);
    }
}
