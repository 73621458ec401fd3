using System;

namespace NetDsl.Training;

/// <summary>
/// Thrown by <see cref="NetworkTraining.Fit(INetwork, Data.Dataset, FitOptions?, System.Threading.CancellationToken)"/> when a batch's loss is NaN or infinite, or when an optimizer step
/// leaves a parameter NaN or infinite. Either way the network keeps the parameters of the last good step (a bad
/// step is undone); the epochs completed so far are in <see cref="History"/>.
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

    /// <summary>Describes an optimizer step that left <paramref name="parameter"/> non-finite.</summary>
    public TrainingDivergedException(int epoch, int batch, float loss, TrainingHistory history, string parameter, float value)
        : base($"Training diverged: the optimizer step after batch {batch} in epoch {epoch} (loss {loss}) made {parameter} {value}. The step was undone; the parameters are those of the last good step. Try a lower learning rate, gradient clipping, or check the data for huge values.")
    {
        Epoch = epoch;
        Batch = batch;
        Loss = loss;
        History = history;
        Parameter = parameter;
    }

    /// <summary>The first parameter a bad optimizer step left non-finite (<c>dense/kernel[17]</c>), or null
    /// when the loss itself was not finite.</summary>
    public string? Parameter { get; }

    /// <summary>1-based epoch of the bad batch.</summary>
    public int Epoch { get; }

    /// <summary>1-based batch within the epoch.</summary>
    public int Batch { get; }

    /// <summary>The batch's loss: non-finite, unless <see cref="Parameter"/> names what the step broke.</summary>
    public float Loss { get; }

    /// <summary>The epochs completed before the failure.</summary>
    public TrainingHistory History { get; }
}
