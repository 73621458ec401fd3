using System;
using System.Collections.Generic;
using NetDsl.Data;

namespace NetDsl.Training;

/// <summary>Settings of <see cref="NetworkTraining.Fit(INetwork, Data.Dataset, FitOptions?, System.Threading.CancellationToken)"/>, named after Keras's <c>model.fit</c> arguments.</summary>
public sealed record FitOptions
{
    /// <summary>Passes over the training data (default 1).</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Samples per gradient step (default 32, as in Keras). The last batch of an epoch may be smaller.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The loss (default null: sparse categorical cross-entropy of the dataset's labels, the fastest path).
    /// With a loss, the dataset gives float targets (<see cref="Dataset.HasTargets"/>), or labels when the loss
    /// takes one class index per sample; the metric follows the loss.</summary>
    public Loss? Loss { get; init; }

    /// <summary>The optimizer (default: <see cref="Adam"/> with Keras's defaults). It keeps its state across calls.</summary>
    public Optimizer? Optimizer { get; init; }

    /// <summary>Data evaluated (in inference mode) after every epoch, as Keras's <c>validation_data</c>.</summary>
    public Dataset? ValidationData { get; init; }

    /// <summary>Random changes applied, in order, to every training sample each time it is drawn (e.g.
    /// <see cref="RandomTranslation"/>). Validation data is never augmented.</summary>
    public IReadOnlyList<Augmentation>? Augmentations { get; init; }

    /// <summary>Multiplies the optimizer's learning rate after every epoch (default 1: constant); e.g. 0.9
    /// for an exponential decay. The same as giving the optimizer
    /// <c>new ExponentialDecay(rate, decaySteps: batches per epoch, decayRate: 0.9f, staircase: true)</c>; not
    /// allowed with an optimizer that has a <see cref="Optimizer.LearningRateSchedule"/>.</summary>
    public float LearningRateDecay { get; init; } = 1f;

    /// <summary>Called at the start and end of the training, of every epoch and of every batch, in order (Keras's
    /// <c>callbacks</c>): <see cref="EarlyStopping"/>, <see cref="ModelCheckpoint"/>, <see cref="ReduceLROnPlateau"/>,
    /// <see cref="CsvLogger"/>, <see cref="LearningRateScheduler"/>, or a <see cref="Callback"/> of your own.</summary>
    public IReadOnlyList<Callback>? Callbacks { get; init; }

    /// <summary>What Fit prints to the console (Keras's <c>verbose</c>): 0 nothing, 1 a live line per batch on an
    /// interactive console and a line per epoch, 2 a line per epoch. Default null ("auto"): 1 when no
    /// <see cref="Progress"/> is given, else 0 (whoever reports the progress shows it).</summary>
    public int? Verbose { get; init; }

    /// <summary>Whether to shuffle the training samples before every epoch (default true).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed of the shuffling: the same seed, network seed and thread count give the same training.</summary>
    public int Seed { get; init; }

    /// <summary>Receives a report after every batch and at the end of every epoch. Reports are made on the
    /// training thread; note that <see cref="Progress{T}"/> posts them to the thread pool.</summary>
    public IProgress<TrainingProgress>? Progress { get; init; }
}

/// <summary>Where training is: running means over the current epoch, like Keras's progress bar.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Epochs">Epochs in all.</param>
/// <param name="Batch">1-based batch within the epoch.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Loss">Mean training loss over the epoch so far.</param>
/// <param name="Accuracy">Training accuracy over the epoch so far (the loss's metric when it is an accuracy).</param>
/// <param name="CompletedEpoch">Set on the report that ends an epoch (after validation).</param>
public readonly record struct TrainingProgress(int Epoch, int Epochs, int Batch, int Batches, float Loss, double Accuracy, EpochResult? CompletedEpoch)
{
    /// <summary>The loss's metric over the epoch so far (null with the default loss).</summary>
    public double? Metric { get; init; }

    /// <summary>Keras's name of <see cref="Metric"/>.</summary>
    public string MetricName { get; init; } = "accuracy";

    /// <summary>Training speed over the epoch so far (batches of this epoch per second of its training, validation
    /// not included); 0 before the first batch ends.</summary>
    public double BatchesPerSecond { get; init; }

    /// <summary>Estimated time to the end of the epoch's batches at <see cref="BatchesPerSecond"/> (Keras's ETA);
    /// zero on the report that ends an epoch.</summary>
    public TimeSpan Eta { get; init; }

    /// <summary>Estimated time to the end of the training's batches (this epoch and those after it, at
    /// <see cref="BatchesPerSecond"/>; validation not included).</summary>
    public TimeSpan TrainingEta { get; init; }
}

/// <summary>The metrics of one epoch, as Keras's <c>History.history</c> records them.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Loss">Mean training loss (Keras <c>loss</c>).</param>
/// <param name="Accuracy">Training accuracy (Keras <c>accuracy</c>).</param>
/// <param name="ValidationLoss">Keras <c>val_loss</c>, when validation data was given.</param>
/// <param name="ValidationAccuracy">Keras <c>val_accuracy</c>, when validation data was given.</param>
/// <param name="Duration">Wall-clock time of the epoch, validation included.</param>
public sealed record EpochResult(int Epoch, float Loss, double Accuracy, float? ValidationLoss, double? ValidationAccuracy, TimeSpan Duration)
{
    /// <summary>The loss's metric (Keras's <c>history[metric]</c>), null with the default loss.</summary>
    public double? Metric { get; init; }

    /// <summary>The loss's metric on the validation data (Keras's <c>val_</c> + metric).</summary>
    public double? ValidationMetric { get; init; }

    /// <summary>Keras's name of <see cref="Metric"/>: <c>accuracy</c>, <c>binary_accuracy</c>, <c>mean_absolute_error</c>.</summary>
    public string MetricName { get; init; } = "accuracy";

    /// <summary>The optimizer's learning rate as the epoch ended (Keras's <c>learning_rate</c> log), before
    /// <see cref="FitOptions.LearningRateDecay"/> or a callback changes it.</summary>
    public float LearningRate { get; init; }
}
