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

        long callerBefore = GC.GetAllocatedBytesForCurrentThread();
        long workersBefore = engine.AllocatedBytesInParts;
        for (int i = 0; i < 3; i++)
        {
            Step();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - callerBefore);
        Assert.Equal(0, engine.AllocatedBytesInParts - workersBefore);
    }
}
