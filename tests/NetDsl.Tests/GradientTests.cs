using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Tests.Networks;
using NetDsl.Tests.Reference;

namespace NetDsl.Tests;

/// <summary>
/// Every generated backward pass against central finite differences of the independent double-precision
/// reference: parameter and input gradients, for every layer and option (the networks of
/// <see cref="ForwardTests"/>), through a custom output gradient and through the loss.
/// </summary>
public sealed class GradientTests
{
    /// <summary>ForwardTests' networks but those with dropout (their training pass drops values; DropoutTests
    /// checks their gradients under the same masks).</summary>
    public static IEnumerable<object[]> Networks() => ForwardTests.Networks()
        .Where(n => !((Type)n[0]).GetCustomAttributes(inherit: false).Any(a => a is DropoutAttribute or SpatialDropout2DAttribute));

    public static IEnumerable<object[]> Classifiers() => new[]
    {
        typeof(DenseStack), typeof(MixedRgb), typeof(MnistNet), typeof(DenseOddSizes), typeof(FlattenDenseActivation),
        typeof(ConvKernelEqualsInput), typeof(GlobalAverage), typeof(GlobalMax), typeof(InputOnly), typeof(ConvSoftmaxOverChannels),
        typeof(Tiny.PixelSoftmax), typeof(ConvSeventeenFilters), typeof(ActivationsOnMaps), typeof(Activated.LeakyClassifier),
        typeof(Activated.DenseGELU), typeof(Activated.ActivationLayers), typeof(Graphs.Residual), typeof(Graphs.ConcatenateBranches),
        typeof(Graphs.EveryMerge), typeof(Graphs.InputSkip), typeof(Graphs.SharedBeforeActivation), typeof(Graphs.SharedView),
        typeof(Resampled.Bilinear), typeof(Resampled.PadAndCrop), typeof(Resampled.Reshaped), typeof(Convolutions.Separable), typeof(Convolutions.Transposed),
    }.Select(t => new object[] { t });

    [Theory]
    [MemberData(nameof(Networks))]
    public void BackpropagateMatchesFiniteDifferences(Type networkType)
    {
        var reference = ReferenceNetwork.For(networkType);
        INetwork net = TestData.Create(networkType);
        bool large = net.ParameterCount > 10_000;
        int batch = large ? 1 : 2;
        float[] parameters = TestData.Uniform(net.ParameterCount, seed: 21, -0.5f, 0.5f);
        parameters.CopyTo(net.Parameters);
        float[] inputs = TestData.Uniform(batch * net.InputLength, seed: 22);
        float[] weights = TestData.Uniform(batch * net.OutputLength, seed: 23);
        var gradients = new float[net.ParameterCount];
        var inputGradients = new float[inputs.Length];

        net.Backpropagate(inputs, weights, gradients, inputGradients);

        // The objective whose gradient Backpropagate computes: sum over samples of weights . outputs.
        double[] p = ReferenceNetwork.ToDouble(parameters);
        double[][] x = Enumerable.Range(0, batch).Select(n => ReferenceNetwork.ToDouble(inputs.AsSpan(n * net.InputLength, net.InputLength))).ToArray();
        double SampleObjective(int n)
        {
            double[] y = reference.Forward(p, x[n]);
            double sum = 0;
            for (int i = 0; i < y.Length; i++)
            {
                sum += weights[n * net.OutputLength + i] * y[i];
            }

            return sum;
        }

        double Objective() => Enumerable.Range(0, batch).Sum(SampleObjective);

        var checker = new FiniteDifferences.Checker();
        double f0 = Objective();
        foreach (int index in FiniteDifferences.SampleIndices(net.ParameterLayout, large ? 6 : 24, seed: 24))
        {
            checker.Check(NameOf(net, index), gradients[index], FiniteDifferences.At(Objective, p, index, f0));
        }

        for (int n = 0; n < batch; n++)
        {
            int sample = n;
            double g0 = SampleObjective(sample);
            foreach (int index in FiniteDifferences.SampleRange(net.InputLength, large ? 12 : 32, seed: 25 + n))
            {
                checker.Check($"input {sample}[{index}]", inputGradients[sample * net.InputLength + index], FiniteDifferences.At(() => SampleObjective(sample), x[sample], index, g0));
            }
        }

        checker.AssertAllMatch(networkType.Name);
    }

    [Theory]
    [MemberData(nameof(Classifiers))]
    public void ComputeGradientsMatchesFiniteDifferencesOfTheLoss(Type networkType)
    {
        var reference = ReferenceNetwork.For(networkType);
        INetwork net = TestData.Create(networkType);
        bool large = net.ParameterCount > 10_000;
        int batch = large ? 2 : 3;
        float[] parameters = TestData.Uniform(net.ParameterCount, seed: 31, -0.5f, 0.5f);
        parameters.CopyTo(net.Parameters);
        float[] inputs = TestData.Uniform(batch * net.InputLength, seed: 32);
        var random = new DeterministicRandom(33);
        int[] labels = Enumerable.Range(0, batch).Select(_ => random.Next(net.OutputLength)).ToArray();
        var gradients = new float[net.ParameterCount];
        var inputGradients = new float[inputs.Length];

        BatchStatistics stats = net.ComputeGradients(inputs, labels, gradients, inputGradients);

        double[] p = ReferenceNetwork.ToDouble(parameters);
        double[][] x = Enumerable.Range(0, batch).Select(n => ReferenceNetwork.ToDouble(inputs.AsSpan(n * net.InputLength, net.InputLength))).ToArray();
        double SampleLoss(int n) => reference.SampleLoss(reference.Forward(p, x[n]), labels[n]);
        double MeanLoss() => Enumerable.Range(0, batch).Average(SampleLoss);

        double f0 = MeanLoss();
        Assert.Equal(f0, stats.Loss, Math.Max(1e-5, Math.Abs(f0) * 1e-4));
        Assert.Equal(batch, stats.Count);
        int expectedCorrect = Enumerable.Range(0, batch).Count(n =>
        {
            double[] y = reference.Forward(p, x[n]);
            return Array.IndexOf(y, y.Max()) == labels[n];
        });
        Assert.Equal(expectedCorrect, stats.Correct);
        Assert.Equal(stats.Loss, net.ComputeGradients(inputs, labels, new float[net.ParameterCount]));

        var checker = new FiniteDifferences.Checker();
        foreach (int index in FiniteDifferences.SampleIndices(net.ParameterLayout, large ? 6 : 24, seed: 34))
        {
            checker.Check(NameOf(net, index), gradients[index], FiniteDifferences.At(MeanLoss, p, index, f0));
        }

        for (int n = 0; n < batch; n++)
        {
            int sample = n;
            double g0 = SampleLoss(sample) / batch;
            foreach (int index in FiniteDifferences.SampleRange(net.InputLength, large ? 12 : 32, seed: 35 + n))
            {
                checker.Check($"input {sample}[{index}]", inputGradients[sample * net.InputLength + index], FiniteDifferences.At(() => SampleLoss(sample) / batch, x[sample], index, g0));
            }
        }

        checker.AssertAllMatch(networkType.Name);
    }

    [Fact]
    public void FusedSoftmaxLossStaysFiniteForConfidentWrongPredictions()
    {
        var net = new Tiny.Dense2x3(0);
        TestData.SetTensor(net, "dense/kernel", 100, 0, -100, 0, 0, 0);
        var gradients = new float[Tiny.Dense2x3.ParameterCount];
        // Logits (100, 0, -100) for x = (1, 0): linear output, taken as logits; the loss of label 2 is 200.
        float loss = net.ComputeGradients(new float[] { 1, 0 }, new[] { 2 }, gradients);
        Assert.Equal(200f, loss, 3);
        Assert.All(gradients, g => Assert.True(float.IsFinite(g)));

        var softmax = new DenseStack(1);
        var inputs = TestData.Uniform(DenseStack.InputLength, 3, -1000f, 1000f);
        float big = softmax.ComputeGradients(inputs, new[] { 0 }, new float[DenseStack.ParameterCount]);
        Assert.True(float.IsFinite(big));
    }

    private static string NameOf(INetwork net, int index)
    {
        ParameterTensor tensor = net.ParameterLayout.Last(t => t.Offset <= index);
        return $"{tensor.Name}[{index - tensor.Offset}]";
    }
}
