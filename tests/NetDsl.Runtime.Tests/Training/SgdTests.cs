using System;
using NetDsl.Training;

namespace NetDsl.Runtime.Tests.Training;

/// <summary>SGD, with and without (Nesterov) momentum, against numbers worked out by hand.</summary>
public sealed class SgdTests
{
    private const float Tolerance = 1e-6f;

    // Three steps with a different gradient each time, for two parameters starting at (1, -2).
    private static readonly float[][] Gradients =
    {
        new[] { 0.5f, -1f },
        new[] { -0.2f, 0f },
        new[] { 1f, 0.3f },
    };

    [Fact]
    public void DefaultsAreKeras()
    {
        var sgd = new Sgd();
        Assert.Equal(0.01f, sgd.LearningRate);
        Assert.Equal(0f, sgd.Momentum);
        Assert.False(sgd.Nesterov);
        Assert.Equal(0, sgd.Iterations);
    }

    [Fact]
    public void PlainStepSubtractsLearningRateTimesGradient()
    {
        var sgd = new Sgd(learningRate: 0.1f);
        float[] w = { 1f, -2f, 0.5f };
        float[] g = { 0.5f, -1f, 2f };

        // w -= 0.1 * g: 1 - 0.05 = 0.95, -2 + 0.1 = -1.9, 0.5 - 0.2 = 0.3.
        sgd.Step(w, g);
        AssertClose(new[] { 0.95f, -1.9f, 0.3f }, w);

        // Again: 0.95 - 0.05 = 0.9, -1.9 + 0.1 = -1.8, 0.3 - 0.2 = 0.1.
        sgd.Step(w, g);
        AssertClose(new[] { 0.9f, -1.8f, 0.1f }, w);
        Assert.Equal(2, sgd.Iterations);
    }

    [Fact]
    public void MomentumAccumulatesVelocity()
    {
        var sgd = new Sgd(learningRate: 0.1f, momentum: 0.9f);
        float[] w = { 1f, -2f };

        // v = 0.9 v - 0.1 g, w += v.
        // Step 1: v = (-0.05, 0.1);                                   w = (0.95, -1.9).
        sgd.Step(w, Gradients[0]);
        AssertClose(new[] { 0.95f, -1.9f }, w);

        // Step 2: v = (0.9 * -0.05 + 0.02, 0.9 * 0.1 - 0) = (-0.025, 0.09);   w = (0.925, -1.81).
        sgd.Step(w, Gradients[1]);
        AssertClose(new[] { 0.925f, -1.81f }, w);

        // Step 3: v = (0.9 * -0.025 - 0.1, 0.9 * 0.09 - 0.03) = (-0.1225, 0.051); w = (0.8025, -1.759).
        sgd.Step(w, Gradients[2]);
        AssertClose(new[] { 0.8025f, -1.759f }, w);
    }

    [Fact]
    public void NesterovLooksAheadAlongTheVelocity()
    {
        var sgd = new Sgd(learningRate: 0.1f, momentum: 0.9f, nesterov: true);
        float[] w = { 1f, -2f };

        // v = 0.9 v - 0.1 g (same velocities as plain momentum), w += 0.9 v - 0.1 g.
        // Step 1: v = (-0.05, 0.1);   w += (0.9 * -0.05 - 0.05, 0.9 * 0.1 + 0.1) = (-0.095, 0.19) -> (0.905, -1.81).
        sgd.Step(w, Gradients[0]);
        AssertClose(new[] { 0.905f, -1.81f }, w);

        // Step 2: v = (-0.025, 0.09); w += (0.9 * -0.025 + 0.02, 0.9 * 0.09 - 0) = (-0.0025, 0.081) -> (0.9025, -1.729).
        sgd.Step(w, Gradients[1]);
        AssertClose(new[] { 0.9025f, -1.729f }, w);

        // Step 3: v = (-0.1225, 0.051); w += (0.9 * -0.1225 - 0.1, 0.9 * 0.051 - 0.03) = (-0.21025, 0.0159)
        //         -> (0.69225, -1.7131).
        sgd.Step(w, Gradients[2]);
        AssertClose(new[] { 0.69225f, -1.7131f }, w);
    }

    [Fact]
    public void NesterovWithoutMomentumIsPlainSgd()
    {
        float[] plain = { 1f, -2f }, nesterov = { 1f, -2f };
        var a = new Sgd(0.1f);
        var b = new Sgd(0.1f, momentum: 0f, nesterov: true);
        foreach (float[] g in Gradients)
        {
            a.Step(plain, g);
            b.Step(nesterov, g);
        }

        Assert.Equal(plain, nesterov);
    }

    [Fact]
    public void ChangingTheLearningRateAffectsTheNextStep()
    {
        var sgd = new Sgd(0.1f);
        float[] w = { 1f };
        sgd.Step(w, new[] { 1f }); // 1 - 0.1 = 0.9
        sgd.LearningRate = 0.5f;
        sgd.Step(w, new[] { 1f }); // 0.9 - 0.5 = 0.4
        AssertClose(new[] { 0.4f }, w);
    }

    [Fact]
    public void ResetClearsTheVelocity()
    {
        var sgd = new Sgd(0.1f, momentum: 0.9f);
        float[] w = { 1f, -2f };
        sgd.Step(w, Gradients[0]);
        sgd.Step(w, Gradients[1]);
        sgd.Reset();
        Assert.Equal(0, sgd.Iterations);

        // A fresh start from (1, -2): the first step must not see the old velocity.
        w = new[] { 1f, -2f };
        sgd.Step(w, Gradients[0]);
        AssertClose(new[] { 0.95f, -1.9f }, w);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-0.1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void RejectsBadLearningRates(float learningRate)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(learningRate));
        Assert.Equal("learningRate", e.ParamName);
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void RejectsMomentumOutsideZeroToOne(float momentum)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0.1f, momentum));
        Assert.Equal("momentum", e.ParamName);
    }

    [Fact]
    public void AcceptsMomentumJustBelowOne()
    {
        Assert.Equal(0.99f, new Sgd(0.1f, 0.99f).Momentum);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], Tolerance);
        }
    }
}
