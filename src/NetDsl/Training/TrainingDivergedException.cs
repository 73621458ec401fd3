using System;

namespace NetDsl.Training;

/// <summary>
/// Thrown by <see cref="NetworkTraining.Fit"/> when a batch's loss is NaN or infinite. The step that produced
/// it is not applied, so the network keeps the parameters of the last good step; the epochs completed so far
/// are in <see cref="History"/>.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Describes where training diverged.</summary>
    public TrainingDivergedException(int epoch, int batch, float loss, TrainingHistory history)
        : base($"Training diverged: the loss of batch {batch} in epoch {epoch} is {loss}. The step was not applied; the parameters are those of the last good step. Try a lower learning rate, or check the data for NaN or huge values.")
    {
        Epoch = epoch;
        Batch = batch;
        Loss = loss;
        History = history;
    }

    /// <summary>1-based epoch of the bad batch.</summary>
    public int Epoch { get; }

    /// <summary>1-based batch within the epoch.</summary>
    public int Batch { get; }

    /// <summary>The non-finite loss.</summary>
    public float Loss { get; }

    /// <summary>The epochs completed before the failure.</summary>
    public TrainingHistory History { get; }
}
