using System;

namespace NetDsl.Training;

/// <summary>The metric that follows a loss (Keras's <c>metrics=[...]</c> default for it).</summary>
public enum LossMetric
{
    /// <summary>None.</summary>
    None,

    /// <summary>The fraction of positions (samples, or pixels) whose largest output is the target class.</summary>
    Accuracy,

    /// <summary>The fraction of outputs on the target's side of 0.5 (of 0 for outputs taken as logits).</summary>
    BinaryAccuracy,

    /// <summary>The mean absolute difference between outputs and targets.</summary>
    MeanAbsoluteError,
}

/// <summary>
/// A loss for <see cref="NetworkTraining.Fit(INetwork, Data.Dataset, FitOptions?, System.Threading.CancellationToken)"/>
/// (<see cref="FitOptions.Loss"/>), <see cref="INetwork.ComputeGradients(ReadOnlySpan{float}, ReadOnlySpan{float}, Loss, Span{float}, Span{float})"/>
/// and <see cref="INetwork.Evaluate(ReadOnlySpan{float}, ReadOnlySpan{float}, Loss)"/>. Subclass it for a loss of
/// your own: <see cref="Compute"/> gives one sample's loss and the gradient of that loss with respect to the
/// network's output. Targets are floats, <see cref="TargetLength"/> per sample. Batch losses are the mean of the
/// samples' (Keras's <c>sum_over_batch_size</c>). Instances are used from several threads at once: keep them
/// free of mutable state.
/// </summary>
public abstract class Loss
{
    /// <summary>Keras's name for it: <c>categorical_crossentropy</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The metric reported with it.</summary>
    public virtual LossMetric Metric => LossMetric.None;

    /// <summary>Keras's name of <see cref="Metric"/>: <c>accuracy</c>, <c>binary_accuracy</c>,
    /// <c>mean_absolute_error</c> (<c>none</c>).</summary>
    public string MetricName => Metric switch
    {
        LossMetric.Accuracy => "accuracy",
        LossMetric.BinaryAccuracy => "binary_accuracy",
        LossMetric.MeanAbsoluteError => "mean_absolute_error",
        _ => "none",
    };

    /// <summary>Floats of target per sample for an output of <paramref name="outputLength"/> values, the last axis
    /// (channels) being <paramref name="channels"/> long. Default: one per output.</summary>
    public virtual int TargetLength(int outputLength, int channels) => outputLength;

    /// <summary>One sample's loss; writes its gradient with respect to each output to
    /// <paramref name="outputGradient"/> (as long as <paramref name="output"/>).</summary>
    /// <param name="output">The network's output for the sample (after its final activation).</param>
    /// <param name="target">The sample's <see cref="TargetLength"/> target values.</param>
    /// <param name="outputGradient">Receives d loss / d output.</param>
    /// <param name="channels">The length of the output's last axis (per-pixel losses work over it).</param>
    public abstract float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> outputGradient, int channels);

    /// <summary>Whether it can take the logits of a final softmax (over the whole output, or over the last axis of
    /// each position) instead: the network then leaves the softmax out in training, as TensorFlow does for a
    /// cross-entropy after a softmax, which stays exact where probabilities underflow.</summary>
    protected internal virtual bool TakesSoftmaxLogits => false;

    /// <summary>The loss and gradient from the logits of a final softmax over each position's
    /// <paramref name="channels"/> (only when <see cref="TakesSoftmaxLogits"/>).</summary>
    protected internal virtual float ComputeFromSoftmaxLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> target, Span<float> logitGradient, int channels) =>
        throw new NotSupportedException($"{Name} does not take logits.");

    /// <summary>Adds one sample's <see cref="Metric"/> to a running sum: <paramref name="sum"/> over
    /// <paramref name="count"/> positions or values.</summary>
    public virtual void Measure(ReadOnlySpan<float> output, ReadOnlySpan<float> target, int channels, ref double sum, ref long count)
    {
        switch (Metric)
        {
            case LossMetric.Accuracy:
                for (int p = 0; p < output.Length / channels; p++)
                {
                    int expected = target.Length == output.Length ? ArgMax(target.Slice(p * channels, channels)) : (int)target[p];
                    sum += ArgMax(output.Slice(p * channels, channels)) == expected ? 1 : 0;
                    count++;
                }

                break;
            case LossMetric.BinaryAccuracy:
                float threshold = BinaryThreshold;
                for (int i = 0; i < output.Length; i++)
                {
                    sum += (output[i] > threshold) == (target[i] > 0.5f) ? 1 : 0;
                }

                count += output.Length;
                break;
            case LossMetric.MeanAbsoluteError:
                for (int i = 0; i < output.Length; i++)
                {
                    sum += Math.Abs(output[i] - target[i]);
                }

                count += output.Length;
                break;
        }
    }

    /// <summary>Where <see cref="LossMetric.BinaryAccuracy"/> splits outputs: 0.5, or 0 for logits.</summary>
    protected virtual float BinaryThreshold => 0.5f;

    internal static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>Checks a sample's spans (a clear message beats an index out of range deep in a loss).</summary>
    protected void Check(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> outputGradient, int channels)
    {
        if (channels <= 0 || output.Length % channels != 0 || target.Length != TargetLength(output.Length, channels) || outputGradient.Length != output.Length)
        {
            throw new ArgumentException($"{Name}: an output of {output.Length} values ({channels} per position) needs {TargetLength(output.Length, Math.Max(channels, 1))} target values "
                + $"and a gradient of {output.Length}; got {target.Length} and {outputGradient.Length}.");
        }
    }
}
