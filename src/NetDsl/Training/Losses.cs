using System;
using System.Collections.Generic;
using NetDsl.Kernels;

namespace NetDsl.Training;

/// <summary>
/// Keras's <c>SparseCategoricalCrossentropy</c>: targets are class indices (as floats), one per position, the
/// classes along the last axis, so a segmentation network's output of H x W x C takes H x W targets (one class per
/// pixel). The loss of a sample is the mean over its positions. Taken from the logits of a final softmax over the
/// whole output, from probabilities (clipped to [1e-7, 1 - 1e-7]) otherwise, or from logits with
/// <see cref="FromLogits"/>. Metric: accuracy.
/// </summary>
public sealed class SparseCategoricalCrossentropy : Loss
{
    /// <summary>Whether the outputs are logits (Keras <c>from_logits=True</c>): a softmax over the last axis is
    /// applied by the loss.</summary>
    public bool FromLogits { get; init; }

    /// <inheritdoc/>
    public override string Name => "sparse_categorical_crossentropy";

    /// <inheritdoc/>
    public override LossMetric Metric => LossMetric.Accuracy;

    /// <inheritdoc/>
    public override int TargetLength(int outputLength, int channels) => outputLength / Math.Max(channels, 1);

    /// <inheritdoc/>
    public override float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> outputGradient, int channels)
    {
        Check(output, target, outputGradient, channels);
        int positions = target.Length;
        double loss = 0;
        for (int p = 0; p < positions; p++)
        {
            int label = Label(target[p], channels);
            Span<float> gradient = outputGradient.Slice(p * channels, channels);
            loss += FromLogits
                ? LossKernels.SoftmaxCrossEntropy(output.Slice(p * channels, channels), label, gradient)
                : Categorical.FromProbabilities(output.Slice(p * channels, channels), label, gradient);
        }

        VectorOps.Scale(outputGradient, 1f / positions);
        return (float)(loss / positions);
    }

    /// <inheritdoc/>
    protected internal override bool TakesSoftmaxLogits => true;

    /// <inheritdoc/>
    protected internal override float ComputeFromSoftmaxLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> target, Span<float> logitGradient, int channels)
    {
        int positions = logits.Length / channels;
        double loss = 0;
        for (int p = 0; p < positions; p++)
        {
            loss += LossKernels.SoftmaxCrossEntropy(logits.Slice(p * channels, channels), Label(target[p], channels), logitGradient.Slice(p * channels, channels));
        }

        if (positions > 1)
        {
            VectorOps.Scale(logitGradient, 1f / positions);
        }

        return (float)(loss / positions);
    }

    private static int Label(float value, int classes)
    {
        int label = (int)value;
        if (label != value || (uint)label >= (uint)classes)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"A sparse target is a class index in 0..{classes - 1}.");
        }

        return label;
    }
}

/// <summary>
/// Keras's <c>CategoricalCrossentropy</c>: targets are a distribution over the last axis per position (one-hot,
/// or soft), optionally smoothed: <c>t * (1 - s) + s / classes</c>. Metric: accuracy.
/// </summary>
public sealed class CategoricalCrossentropy : Loss
{
    /// <summary>Keras's <c>label_smoothing</c> in [0, 1] (default 0).</summary>
    public float LabelSmoothing { get; init; }

    /// <summary>Whether the outputs are logits (Keras <c>from_logits=True</c>).</summary>
    public bool FromLogits { get; init; }

    /// <inheritdoc/>
    public override string Name => "categorical_crossentropy";

    /// <inheritdoc/>
    public override LossMetric Metric => LossMetric.Accuracy;

    /// <inheritdoc/>
    public override float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> outputGradient, int channels)
    {
        Check(output, target, outputGradient, channels);
        CheckSmoothing();
        int positions = output.Length / channels;
        double loss = 0;
        for (int p = 0; p < positions; p++)
        {
            ReadOnlySpan<float> y = output.Slice(p * channels, channels), t = target.Slice(p * channels, channels);
            Span<float> g = outputGradient.Slice(p * channels, channels);
            loss += FromLogits ? Categorical.FromLogits(y, t, LabelSmoothing, g) : Categorical.FromProbabilities(y, t, LabelSmoothing, g);
        }

        VectorOps.Scale(outputGradient, 1f / positions);
        return (float)(loss / positions);
    }

    /// <inheritdoc/>
    protected internal override bool TakesSoftmaxLogits => true;

    /// <inheritdoc/>
    protected internal override float ComputeFromSoftmaxLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> target, Span<float> logitGradient, int channels)
    {
        CheckSmoothing();
        int positions = logits.Length / channels;
        double loss = 0;
        for (int p = 0; p < positions; p++)
        {
            loss += Categorical.FromLogits(logits.Slice(p * channels, channels), target.Slice(p * channels, channels), LabelSmoothing, logitGradient.Slice(p * channels, channels));
        }

        if (positions > 1)
        {
            VectorOps.Scale(logitGradient, 1f / positions);
        }

        return (float)(loss / positions);
    }

    private void CheckSmoothing()
    {
        if (!(LabelSmoothing >= 0f && LabelSmoothing <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(LabelSmoothing), LabelSmoothing, "Label smoothing must be in [0, 1].");
        }
    }
}

/// <summary>
/// Keras's <c>BinaryCrossentropy</c>: each output is a probability (after a sigmoid; clipped to [1e-7, 1 - 1e-7]),
/// or a logit with <see cref="FromLogits"/> (stable: <c>max(z, 0) - z t + log(1 + e^-|z|)</c>); targets in [0, 1]
/// one per output, smoothed towards 0.5 with <see cref="LabelSmoothing"/>. The loss is the mean over the outputs.
/// Metric: binary accuracy. For multi-label classification and objectness.
/// </summary>
public sealed class BinaryCrossentropy : Loss
{
    /// <summary>Whether the outputs are logits (Keras <c>from_logits=True</c>).</summary>
    public bool FromLogits { get; init; }

    /// <summary>Keras's <c>label_smoothing</c>: targets become <c>t * (1 - s) + s / 2</c>.</summary>
    public float LabelSmoothing { get; init; }

    /// <inheritdoc/>
    public override string Name => "binary_crossentropy";

    /// <inheritdoc/>
    public override LossMetric Metric => LossMetric.BinaryAccuracy;

    /// <inheritdoc/>
    protected override float BinaryThreshold => FromLogits ? 0f : 0.5f;

    /// <inheritdoc/>
    public override float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> outputGradient, int channels)
    {
        Check(output, target, outputGradient, channels);
        int n = output.Length;
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            double t = (target[i] * (1 - LabelSmoothing)) + (0.5 * LabelSmoothing);
            if (FromLogits)
            {
                double z = output[i];
                loss += Math.Max(z, 0) - (z * t) + Math.Log(1 + Math.Exp(-Math.Abs(z)));
                outputGradient[i] = (float)((1 / (1 + Math.Exp(-z))) - t) / n;
            }
            else
            {
                float y = output[i];
                double c = Math.Clamp(y, LossKernels.Epsilon, 1 - LossKernels.Epsilon);
                loss -= (t * Math.Log(c)) + ((1 - t) * Math.Log(1 - c));
                bool inside = y >= LossKernels.Epsilon && y <= 1 - LossKernels.Epsilon;
                outputGradient[i] = inside ? (float)(((c - t) / (c * (1 - c))) / n) : 0f;
            }
        }

        return (float)(loss / n);
    }
}

/// <summary>Keras's <c>MeanSquaredError</c>: the mean of <c>(y - t)^2</c> over the outputs. Metric: mean absolute
/// error. For regression and boxes.</summary>
public sealed class MeanSquaredError : Loss
{
    /// <inheritdoc/>
    public override string Name => "mean_squared_error";

    /// <inheritdoc/>
    public override LossMetric Metric => LossMetric.MeanAbsoluteError;

    /// <inheritdoc/>
    public override float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> outputGradient, int channels)
    {
        Check(output, target, outputGradient, channels);
        double loss = 0;
        float scale = 2f / output.Length;
        for (int i = 0; i < output.Length; i++)
        {
            float e = output[i] - target[i];
            loss += (double)e * e;
            outputGradient[i] = scale * e;
        }

        return (float)(loss / output.Length);
    }
}

/// <summary>Keras's <c>MeanAbsoluteError</c>: the mean of <c>|y - t|</c> (gradient <c>sign(y - t)</c>, 0 at 0).
/// Metric: mean absolute error.</summary>
public sealed class MeanAbsoluteError : Loss
{
    /// <inheritdoc/>
    public override string Name => "mean_absolute_error";

    /// <inheritdoc/>
    public override LossMetric Metric => LossMetric.MeanAbsoluteError;

    /// <inheritdoc/>
    public override float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> outputGradient, int channels)
    {
        Check(output, target, outputGradient, channels);
        double loss = 0;
        float scale = 1f / output.Length;
        for (int i = 0; i < output.Length; i++)
        {
            float e = output[i] - target[i];
            loss += Math.Abs(e);
            outputGradient[i] = scale * MathF.Sign(e);
        }

        return (float)(loss / output.Length);
    }
}

/// <summary>Keras's <c>Huber</c>: quadratic (<c>e^2 / 2</c>) within <see cref="Delta"/> of the target, linear
/// (<c>delta * (|e| - delta / 2)</c>) beyond; the mean over the outputs. Metric: mean absolute error. Robust box
/// regression.</summary>
public sealed class Huber : Loss
{
    /// <summary>Where the loss turns linear (Keras's default 1).</summary>
    public float Delta { get; init; } = 1f;

    /// <inheritdoc/>
    public override string Name => "huber_loss";

    /// <inheritdoc/>
    public override LossMetric Metric => LossMetric.MeanAbsoluteError;

    /// <inheritdoc/>
    public override float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> outputGradient, int channels)
    {
        Check(output, target, outputGradient, channels);
        if (!(Delta > 0f) || float.IsInfinity(Delta))
        {
            throw new ArgumentOutOfRangeException(nameof(Delta), Delta, "Huber's delta must be a finite number greater than 0.");
        }

        double loss = 0;
        float scale = 1f / output.Length;
        for (int i = 0; i < output.Length; i++)
        {
            float e = output[i] - target[i];
            float a = MathF.Abs(e);
            loss += a <= Delta ? 0.5 * e * e : Delta * (a - (0.5 * Delta));
            outputGradient[i] = scale * (a <= Delta ? e : Delta * MathF.Sign(e));
        }

        return (float)(loss / output.Length);
    }
}

/// <summary>
/// A weighted sum of losses over slices of the output, so one network predicts several things: a class and a box
/// (<c>new WeightedLoss().Add(new SparseCategoricalCrossentropy(), 0, 10).Add(new MeanSquaredError(), 10, 4, 5f)</c>).
/// Each part reads its slice of the output and its own targets, in order, one after another in the sample's
/// targets. Metric: the first part's.
/// </summary>
public sealed class WeightedLoss : Loss
{
    private readonly List<Part> _parts = new();

    /// <inheritdoc/>
    public override string Name => "weighted_sum";

    /// <inheritdoc/>
    public override LossMetric Metric => _parts.Count == 0 ? LossMetric.None : _parts[0].Loss.Metric;

    /// <summary>The parts, in order.</summary>
    public IReadOnlyList<Part> Parts => _parts;

    /// <summary>Adds <paramref name="loss"/> over outputs <paramref name="offset"/> to
    /// <paramref name="offset"/> + <paramref name="length"/>, times <paramref name="weight"/>; the slice's last axis
    /// is <paramref name="channels"/> long (default: the whole slice, one position).</summary>
    public WeightedLoss Add(Loss loss, int offset, int length, float weight = 1f, int channels = 0)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        if (!float.IsFinite(weight))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "A weight is a finite number.");
        }

        int c = channels == 0 ? length : channels;
        if (c <= 0 || length % c != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, $"A slice of {length} values does not split into positions of {c}.");
        }

        _parts.Add(new Part(loss, offset, length, weight, c));
        return this;
    }

    /// <inheritdoc/>
    public override int TargetLength(int outputLength, int channels)
    {
        int total = 0;
        foreach (Part part in _parts)
        {
            total += part.Loss.TargetLength(part.Length, part.Channels);
        }

        return total;
    }

    /// <inheritdoc/>
    public override float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> outputGradient, int channels)
    {
        if (_parts.Count == 0)
        {
            throw new InvalidOperationException("A WeightedLoss needs at least one part: call Add.");
        }

        Check(output, target, outputGradient, channels);
        outputGradient.Clear();
        double loss = 0;
        int targetOffset = 0;
        foreach (Part part in _parts)
        {
            if (part.Offset + part.Length > output.Length)
            {
                throw new ArgumentException($"{part.Loss.Name} reads outputs {part.Offset}..{part.Offset + part.Length - 1}, but the output has {output.Length}.");
            }

            int targetLength = part.Loss.TargetLength(part.Length, part.Channels);
            Span<float> gradient = outputGradient.Slice(part.Offset, part.Length);
            loss += part.Weight * part.Loss.Compute(output.Slice(part.Offset, part.Length), target.Slice(targetOffset, targetLength), gradient, part.Channels);
            VectorOps.Scale(gradient, part.Weight);
            targetOffset += targetLength;
        }

        return (float)loss;
    }

    /// <inheritdoc/>
    public override void Measure(ReadOnlySpan<float> output, ReadOnlySpan<float> target, int channels, ref double sum, ref long count)
    {
        if (_parts.Count > 0)
        {
            Part first = _parts[0];
            first.Loss.Measure(output.Slice(first.Offset, first.Length), target.Slice(0, first.Loss.TargetLength(first.Length, first.Channels)), first.Channels, ref sum, ref count);
        }
    }

    /// <summary>One part: a loss over a slice of the output.</summary>
    /// <param name="Loss">The loss.</param>
    /// <param name="Offset">The slice's first output.</param>
    /// <param name="Length">The slice's length.</param>
    /// <param name="Weight">Its weight in the sum.</param>
    /// <param name="Channels">The slice's last axis.</param>
    public sealed record Part(Loss Loss, int Offset, int Length, float Weight, int Channels);
}

/// <summary>Cross-entropy over one position's classes.</summary>
internal static class Categorical
{
    /// <summary>From probabilities, as Keras: clipped to [eps, 1 - eps] and normalised; a sparse label.</summary>
    public static float FromProbabilities(ReadOnlySpan<float> y, int label, Span<float> gradient) =>
        LossKernels.CrossEntropyFromProbabilities(y, label, gradient);

    /// <summary>From probabilities with a target distribution (smoothed).</summary>
    public static double FromProbabilities(ReadOnlySpan<float> y, ReadOnlySpan<float> t, float smoothing, Span<float> gradient)
    {
        int n = y.Length;
        double sum = 0, targetSum = 0, loss = 0;
        foreach (float v in y)
        {
            sum += Math.Clamp(v, LossKernels.Epsilon, 1 - LossKernels.Epsilon);
        }

        for (int i = 0; i < n; i++)
        {
            double ti = (t[i] * (1 - smoothing)) + (smoothing / n);
            double c = Math.Clamp(y[i], LossKernels.Epsilon, 1 - LossKernels.Epsilon);
            loss -= ti * Math.Log(c / sum);
            targetSum += ti;
        }

        for (int i = 0; i < n; i++)
        {
            double ti = (t[i] * (1 - smoothing)) + (smoothing / n);
            double c = Math.Clamp(y[i], LossKernels.Epsilon, 1 - LossKernels.Epsilon);
            bool inside = y[i] >= LossKernels.Epsilon && y[i] <= 1 - LossKernels.Epsilon;
            gradient[i] = inside ? (float)((targetSum / sum) - (ti / c)) : 0f;
        }

        return loss;
    }

    /// <summary>From logits with a target distribution (smoothed): <c>sum t * (logsumexp(z) - z)</c>, gradient
    /// <c>softmax(z) * sum(t) - t</c>.</summary>
    public static float FromLogits(ReadOnlySpan<float> z, ReadOnlySpan<float> t, float smoothing, Span<float> gradient)
    {
        int n = z.Length;
        float max = float.NegativeInfinity;
        foreach (float v in z)
        {
            max = MathF.Max(max, v);
        }

        double sum = 0;
        foreach (float v in z)
        {
            sum += Math.Exp(v - max);
        }

        double logSum = Math.Log(sum) + max, loss = 0, targetSum = 0;
        for (int i = 0; i < n; i++)
        {
            double ti = (t[i] * (1 - smoothing)) + (smoothing / n);
            loss += ti * (logSum - z[i]);
            targetSum += ti;
        }

        for (int i = 0; i < n; i++)
        {
            double ti = (t[i] * (1 - smoothing)) + (smoothing / n);
            gradient[i] = (float)((Math.Exp(z[i] - max) / sum * targetSum) - ti);
        }

        return (float)loss;
    }
}
