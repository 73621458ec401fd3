using System;
using NetDsl.Training;

namespace NetDsl.Samples.Detection;

/// <summary>
/// The grid detector's loss, a <see cref="Loss"/> of the sample's own (YOLO's, simplified). Each cell's output is
/// 15 logits: objectness, the box (centre x and y within the cell, width and height as fractions of the canvas,
/// each through a sigmoid) and the 10 classes (a softmax). Each cell's target is 6 values: 1 if a digit's centre
/// falls in it (else 0), the box's 4 values, the class. The loss is the mean over cells of the objectness's
/// binary cross-entropy, plus, in cells with a digit, <see cref="BoxWeight"/> times the box's squared error and
/// the class's cross-entropy.
/// </summary>
public sealed class DetectionLoss : Loss
{
    public const int Channels = 15;
    public const int TargetsPerCell = 6;

    /// <summary>The weight of the box's squared error.</summary>
    public float BoxWeight { get; init; } = 5f;

    public override string Name => "detection";

    public override LossMetric Metric => LossMetric.None;

    public override int TargetLength(int outputLength, int channels) => outputLength / Channels * TargetsPerCell;

    public override float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> outputGradient, int channels)
    {
        Check(output, target, outputGradient, channels);
        int cells = output.Length / Channels;
        double loss = 0;
        float scale = 1f / cells;
        Span<float> probabilities = stackalloc float[10];
        for (int c = 0; c < cells; c++)
        {
            ReadOnlySpan<float> y = output.Slice(c * Channels, Channels);
            ReadOnlySpan<float> t = target.Slice(c * TargetsPerCell, TargetsPerCell);
            Span<float> g = outputGradient.Slice(c * Channels, Channels);
            g.Clear();

            // Objectness: binary cross-entropy from the logit.
            double z = y[0], objective = t[0];
            loss += Math.Max(z, 0) - (z * objective) + Math.Log(1 + Math.Exp(-Math.Abs(z)));
            g[0] = scale * (float)(Sigmoid(z) - objective);
            if (objective < 0.5)
            {
                continue;
            }

            // The box: squared error of the four sigmoids.
            for (int k = 1; k <= 4; k++)
            {
                double s = Sigmoid(y[k]), e = s - t[k];
                loss += BoxWeight * e * e;
                g[k] = scale * (float)(BoxWeight * 2 * e * s * (1 - s));
            }

            // The class: cross-entropy from the logits.
            int label = (int)t[5];
            float max = float.NegativeInfinity;
            for (int k = 0; k < 10; k++)
            {
                max = MathF.Max(max, y[5 + k]);
            }

            double sum = 0;
            for (int k = 0; k < 10; k++)
            {
                probabilities[k] = MathF.Exp(y[5 + k] - max);
                sum += probabilities[k];
            }

            loss += Math.Log(sum) + max - y[5 + label];
            for (int k = 0; k < 10; k++)
            {
                g[5 + k] = scale * (float)((probabilities[k] / sum) - (k == label ? 1 : 0));
            }
        }

        return (float)(loss / cells);
    }

    public static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}
