namespace NetDsl;

/// <summary>The mean loss and the accuracy of a batch (or a whole dataset).</summary>
/// <param name="Loss">Mean sparse categorical cross-entropy over the samples.</param>
/// <param name="Correct">Samples whose largest output is their label.</param>
/// <param name="Count">Samples in the batch.</param>
public readonly record struct BatchStatistics(float Loss, int Correct, int Count)
{
    /// <summary>Fraction of samples classified correctly (0 for an empty batch).</summary>
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;
}
