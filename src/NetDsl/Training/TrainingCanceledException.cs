using System;
using System.Threading;

namespace NetDsl.Training;

/// <summary>
/// Thrown by <see cref="NetworkTraining.Fit(INetwork, Data.Dataset, FitOptions?, System.Threading.CancellationToken)"/> when its cancellation token is cancelled: an
/// <see cref="OperationCanceledException"/> that keeps what was learned so far. Fit stops before the next batch;
/// the parameters are those after the last completed step, and the completed epochs are in <see cref="History"/>.
/// Callbacks' <c>OnTrainEnd</c> is not called (as in Keras), so <see cref="EarlyStopping.RestoreBestWeights"/> does
/// not restore.
/// </summary>
public sealed class TrainingCanceledException : OperationCanceledException
{
    /// <summary>Describes a training cancelled before the 1-based <paramref name="batch"/> of <paramref name="epoch"/>.</summary>
    public TrainingCanceledException(int epoch, int batch, TrainingHistory history, CancellationToken cancellationToken)
        : base($"Training was canceled before batch {batch} of epoch {epoch}; {history?.Epochs.Count ?? 0} completed epoch(s) are in History, and the parameters are those after the last completed step.", cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(history);
        Epoch = epoch;
        Batch = batch;
        History = history;
    }

    /// <summary>1-based epoch that was under way.</summary>
    public int Epoch { get; }

    /// <summary>1-based batch that was about to run.</summary>
    public int Batch { get; }

    /// <summary>The epochs completed before the cancellation.</summary>
    public TrainingHistory History { get; }
}
