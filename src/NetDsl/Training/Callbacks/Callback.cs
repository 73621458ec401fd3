namespace NetDsl.Training;

/// <summary>
/// Keras's <c>keras.callbacks.Callback</c>: hooks <see cref="NetworkTraining.Fit(INetwork, Data.Dataset, FitOptions?, System.Threading.CancellationToken)"/> calls at the start and end of
/// the training, of every epoch and of every training batch (give callbacks in <see cref="FitOptions.Callbacks"/>).
/// Override the hooks you need; the others do nothing. A hook can stop the training by setting
/// <see cref="TrainingContext.StopTraining"/> on <see cref="Context"/> (Keras's <c>model.stop_training</c>): Fit
/// checks it after every batch and every epoch, and an epoch stopped after a batch still validates and ends.
/// </summary>
/// <remarks>
/// <para>As in Keras, <c>epoch</c> and <c>batch</c> are 0-based indices (the first epoch is 0; <see cref="EpochResult.Epoch"/>
/// and <see cref="TrainingProgress.Epoch"/> count from 1).</para>
/// <para>Logs, as Keras's: at the end of a batch, the running <c>loss</c> and metric (<c>accuracy</c>, or the loss's
/// metric) over the epoch so far; at the end of an epoch, <c>loss</c>, the metric, <c>val_loss</c> and
/// <c>val_</c>+metric with validation data, and <c>learning_rate</c> (the optimizer's rate as the epoch ends); at the
/// end of the training, the last epoch's logs. The logs of the beginnings are empty. A hook may add entries for the
/// callbacks after it. Fit reuses the batch logs for every batch: copy what you keep.</para>
/// <para>Hooks run on the training thread, which holds the network exclusively: they may read and write
/// <see cref="TrainingContext.Network"/>'s parameters, <c>Evaluate</c> or <c>Save</c> it. If training is cancelled
/// or diverges, <see cref="OnTrainEnd"/> is not called (as in Keras).</para>
/// </remarks>
public abstract class Callback
{
    /// <summary>The training the callback is part of (Keras's <c>self.model</c> and <c>self.params</c>), set by
    /// <see cref="SetContext"/> before <see cref="OnTrainBegin"/>; null before.</summary>
    public TrainingContext? Context { get; private set; }

    /// <summary>Gives the callback its training (Keras's <c>set_model</c>): Fit calls it before
    /// <see cref="OnTrainBegin"/>; call it yourself to drive a callback by hand.</summary>
    public virtual void SetContext(TrainingContext context)
    {
        System.ArgumentNullException.ThrowIfNull(context);
        Context = context;
    }

    /// <summary>Called once before the first epoch (Keras <c>on_train_begin</c>).</summary>
    public virtual void OnTrainBegin(TrainingLogs logs)
    {
    }

    /// <summary>Called once after the last epoch, or after the epoch that stopped the training (Keras <c>on_train_end</c>).</summary>
    public virtual void OnTrainEnd(TrainingLogs logs)
    {
    }

    /// <summary>Called before the 0-based <paramref name="epoch"/> (Keras <c>on_epoch_begin</c>).</summary>
    public virtual void OnEpochBegin(int epoch, TrainingLogs logs)
    {
    }

    /// <summary>Called after the 0-based <paramref name="epoch"/> and its validation (Keras <c>on_epoch_end</c>).</summary>
    public virtual void OnEpochEnd(int epoch, TrainingLogs logs)
    {
    }

    /// <summary>Called before the 0-based training <paramref name="batch"/> of the epoch (Keras <c>on_train_batch_begin</c>).</summary>
    public virtual void OnTrainBatchBegin(int batch, TrainingLogs logs)
    {
    }

    /// <summary>Called after the optimizer step of the 0-based <paramref name="batch"/> (Keras <c>on_train_batch_end</c>).</summary>
    public virtual void OnTrainBatchEnd(int batch, TrainingLogs logs)
    {
    }

    /// <summary>The context, or an error saying the callback was not given one.</summary>
    private protected TrainingContext RequireContext() =>
        Context ?? throw new System.InvalidOperationException($"{GetType().Name} has no training context: Fit gives it one; to drive it by hand, call SetContext first.");
}
