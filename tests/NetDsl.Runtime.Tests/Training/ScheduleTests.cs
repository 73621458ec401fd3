using System;
using NetDsl.Training;

namespace NetDsl.Runtime.Tests.Training;

/// <summary>Learning-rate schedules against Keras's formulas worked out by hand, and an optimizer that follows one.</summary>
public sealed class ScheduleTests
{
    [Theory]
    // ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5): 0.1 * 0.5 ** (step / 10).
    [InlineData(0, false, 0.1)]
    [InlineData(5, false, 0.070710678118654752)] // 0.1 * sqrt(0.5)
    [InlineData(15, false, 0.035355339059327376)] // 0.1 * 0.5 ** 1.5
    [InlineData(20, false, 0.025)]
    // staircase=True: 0.1 * 0.5 ** floor(step / 10).
    [InlineData(9, true, 0.1)]
    [InlineData(10, true, 0.05)]
    [InlineData(15, true, 0.05)]
    [InlineData(29, true, 0.025)]
    public void ExponentialDecayFollowsKeras(long step, bool staircase, double expected)
    {
        var schedule = new ExponentialDecay(0.1f, decaySteps: 10, decayRate: 0.5f, staircase);
        Assert.Equal(expected, schedule.GetLearningRate(step), 1e-7);
    }

    [Theory]
    // PiecewiseConstantDecay(boundaries=[100, 200], values=[1.0, 0.5, 0.1]): values[0] while step <= 100, ...
    [InlineData(0, 1.0)]
    [InlineData(100, 1.0)]
    [InlineData(101, 0.5)]
    [InlineData(200, 0.5)]
    [InlineData(201, 0.1)]
    [InlineData(100_000, 0.1)]
    public void PiecewiseConstantDecayIncludesEachBoundaryInTheEarlierPiece(long step, double expected)
    {
        var schedule = new PiecewiseConstantDecay(new long[] { 100, 200 }, new[] { 1f, 0.5f, 0.1f });
        Assert.Equal((float)expected, schedule.GetLearningRate(step));
    }

    [Theory]
    // StepDecay(0.1, step_size=10, factor=0.5): 0.1 * 0.5 ** floor(step / 10).
    [InlineData(0, 0.1)]
    [InlineData(9, 0.1)]
    [InlineData(10, 0.05)]
    [InlineData(25, 0.025)]
    public void StepDecayDropsEveryStepSizeSteps(long step, double expected) =>
        Assert.Equal(expected, new StepDecay(0.1f, 10, 0.5f).GetLearningRate(step), 1e-7);

    [Theory]
    // CosineDecay(0.1, decay_steps=100, alpha=0.1): 0.1 * ((1 - 0.1) * 0.5 * (1 + cos(pi * min(step, 100) / 100)) + 0.1).
    [InlineData(0, 0.1)]
    [InlineData(25, 0.086819805153394637)] // 0.1 * (0.9 * 0.5 * (1 + cos(pi / 4)) + 0.1)
    [InlineData(50, 0.055)] // 0.1 * (0.9 * 0.5 + 0.1)
    [InlineData(100, 0.01)]
    [InlineData(1000, 0.01)]
    public void CosineDecayFollowsKeras(long step, double expected) =>
        Assert.Equal(expected, new CosineDecay(0.1f, decaySteps: 100, alpha: 0.1f).GetLearningRate(step), 1e-7);

    [Theory]
    // CosineDecay(0.0, decay_steps=100, warmup_target=0.2, warmup_steps=10): linear 0 -> 0.2 over 10 steps, then
    // 0.2 * 0.5 * (1 + cos(pi * (step - 10) / 100)) until step 110, then 0.
    [InlineData(0, 0.0)]
    [InlineData(5, 0.1)]
    [InlineData(9, 0.18)]
    [InlineData(10, 0.2)]
    [InlineData(60, 0.1)]
    [InlineData(35, 0.17071067811865476)] // 0.2 * 0.5 * (1 + cos(pi / 4))
    [InlineData(110, 0.0)]
    [InlineData(500, 0.0)]
    public void CosineDecayWarmsUpLinearlyToItsTarget(long step, double expected)
    {
        var schedule = new CosineDecay(0f, decaySteps: 100) { WarmupTarget = 0.2f, WarmupSteps = 10 };
        Assert.Equal(expected, schedule.GetLearningRate(step), 1e-7);
    }

    [Fact]
    public void AnOptimizerTakesStepKAtTheSchedulesRateForK()
    {
        // SGD with gradient 1: each step moves the parameter by exactly its learning rate.
        var sgd = new Sgd(1f) { LearningRateSchedule = new PiecewiseConstantDecay(new long[] { 0, 1 }, new[] { 0.5f, 0.25f, 0.125f }) };
        float[] w = { 0f };
        float[] g = { 1f };

        Assert.Equal(0.5f, sgd.LearningRate);
        sgd.Step(w, g);
        Assert.Equal(-0.5f, w[0]);
        Assert.Equal(0.25f, sgd.LearningRate); // the rate of the next step, as Keras's optimizer.learning_rate
        sgd.Step(w, g);
        sgd.Step(w, g);
        sgd.Step(w, g);
        Assert.Equal(-0.5f - 0.25f - 0.125f - 0.125f, w[0]);
        Assert.Equal(4, sgd.Iterations);

        sgd.Reset();
        Assert.Equal(0.5f, sgd.LearningRate);
    }

    [Fact]
    public void AScheduledLearningRateCannotBeSet()
    {
        var adam = new Adam { LearningRateSchedule = new CosineDecay(0.01f, 10) };
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => adam.LearningRate = 0.1f);
        Assert.Contains("CosineDecay", e.Message);

        adam.LearningRateSchedule = null;
        adam.LearningRate = 0.1f;
        Assert.Equal(0.1f, adam.LearningRate);
    }

    [Fact]
    public void ABadScheduleValueIsAClearError()
    {
        var sgd = new Sgd(1f) { LearningRateSchedule = new Broken() };
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => sgd.Step(new float[1], new float[1]));
        Assert.Contains("NaN for step 1", e.Message);
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new PiecewiseConstantDecay(new long[] { 10 }, new[] { 1f }));
        Assert.Throws<ArgumentException>(() => new PiecewiseConstantDecay(new long[] { 10, 10 }, new[] { 1f, 2f, 3f }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialDecay(0.1f, 0, 0.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineDecay(0.1f, 10, alpha: 2f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineDecay(0.1f, 10) { WarmupSteps = -1 });
    }

    /// <summary>Fine for step 0, NaN after.</summary>
    private sealed class Broken : LearningRateSchedule
    {
        public override float GetLearningRate(long step) => step == 0 ? 0.1f : float.NaN;
    }
}
