using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using NetDsl.Data;

namespace NetDsl.Training;

/// <summary>Keras-style <c>fit</c> and <c>evaluate</c> for any generated network.</summary>
public static class NetworkTraining
{
    /// <summary>
    /// Trains <paramref name="network"/> on <paramref name="data"/> with <see cref="FitOptions.Loss"/> (default:
    /// sparse categorical cross-entropy of the labels): for
    /// each epoch, shuffles (seeded), and for each batch computes the mean gradients (on all cores) and applies
    /// one optimizer step. Allocates its batch buffers once; a step allocates nothing. Calls
    /// <see cref="FitOptions.Callbacks"/> as Keras does, and prints progress as <see cref="FitOptions.Verbose"/> says
    /// (by default a line per epoch when no <see cref="FitOptions.Progress"/> is given).
    /// </summary>
    /// <remarks>Fit holds the network exclusively (see <see cref="NetworkGate"/>): calls on it from other threads
    /// throw an <see cref="InvalidOperationException"/> until it returns.</remarks>
    /// <exception cref="ArgumentException">The data does not fit the network (sample size, labels), a dataset is
    /// empty or holds a NaN or infinite value, an augmentation or callback is null, or
    /// <see cref="FitOptions.LearningRateDecay"/> is set for an optimizer with a schedule.</exception>
    /// <exception cref="TrainingDivergedException">A batch loss, or a parameter after an optimizer step, became NaN
    /// or infinite; the parameters are those of the last good step.</exception>
    /// <exception cref="TrainingCanceledException">Cancelled (an <see cref="OperationCanceledException"/>); the
    /// parameters are those after the last completed step, and the exception's History holds the completed epochs.</exception>
    /// <exception cref="InvalidOperationException">Another thread is training the network.</exception>
    public static TrainingHistory Fit(this INetwork network, Dataset data, FitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        CheckTrainable(data, "training data", nameof(data));
        return Fit(network, (ISampleSource)data, options, cancellationToken);
    }

    /// <summary>
    /// Trains <paramref name="network"/> on samples drawn from <paramref name="data"/>, as
    /// <see cref="Fit(INetwork, Dataset, FitOptions?, CancellationToken)"/> does; before each epoch the source is told
    /// the epoch's order (<see cref="ISampleSource.BeginEpoch"/>), so a streaming source can load ahead.
    /// </summary>
    /// <exception cref="ArgumentException">The data does not fit the network, or is empty.</exception>
    /// <exception cref="TrainingDivergedException">A batch loss or a parameter became NaN or infinite.</exception>
    /// <exception cref="TrainingCanceledException">Cancelled; the exception's History holds the completed epochs.</exception>
    /// <exception cref="InvalidOperationException">Another thread is training the network.</exception>
    public static TrainingHistory Fit(this INetwork network, ISampleSource data, FitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new FitOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Epochs, nameof(options.Epochs));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize, nameof(options.BatchSize));
        if (!(options.LearningRateDecay > 0f && options.LearningRateDecay <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.LearningRateDecay, "LearningRateDecay must be in (0, 1].");
        }

        int verbose = options.Verbose ?? (options.Progress is null ? 1 : 0);
        if (verbose is < 0 or > 2)
        {
            throw new ArgumentOutOfRangeException(nameof(options), verbose, "Verbose must be 0 (quiet), 1 (progress) or 2 (one line per epoch).");
        }

        Loss? loss = options.Loss;
        CheckFits(network, data, loss, nameof(data));
        if (data.Count == 0)
        {
            throw new ArgumentException("The training data is empty: there is nothing to learn from.", nameof(data));
        }

        if (options.ValidationData is { } validation)
        {
            CheckFits(network, validation, loss, nameof(options.ValidationData));
            CheckTrainable(validation, "validation data", nameof(options));
        }

        if (options.Augmentations is { } list)
        {
            for (int i = 0; i < list.Count; i++)
            {
                if (list[i] is null)
                {
                    throw new ArgumentException($"FitOptions.Augmentations[{i}] is null; remove it, or give an augmentation.", nameof(options));
                }
            }
        }

        var callbacks = new List<Callback>();
        if (options.Callbacks is { } given)
        {
            for (int i = 0; i < given.Count; i++)
            {
                callbacks.Add(given[i] ?? throw new ArgumentException($"FitOptions.Callbacks[{i}] is null; remove it, or give a callback.", nameof(options)));
            }
        }

        if (verbose > 0)
        {
            callbacks.Add(new ConsoleProgress(verbose)); // last, as Keras's progress bar: it shows what the others logged
        }

        Optimizer optimizer = options.Optimizer ?? new Adam();
        if (options.LearningRateDecay != 1f && optimizer.LearningRateSchedule is not null)
        {
            throw new ArgumentException($"FitOptions.LearningRateDecay and the optimizer's {optimizer.LearningRateSchedule.GetType().Name} would both set the learning rate: use the schedule alone (ExponentialDecay with staircase: true decays per epoch).", nameof(options));
        }

        using NetworkGate.Scope exclusive = network.Gate.EnterExclusive("Fit", longRunning: true);
        int length = network.InputLength;
        int batchSize = Math.Min(options.BatchSize, Math.Max(1, data.Count));
        int batches = (data.Count + batchSize - 1) / batchSize;
        var order = new int[data.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var random = new DeterministicRandom(options.Seed);
        var inputs = new float[batchSize * length];
        var labels = new int[batchSize];
        int targetLength = loss is null ? 0 : loss.TargetLength(network.OutputLength, Channels(network));
        var targets = new float[batchSize * targetLength];
        var gradients = new float[network.ParameterCount];
        var lastGood = new float[network.ParameterCount];
        var history = new TrainingHistory();
        var context = new TrainingContext(network, optimizer, options.Epochs, batches, history);
        string metricName = loss is null ? "accuracy" : loss.MetricName;
        string validationMetricName = "val_" + metricName;
        var batchLogs = new TrainingLogs();
        var trainLogs = new TrainingLogs();
        foreach (Callback callback in callbacks)
        {
            callback.SetContext(context);
        }

        foreach (Callback callback in callbacks)
        {
            callback.OnTrainBegin(trainLogs);
        }

        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            if (options.Shuffle)
            {
                random.Shuffle(order.AsSpan());
            }

            data.BeginEpoch(order);
            foreach (Callback callback in callbacks)
            {
                callback.OnEpochBegin(epoch - 1, new TrainingLogs());
            }

            double lossSum = 0, metricSum = 0;
            int correct = 0, seen = 0;
            for (int batch = 0; batch < batches; batch++)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    throw new TrainingCanceledException(epoch, batch + 1, history, cancellationToken);
                }

                if (callbacks.Count > 0)
                {
                    batchLogs.Clear();
                    foreach (Callback callback in callbacks)
                    {
                        callback.OnTrainBatchBegin(batch, batchLogs);
                    }
                }

                int start = batch * batchSize;
                int count = Math.Min(batchSize, data.Count - start);
                for (int i = 0; i < count; i++)
                {
                    Span<float> sample = inputs.AsSpan(i * length, length);
                    data.GetInput(order[start + i]).CopyTo(sample);
                    if (loss is null)
                    {
                        labels[i] = data.GetLabel(order[start + i]);
                    }
                    else
                    {
                        TargetOf(data, order[start + i], targets.AsSpan(i * targetLength, targetLength));
                    }

                    if (options.Augmentations is { } augmentations)
                    {
                        foreach (Augmentation augmentation in augmentations)
                        {
                            augmentation.Apply(sample, data.SampleShape, random);
                        }
                    }
                }

                BatchStatistics stats = loss is null
                    ? network.ComputeGradients(inputs.AsSpan(0, count * length), labels.AsSpan(0, count), gradients, default)
                    : network.ComputeGradients(inputs.AsSpan(0, count * length), targets.AsSpan(0, count * targetLength), loss, gradients, default);
                if (!float.IsFinite(stats.Loss))
                {
                    throw new TrainingDivergedException(epoch, batch + 1, stats.Loss, history);
                }

                // The loss was finite, but a step can still overflow (a huge gradient, a tiny Adam denominator):
                // keep the parameters it starts from, and put them back if it leaves anything non-finite.
                network.Parameters.CopyTo(lastGood);
                optimizer.Step(network, gradients);
                int bad = Kernels.VectorOps.IndexOfNonFinite(network.Parameters);
                if (bad >= 0)
                {
                    float value = network.Parameters[bad];
                    lastGood.CopyTo(network.Parameters);
                    throw new TrainingDivergedException(epoch, batch + 1, stats.Loss, history, ParameterName(network, bad), value);
                }

                lossSum += (double)stats.Loss * count;
                metricSum += (stats.Metric ?? 0) * count;
                correct += stats.Correct;
                seen += count;
                double? metric = loss is null ? null : metricSum / seen;
                double running = Running(correct, seen, metric, loss).Accuracy;
                if (options.Progress is { } progress)
                {
                    double perSecond = (batch + 1) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                    double left = (batches - batch - 1) / perSecond;
                    progress.Report(new TrainingProgress(epoch, options.Epochs, batch + 1, batches, (float)(lossSum / seen), running, null)
                    {
                        Metric = metric,
                        MetricName = stats.MetricName,
                        BatchesPerSecond = perSecond,
                        Eta = TimeSpan.FromSeconds(left),
                        TrainingEta = TimeSpan.FromSeconds(left + ((double)(options.Epochs - epoch) * batches / perSecond)),
                    });
                }

                if (callbacks.Count > 0)
                {
                    batchLogs.Clear();
                    batchLogs[TrainingLogs.LossKey] = lossSum / seen;
                    batchLogs[metricName] = metric ?? running;
                    foreach (Callback callback in callbacks)
                    {
                        callback.OnTrainBatchEnd(batch, batchLogs);
                    }

                    if (context.StopTraining)
                    {
                        break; // as Keras: the epoch still validates and ends
                    }
                }
            }

            TimeSpan trainTime = clock.Elapsed;
            BatchStatistics? validationStats = options.ValidationData is { } v ? (loss is null ? network.Evaluate(v) : network.Evaluate(v, loss)) : null;
            double? epochMetric = loss is null || seen == 0 ? null : metricSum / seen;
            var result = new EpochResult(
                epoch,
                seen == 0 ? 0f : (float)(lossSum / seen),
                Running(correct, seen, epochMetric, loss).Accuracy,
                validationStats?.Loss,
                validationStats?.Accuracy,
                clock.Elapsed)
            {
                Metric = epochMetric,
                ValidationMetric = loss is null ? null : validationStats?.Metric,
                MetricName = metricName,
                LearningRate = optimizer.LearningRate,
            };
            history.Add(result);
            if (callbacks.Count > 0)
            {
                var epochLogs = new TrainingLogs();
                epochLogs[TrainingLogs.LossKey] = result.Loss;
                epochLogs[metricName] = result.Metric ?? result.Accuracy;
                if (validationStats is not null)
                {
                    epochLogs[TrainingLogs.ValidationLossKey] = result.ValidationLoss!.Value;
                    epochLogs[validationMetricName] = result.ValidationMetric ?? result.ValidationAccuracy!.Value;
                }

                epochLogs[TrainingLogs.LearningRateKey] = result.LearningRate;
                foreach (Callback callback in callbacks)
                {
                    callback.OnEpochEnd(epoch - 1, epochLogs);
                }

                trainLogs = epochLogs;
            }

            if (options.LearningRateDecay != 1f)
            {
                optimizer.LearningRate *= options.LearningRateDecay;
            }

            int done = (int)Math.Min(batches, (seen + batchSize - 1) / batchSize);
            options.Progress?.Report(new TrainingProgress(epoch, options.Epochs, batches, batches, result.Loss, result.Accuracy, result)
            {
                Metric = result.Metric,
                MetricName = result.MetricName,
                BatchesPerSecond = done / Math.Max(trainTime.TotalSeconds, 1e-9),
                TrainingEta = TimeSpan.FromSeconds((double)(options.Epochs - epoch) * batches * Math.Max(trainTime.TotalSeconds, 1e-9) / Math.Max(done, 1)),
            });
            if (context.StopTraining)
            {
                break;
            }
        }

        foreach (Callback callback in callbacks)
        {
            callback.OnTrainEnd(trainLogs);
        }

        return history;
    }

    /// <summary>The length of the network's output's last axis.</summary>
    internal static int Channels(INetwork network) => network.OutputShape.Dimensions[^1];

    /// <summary>The statistics of the epoch so far, whose <see cref="BatchStatistics.Accuracy"/> follows the loss's metric.</summary>
    private static BatchStatistics Running(int correct, int seen, double? metric, Loss? loss) =>
        loss is null ? new BatchStatistics(0f, correct, seen) : new BatchStatistics(0f, correct, seen) { Metric = metric, MetricName = loss.MetricName };

    /// <summary>A sample's targets: its float targets, or its label as a class index.</summary>
    internal static void TargetOf(ISampleSource data, int index, Span<float> target)
    {
        if (data.HasTargets)
        {
            data.GetTarget(index).CopyTo(target);
            return;
        }

        target[0] = data.GetLabel(index);
    }

    private static void CheckTrainable(Dataset data, string what, string parameterName)
    {
        if (data.Count == 0)
        {
            throw new ArgumentException($"The {what} is empty: there is nothing to learn from.", parameterName);
        }

        int bad = Kernels.VectorOps.IndexOfNonFinite(data.Inputs);
        if (bad >= 0)
        {
            throw new ArgumentException($"The {what} holds {data.Inputs[bad]} at value {bad % data.SampleLength} of sample {bad / data.SampleLength}; every input must be a finite number.", parameterName);
        }
    }

    private static string ParameterName(INetwork network, int index)
    {
        foreach (ParameterTensor tensor in network.ParameterLayout)
        {
            if (index >= tensor.Offset && index < tensor.Offset + tensor.Length)
            {
                return $"{tensor.Name}[{index - tensor.Offset}]";
            }
        }

        return $"parameter {index}";
    }

    internal static void CheckFits(INetwork network, ISampleSource data, string parameterName) => CheckFits(network, data, null, parameterName);

    internal static void CheckFits(INetwork network, ISampleSource data, Loss? loss, string parameterName)
    {
        if (data.SampleLength != network.InputLength)
        {
            throw new ArgumentException($"The dataset's samples have shape {data.SampleShape} ({data.SampleLength} values), but the network expects {network.InputShape} ({network.InputLength} values).", parameterName);
        }

        if (loss is not null)
        {
            int targetLength = loss.TargetLength(network.OutputLength, Channels(network));
            if (data.HasTargets ? data.TargetLength != targetLength : targetLength != 1)
            {
                throw new ArgumentException(data.HasTargets
                    ? $"{loss.Name} needs {targetLength} targets per sample of {network.OutputShape}, but the dataset has {data.TargetLength}."
                    : $"{loss.Name} needs {targetLength} float targets per sample of {network.OutputShape}; the dataset has one label per sample: build it with targets.", parameterName);
            }

            return;
        }

        if (data.HasTargets)
        {
            throw new ArgumentException("The dataset has float targets: give FitOptions.Loss (the default loss reads labels).", parameterName);
        }

        if (data.ClassCount > network.OutputLength)
        {
            throw new ArgumentException($"The dataset has labels up to {data.ClassCount - 1}, but the network has {network.OutputLength} outputs (classes 0..{network.OutputLength - 1}).", parameterName);
        }
    }
}
