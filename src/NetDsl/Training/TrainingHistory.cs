using System.Collections.Generic;
using System.Linq;

namespace NetDsl.Training;

/// <summary>What <see cref="NetworkTraining.Fit(INetwork, Data.Dataset, FitOptions?, System.Threading.CancellationToken)"/> returns: one <see cref="EpochResult"/> per epoch.</summary>
public sealed class TrainingHistory
{
    private readonly List<EpochResult> _epochs = new();

    /// <summary>Every completed epoch, in order.</summary>
    public IReadOnlyList<EpochResult> Epochs => _epochs;

    /// <summary>Training loss per epoch.</summary>
    public IReadOnlyList<float> Loss => _epochs.Select(e => e.Loss).ToList();

    /// <summary>Training accuracy per epoch.</summary>
    public IReadOnlyList<double> Accuracy => _epochs.Select(e => e.Accuracy).ToList();

    /// <summary>Validation loss per epoch (empty without validation data).</summary>
    public IReadOnlyList<float> ValidationLoss => _epochs.Where(e => e.ValidationLoss.HasValue).Select(e => e.ValidationLoss!.Value).ToList();

    /// <summary>Validation accuracy per epoch (empty without validation data).</summary>
    public IReadOnlyList<double> ValidationAccuracy => _epochs.Where(e => e.ValidationAccuracy.HasValue).Select(e => e.ValidationAccuracy!.Value).ToList();

    /// <summary>The loss's metric per epoch (empty with the default loss).</summary>
    public IReadOnlyList<double> Metric => _epochs.Where(e => e.Metric.HasValue).Select(e => e.Metric!.Value).ToList();

    /// <summary>The loss's metric on the validation data per epoch.</summary>
    public IReadOnlyList<double> ValidationMetric => _epochs.Where(e => e.ValidationMetric.HasValue).Select(e => e.ValidationMetric!.Value).ToList();

    /// <summary>The learning rate as each epoch ended (Keras's <c>learning_rate</c>).</summary>
    public IReadOnlyList<float> LearningRate => _epochs.Select(e => e.LearningRate).ToList();

    internal void Add(EpochResult epoch) => _epochs.Add(epoch);
}
