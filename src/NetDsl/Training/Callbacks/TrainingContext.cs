using System;

namespace NetDsl.Training;

/// <summary>What callbacks see of a training (Keras's <c>model</c>, <c>model.optimizer</c>, <c>params</c> and
/// <c>model.stop_training</c>).</summary>
public sealed class TrainingContext
{
    /// <summary>A context for <paramref name="network"/> trained by <paramref name="optimizer"/> for
    /// <paramref name="epochs"/> epochs of <paramref name="steps"/> batches (Fit makes one; tests and custom loops
    /// can make their own).</summary>
    public TrainingContext(INetwork network, Optimizer optimizer, int epochs, int steps, TrainingHistory? history = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        Network = network;
        Optimizer = optimizer;
        Epochs = epochs;
        Steps = steps;
        History = history ?? new TrainingHistory();
    }

    /// <summary>The network being trained.</summary>
    public INetwork Network { get; }

    /// <summary>The optimizer: callbacks change the learning rate through it.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Epochs asked for (Keras <c>params["epochs"]</c>).</summary>
    public int Epochs { get; }

    /// <summary>Batches per epoch (Keras <c>params["steps"]</c>).</summary>
    public int Steps { get; }

    /// <summary>The epochs completed so far.</summary>
    public TrainingHistory History { get; }

    /// <summary>Set to stop the training (Keras's <c>model.stop_training</c>): Fit checks it after every batch
    /// (the epoch then validates and ends) and after every epoch.</summary>
    public bool StopTraining { get; set; }
}
