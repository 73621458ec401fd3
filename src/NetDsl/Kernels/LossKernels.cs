using System;
using System.ComponentModel;

namespace NetDsl.Kernels;

/// <summary>
/// Sparse categorical cross-entropy for one sample, with its gradient, computed the way Keras computes it:
/// from logits when the output is linear or ends in a softmax that is fused with the loss
/// (<c>from_logits=True</c>, numerically stable), from probabilities otherwise (clipped to
/// [1e-7, 1 - 1e-7] and normalised, as Keras's <c>from_logits=False</c>).
/// </summary>
/// <remarks>For generated code; the signatures may change between versions.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class LossKernels
{
    /// <summary>Keras's fuzz factor, <c>keras.backend.epsilon()</c>.</summary>
    public const float Epsilon = 1e-7f;

    /// <summary>
    /// <c>loss = logsumexp(z) - z[label]</c>; when <paramref name="gradient"/> is not empty it receives
    /// <c>softmax(z) - onehot(label)</c>, the gradient with respect to the logits.
    /// </summary>
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, int label, Span<float> gradient)
    {
        CheckLabel(label, logits.Length);
        float max = float.NegativeInfinity;
        foreach (float z in logits)
        {
            max = MathF.Max(max, z);
        }

        double sum = 0;
        foreach (float z in logits)
        {
            sum += MathF.Exp(z - max);
        }

        float logSum = (float)Math.Log(sum);
        if (!gradient.IsEmpty)
        {
            float scale = (float)(1 / sum);
            for (int i = 0; i < logits.Length; i++)
            {
                gradient[i] = MathF.Exp(logits[i] - max) * scale;
            }

            gradient[label] -= 1f;
        }

        return logSum + max - logits[label];
    }

    /// <summary>
    /// Cross-entropy of outputs taken as probabilities: <c>c = clip(y, eps, 1 - eps)</c>,
    /// <c>loss = -log(c[label] / sum(c))</c>. The gradient with respect to <c>y</c> is
    /// <c>1 / sum(c) - [i == label] / c[label]</c> where <c>y</c> is inside the clip range, 0 outside.
    /// </summary>
    public static float CrossEntropyFromProbabilities(ReadOnlySpan<float> outputs, int label, Span<float> gradient)
    {
        CheckLabel(label, outputs.Length);
        double sum = 0;
        foreach (float y in outputs)
        {
            sum += Math.Clamp(y, Epsilon, 1f - Epsilon);
        }

        float target = Math.Clamp(outputs[label], Epsilon, 1f - Epsilon);
        if (!gradient.IsEmpty)
        {
            float inverseSum = (float)(1 / sum);
            for (int i = 0; i < outputs.Length; i++)
            {
                float y = outputs[i];
                bool inside = y >= Epsilon && y <= 1f - Epsilon;
                gradient[i] = inside ? inverseSum - (i == label ? 1f / target : 0f) : 0f;
            }
        }

        return (float)(Math.Log(sum) - Math.Log(target));
    }

    /// <summary>
    /// The loss of a training step's own (<see cref="Engine.TrainingStep.Loss"/>) for one sample: from the logits of
    /// a final softmax that was left out (<paramref name="softmaxLogits"/>), else from the output; writes the
    /// output gradient and adds the sample's metric.
    /// </summary>
    public static float Custom(in Engine.TrainingStep step, ReadOnlySpan<float> output, Span<float> gradient, int channels, bool softmaxLogits)
    {
        Training.Loss loss = step.Loss ?? throw new InvalidOperationException("The step has no loss of its own.");
        float value;
        if (softmaxLogits)
        {
            if (step.Target.Length != loss.TargetLength(output.Length, channels))
            {
                throw new ArgumentException($"{loss.Name} needs {loss.TargetLength(output.Length, channels)} target values per sample; got {step.Target.Length}.");
            }

            value = loss.ComputeFromSoftmaxLogits(output, step.Target, gradient, channels);
        }
        else
        {
            value = loss.Compute(output, step.Target, gradient, channels);
        }

        if (step.Metric is { } metric)
        {
            loss.Measure(output, step.Target, channels, ref metric.Sum, ref metric.Count);
        }

        return value;
    }

    private static void CheckLabel(int label, int classes)
    {
        if ((uint)label >= (uint)classes)
        {
            throw new ArgumentOutOfRangeException(nameof(label), label, $"A label must be in 0..{classes - 1}.");
        }
    }
}
