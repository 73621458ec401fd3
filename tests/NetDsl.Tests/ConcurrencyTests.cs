using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using NetDsl.Data;
using NetDsl.Engine;
using NetDsl.Tests.Networks;
using NetDsl.Training;

namespace NetDsl.Tests;

/// <summary>
/// One network shared by several threads: reading operations run at once and give exactly their one-thread
/// answers; operations that change the network never run with them. Each test runs for a bounded time.
/// </summary>
public sealed class ConcurrencyTests
{
    private const int Threads = 4;
    private const int Samples = 48;
    private const int MinimumIterations = 10;
    private static readonly TimeSpan Duration = TimeSpan.FromMilliseconds(700);
    private static readonly TimeSpan MaximumDuration = TimeSpan.FromSeconds(30);

    [Fact]
    public void FourThreadsPredictClassifyAndEvaluateExactlyAsOneThreadDoes()
    {
        var net = new MnistNet(seed: 3);
        float[] inputs = TestData.Uniform(Samples * MnistNet.InputLength, 1, 0f, 1f);
        int[] labels = Enumerable.Range(0, Samples).Select(i => i % 10).ToArray();

        // The answers of one thread, computed before any other thread touches the network.
        float[][] single = Enumerable.Range(0, Samples).Select(i => Predict(net, inputs, i)).ToArray();
        var batch = new float[Samples * MnistNet.OutputLength];
        net.Predict(inputs, batch, Samples);
        int[] classes = Enumerable.Range(0, Samples).Select(i => net.Classify(Sample(inputs, i))).ToArray();
        BatchStatistics evaluation = net.Evaluate(inputs, labels);

        int checks = RunOnThreads(Threads, (thread, iteration) =>
        {
            int i = ((thread * 7) + iteration) % Samples;
            switch (iteration % 5)
            {
                case 0:
                    Assert.Equal(single[i], Predict(net, inputs, i));
                    break;
                case 1:
                    int count = 1 + (i % 17);
                    var outputs = new float[count * MnistNet.OutputLength];
                    net.Predict(inputs.AsSpan(0, count * MnistNet.InputLength), outputs, count);
                    Assert.Equal(batch.AsSpan(0, outputs.Length).ToArray(), outputs);
                    break;
                case 2:
                    Assert.Equal(classes[i], net.Classify(Sample(inputs, i)));
                    break;
                case 3:
                    var batchClasses = new int[Samples];
                    net.Classify(inputs, batchClasses);
                    Assert.Equal(classes, batchClasses);
                    break;
                default:
                    Assert.Equal(evaluation, net.Evaluate(inputs, labels));
                    break;
            }
        });

        Assert.True(checks >= Threads * 5, $"only {checks} checks ran");
    }

    [Fact]
    public void SteadyStateConcurrentPredictionsReuseTheirWorkspaces()
    {
        var net = new MnistNet(seed: 4);
        var engine = (IBatchEngineDiagnostics)typeof(MnistNet).GetField("_netDsl", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(net)!;
        float[] inputs = TestData.Uniform(Samples * MnistNet.InputLength, 2, 0f, 1f);
        RunOnThreads(Threads, (thread, iteration) => Predict(net, inputs, iteration % Samples));
        int created = engine.WorkspacesCreated;
        Assert.InRange(created, 1, Threads);

        RunOnThreads(Threads, (thread, iteration) => Predict(net, inputs, iteration % Samples));
        Assert.Equal(created, engine.WorkspacesCreated);
    }

    [Fact]
    public void PredictionsDuringLoadSeeTheOldWeightsOrTheNewNeverAMixture()
    {
        string directory = Directory.CreateTempSubdirectory("netdsl-concurrency").FullName;
        try
        {
            var net = new MnistNet(seed: 5);
            float[] inputs = TestData.Uniform(Samples * MnistNet.InputLength, 3, 0f, 1f);
            string a = Path.Combine(directory, "a.safetensors"), b = Path.Combine(directory, "b.safetensors");
            new MnistNet(seed: 6).Save(a);
            new MnistNet(seed: 7).Save(b);
            net.Load(a);
            float[] fromA = Predict(net, inputs, 0);
            net.Load(b);
            float[] fromB = Predict(net, inputs, 0);

            using var stop = new CancellationTokenSource(Duration);
            var loader = new Thread(() =>
            {
                for (int n = 0; !stop.IsCancellationRequested; n++)
                {
                    net.Load(n % 2 == 0 ? a : b);
                }
            });
            loader.Start();
            int checks = RunOnThreads(Threads - 1, (thread, iteration) =>
            {
                float[] output = Predict(net, inputs, 0);
                Assert.True(output.SequenceEqual(fromA) || output.SequenceEqual(fromB), "a prediction mixed two sets of weights");
            });
            loader.Join();
            Assert.True(checks > 0);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void CallsDuringFitOnAnotherThreadFailClearlyAndTrainingIsUnharmed()
    {
        var net = new SmallDigitNet(seed: 8) { MaxDegreeOfParallelism = 1 };
        float[] images = TestData.Uniform(256 * SmallDigitNet.InputLength, 4, 0f, 1f);
        int[] labels = Enumerable.Range(0, 256).Select(i => i % 10).ToArray();
        var data = new Dataset(images, labels, SmallDigitNet.InputShape);
        var options = new FitOptions { Epochs = 6, BatchSize = 16, Seed = 1 };

        // The same training alone, for comparison: the calls from other threads must not change it.
        var alone = new SmallDigitNet(seed: 8) { MaxDegreeOfParallelism = 1 };
        alone.Fit(data, options);

        var errors = new ConcurrentBag<Exception>();
        int rejected = 0;
        using var started = new ManualResetEventSlim();
        var trainer = new Thread(() =>
        {
            try
            {
                net.Fit(data, options with { Progress = new Signal(started) });
            }
            catch (Exception e)
            {
                errors.Add(e);
            }
        });
        trainer.Start();
        started.Wait();
        while (trainer.IsAlive)
        {
            foreach (Action call in new Action[]
            {
                () => net.Evaluate(images.AsSpan(0, 16 * SmallDigitNet.InputLength), labels.AsSpan(0, 16)),
                () => net.Predict(images.AsSpan(0, SmallDigitNet.InputLength), new float[SmallDigitNet.OutputLength]),
                () => net.ComputeGradients(images.AsSpan(0, 16 * SmallDigitNet.InputLength), labels.AsSpan(0, 16), new float[SmallDigitNet.ParameterCount]),
                () => new Sgd().Step(net, new float[SmallDigitNet.ParameterCount]),
            })
            {
                try
                {
                    call();
                }
                catch (InvalidOperationException e) when (e.Message.Contains("SmallDigitNet.Fit is training this network on another thread"))
                {
                    rejected++;
                }
            }
        }

        trainer.Join();
        Assert.Empty(errors);
        Assert.True(rejected > 0, "no call overlapped the training");
        Assert.Equal(alone.Parameters.ToArray(), net.Parameters.ToArray());
    }

    [Fact]
    public async Task FitCallsTheNetworksOwnOperationsOnItsThread()
    {
        // Fit holds the network and calls ComputeGradients and Evaluate on it: those must not wait for Fit.
        var net = new SmallDigitNet(seed: 9);
        float[] images = TestData.Uniform(64 * SmallDigitNet.InputLength, 5, 0f, 1f);
        var data = new Dataset(images, Enumerable.Range(0, 64).Select(i => i % 10).ToArray(), SmallDigitNet.InputShape);
        Task<TrainingHistory> training = Task.Run(() => net.Fit(data, new FitOptions { Epochs = 2, ValidationData = data }));
        Task first = await Task.WhenAny(training, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.True(first == training, "Fit deadlocked on its own calls");
        Assert.Equal(2, (await training).Epochs.Count);
    }

    /// <summary>Runs <paramref name="work"/>(thread, iteration) on <paramref name="threads"/> threads at once until
    /// <see cref="Duration"/> has passed; rethrows the first failure. Returns the number of calls made.</summary>
    private static int RunOnThreads(int threads, Action<int, int> work)
    {
        var failures = new ConcurrentQueue<Exception>();
        int calls = 0;
        using var start = new Barrier(threads);
        Thread[] workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            var clock = Stopwatch.StartNew();
            // At least MinimumIterations each (every kind of call, even on the slow scalar path of a Debug
            // build), then until Duration, never past MaximumDuration.
            for (int iteration = 0; (iteration < MinimumIterations || clock.Elapsed < Duration) && clock.Elapsed < MaximumDuration && failures.IsEmpty; iteration++)
            {
                try
                {
                    work(t, iteration);
                    Interlocked.Increment(ref calls);
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                }
            }
        })).ToArray();
        foreach (Thread worker in workers)
        {
            worker.Start();
        }

        foreach (Thread worker in workers)
        {
            worker.Join();
        }

        if (failures.TryDequeue(out Exception? failure))
        {
            throw new Xunit.Sdk.XunitException("A thread failed: " + failure);
        }

        return calls;
    }

    private static ReadOnlySpan<float> Sample(float[] inputs, int i) => inputs.AsSpan(i * MnistNet.InputLength, MnistNet.InputLength);

    private static float[] Predict(INetwork net, float[] inputs, int i)
    {
        var output = new float[net.OutputLength];
        net.Predict(inputs.AsSpan(i * net.InputLength, net.InputLength), output);
        return output;
    }

    private sealed class Signal(ManualResetEventSlim started) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => started.Set();
    }
}
