using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NetDsl.Data;
using NetDsl.Tests.Networks;
using NetDsl.Tests.Reference;
using NetDsl.Training;

namespace NetDsl.Tests;

/// <summary>
/// Every loss on real networks: the batch loss and metric against Keras's formulas evaluated in double on the
/// reference's outputs, and every parameter and input gradient against finite differences of that loss; a fused
/// final softmax taking the logits; per-pixel losses on a segmentation output; a weighted sum over a class and a
/// box; a loss of the user's own; Fit learning real digits with float targets; and the errors.
/// </summary>
public sealed class LossTests
{
    public static IEnumerable<object[]> Cases() => new[]
    {
        // Network, loss, how targets are drawn.
        Case(typeof(DenseStack), "sparse"), // fused final softmax: logits
        Case(typeof(DenseStack), "categorical"),
        Case(typeof(DenseStack), "categorical-smoothed"),
        Case(typeof(Losses.Linear), "categorical-logits"),
        Case(typeof(Losses.Linear), "sparse-logits"),
        Case(typeof(Losses.Linear), "mse"),
        Case(typeof(Losses.Linear), "mae"),
        Case(typeof(Losses.Linear), "huber"),
        Case(typeof(Losses.Linear), "binary-logits"),
        Case(typeof(Losses.Sigmoid), "binary"),
        Case(typeof(Losses.Sigmoid), "binary-smoothed"),
        Case(typeof(Resampled.UNetLike), "sparse"), // per-pixel softmax over channels
        Case(typeof(Resampled.UNetLike), "categorical"),
        Case(typeof(Losses.ClassAndBox), "weighted"),
        Case(typeof(Losses.Linear), "custom"),
        Case(typeof(NormalizedGraphs.ResidualBlock), "categorical"), // BatchNormalization: batch statistics
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void LossMetricAndGradientsMatchKerasFormulasAndFiniteDifferences(Type networkType, string kind)
    {
        var reference = ReferenceNetwork.For(networkType);
        INetwork net = TestData.Create(networkType);
        int channels = net.OutputShape.Dimensions[^1];
        (Loss loss, Func<double[], double[], double> keras) = Make(kind, net.OutputLength, channels);
        bool normalized = networkType.DeclaringType == typeof(NormalizedGraphs);
        int batch = 3;
        float[] parameters = TestData.Uniform(net.ParameterCount, seed: 41, -0.5f, 0.5f);
        parameters.CopyTo(net.Parameters);
        float[] inputs = TestData.Uniform(batch * net.InputLength, seed: 42);
        int targetLength = loss.TargetLength(net.OutputLength, channels);
        float[] targets = Targets(kind, batch, targetLength, channels, seed: 43);
        var gradients = new float[net.ParameterCount];
        var inputGradients = new float[inputs.Length];

        BatchStatistics stats = net.ComputeGradients(inputs, targets, loss, gradients, inputGradients);

        double[] p = ReferenceNetwork.ToDouble(parameters);
        double[][] x = Enumerable.Range(0, batch).Select(n => ReferenceNetwork.ToDouble(inputs.AsSpan(n * net.InputLength, net.InputLength))).ToArray();
        double[] Target(int n) => ReferenceNetwork.ToDouble(targets.AsSpan(n * targetLength, targetLength));
        ReferenceMode mode = normalized ? ReferenceMode.TrainingStep(1, 1) : ReferenceMode.Inference;
        double MeanLoss()
        {
            double[][] y = reference.ForwardBatch(p, x, mode);
            return Enumerable.Range(0, batch).Average(n => keras(y[n], Target(n)));
        }

        double f0 = MeanLoss();
        Assert.True(Math.Abs(f0 - stats.Loss) <= Math.Max(1e-5, Math.Abs(f0) * 2e-4), $"{kind}: loss {stats.Loss}, Keras's formula {f0}");
        double[][] outputs = reference.ForwardBatch(p, x, mode);
        double expectedMetric = Metric(loss, outputs, Enumerable.Range(0, batch).Select(Target).ToArray(), channels);
        Assert.Equal(expectedMetric, stats.Metric!.Value, 6);

        var checker = new FiniteDifferences.Checker();
        foreach (int index in FiniteDifferences.SampleIndices(net.ParameterLayout, 12, seed: 44))
        {
            checker.Check($"{kind} {index}", gradients[index], FiniteDifferences.At(MeanLoss, p, index, f0));
        }

        for (int n = 0; n < batch && !normalized; n++)
        {
            int sample = n;
            foreach (int index in FiniteDifferences.SampleRange(net.InputLength, 12, seed: 45 + n))
            {
                checker.Check($"{kind} input {sample}[{index}]", inputGradients[sample * net.InputLength + index], FiniteDifferences.At(MeanLoss, x[sample], index, f0));
            }
        }

        checker.AssertAllMatch(networkType.Name + " " + kind);

        // Inference: Evaluate under the loss gives the loss of the inference outputs.
        if (!normalized)
        {
            BatchStatistics evaluated = net.Evaluate(inputs, targets, loss);
            Assert.True(Math.Abs(f0 - evaluated.Loss) <= Math.Max(1e-5, Math.Abs(f0) * 2e-4), $"{kind}: evaluated {evaluated.Loss}, expected {f0}");
            Assert.Equal(expectedMetric, evaluated.Metric!.Value, 6);
        }
    }

    [Fact]
    public void SparseCrossEntropyAsALossEqualsTheDefault()
    {
        var net = new DenseStack(3);
        float[] inputs = TestData.Uniform(4 * DenseStack.InputLength, 5);
        int[] labels = { 1, 0, 2, 1 };
        var a = new float[DenseStack.ParameterCount];
        var b = new float[DenseStack.ParameterCount];
        BatchStatistics byDefault = net.ComputeGradients(inputs, labels, a, default);
        BatchStatistics given = net.ComputeGradients(inputs, labels.Select(l => (float)l).ToArray(), new SparseCategoricalCrossentropy(), b, default);
        Assert.Equal(byDefault.Loss, given.Loss, 5);
        Assert.Equal(byDefault.Accuracy, given.Accuracy);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i], b[i], 5);
        }
    }

    [Fact]
    public void FitWithOneHotTargetsAndLabelSmoothingLearnsRealDigits()
    {
        (Dataset train, Dataset test) = Dataset.LoadMnist(Path.Combine(AppContext.BaseDirectory, "data", "mnist-digits"));
        Dataset OneHot(Dataset labels)
        {
            var targets = new float[labels.Count * 10];
            for (int i = 0; i < labels.Count; i++)
            {
                targets[i * 10 + labels.GetLabel(i)] = 1f;
            }

            return new Dataset(labels.Inputs.ToArray(), labels.SampleShape, targets, 10);
        }

        Dataset trainSet = OneHot(train.Slice(0, 3000)), testSet = OneHot(test.Slice(0, 1000));
        var net = new SmallDigitNet(seed: 4);
        var loss = new CategoricalCrossentropy { LabelSmoothing = 0.1f };
        var progress = new List<TrainingProgress>();
        TrainingHistory history = net.Fit(trainSet, new FitOptions
        {
            Epochs = 3, Loss = loss, Optimizer = new Adam(0.003f), Seed = 2, ValidationData = testSet,
            Progress = new SynchronousProgress<TrainingProgress>(progress.Add),
        });

        BatchStatistics after = net.Evaluate(testSet, loss);
        Assert.Equal("accuracy", after.MetricName);
        Assert.True(after.Metric >= 0.9, $"accuracy {after.Metric:P2}");
        Assert.Equal(after.Metric!.Value, history.ValidationMetric[^1], 6);
        Assert.Equal(3, history.Metric.Count);
        Assert.True(history.Loss[2] < history.Loss[0]);
        Assert.All(progress, p => Assert.NotNull(p.Metric));
        Assert.Equal("accuracy", history.Epochs[0].MetricName);
    }

    [Fact]
    public void WrongTargetsAreClearErrors()
    {
        var net = new DenseStack(1);
        float[] inputs = new float[2 * DenseStack.InputLength];
        var gradients = new float[DenseStack.ParameterCount];
        var wrongLength = Assert.Throws<ArgumentException>(() => net.ComputeGradients(inputs, new float[5], new CategoricalCrossentropy(), gradients, default));
        Assert.Contains("needs 3 target values per sample", wrongLength.Message);
        var notFinite = Assert.Throws<ArgumentException>(() => net.ComputeGradients(inputs, new[] { 1f, float.NaN }, new SparseCategoricalCrossentropy(), gradients, default));
        Assert.Contains("finite", notFinite.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => net.ComputeGradients(inputs, new[] { 1f, 3f }, new SparseCategoricalCrossentropy(), gradients, default));
        Assert.Throws<ArgumentOutOfRangeException>(() => net.ComputeGradients(inputs, new[] { 1f, 0.5f }, new SparseCategoricalCrossentropy(), gradients, default));
        Assert.Throws<ArgumentNullException>(() => net.Evaluate(inputs, new float[2], null!));

        var labels = new Dataset(new float[DenseStack.InputLength], new[] { 3 }, new TensorShape(DenseStack.InputLength));
        var fitError = Assert.Throws<ArgumentException>(() => net.Fit(labels, new FitOptions { Loss = new MeanSquaredError() }));
        Assert.Contains("build it with targets", fitError.Message);
        var withTargets = new Dataset(new float[DenseStack.InputLength], new TensorShape(DenseStack.InputLength), new float[3], 3);
        Assert.Throws<ArgumentException>(() => net.Fit(withTargets));
    }

    /// <summary>A user's own loss: log-cosh, through the public base type.</summary>
    private sealed class LogCosh : Loss
    {
        public override string Name => "log_cosh";

        public override LossMetric Metric => LossMetric.MeanAbsoluteError;

        public override float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> outputGradient, int channels)
        {
            Check(output, target, outputGradient, channels);
            double sum = 0;
            for (int i = 0; i < output.Length; i++)
            {
                double e = output[i] - target[i];
                sum += Math.Log(Math.Cosh(e));
                outputGradient[i] = (float)(Math.Tanh(e) / output.Length);
            }

            return (float)(sum / output.Length);
        }
    }

    private static object[] Case(Type network, string kind) => new object[] { network, kind };

    /// <summary>The loss object, and Keras's formula for one sample in double.</summary>
    private static (Loss Loss, Func<double[], double[], double> Keras) Make(string kind, int outputs, int channels)
    {
        const double eps = 1e-7;
        double Clip(double v) => Math.Clamp(v, eps, 1 - eps);
        double[] Softmax(double[] z)
        {
            double max = z.Max();
            double[] e = z.Select(v => Math.Exp(v - max)).ToArray();
            return e.Select(v => v / e.Sum()).ToArray();
        }

        // Per position (over the last axis), then the mean over positions.
        double PerPosition(double[] y, Func<double[], int, double> position) =>
            Enumerable.Range(0, y.Length / channels).Average(k => position(y.Skip(k * channels).Take(channels).ToArray(), k));
        double CategoricalFromProbabilities(double[] y, double[] t, double smoothing) => PerPosition(y, (row, k) =>
        {
            double sum = row.Select(Clip).Sum();
            return -Enumerable.Range(0, channels).Sum(c => (t[k * channels + c] * (1 - smoothing) + smoothing / channels) * Math.Log(Clip(row[c]) / sum));
        });

        return kind switch
        {
            "sparse" => (new SparseCategoricalCrossentropy(), (y, t) => PerPosition(y, (row, k) => -Math.Log(Clip(row[(int)t[k]]) / row.Select(Clip).Sum()))),
            "sparse-logits" => (new SparseCategoricalCrossentropy { FromLogits = true }, (y, t) => PerPosition(y, (row, k) => -Math.Log(Softmax(row)[(int)t[k]]))),
            "categorical" => (new CategoricalCrossentropy(), (y, t) => CategoricalFromProbabilities(y, t, 0)),
            "categorical-smoothed" => (new CategoricalCrossentropy { LabelSmoothing = 0.2f }, (y, t) => CategoricalFromProbabilities(y, t, 0.2)),
            "categorical-logits" => (new CategoricalCrossentropy { FromLogits = true }, (y, t) => PerPosition(y, (row, k) =>
                -Enumerable.Range(0, channels).Sum(c => t[k * channels + c] * Math.Log(Softmax(row)[c])))),
            "binary" => (new BinaryCrossentropy(), (y, t) => y.Select((v, i) => -(t[i] * Math.Log(Clip(v)) + (1 - t[i]) * Math.Log(1 - Clip(v)))).Average()),
            "binary-smoothed" => (new BinaryCrossentropy { LabelSmoothing = 0.1f }, (y, t) => y.Select((v, i) =>
            {
                double s = t[i] * 0.9 + 0.05;
                return -(s * Math.Log(Clip(v)) + (1 - s) * Math.Log(1 - Clip(v)));
            }).Average()),
            "binary-logits" => (new BinaryCrossentropy { FromLogits = true }, (y, t) => y.Select((z, i) => -(t[i] * Math.Log(1 / (1 + Math.Exp(-z))) + (1 - t[i]) * Math.Log(1 - 1 / (1 + Math.Exp(-z))))).Average()),
            "mse" => (new MeanSquaredError(), (y, t) => y.Select((v, i) => (v - t[i]) * (v - t[i])).Average()),
            "mae" => (new MeanAbsoluteError(), (y, t) => y.Select((v, i) => Math.Abs(v - t[i])).Average()),
            "huber" => (new Huber { Delta = 0.5f }, (y, t) => y.Select((v, i) => Math.Abs(v - t[i]) <= 0.5 ? 0.5 * (v - t[i]) * (v - t[i]) : 0.5 * (Math.Abs(v - t[i]) - 0.25)).Average()),
            "custom" => (new LogCosh(), (y, t) => y.Select((v, i) => Math.Log(Math.Cosh(v - t[i]))).Average()),
            "weighted" => (new WeightedLoss().Add(new SparseCategoricalCrossentropy(), 0, 5).Add(new MeanSquaredError(), 5, 4, weight: 3f),
                (y, t) => -Math.Log(Clip(y[(int)t[0]]) / y.Take(5).Select(Clip).Sum()) + 3 * y.Skip(5).Select((v, i) => (v - t[1 + i]) * (v - t[1 + i])).Average()),
            _ => throw new ArgumentException(kind),
        };
    }

    /// <summary>Targets drawn for each kind: class indices, one-hot or soft rows, values in [0, 1], values.</summary>
    private static float[] Targets(string kind, int batch, int targetLength, int channels, int seed)
    {
        var random = new DeterministicRandom(seed);
        var targets = new float[batch * targetLength];
        for (int n = 0; n < batch; n++)
        {
            Span<float> t = targets.AsSpan(n * targetLength, targetLength);
            switch (kind)
            {
                case "sparse" or "sparse-logits":
                    for (int k = 0; k < t.Length; k++)
                    {
                        t[k] = random.Next(channels);
                    }

                    break;
                case "categorical" or "categorical-smoothed" or "categorical-logits":
                    for (int k = 0; k < t.Length / channels; k++)
                    {
                        t[k * channels + random.Next(channels)] = 1f;
                    }

                    break;
                case "weighted":
                    t[0] = random.Next(5);
                    for (int k = 1; k < t.Length; k++)
                    {
                        t[k] = random.NextSingle(0f, 1f);
                    }

                    break;
                default:
                    for (int k = 0; k < t.Length; k++)
                    {
                        t[k] = kind.StartsWith("binary", StringComparison.Ordinal) ? (random.Next(2) == 0 ? random.NextSingle(0f, 1f) : random.Next(2)) : random.NextSingle(-1f, 1f);
                    }

                    break;
            }
        }

        return targets;
    }

    /// <summary>The metric over the batch, from Keras's definitions.</summary>
    private static double Metric(Loss loss, double[][] outputs, double[][] targets, int channels)
    {
        int Class(double[] row) => Array.IndexOf(row, row.Max());
        (Loss Loss, int Offset, int Length, int Channels) part = loss is WeightedLoss w ? (w.Parts[0].Loss, w.Parts[0].Offset, w.Parts[0].Length, w.Parts[0].Channels) : (loss, 0, outputs[0].Length, channels);
        double sum = 0;
        long count = 0;
        for (int n = 0; n < outputs.Length; n++)
        {
            double[] y = outputs[n].Skip(part.Offset).Take(part.Length).ToArray(), t = targets[n];
            int c = part.Channels;
            switch (part.Loss.Metric)
            {
                case LossMetric.Accuracy:
                    for (int k = 0; k < y.Length / c; k++)
                    {
                        int expected = t.Length == y.Length ? Class(t.Skip(k * c).Take(c).ToArray()) : (int)t[k];
                        sum += Class(y.Skip(k * c).Take(c).ToArray()) == expected ? 1 : 0;
                        count++;
                    }

                    break;
                case LossMetric.BinaryAccuracy:
                    double threshold = part.Loss is BinaryCrossentropy { FromLogits: true } ? 0 : 0.5;
                    sum += y.Select((v, i) => (v > threshold) == (t[i] > 0.5) ? 1 : 0).Sum();
                    count += y.Length;
                    break;
                case LossMetric.MeanAbsoluteError:
                    sum += y.Select((v, i) => Math.Abs(v - t[i])).Sum();
                    count += y.Length;
                    break;
            }
        }

        return count == 0 ? 0 : sum / count;
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
