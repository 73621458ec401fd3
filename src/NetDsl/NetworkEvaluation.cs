using System;
using NetDsl.Data;
using NetDsl.Training;

namespace NetDsl;

/// <summary>
/// Keras-style <c>evaluate</c> of a whole <see cref="Dataset"/> for any generated network. In the <c>NetDsl</c>
/// namespace (unlike <see cref="Training.NetworkTraining.Fit(INetwork, Data.Dataset, Training.FitOptions?, System.Threading.CancellationToken)"/>), so <c>net.Evaluate(test)</c> needs only <c>using NetDsl;</c>.
/// </summary>
public static class NetworkEvaluation
{
    /// <summary>Mean loss and accuracy over a whole dataset, in inference mode, in batches of
    /// <paramref name="batchSize"/> on all cores (Keras's <c>model.evaluate</c>).</summary>
    public static BatchStatistics Evaluate(this INetwork network, Dataset data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        NetworkTraining.CheckFits(network, data, nameof(data));
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
        NetworkTraining.CheckFits(network, data, loss, nameof(data));
        int targetLength = loss.TargetLength(network.OutputLength, NetworkTraining.Channels(network));
        var targets = new float[Math.Min(batchSize, Math.Max(1, data.Count)) * targetLength];
        double total = 0, metric = 0;
        string metricName = loss.MetricName;
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, data.Count - start);
            for (int i = 0; i < count; i++)
            {
                NetworkTraining.TargetOf(data, start + i, targets.AsSpan(i * targetLength, targetLength));
            }

            BatchStatistics stats = network.Evaluate(data.Inputs.Slice(start * data.SampleLength, count * data.SampleLength), targets.AsSpan(0, count * targetLength), loss);
            total += (double)stats.Loss * count;
            metric += (stats.Metric ?? 0) * count;
        }

        int n = Math.Max(1, data.Count);
        return new BatchStatistics((float)(total / n), 0, data.Count) { Metric = metric / n, MetricName = metricName };
    }
}
