using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using NetDsl.Data;
using NetDsl.Tests.Networks;
using NetDsl.Training;

namespace NetDsl.Tests;

/// <summary>Keras's callbacks: driven by hand against Keras's rules worked out epoch by epoch, and in Fit on real digits.</summary>
public sealed class CallbackTests
{
    private static readonly Lazy<(Dataset Train, Dataset Test)> Digits =
        new(() => Dataset.LoadMnist(Path.Combine(AppContext.BaseDirectory, "data", "mnist-digits")));

    // ---- EarlyStopping, scripted ----

    [Fact]
    public void EarlyStoppingWithPatienceTwoStopsAtTheRightEpochAndRestoresTheBestWeights()
    {
        // val_loss 1.0, 0.8, 0.9, 0.85: best at epoch 1; epochs 2 and 3 do not improve, so the wait reaches 2
        // at epoch 3 (0-based), which stops; at the end the parameters of epoch 1 come back.
        var net = new SmallDigitNet(seed: 1);
        var stopping = new EarlyStopping { Patience = 2, RestoreBestWeights = true };
        TrainingContext context = Drive(stopping, net, "val_loss", 1.0, 0.8, 0.9, 0.85);

        Assert.True(context.StopTraining);
        Assert.Equal(3, stopping.StoppedEpoch);
        Assert.Equal(1, stopping.BestEpoch);
        Assert.Equal(0.8, stopping.Best);
        stopping.OnTrainEnd(new TrainingLogs());
        Assert.All(net.Parameters.ToArray(), p => Assert.Equal(1f, p)); // Drive fills epoch e's parameters with e
    }

    [Fact]
    public void EarlyStoppingDoesNotStopOneEpochTooSoon()
    {
        var stopping = new EarlyStopping { Patience = 2 };
        TrainingContext context = Drive(stopping, new SmallDigitNet(seed: 1), "val_loss", 1.0, 0.8, 0.9);
        Assert.False(context.StopTraining);
        Assert.Equal(1, stopping.Wait);
        Assert.Equal(0, stopping.StoppedEpoch);
    }

    [Fact]
    public void EarlyStoppingRestoresTheBestWeightsAlsoWhenItDidNotStop()
    {
        // Keras 3: restore_best_weights restores at the end of training whenever a best epoch exists.
        var net = new SmallDigitNet(seed: 1);
        var stopping = new EarlyStopping { Patience = 5, RestoreBestWeights = true };
        TrainingContext context = Drive(stopping, net, "val_loss", 0.9, 0.5, 0.7);
        Assert.False(context.StopTraining);
        stopping.OnTrainEnd(new TrainingLogs());
        Assert.All(net.Parameters.ToArray(), p => Assert.Equal(1f, p));
    }

    [Fact]
    public void EarlyStoppingMinDeltaMustBeBeaten()
    {
        // min_delta 0.05 in min mode: 0.97 + 0.05 is not below 1.0, so epoch 1 is no improvement.
        var stopping = new EarlyStopping { Monitor = "loss", MinDelta = 0.05, Patience = 1 };
        TrainingContext context = Drive(stopping, new SmallDigitNet(seed: 1), "loss", 1.0, 0.97);
        Assert.True(context.StopTraining);
        Assert.Equal(1, stopping.StoppedEpoch);
        Assert.Equal(1.0, stopping.Best);
    }

    [Fact]
    public void EarlyStoppingInfersMaxModeForAccuracy()
    {
        var stopping = new EarlyStopping { Monitor = "val_accuracy", Patience = 1 };
        TrainingContext context = Drive(stopping, new SmallDigitNet(seed: 1), "val_accuracy", 0.5, 0.6, 0.55);
        Assert.True(context.StopTraining);
        Assert.Equal(2, stopping.StoppedEpoch);
        Assert.Equal(1, stopping.BestEpoch);

        // Mode = Min turns it round: 0.6 is then worse than 0.5.
        var min = new EarlyStopping { Monitor = "val_accuracy", Patience = 1, Mode = MonitorMode.Min };
        Assert.True(Drive(min, new SmallDigitNet(seed: 1), "val_accuracy", 0.5, 0.6).StopTraining);
    }

    [Fact]
    public void EarlyStoppingBaselineKeepsTheWaitGoingUntilBeaten()
    {
        // Baseline 0.5: improvements above it do not reset the wait (1, 2), so epoch 2 (wait 3) stops;
        // without a baseline the wait is 1 at epoch 2 and 2 at epoch 3.
        var withBaseline = new EarlyStopping { Monitor = "loss", Patience = 2, Baseline = 0.5 };
        TrainingContext stopped = Drive(withBaseline, new SmallDigitNet(seed: 1), "loss", 0.9, 0.8, 0.85);
        Assert.True(stopped.StopTraining);
        Assert.Equal(2, withBaseline.StoppedEpoch);

        var without = new EarlyStopping { Monitor = "loss", Patience = 2 };
        Assert.False(Drive(without, new SmallDigitNet(seed: 1), "loss", 0.9, 0.8, 0.85).StopTraining);
    }

    [Fact]
    public void EarlyStoppingIgnoresEpochsBeforeStartFromEpoch()
    {
        var warm = new EarlyStopping { Monitor = "loss", Patience = 1, StartFromEpoch = 2 };
        TrainingContext context = Drive(warm, new SmallDigitNet(seed: 1), "loss", 0.1, 0.2, 0.9, 1.0);
        Assert.True(context.StopTraining);
        Assert.Equal(3, warm.StoppedEpoch);
        Assert.Equal(0.9, warm.Best);

        var cold = new EarlyStopping { Monitor = "loss", Patience = 1 };
        Drive(cold, new SmallDigitNet(seed: 1), "loss", 0.1, 0.2);
        Assert.Equal(1, cold.StoppedEpoch);
    }

    [Fact]
    public void AMonitorTheLogsLackIsAClearError()
    {
        var stopping = new EarlyStopping(); // val_loss, but no validation data
        var net = new SmallDigitNet(seed: 1);
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() =>
            net.Fit(Digits.Value.Train.Slice(0, 64), new FitOptions { Callbacks = new[] { stopping }, Verbose = 0 }));
        Assert.Contains("'val_loss'", e.Message);
        Assert.Contains("ValidationData", e.Message);
    }

    // ---- EarlyStopping on real digits ----

    [Fact]
    public void EarlyStoppingRestoresTheBestEpochOfARealRunThatOverfits()
    {
        // 300 training digits at a high learning rate: the validation loss falls for a few epochs, then rises as the
        // network memorises the 300. Patience 2 stops it; the parameters must be those of the best epoch.
        Dataset train = Digits.Value.Train.Slice(0, 300);
        Dataset validation = Digits.Value.Test.Slice(0, 500);
        var net = new SmallDigitNet(seed: 3) { MaxDegreeOfParallelism = 1 };
        var snapshots = new Snapshots();
        var stopping = new EarlyStopping { Patience = 2, RestoreBestWeights = true };

        TrainingHistory history = net.Fit(train, new FitOptions
        {
            Epochs = 40,
            BatchSize = 16,
            Optimizer = new Adam(0.004f),
            ValidationData = validation,
            Seed = 1,
            Callbacks = new Callback[] { snapshots, stopping },
            Verbose = 0,
        });

        IReadOnlyList<float> losses = history.ValidationLoss;
        int best = Enumerable.Range(0, losses.Count).First(i => losses[i] == losses.Min());
        Assert.True(history.Epochs.Count < 40, $"validation losses {string.Join(", ", losses)}: it should have stopped");
        Assert.Equal(best + 2, history.Epochs.Count - 1); // two epochs without improvement after the best, then stop
        Assert.Equal(history.Epochs.Count - 1, stopping.StoppedEpoch);
        Assert.Equal(best, stopping.BestEpoch);
        Assert.Equal(snapshots.Parameters[best], net.Parameters.ToArray());
        Assert.NotEqual(snapshots.Parameters[^1], net.Parameters.ToArray());
        Assert.Equal(losses[best], net.Evaluate(validation).Loss, 1e-6f);
        Assert.True(net.Evaluate(validation).Loss < losses[^1]);
    }

    // ---- ModelCheckpoint ----

    [Fact]
    public void ModelCheckpointSavesLoadableFilesOnlyWhenTheMonitorImproved()
    {
        string directory = Path.Combine(Path.GetTempPath(), "netdsl-checkpoint-" + Guid.NewGuid().ToString("N"));
        try
        {
            Dataset train = Digits.Value.Train.Slice(0, 300);
            Dataset validation = Digits.Value.Test.Slice(0, 300);
            var net = new SmallDigitNet(seed: 3) { MaxDegreeOfParallelism = 1 };
            var checkpoint = new ModelCheckpoint(Path.Combine(directory, "digits-{epoch:02d}-{val_loss:.4f}.safetensors")) { SaveBestOnly = true };
            var best = new ModelCheckpoint(Path.Combine(directory, "best.safetensors")) { SaveBestOnly = true };
            var snapshots = new Snapshots();
            TrainingHistory history = net.Fit(train, new FitOptions
            {
                Epochs = 8,
                BatchSize = 16,
                Optimizer = new Adam(0.004f),
                ValidationData = validation,
                Seed = 2,
                Callbacks = new Callback[] { snapshots, checkpoint, best },
                Verbose = 0,
            });

            // Keras: a save whenever val_loss is below every earlier one.
            var expected = new List<string>();
            double lowest = double.PositiveInfinity;
            for (int e = 0; e < history.Epochs.Count; e++)
            {
                float loss = history.ValidationLoss[e];
                if (loss < lowest)
                {
                    lowest = loss;
                    expected.Add($"digits-{e + 1:00}-{loss:F4}.safetensors");
                }
            }

            Assert.True(expected.Count is > 1 and < 8, $"validation losses {string.Join(", ", history.ValidationLoss)}");
            string[] written = Directory.GetFiles(directory, "digits-*").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
            Assert.Equal(expected, written);
            foreach (string file in written)
            {
                int epoch = int.Parse(file.Substring(7, 2)) - 1;
                var loaded = new SmallDigitNet(seed: 9);
                loaded.Load(Path.Combine(directory, file));
                Assert.Equal(snapshots.Parameters[epoch], loaded.Parameters.ToArray());
            }

            var fromBest = new SmallDigitNet(seed: 9);
            fromBest.Load(Path.Combine(directory, "best.safetensors"));
            Assert.Equal(history.ValidationLoss.Min(), fromBest.Evaluate(validation).Loss, 1e-6f);
            Assert.Equal(lowest, best.Best!.Value, 1e-9);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Theory]
    [InlineData("w-{epoch}.bin", "w-3.bin")]
    [InlineData("w-{epoch:02d}.bin", "w-03.bin")]
    [InlineData("w-{epoch:03}-{val_loss:.4f}.bin", "w-003-0.1235.bin")]
    [InlineData("{loss:.2e}_{accuracy:.1%}", "1.23e-03_97.5%")]
    [InlineData("{{epoch}}-{val_loss:8.3f}", "{epoch}-   0.123")]
    [InlineData("{val_loss}", "0.123456")]
    public void CheckpointPathsAreFormattedAsPythonFormatsThem(string template, string expected)
    {
        var logs = new TrainingLogs { ["loss"] = 0.00123, ["accuracy"] = 0.975, ["val_loss"] = 0.123456 };
        Assert.Equal(expected, new PathTemplate(template).Fill(3, logs));
    }

    [Fact]
    public void CheckpointPathErrorsAreClear()
    {
        Assert.Throws<ArgumentException>(() => new ModelCheckpoint("w-{epoch"));
        Assert.Throws<ArgumentException>(() => new ModelCheckpoint("w-{epoch:x}"));
        KeyNotFoundException missing = Assert.Throws<KeyNotFoundException>(() => new PathTemplate("{val_acc}").Fill(1, new TrainingLogs { ["loss"] = 1 }));
        Assert.Contains("loss", missing.Message);
    }

    // ---- CsvLogger ----

    [Fact]
    public void CsvLoggerWritesKerasColumnsAndRows()
    {
        string path = Path.Combine(Path.GetTempPath(), "netdsl-log-" + Guid.NewGuid().ToString("N") + ".csv");
        try
        {
            var logger = new CsvLogger(path);
            logger.OnTrainBegin(new TrainingLogs());
            logger.OnEpochEnd(0, new TrainingLogs { ["loss"] = 0.5, ["accuracy"] = 0.75, ["val_loss"] = 0.25, ["val_accuracy"] = 0.875, ["learning_rate"] = 0.001 });
            logger.OnEpochEnd(1, new TrainingLogs { ["loss"] = 0.375, ["accuracy"] = 0.8125, ["learning_rate"] = 0.0005 });
            Assert.Equal(
                "epoch,accuracy,learning_rate,loss,val_accuracy,val_loss\r\n"
                + "0,0.75,0.001,0.5,0.875,0.25\r\n"
                + "1,0.8125,0.0005,0.375,NA,NA\r\n",
                File.ReadAllText(path));

            // Append: rows after the existing ones, no second header; a separator of one's own.
            var appending = new CsvLogger(path) { Append = true, Separator = ";" };
            appending.OnTrainBegin(new TrainingLogs());
            appending.OnEpochEnd(0, new TrainingLogs { ["loss"] = 0.25, ["accuracy"] = 0.9 });
            Assert.EndsWith("1,0.8125,0.0005,0.375,NA,NA\r\n0;0.9;0.25\r\n", File.ReadAllText(path));

            // Without Append the file starts again.
            var fresh = new CsvLogger(path) { Separator = "\t" };
            fresh.OnTrainBegin(new TrainingLogs());
            fresh.OnEpochEnd(0, new TrainingLogs { ["loss"] = 0.25 });
            Assert.Equal("epoch\tloss\r\n0\t0.25\r\n", File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CsvLoggerInFitLogsEveryEpochOfTheHistory()
    {
        string path = Path.Combine(Path.GetTempPath(), "netdsl-fit-" + Guid.NewGuid().ToString("N") + ".csv");
        try
        {
            var net = new SmallDigitNet(seed: 2);
            TrainingHistory history = net.Fit(Digits.Value.Train.Slice(0, 96), new FitOptions
            {
                Epochs = 2,
                ValidationData = Digits.Value.Test.Slice(0, 64),
                Callbacks = new[] { new CsvLogger(path) },
                Verbose = 0,
            });

            string[] lines = File.ReadAllText(path).Split("\r\n");
            Assert.Equal("epoch,accuracy,learning_rate,loss,val_accuracy,val_loss", lines[0]);
            for (int e = 0; e < 2; e++)
            {
                EpochResult r = history.Epochs[e];
                double[] row = lines[e + 1].Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                Assert.Equal(new[] { e, r.Accuracy, (double)r.LearningRate, r.Loss, r.ValidationAccuracy!.Value, r.ValidationLoss!.Value }, row);
            }

            Assert.Equal(string.Empty, lines[3]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    // ---- ReduceLROnPlateau and LearningRateScheduler ----

    [Fact]
    public void ReduceLROnPlateauFollowsKerasEpochByEpoch()
    {
        // factor 0.5, patience 2, cooldown 1, min 0.2, val_loss stuck at 1.0 then 0.5:
        // e0 best; e1 wait 1; e2 wait 2 -> 0.5, cooldown; e3 cooldown ends, wait 1; e4 -> 0.25; e5 wait 1;
        // e6 -> max(0.125, 0.2) = 0.2; e7 improvement; e8 wait 1; e9 wait 2 but 0.2 is not above the minimum.
        var sgd = new Sgd(1f);
        var reduce = new ReduceLROnPlateau { Factor = 0.5f, Patience = 2, Cooldown = 1, MinLearningRate = 0.2f };
        var context = new TrainingContext(new SmallDigitNet(seed: 1), sgd, epochs: 10, steps: 1);
        reduce.SetContext(context);
        reduce.OnTrainBegin(new TrainingLogs());
        double[] losses = { 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5 };
        var logged = new List<double>();
        var after = new List<float>();
        for (int e = 0; e < losses.Length; e++)
        {
            var logs = new TrainingLogs { ["loss"] = 2.0, ["val_loss"] = losses[e] };
            reduce.OnEpochEnd(e, logs);
            logged.Add(logs.LearningRate!.Value);
            after.Add(sgd.LearningRate);
        }

        Assert.Equal(new[] { 1, 1, 1, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2, 0.2 }, logged.Select(v => Math.Round(v, 6)));
        Assert.Equal(new[] { 1f, 1f, 0.5f, 0.5f, 0.25f, 0.25f, 0.2f, 0.2f, 0.2f, 0.2f }, after);
    }

    [Fact]
    public void ReduceLROnPlateauMinDeltaAndAScheduledOptimizer()
    {
        // Improvements smaller than min_delta (1e-4) do not count: 1.0, 0.99995, 0.9999 reduce after patience 2.
        var sgd = new Sgd(0.1f);
        var reduce = new ReduceLROnPlateau { Monitor = "loss", Patience = 2 };
        reduce.SetContext(new TrainingContext(new SmallDigitNet(seed: 1), sgd, 3, 1));
        reduce.OnTrainBegin(new TrainingLogs());
        foreach ((int e, double loss) in new[] { (0, 1.0), (1, 0.99995), (2, 0.99991) })
        {
            reduce.OnEpochEnd(e, new TrainingLogs { ["loss"] = loss });
        }

        Assert.Equal(0.01f, sgd.LearningRate, 1e-8f);

        // As in Keras, a learning rate that follows a schedule cannot be reduced.
        var scheduled = new Sgd { LearningRateSchedule = new ExponentialDecay(0.1f, 10, 0.5f) };
        var onSchedule = new ReduceLROnPlateau { Monitor = "loss", Patience = 0 };
        onSchedule.SetContext(new TrainingContext(new SmallDigitNet(seed: 1), scheduled, 1, 1));
        onSchedule.OnTrainBegin(new TrainingLogs());
        onSchedule.OnEpochEnd(0, new TrainingLogs { ["loss"] = 1 });
        Assert.Throws<InvalidOperationException>(() => onSchedule.OnEpochEnd(1, new TrainingLogs { ["loss"] = 1 }));
    }

    [Fact]
    public void LearningRateSchedulerSetsTheRateOfEveryEpoch()
    {
        var net = new SmallDigitNet(seed: 4);
        var seen = new List<float>();
        TrainingHistory history = net.Fit(Digits.Value.Train.Slice(0, 64), new FitOptions
        {
            Epochs = 3,
            Optimizer = new Sgd(0.5f),
            Callbacks = new Callback[] { new LearningRateScheduler((epoch, rate) => epoch == 0 ? 0.01f : rate * 2f), new Hooks(_ => { }, onEpochEnd: (_, logs) => seen.Add((float)logs.LearningRate!.Value)) },
            Verbose = 0,
        });

        Assert.Equal(new[] { 0.01f, 0.02f, 0.04f }, history.LearningRate);
        Assert.Equal(history.LearningRate, seen);
    }

    [Fact]
    public void AnOptimizerScheduleRunsPerStepInFit()
    {
        // 64 samples in batches of 16: 4 steps per epoch. The logged rate is the next step's, as Keras's.
        var schedule = new ExponentialDecay(0.01f, decaySteps: 4, decayRate: 0.5f);
        var sgd = new Sgd { LearningRateSchedule = schedule };
        TrainingHistory history = new SmallDigitNet(seed: 4).Fit(Digits.Value.Train.Slice(0, 64), new FitOptions { Epochs = 3, BatchSize = 16, Optimizer = sgd, Verbose = 0 });

        Assert.Equal(12, sgd.Iterations);
        Assert.Equal(new[] { schedule.GetLearningRate(4), schedule.GetLearningRate(8), schedule.GetLearningRate(12) }, history.LearningRate);
        Assert.Equal(0.00125f, history.LearningRate[^1], 1e-9f);

        ArgumentException both = Assert.Throws<ArgumentException>(() =>
            new SmallDigitNet(seed: 4).Fit(Digits.Value.Train.Slice(0, 64), new FitOptions { Optimizer = sgd, LearningRateDecay = 0.9f, Verbose = 0 }));
        Assert.Contains("LearningRateDecay", both.Message);
    }

    // ---- Hooks, logs and stopping ----

    [Fact]
    public void HooksRunInKerasOrderWithZeroBasedIndicesAndTheHistorysLogs()
    {
        var calls = new List<string>();
        var epochLogs = new List<Dictionary<string, double>>();
        var hooks = new Hooks(calls.Add, onEpochEnd: (_, logs) => epochLogs.Add(logs.ToDictionary(p => p.Key, p => p.Value)));
        var net = new SmallDigitNet(seed: 5);
        TrainingHistory history = net.Fit(Digits.Value.Train.Slice(0, 100), new FitOptions
        {
            Epochs = 2,
            BatchSize = 40,
            ValidationData = Digits.Value.Test.Slice(0, 50),
            Callbacks = new[] { hooks },
            Verbose = 0,
        });

        string[] epoch(int e) => new[] { $"epoch_begin {e}", "batch_begin 0", "batch_end 0", "batch_begin 1", "batch_end 1", "batch_begin 2", "batch_end 2", $"epoch_end {e}" };
        Assert.Equal(new[] { "train_begin" }.Concat(epoch(0)).Concat(epoch(1)).Append("train_end"), calls);
        for (int e = 0; e < 2; e++)
        {
            EpochResult r = history.Epochs[e];
            Assert.Equal(new[] { "loss", "accuracy", "val_loss", "val_accuracy", "learning_rate" }, epochLogs[e].Keys);
            Assert.Equal(r.Loss, epochLogs[e]["loss"]);
            Assert.Equal(r.Accuracy, epochLogs[e]["accuracy"]);
            Assert.Equal(r.ValidationLoss!.Value, epochLogs[e]["val_loss"]);
            Assert.Equal(r.ValidationAccuracy!.Value, epochLogs[e]["val_accuracy"]);
            Assert.Equal(0.001f, (float)epochLogs[e]["learning_rate"]);
        }

        Assert.Equal(history.Epochs[^1].Loss, hooks.TrainEndLoss);
    }

    [Fact]
    public void StopTrainingAfterABatchStillValidatesAndEndsTheEpoch()
    {
        var calls = new List<string>();
        Hooks? hooks = null;
        hooks = new Hooks(calls.Add, onBatchEnd: batch =>
        {
            if (batch == 1)
            {
                hooks!.Context!.StopTraining = true;
            }
        });
        TrainingHistory history = new SmallDigitNet(seed: 5).Fit(Digits.Value.Train.Slice(0, 100), new FitOptions
        {
            Epochs = 3,
            BatchSize = 20,
            ValidationData = Digits.Value.Test.Slice(0, 20),
            Callbacks = new[] { hooks },
            Verbose = 0,
        });

        Assert.Single(history.Epochs);
        Assert.NotNull(history.Epochs[0].ValidationLoss);
        Assert.Equal(new[] { "train_begin", "epoch_begin 0", "batch_begin 0", "batch_end 0", "batch_begin 1", "batch_end 1", "epoch_end 0", "train_end" }, calls);
    }

    [Fact]
    public void EarlyStoppingInFitStopsAfterPatienceEpochsOnTheTrainingLoss()
    {
        // Monitoring a training loss that cannot fall (learning rate near zero... but the loss still moves a
        // little): min_delta 1 makes every epoch no improvement, so patience 2 stops after epoch index 2.
        var stopping = new EarlyStopping { Monitor = "loss", MinDelta = 1, Patience = 2 };
        TrainingHistory history = new SmallDigitNet(seed: 5).Fit(Digits.Value.Train.Slice(0, 64), new FitOptions
        {
            Epochs = 10,
            Callbacks = new[] { stopping },
            Verbose = 0,
        });

        Assert.Equal(3, history.Epochs.Count);
        Assert.Equal(2, stopping.StoppedEpoch);
        Assert.Equal(0, stopping.BestEpoch);
    }

    // ---- Cancellation ----

    [Fact]
    public void CancellingFitKeepsTheHistorySoFar()
    {
        using var cancellation = new CancellationTokenSource();
        int reports = 0;
        var net = new SmallDigitNet(seed: 6);
        var first = new Hooks(_ => { }, onEpochEnd: (_, _) => reports++);

        // 3 batches per epoch; cancelled after the first batch of the second epoch: one epoch completed.
        int batchesRun = 0;
        var counter = new Hooks(_ => { }, onBatchEnd: _ =>
        {
            if (++batchesRun == 4)
            {
                cancellation.Cancel();
            }
        });
        TrainingCanceledException e = Assert.Throws<TrainingCanceledException>(() =>
            net.Fit(Digits.Value.Train.Slice(0, 96), new FitOptions { Epochs = 5, BatchSize = 32, Callbacks = new[] { counter, first }, Verbose = 0 }, cancellation.Token));

        Assert.IsAssignableFrom<OperationCanceledException>(e);
        Assert.Equal(cancellation.Token, e.CancellationToken);
        Assert.Equal(2, e.Epoch);
        Assert.Equal(2, e.Batch);
        Assert.Single(e.History.Epochs);
        Assert.Equal(1, reports);
        Assert.Contains("1 completed epoch", e.Message);
    }

    // ---- helpers ----

    /// <summary>Gives <paramref name="callback"/> a context and the scripted value of <paramref name="monitor"/> for
    /// epochs 0, 1, ...; before epoch e's end the network's parameters are all e.</summary>
    private static TrainingContext Drive(Callback callback, INetwork network, string monitor, params double[] values)
    {
        var context = new TrainingContext(network, new Sgd(), values.Length, 1);
        callback.SetContext(context);
        callback.OnTrainBegin(new TrainingLogs());
        for (int e = 0; e < values.Length; e++)
        {
            Assert.False(context.StopTraining, $"stopped before epoch {e}");
            network.Parameters.Fill(e);
            callback.OnEpochEnd(e, new TrainingLogs { [monitor] = values[e] });
        }

        return context;
    }

    /// <summary>Records the parameters at the end of every epoch.</summary>
    private sealed class Snapshots : Callback
    {
        public List<float[]> Parameters { get; } = new();

        public override void OnEpochEnd(int epoch, TrainingLogs logs) => Parameters.Add(Context!.Network.Parameters.ToArray());
    }

    /// <summary>Names every hook call, and runs optional actions.</summary>
    private sealed class Hooks(Action<string> record, Action<int>? onBatchEnd = null, Action<int, TrainingLogs>? onEpochEnd = null, Action<int>? onEpochBegin = null) : Callback
    {
        public double? TrainEndLoss { get; private set; }

        public override void OnTrainBegin(TrainingLogs logs) => record("train_begin");

        public override void OnTrainEnd(TrainingLogs logs)
        {
            record("train_end");
            TrainEndLoss = logs.Loss;
        }

        public override void OnEpochBegin(int epoch, TrainingLogs logs)
        {
            record($"epoch_begin {epoch}");
            onEpochBegin?.Invoke(epoch);
        }

        public override void OnEpochEnd(int epoch, TrainingLogs logs)
        {
            record($"epoch_end {epoch}");
            onEpochEnd?.Invoke(epoch, logs);
        }

        public override void OnTrainBatchBegin(int batch, TrainingLogs logs) => record($"batch_begin {batch}");

        public override void OnTrainBatchEnd(int batch, TrainingLogs logs)
        {
            record($"batch_end {batch}");
            Assert.True(logs.Loss > 0);
            onBatchEnd?.Invoke(batch);
        }
    }
}
