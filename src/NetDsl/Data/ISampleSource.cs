using System;

namespace NetDsl.Data;

/// <summary>
/// Training samples that <see cref="Training.NetworkTraining.Fit(INetwork, ISampleSource, Training.FitOptions?, System.Threading.CancellationToken)"/>
/// draws. <see cref="Dataset"/> is one (in memory); a streaming source (for example NetDsl.Images's
/// <c>StreamingImageSource</c>) loads samples on background threads instead. Before every epoch, Fit announces the
/// order in which it will read the samples (<see cref="BeginEpoch"/>), so a source can prefetch them; then it
/// reads each sample's input and label or target once, in that order.
/// </summary>
public interface ISampleSource
{
    /// <summary>The shape of one sample, channels-last.</summary>
    TensorShape SampleShape { get; }

    /// <summary>Number of floats per sample.</summary>
    int SampleLength { get; }

    /// <summary>Number of samples.</summary>
    int Count { get; }

    /// <summary>Every label is below this (0 for a source of targets).</summary>
    int ClassCount { get; }

    /// <summary>Whether the samples have float targets rather than labels.</summary>
    bool HasTargets { get; }

    /// <summary>Floats of target per sample (0 for labels).</summary>
    int TargetLength { get; }

    /// <summary>Called before every epoch with the sample indices in the order <see cref="GetInput"/> will be
    /// called for them (the source may not keep the span).</summary>
    void BeginEpoch(ReadOnlySpan<int> order);

    /// <summary>The input of sample <paramref name="index"/>; valid until the next call.</summary>
    ReadOnlySpan<float> GetInput(int index);

    /// <summary>The label of sample <paramref name="index"/>.</summary>
    int GetLabel(int index);

    /// <summary>The targets of sample <paramref name="index"/>.</summary>
    ReadOnlySpan<float> GetTarget(int index);
}
