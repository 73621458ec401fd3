using System;
using System.Reflection;
using NetDsl.Engine;
using NetDsl.Tests.Networks;
using NetDsl.Training;

namespace NetDsl.Tests;

/// <summary>Steady-state training steps and predictions allocate nothing, on any thread: the calling thread is
/// measured directly, and the worker threads measure themselves around every batch part.</summary>
public sealed class AllocationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void TrainingStepsAndPredictionsAllocateNothingOnAnyThread(int threads)
    {
        var net = new MnistNet(seed: 1) { MaxDegreeOfParallelism = threads };
        var engine = (IBatchEngineDiagnostics)typeof(MnistNet).GetField("_netDsl", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(net)!;
        const int batch = 16;
        float[] inputs = TestData.Uniform(batch * MnistNet.InputLength, 1, 0f, 1f);
        var labels = new int[batch];
        for (int i = 0; i < batch; i++)
        {
            labels[i] = i % 10;
        }

        var gradients = new float[MnistNet.ParameterCount];
        var inputGradients = new float[inputs.Length];
        var outputs = new float[batch * MnistNet.OutputLength];
        var output = new float[MnistNet.OutputLength];
        var optimizer = new Adam();
        void Step()
        {
            net.ComputeGradients(inputs, labels, gradients);
            net.ComputeGradients(inputs, labels, gradients, inputGradients);
            optimizer.Step(net.Parameters, gradients);
            net.Predict(inputs, outputs, batch);
            net.Evaluate(inputs, labels);
            net.Predict(inputs.AsSpan(0, MnistNet.InputLength), output);
        }

        // The first use allocates the workers' buffers and the optimizer's state; more steps get past the JIT's
        // tiering (call counting, on-stack replacement), which may allocate once.
        for (int i = 0; i < 10; i++)
        {
            Step();
        }

        // A steady step allocates nothing: a one-time allocation (the runtime promoting a method to optimised code
        // late, on a machine busy with other tests) shows in one round at most, an allocation per step in every
        // round. So one of five rounds of three steps must allocate nothing on any thread.
        var rounds = new System.Collections.Generic.List<(long Caller, long Workers)>();
        for (int round = 0; round < 5 && (rounds.Count == 0 || rounds[^1] != (0, 0)); round++)
        {
            long callerBefore = GC.GetAllocatedBytesForCurrentThread();
            long workersBefore = engine.AllocatedBytesInParts;
            for (int i = 0; i < 3; i++)
            {
                Step();
            }

            rounds.Add((GC.GetAllocatedBytesForCurrentThread() - callerBefore, engine.AllocatedBytesInParts - workersBefore));
        }

        Assert.True(rounds[^1] == (0, 0), "bytes allocated per round (caller, workers): " + string.Join(", ", rounds));
    }
}
