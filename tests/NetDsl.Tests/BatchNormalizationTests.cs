using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NetDsl.Tests.Networks;
using NetDsl.Tests.Reference;
using NetDsl.Training;

namespace NetDsl.Tests;

/// <summary>
/// BatchNormalization: Keras's tensors and summary; inference with the moving statistics (folded into the layer
/// before) against the unfolded reference; training with the statistics of the whole batch, whatever the
/// number of threads, against hand-computed statistics and finite differences of the reference; the moving
/// statistics' update; and no optimizer ever touching them.
/// </summary>
public sealed class BatchNormalizationTests
{
    public static IEnumerable<object[]> Networks() => new[]
    {
        typeof(Normalized.ConvBatchNormReLU), typeof(Normalized.DenseBatchNorm), typeof(Normalized.BatchNormEverywhere),
        typeof(Normalized.TwoInARow), typeof(Normalized.BareBatchNorm), typeof(Normalized.Everything), typeof(NormalizedGraphs.ResidualBlock),
        typeof(NormalizedGraphs.InputNormalizedAndSkipped), typeof(NormalizedGraphs.DilatedAndSeparable),
    }.Select(t => new object[] { t });

    [Fact]
    public void TensorsHaveKerasNamesOrderInitialValuesAndTrainability()
    {
        var net = new Normalized.ConvBatchNormReLU(seed: 1);
        string[] names = net.ParameterLayoutNames();
        Assert.Equal(new[]
        {
            "conv2d/kernel", "conv2d/bias", "batch_normalization/gamma", "batch_normalization/beta",
            "batch_normalization/moving_mean", "batch_normalization/moving_variance", "dense/kernel", "dense/bias",
        }, names);
        ParameterTensor[] bn = Normalized.ConvBatchNormReLU.ParameterLayout.Where(t => t.Name.StartsWith("batch_normalization/", StringComparison.Ordinal)).ToArray();
        Assert.All(bn, t => Assert.Equal(new[] { 5 }, t.Shape.Dimensions.ToArray()));
        Assert.Equal(new[] { true, true, false, false }, bn.Select(t => t.Trainable));
        Assert.Equal(new[] { 1f, 0f, 0f, 1f }, bn.Select(t => t.Slice(net.Parameters).ToArray().Distinct().Single()));

        // Without center or scale, only the moving statistics.
        Assert.Equal(new[] { "batch_normalization/moving_mean", "batch_normalization/moving_variance" },
            Normalized.BareBatchNorm.ParameterLayout.Select(t => t.Name));
        string[] everywhere = Normalized.BatchNormEverywhere.ParameterLayout.Select(t => t.Name).Where(n => n.StartsWith("batch", StringComparison.Ordinal)).ToArray();
        Assert.Equal(new[]
        {
            "batch_normalization/gamma", "batch_normalization/beta", "batch_normalization/moving_mean", "batch_normalization/moving_variance",
            "batch_normalization_1/gamma", "batch_normalization_1/moving_mean", "batch_normalization_1/moving_variance",
            "batch_normalization_2/beta", "batch_normalization_2/moving_mean", "batch_normalization_2/moving_variance",
        }, everywhere);
    }

    [Fact]
    public void SummaryCountsNonTrainableParametersAsKerasDoes()
    {
        // Keras: conv2d 3*3*2*5+5 = 95, batch_normalization 4*5 = 20 (10 non-trainable), dense 45*3+3 = 138.
        string summary = Normalized.ConvBatchNormReLU.Summary;
        Assert.Contains("batch_normalization (BatchNormalization)", summary);
        Assert.Contains("(None, 6, 6, 5)", summary);
        Assert.Contains("Total params: 253", summary);
        Assert.Contains("\nTrainable params: 243", summary);
        Assert.Contains("Non-trainable params: 10", summary);
        Assert.Equal(253, Normalized.ConvBatchNormReLU.ParameterCount);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void ShapesAndParameterCountMatchTheReference(Type networkType)
    {
        var reference = ReferenceNetwork.For(networkType);
        INetwork net = TestData.Create(networkType);
        Assert.Equal(reference.InputShape, net.InputShape.Dimensions.ToArray());
        Assert.Equal(reference.OutputShape, net.OutputShape.Dimensions.ToArray());
        Assert.Equal(reference.ParameterCount, net.ParameterCount);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void FoldedInferenceEqualsTheUnfoldedReference(Type networkType)
    {
        var reference = ReferenceNetwork.For(networkType);
        INetwork net = TestData.Create(networkType);
        TestData.RandomParameters(net, seed: 12).CopyTo(net.Parameters);
        const int batch = 3;
        float[] inputs = TestData.Uniform(batch * net.InputLength, seed: 13, -2f, 2f);
        var outputs = new float[batch * net.OutputLength];
        net.Predict(inputs, outputs, batch);
        for (int n = 0; n < batch; n++)
        {
            double[] expected = reference.Forward(net.Parameters, inputs.AsSpan(n * net.InputLength, net.InputLength));
            TestData.AssertClose(expected, outputs.AsSpan(n * net.OutputLength, net.OutputLength), what: $"{networkType.Name} sample {n}");
            TestData.AssertClose(expected, TestData.Predict(net, inputs.AsSpan(n * net.InputLength, net.InputLength).ToArray()), what: "one sample");
        }
    }

    [Fact]
    public void ChangedParametersAreRefoldedBeforeTheNextPrediction()
    {
        var net = new Normalized.ConvBatchNormReLU(seed: 2);
        var reference = ReferenceNetwork.For<Normalized.ConvBatchNormReLU>();
        TestData.RandomParameters(net, seed: 3).CopyTo(net.Parameters);
        float[] input = TestData.Uniform(Normalized.ConvBatchNormReLU.InputLength, seed: 4);
        float[] before = TestData.Predict(net, input);

        // Through the span, a tensor at a time, and by loading a file: each prediction sees the new values.
        ParameterTensor variance = Normalized.ConvBatchNormReLU.ParameterLayout.Single(t => t.Name == "batch_normalization/moving_variance");
        variance.Slice(net.Parameters).Fill(4f);
        float[] after = TestData.Predict(net, input);
        Assert.NotEqual(before, after);
        TestData.AssertClose(reference.Forward(net.Parameters, input), after);

        string path = Path.Combine(Path.GetTempPath(), $"netdsl-bn-{Guid.NewGuid():N}.safetensors");
        try
        {
            var other = new Normalized.ConvBatchNormReLU(seed: 9);
            other.Predict(input, new float[Normalized.ConvBatchNormReLU.OutputLength]); // folds its own parameters
            net.Save(path);
            other.Load(path);
            Assert.Equal(after, TestData.Predict(other, input));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TrainingUsesHandComputedBatchStatisticsAndUpdatesTheMovingOnes()
    {
        // Input(2) -> BatchNormalization -> logits. Channel 0 holds 1, 3, 2 (mean 2, variance 2/3), channel 1
        // holds 2, 6, 10 (mean 6, variance 32/3).
        var net = new Tiny.BatchNorm2(seed: 1);
        float[] inputs = { 1, 2, 3, 6, 2, 10 };
        int[] labels = { 0, 1, 1 };
        var gradients = new float[Tiny.BatchNorm2.ParameterCount];
        BatchStatistics statistics = net.ComputeGradients(inputs, labels, gradients, default);

        double[] mean = { 2, 6 }, variance = { 2.0 / 3, 32.0 / 3 };
        double expectedLoss = 0;
        for (int n = 0; n < 3; n++)
        {
            double y0 = (inputs[2 * n] - mean[0]) / Math.Sqrt(variance[0] + 0.001);
            double y1 = (inputs[(2 * n) + 1] - mean[1]) / Math.Sqrt(variance[1] + 0.001);
            double lse = Math.Log(Math.Exp(y0) + Math.Exp(y1));
            expectedLoss += (lse - (labels[n] == 0 ? y0 : y1)) / 3;
        }

        Assert.Equal(expectedLoss, statistics.Loss, 6);

        // Keras: moving = moving * 0.99 + batch * 0.01, with the biased variance.
        Assert.Equal(new[] { 0.02f, 0.06f }, Tensor(net, "batch_normalization/moving_mean"), new FloatTolerance(1e-7f));
        Assert.Equal(new[] { (float)(0.99 + (0.01 * 2.0 / 3)), (float)(0.99 + (0.01 * 32.0 / 3)) }, Tensor(net, "batch_normalization/moving_variance"), new FloatTolerance(1e-6f));
        Assert.Equal(new float[4], gradients.AsSpan(4, 4).ToArray()); // no gradient for the moving statistics

        // Predict and Evaluate use the moving statistics, not the last batch's.
        float[] output = TestData.Predict(net, new float[] { 1, 2 });
        Assert.Equal((1 - 0.02) / Math.Sqrt(0.99 + (0.01 * 2.0 / 3) + 0.001), output[0], 5);
        Assert.Equal((2 - 0.06) / Math.Sqrt(0.99 + (0.01 * 32.0 / 3) + 0.001), output[1], 5);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void MovingStatisticsFollowKerasUpdateFromTheBatch(Type networkType)
    {
        var reference = ReferenceNetwork.For(networkType);
        INetwork net = TestData.Create(networkType, seed: 6);
        TestData.RandomParameters(net, seed: 7).CopyTo(net.Parameters);
        float[] before = net.Parameters.ToArray();
        const int batch = 5;
        float[] inputs = TestData.Uniform(batch * net.InputLength, seed: 8, -2f, 2f);
        int[] labels = Enumerable.Range(0, batch).Select(n => n % net.OutputLength).ToArray();

        net.ComputeGradients(inputs, labels, new float[net.ParameterCount]);

        double[][] x = Samples(inputs, batch, net.InputLength);
        reference.ForwardBatch(ReferenceNetwork.ToDouble(before), x, ReferenceMode.TrainingStep(6, 1), out var statistics);
        var layers = reference.Layers.OfType<BatchNormalizationAttribute>().ToList();
        Assert.Equal(layers.Count, statistics.Count);
        string[] names = net.ParameterLayout.Where(t => t.Name.EndsWith("/moving_mean", StringComparison.Ordinal)).Select(t => t.Name[..t.Name.IndexOf('/')]).ToArray();
        for (int i = 0; i < layers.Count; i++)
        {
            double momentum = layers[i].Momentum;
            ParameterTensor meanTensor = net.ParameterLayout.Single(t => t.Name == names[i] + "/moving_mean");
            ParameterTensor varianceTensor = net.ParameterLayout.Single(t => t.Name == names[i] + "/moving_variance");
            double[] expectedMean = statistics[i].Mean.Select((m, c) => (before[meanTensor.Offset + c] * momentum) + (m * (1 - momentum))).ToArray();
            double[] expectedVariance = statistics[i].Variance.Select((v, c) => (before[varianceTensor.Offset + c] * momentum) + (v * (1 - momentum))).ToArray();
            TestData.AssertClose(expectedMean, meanTensor.Slice(net.Parameters), 1e-6, 1e-5, $"{names[i]} moving mean");
            TestData.AssertClose(expectedVariance, varianceTensor.Slice(net.Parameters), 1e-6, 1e-5, $"{names[i]} moving variance");
        }

        // Everything else is untouched by a gradient computation.
        foreach (ParameterTensor tensor in net.ParameterLayout.Where(t => t.Trainable))
        {
            Assert.Equal(tensor.Slice(before.AsSpan()).ToArray(), tensor.Slice(net.Parameters).ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void TrainingGradientsMatchFiniteDifferencesOfTheBatch(Type networkType)
    {
        foreach (int threads in new[] { 1, 2 })
        {
            CheckTrainingGradients(networkType, batch: 5, threads, throughLoss: false);
            CheckTrainingGradients(networkType, batch: 4, threads, throughLoss: true);
        }
    }

    [Fact]
    public void BatchStatisticsAreTheWholeBatchesWhateverTheThreads()
    {
        // Exactly the same statistics (not per worker): one thread and two give the same loss and moving
        // statistics; gradients differ only by summation order.
        float[] inputs = TestData.Uniform(37 * Normalized.Everything.InputLength, seed: 1, 0f, 1f);
        int[] labels = Enumerable.Range(0, 37).Select(i => i % 10).ToArray();
        var results = new List<(float Loss, float[] Parameters, float[] Gradients)>();
        foreach (int threads in new[] { 1, 2 })
        {
            var net = new Normalized.Everything(seed: 5) { MaxDegreeOfParallelism = threads };
            var gradients = new float[Normalized.Everything.ParameterCount];
            float loss = net.ComputeGradients(inputs, labels, gradients);
            results.Add((loss, net.Parameters.ToArray(), gradients));
        }

        Assert.Equal(results[0].Loss, results[1].Loss, 5);
        TestData.AssertClose(results[0].Parameters, results[1].Parameters, 1e-6, 1e-5);
        TestData.AssertClose(results[0].Gradients, results[1].Gradients, 1e-5, 1e-3);
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    [InlineData("adamw")]
    public void OptimizersNeverChangeTheMovingStatistics(string optimizerName)
    {
        var net = new Normalized.DenseBatchNorm(seed: 3);
        Optimizer optimizer = optimizerName switch
        {
            "sgd" => new Sgd(0.1f, momentum: 0.9f) { WeightDecay = 0.1f },
            "adam" => new Adam(0.01f) { WeightDecay = 0.1f },
            _ => new AdamW(0.01f, weightDecay: 0.5f),
        };
        float[] inputs = TestData.Uniform(8 * Normalized.DenseBatchNorm.InputLength, seed: 2);
        int[] labels = Enumerable.Range(0, 8).Select(i => i % 4).ToArray();
        ParameterTensor[] moving = Normalized.DenseBatchNorm.ParameterLayout.Where(t => !t.Trainable).ToArray();
        Assert.Equal(2, moving.Length);
        var gradients = new float[Normalized.DenseBatchNorm.ParameterCount];
        for (int step = 0; step < 3; step++)
        {
            net.ComputeGradients(inputs, labels, gradients);
            float[] movingAfterGradients = moving.SelectMany(t => t.Slice(net.Parameters).ToArray()).ToArray();
            float[] trainableBefore = net.Parameters.ToArray();

            // Even given a non-zero gradient for them, and with weight decay.
            foreach (ParameterTensor t in moving)
            {
                t.Slice(gradients.AsSpan()).Fill(1f);
            }

            optimizer.Step(net, gradients);
            Assert.Equal(movingAfterGradients, moving.SelectMany(t => t.Slice(net.Parameters).ToArray()).ToArray());
            Assert.NotEqual(trainableBefore, net.Parameters.ToArray());
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StepOnANetworkClipsTrainableTensorsOnly(bool global)
    {
        // Sgd with learning rate 1, so each tensor's update is minus its clipped gradient.
        var net = new Normalized.DenseBatchNorm(seed: 8);
        float[] before = net.Parameters.ToArray();
        float[] gradients = TestData.Uniform(Normalized.DenseBatchNorm.ParameterCount, seed: 9, -3f, 3f);
        var sgd = global ? new Sgd(1f) { GlobalClipNorm = 0.5f } : new Sgd(1f) { ClipNorm = 0.5f };
        sgd.Step(net, gradients);

        ParameterTensor[] trainable = Normalized.DenseBatchNorm.ParameterLayout.Where(t => t.Trainable).ToArray();
        double Norm(ParameterTensor t) => Math.Sqrt(t.Slice(gradients.AsSpan()).ToArray().Sum(g => (double)g * g));
        double globalNorm = Math.Sqrt(trainable.Sum(t => Norm(t) * Norm(t)));
        foreach (ParameterTensor tensor in Normalized.DenseBatchNorm.ParameterLayout)
        {
            float[] after = tensor.Slice(net.Parameters).ToArray();
            float[] was = tensor.Slice(before.AsSpan()).ToArray();
            if (!tensor.Trainable)
            {
                Assert.Equal(was, after); // moving statistics: no update, and no part in the global norm
                continue;
            }

            double scale = global ? 0.5 / globalNorm : Math.Min(1, 0.5 / Norm(tensor));
            float[] g = tensor.Slice(gradients.AsSpan()).ToArray();
            for (int i = 0; i < g.Length; i++)
            {
                Assert.Equal(was[i] - (g[i] * scale), after[i], 1e-5);
            }
        }
    }

    [Fact]
    public void EvaluateUsesTheMovingStatistics()
    {
        var net = new Normalized.TwoInARow(seed: 4);
        var reference = ReferenceNetwork.For<Normalized.TwoInARow>();
        TestData.RandomParameters(net, seed: 5).CopyTo(net.Parameters);
        float[] inputs = TestData.Uniform(6 * Normalized.TwoInARow.InputLength, seed: 6);
        int[] labels = { 0, 1, 1, 0, 1, 0 };
        BatchStatistics statistics = net.Evaluate(inputs, labels);
        double[] p = ReferenceNetwork.ToDouble(net.Parameters);
        double expected = Samples(inputs, 6, Normalized.TwoInARow.InputLength).Select((x, n) => reference.SampleLoss(reference.Forward(p, x), labels[n])).Average();
        Assert.Equal(expected, statistics.Loss, 5);
    }

    /// <summary>Backpropagate (sum over the batch of weights . outputs) or ComputeGradients (the mean loss) against
    /// central differences of the reference's training pass over the whole batch.</summary>
    private static void CheckTrainingGradients(Type networkType, int batch, int threads, bool throughLoss)
    {
        var reference = ReferenceNetwork.For(networkType);
        INetwork net = TestData.Create(networkType, seed: 21);
        net.MaxDegreeOfParallelism = threads;
        float[] parameters = TestData.RandomParameters(net, seed: 22);
        parameters.CopyTo(net.Parameters);
        float[] inputs = TestData.Uniform(batch * net.InputLength, seed: 23, -1.5f, 1.5f);
        float[] weights = TestData.Uniform(batch * net.OutputLength, seed: 24);
        int[] labels = Enumerable.Range(0, batch).Select(n => (n * 7) % net.OutputLength).ToArray();
        var gradients = new float[net.ParameterCount];
        var inputGradients = new float[inputs.Length];
        float loss = 0;
        if (throughLoss)
        {
            loss = net.ComputeGradients(inputs, labels, gradients, inputGradients).Loss;
        }
        else
        {
            net.Backpropagate(inputs, weights, gradients, inputGradients);
        }

        double[] p = ReferenceNetwork.ToDouble(parameters);
        double[][] x = Samples(inputs, batch, net.InputLength);
        ReferenceMode mode = ReferenceMode.TrainingStep(21, 1);
        double Objective()
        {
            double[][] y = reference.ForwardBatch(p, x, mode);
            double sum = 0;
            for (int n = 0; n < batch; n++)
            {
                if (throughLoss)
                {
                    sum += reference.SampleLoss(y[n], labels[n]) / batch;
                    continue;
                }

                for (int i = 0; i < y[n].Length; i++)
                {
                    sum += weights[(n * net.OutputLength) + i] * y[n][i];
                }
            }

            return sum;
        }

        double f0 = Objective();
        string what = $"{networkType.Name}, {threads} thread(s), {(throughLoss ? "loss" : "output gradients")}";
        if (throughLoss)
        {
            Assert.True(Math.Abs(f0 - loss) <= 1e-5 + (1e-4 * Math.Abs(f0)), $"{what}: loss {loss}, reference {f0}");
        }

        var checker = new FiniteDifferences.Checker();
        foreach (int index in FiniteDifferences.SampleIndices(net.ParameterLayout, 12, seed: 25))
        {
            checker.Check($"{what}: {NameOf(net, index)}", gradients[index], FiniteDifferences.At(Objective, p, index, f0));
        }

        foreach (ParameterTensor tensor in net.ParameterLayout.Where(t => !t.Trainable))
        {
            Assert.True(tensor.Slice(gradients.AsSpan()).ToArray().All(g => g == 0), $"{what}: {tensor.Name} has a gradient");
        }

        for (int n = 0; n < batch; n++)
        {
            foreach (int index in FiniteDifferences.SampleRange(net.InputLength, 10, seed: 26 + n))
            {
                checker.Check($"{what}: input {n}[{index}]", inputGradients[(n * net.InputLength) + index], FiniteDifferences.At(Objective, x[n], index, f0));
            }
        }

        checker.AssertAllMatch(what);
    }

    private static double[][] Samples(float[] inputs, int batch, int length) =>
        Enumerable.Range(0, batch).Select(n => ReferenceNetwork.ToDouble(inputs.AsSpan(n * length, length))).ToArray();

    private static float[] Tensor(INetwork net, string name) => net.ParameterLayout.Single(t => t.Name == name).Slice(net.Parameters).ToArray();

    private static string NameOf(INetwork net, int index)
    {
        ParameterTensor tensor = net.ParameterLayout.Single(t => index >= t.Offset && index < t.Offset + t.Length);
        return $"{tensor.Name}[{index - tensor.Offset}]";
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}

internal static class LayoutExtensions
{
    public static string[] ParameterLayoutNames(this INetwork net) => net.ParameterLayout.Select(t => t.Name).ToArray();
}
