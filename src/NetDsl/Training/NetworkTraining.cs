using System;
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
    /// one optimizer step. Allocates its batch buffers once; a step allocates nothing.
    /// </summary>
    /// <remarks>Fit holds the network exclusively (see <see cref="NetworkGate"/>): calls on it from other threads
    /// throw an <see cref="InvalidOperationException"/> until it returns.</remarks>
    /// <exception cref="ArgumentException">The data does not fit the network (sample size, labels), a dataset is
    /// empty or holds a NaN or infinite value, or an augmentation is null.</exception>
    /// <exception cref="TrainingDivergedException">A batch loss, or a parameter after an optimizer step, became NaN
    /// or infinite; the parameters are those of the last good step.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the parameters are those after the last completed step.</exception>
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
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
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

        using NetworkGate.Scope exclusive = network.Gate.EnterExclusive("Fit", longRunning: true);
        Optimizer optimizer = options.Optimizer ?? new Adam();
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
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            if (options.Shuffle)
            {
                random.Shuffle(order.AsSpan());
            }

            data.BeginEpoch(order);

            double lossSum = 0, metricSum = 0;
            int correct = 0, seen = 0;
            for (int batch = 0; batch < batches; batch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
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
                options.Progress?.Report(new TrainingProgress(epoch, options.Epochs, batch + 1, batches, (float)(lossSum / seen), Running(correct, seen, metric, loss).Accuracy, null)
                {
                    Metric = metric,
                    MetricName = stats.MetricName,
                });
            }

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
                MetricName = loss is null ? "accuracy" : loss.MetricName,
            };
            history.Add(result);
            if (options.LearningRateDecay != 1f)
            {
                optimizer.LearningRate *= options.LearningRateDecay;
            }

            options.Progress?.Report(new TrainingProgress(epoch, options.Epochs, batches, batches, result.Loss, result.Accuracy, result)
            {
                Metric = result.Metric,
                MetricName = result.MetricName,
            });
        }

        return history;
    }

    /// <summary>Mean loss and accuracy over a whole dataset, in inference mode, in batches of
    /// <paramref name="batchSize"/> on all cores (Keras's <c>model.evaluate</c>).</summary>
    public static BatchStatistics Evaluate(this INetwork network, Dataset data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        CheckFits(network, data, nameof(data));
        double loss = 0;
        int correct = 0;
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, data.Count - start);
            BatchStatistics stats = network.Evaluate(
                data.Inputs.Slice(start * data.SampleLength, count * data.SampleLength),
                data.Labels.Slice(start, count));
            loss += (double)stats.Loss * count;
            correct += stats.Correct;
        }

        return new BatchStatistics(data.Count == 0 ? 0f : (float)(loss / data.Count), correct, data.Count);
    }

    /// <summary>Mean loss and the loss's metric over a whole dataset under <paramref name="loss"/>, in inference
    /// mode, in batches of <paramref name="batchSize"/> on all cores. The dataset gives float targets, or labels
    /// when the loss takes one class index per sample.</summary>
    public static BatchStatistics Evaluate(this INetwork network, Dataset data, Loss loss, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        CheckFits(network, data, loss, nameof(data));
        int targetLength = loss.TargetLength(network.OutputLength, Channels(network));
        var targets = new float[Math.Min(batchSize, Math.Max(1, data.Count)) * targetLength];
        double total = 0, metric = 0;
        string metricName = loss.MetricName;
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, data.Count - start);
            for (int i = 0; i < count; i++)
            {
                TargetOf(data, start + i, targets.AsSpan(i * targetLength, targetLength));
            }

            BatchStatistics stats = network.Evaluate(data.Inputs.Slice(start * data.SampleLength, count * data.SampleLength), targets.AsSpan(0, count * targetLength), loss);
            total += (double)stats.Loss * count;
            metric += (stats.Metric ?? 0) * count;
        }

        int n = Math.Max(1, data.Count);
        return new BatchStatistics((float)(total / n), 0, data.Count) { Metric = metric / n, MetricName = metricName };
    }

    /// <summary>The length of the network's output's last axis.</summary>
    private static int Channels(INetwork network) => network.OutputShape.Dimensions[^1];

    /// <summary>The statistics of the epoch so far, whose <see cref="BatchStatistics.Accuracy"/> follows the loss's metric.</summary>
    private static BatchStatistics Running(int correct, int seen, double? metric, Loss? loss) =>
        loss is null ? new BatchStatistics(0f, correct, seen) : new BatchStatistics(0f, correct, seen) { Metric = metric, MetricName = loss.MetricName };

    /// <summary>A sample's targets: its float targets, or its label as a class index.</summary>
    private static void TargetOf(ISampleSource data, int index, Span<float> target)
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

    private static void CheckFits(INetwork network, ISampleSource data, string parameterName) => CheckFits(network, data, null, parameterName);

    private static void CheckFits(INetwork network, ISampleSource data, Loss? loss, string parameterName)
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
