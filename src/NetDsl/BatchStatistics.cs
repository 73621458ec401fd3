namespace NetDsl;

/// <summary>The mean loss and the accuracy (or the loss's metric) of a batch (or a whole dataset).</summary>
/// <param name="Loss">Mean loss over the samples (sparse categorical cross-entropy unless a loss was given).</param>
/// <param name="Correct">Samples whose largest output is their label (with the default loss).</param>
/// <param name="Count">Samples in the batch.</param>
public readonly record struct BatchStatistics(float Loss, int Correct, int Count)
{
    /// <summary>The given loss's metric (<see cref="MetricName"/>), or null with the default loss.</summary>
    public double? Metric { get; init; }

    /// <summary>Keras's name of <see cref="Metric"/>: <c>accuracy</c>, <c>binary_accuracy</c>,
    /// <c>mean_absolute_error</c>; <c>accuracy</c> with the default loss.</summary>
    public string MetricName { get; init; } = "accuracy";

    /// <summary>Fraction of samples classified correctly, or the loss's accuracy metric (per position, or per
    /// value for binary accuracy); 0 for an empty batch or a metric that is not an accuracy.</summary>
    public double Accuracy => Metric is { } metric ? (MetricName is "accuracy" or "binary_accuracy" ? metric : 0) : Count == 0 ? 0 : (double)Correct / Count;
}
