using System;
using NetDsl.Training;

namespace NetDsl.Runtime.Tests.Training;

/// <summary>Behaviour every optimizer shares: argument checks, state sizing and reuse, reset, convergence, and
/// agreement of the vectorised update with the scalar formula at every length.</summary>
public sealed class OptimizerTests
{
    public static TheoryData<string> Kinds => new() { "sgd", "momentum", "nesterov", "adam" };

    public static TheoryData<string, int> KindsAndLengths
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (string kind in new[] { "sgd", "momentum", "nesterov", "adam" })
            {
                // Around every vector width (4, 8, 16 floats) and a long run with a ragged tail.
                // 100,003 is above the size a step splits between threads: slices at offsets, a ragged last one.
                foreach (int length in new[] { 0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 65, 1000, 100_003 })
                {
                    data.Add(kind, length);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void CountsIterations(string kind)
    {
        Optimizer optimizer = Create(kind);
        float[] w = new float[3], g = { 1f, 2f, 3f };
        for (int i = 1; i <= 5; i++)
        {
            optimizer.Step(w, g);
            Assert.Equal(i, optimizer.Iterations);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void RejectsGradientsOfADifferentLength(string kind)
    {
        Optimizer optimizer = Create(kind);
        float[] w = { 1f, 2f, 3f };
        var e = Assert.Throws<ArgumentException>(() => optimizer.Step(w, new float[2]));
        Assert.Equal("gradients", e.ParamName);

        // The failed call changed nothing, and the optimizer still works.
        Assert.Equal(0, optimizer.Iterations);
        Assert.Equal(new[] { 1f, 2f, 3f }, w);
        optimizer.Step(w, new float[3]);
        Assert.Equal(1, optimizer.Iterations);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void RejectsALengthOtherThanTheFirstStepsUntilReset(string kind)
    {
        Optimizer optimizer = Create(kind);
        optimizer.Step(new float[3], new float[] { 1, 1, 1 });

        float[] longer = { 1f, 2f, 3f, 4f };
        var e = Assert.Throws<ArgumentException>(() => optimizer.Step(longer, new float[4]));
        Assert.Equal("parameters", e.ParamName);
        Assert.Contains("3", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, optimizer.Iterations);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, longer);

        Assert.Throws<ArgumentException>(() => optimizer.Step(new float[2], new float[2]));

        // After Reset the state is sized again on the next step.
        optimizer.Reset();
        optimizer.Step(longer, new float[] { 1, 1, 1, 1 });
        Assert.Equal(1, optimizer.Iterations);
        Assert.True(longer[0] < 1f);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ResetMakesTheOptimizerBehaveLikeANewOne(string kind)
    {
        float[] g1 = { 0.5f, -1f, 2f }, g2 = { -0.3f, 0.25f, 1f };
        Optimizer used = Create(kind);
        float[] scratch = { 1f, 1f, 1f };
        used.Step(scratch, g1);
        used.Step(scratch, g2);
        used.Step(scratch, g1);
        used.Reset();

        Optimizer fresh = Create(kind);
        float[] a = { 1f, -2f, 0.5f }, b = { 1f, -2f, 0.5f };
        foreach (float[] g in new[] { g2, g1, g2 })
        {
            used.Step(a, g);
            fresh.Step(b, g);
        }

        Assert.Equal(b, a);
        Assert.Equal(fresh.Iterations, used.Iterations);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ResetKeepsTheLearningRate(string kind)
    {
        Optimizer optimizer = Create(kind);
        optimizer.LearningRate = 0.25f;
        optimizer.Reset();
        Assert.Equal(0.25f, optimizer.LearningRate);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void LearningRateSetterRejectsNonPositiveAndNonFiniteValues(float value)
    {
        Optimizer optimizer = new Adam();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.LearningRate = value);
        Assert.Equal("value", e.ParamName);
        Assert.Equal(0.001f, optimizer.LearningRate);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void StepsAllocateNothingAfterTheFirst(string kind)
    {
        const int Count = 100_000;
        Optimizer optimizer = Create(kind);
        float[] w = new float[Count], g = new float[Count];
        var random = new DeterministicRandom(7);
        for (int i = 0; i < Count; i++)
        {
            g[i] = random.NextSingle(-1f, 1f);
        }

        // Warm up past the JIT's tiering (call counting, on-stack replacement), which may allocate once.
        for (int i = 0; i < 200; i++)
        {
            optimizer.Step(w, g);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
        {
            optimizer.Step(w, g);
        }

        // Reset keeps buffers of the right length: stepping again at the same length reuses them.
        optimizer.Reset();
        optimizer.Step(w, g);
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(before, after);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void MinimisesAQuadratic(string kind)
    {
        // f(w) = sum_i (w_i - c_i)^2, gradient 2 (w - c), minimum at w = c.
        float[] c = { 1f, -2f, 3f, 0.5f, -0.25f, 0f, 10f };
        float[] w = new float[c.Length];
        float[] g = new float[c.Length];
        Optimizer optimizer = kind == "adam" ? new Adam(0.05f) : Create(kind);
        for (int step = 0; step < 2000; step++)
        {
            for (int i = 0; i < w.Length; i++)
            {
                g[i] = 2f * (w[i] - c[i]);
            }

            optimizer.Step(w, g);
        }

        for (int i = 0; i < w.Length; i++)
        {
            Assert.Equal(c[i], w[i], 1e-3f);
        }
    }

    [Theory]
    [MemberData(nameof(KindsAndLengths))]
    public void VectorisedUpdateMatchesTheScalarFormulaAtEveryLength(string kind, int length)
    {
        // Three steps on random values; each element must match the double-precision formula, whichever
        // vector width (or the scalar tail) updated it.
        var random = new DeterministicRandom(length + 1);
        float[] initial = new float[length];
        float[][] gradients = { new float[length], new float[length], new float[length] };
        for (int i = 0; i < length; i++)
        {
            initial[i] = random.NextSingle(-2f, 2f);
            foreach (float[] g in gradients)
            {
                g[i] = random.NextSingle(-1f, 1f);
            }
        }

        Optimizer optimizer = Create(kind);
        float[] w = (float[])initial.Clone();
        foreach (float[] g in gradients)
        {
            optimizer.Step(w, g);
        }

        double[] expected = kind switch
        {
            "sgd" => ReferenceOptimizer.Sgd(initial, gradients, 0.1f, 0f, false),
            "momentum" => ReferenceOptimizer.Sgd(initial, gradients, 0.1f, 0.9f, false),
            "nesterov" => ReferenceOptimizer.Sgd(initial, gradients, 0.1f, 0.9f, true),
            _ => ReferenceOptimizer.Adam(initial, gradients, 0.1f),
        };
        for (int i = 0; i < length; i++)
        {
            Assert.True(Math.Abs(expected[i] - w[i]) <= 1e-6 + (1e-6 * Math.Abs(expected[i])), $"{kind}, length {length}, index {i}: expected {expected[i]}, got {w[i]}.");
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void AStepSplitBetweenThreadsEqualsOneThreadBitForBit(string kind)
    {
        const int Count = 100_003;
        var random = new DeterministicRandom(11);
        float[] initial = new float[Count], g = new float[Count];
        for (int i = 0; i < Count; i++)
        {
            initial[i] = random.NextSingle(-2f, 2f);
            g[i] = random.NextSingle(-1f, 1f);
        }

        Optimizer serial = Create(kind), parallel = Create(kind);
        serial.MaxDegreeOfParallelism = 1;
        Assert.Equal(NetDsl.Engine.WorkerPool.Shared.ThreadCount, parallel.MaxDegreeOfParallelism);
        float[] a = (float[])initial.Clone(), b = (float[])initial.Clone();

        // A step is split only while the pool's threads are awake from a batch, as in training; a few more
        // steps in case this thread is descheduled between the two (a busy machine).
        for (int step = 0; step < 3 || (parallel.SplitSteps < 2 && step < 30); step++)
        {
            serial.Step(a, g);
            NetDsl.Engine.WorkerPool.Shared.Run(new NoWork(), NetDsl.Engine.WorkerPool.Shared.ThreadCount);
            parallel.Step(b, g);
        }

        Assert.Equal(0, serial.SplitSteps);
        if (NetDsl.Engine.WorkerPool.Shared.ThreadCount > 1)
        {
            Assert.True(parallel.SplitSteps >= 2, $"{parallel.SplitSteps} steps ran split between threads.");
        }

        Assert.Equal(a, b);
        Assert.NotEqual(initial, b);
    }

    [Fact]
    public void MaxDegreeOfParallelismMustBePositive()
    {
        var adam = new Adam();
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.MaxDegreeOfParallelism = 0);
        adam.MaxDegreeOfParallelism = 1;
        Assert.Equal(1, adam.MaxDegreeOfParallelism);
    }

    [Fact]
    public void AnOptimizerWithoutRangeUpdatesGetsTheWholeBuffer()
    {
        var optimizer = new RecordingOptimizer();
        optimizer.Step(new float[100_000], new float[100_000]);
        Assert.Equal(new[] { 100_000 }, optimizer.Lengths);
    }

    [Fact]
    public void UpdatesAParameterWindowInsideALargerBuffer()
    {
        // Spans need not start at an array's beginning (a network's trainable slice, say): only the window moves.
        float[] buffer = { 9f, 1f, 2f, 3f, 9f };
        var sgd = new Sgd(0.5f);
        sgd.Step(buffer.AsSpan(1, 3), new[] { 2f, 2f, 2f });
        Assert.Equal(new[] { 9f, 0f, 1f, 2f, 9f }, buffer);
    }

    private static Optimizer Create(string kind) => kind switch
    {
        "sgd" => new Sgd(0.1f),
        "momentum" => new Sgd(0.1f, momentum: 0.9f),
        "nesterov" => new Sgd(0.1f, momentum: 0.9f, nesterov: true),
        "adam" => new Adam(0.1f),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown optimizer."),
    };

    private sealed class NoWork : NetDsl.Engine.IParallelWork
    {
        public void Execute(int part)
        {
        }
    }

    private sealed class RecordingOptimizer() : Optimizer(0.1f)
    {
        public System.Collections.Generic.List<int> Lengths { get; } = new();

        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients) => Lengths.Add(parameters.Length);
    }
}
