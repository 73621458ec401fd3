using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Tests.Networks;
using NetDsl.Tests.Reference;

namespace NetDsl.Tests;

/// <summary>
/// Dropout and SpatialDropout2D: the identity in inference; in training, inverted dropout whose masks depend
/// only on the network's seed, the step, the sample and the layer (not on threads), with gradients that match
/// finite differences of the reference under the same masks.
/// </summary>
public sealed class DropoutTests
{
    public static IEnumerable<object[]> Networks() => new[]
    {
        typeof(Dropped.VectorDropout), typeof(Dropped.ChannelDropout), typeof(Dropped.ConvDropout), typeof(Dropped.SpatialThenSwish),
        typeof(Dropped.InputDropout), typeof(Normalized.Everything), typeof(Graphs.DropoutOnSkip), typeof(Graphs.SharedAcrossDropout),
    }.Select(t => new object[] { t });

    [Theory]
    [MemberData(nameof(Networks))]
    public void InferenceIsTheIdentity(Type networkType)
    {
        var reference = ReferenceNetwork.For(networkType);
        INetwork net = TestData.Create(networkType);
        TestData.RandomParameters(net, seed: 2).CopyTo(net.Parameters);
        float[] input = TestData.Uniform(net.InputLength, seed: 3);
        float[] output = TestData.Predict(net, input);
        TestData.AssertClose(reference.Forward(net.Parameters, input), output, what: networkType.Name);
        Assert.Equal(output, TestData.Predict(net, input)); // and the same every time
        Assert.Equal(reference.ParameterCount, net.ParameterCount);
    }

    [Fact]
    public void DropsTheRateAndScalesTheRest()
    {
        var net = new Dropped.VectorDropout(seed: 11);
        const int batch = 40;
        float[] inputs = TestData.Uniform(batch * 1000, seed: 1);
        float[] ones = Enumerable.Repeat(1f, batch * 1000).ToArray();
        var inputGradients = new float[inputs.Length];
        net.Backpropagate(inputs, ones, Array.Empty<float>(), inputGradients);

        // Each value's gradient is its mask: 0 or 1 / (1 - 0.3).
        Assert.All(inputGradients, g => Assert.True(g == 0f || Math.Abs(g - (1 / 0.7f)) < 1e-6f, $"gradient {g}"));
        double dropped = inputGradients.Count(g => g == 0f) / (double)inputGradients.Length;
        Assert.InRange(dropped, 0.3 - 0.01, 0.3 + 0.01);

        // Each sample has a mask of its own.
        int[] perSample = Enumerable.Range(0, batch).Select(n => inputGradients.AsSpan(n * 1000, 1000).ToArray().Count(g => g == 0f)).ToArray();
        Assert.True(perSample.Distinct().Count() > batch / 2);
        Assert.NotEqual(inputGradients.AsSpan(0, 1000).ToArray(), inputGradients.AsSpan(1000, 1000).ToArray());
    }

    [Fact]
    public void SpatialDropoutDropsWholeChannels()
    {
        var net = new Dropped.ChannelDropout(seed: 3);
        const int batch = 8, pixels = 30, channels = 64;
        float[] inputs = TestData.Uniform(batch * pixels * channels, seed: 2);
        float[] ones = Enumerable.Repeat(1f, inputs.Length).ToArray();
        var inputGradients = new float[inputs.Length];
        net.Backpropagate(inputs, ones, Array.Empty<float>(), inputGradients);

        int droppedChannels = 0;
        for (int n = 0; n < batch; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                float first = inputGradients[(n * pixels * channels) + c];
                Assert.True(first == 0f || first == 2f, $"sample {n} channel {c}: {first}");
                for (int p = 1; p < pixels; p++)
                {
                    Assert.Equal(first, inputGradients[(((n * pixels) + p) * channels) + c]);
                }

                droppedChannels += first == 0f ? 1 : 0;
            }
        }

        Assert.InRange(droppedChannels, (batch * channels / 2) - 60, (batch * channels / 2) + 60);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void TrainingGradientsMatchFiniteDifferencesUnderTheSameMasks(Type networkType)
    {
        foreach (int threads in new[] { 1, 2 })
        {
            var reference = ReferenceNetwork.For(networkType);
            INetwork net = TestData.Create(networkType, seed: 31);
            net.MaxDegreeOfParallelism = threads;
            float[] parameters = TestData.RandomParameters(net, seed: 32);
            parameters.CopyTo(net.Parameters);
            const int batch = 3;
            float[] inputs = TestData.Uniform(batch * net.InputLength, seed: 33);
            float[] weights = TestData.Uniform(batch * net.OutputLength, seed: 34);
            var gradients = new float[net.ParameterCount];
            var inputGradients = new float[inputs.Length];

            // The second training call of this network: the masks of step 2.
            net.Backpropagate(inputs, weights, new float[net.ParameterCount], default);
            parameters.CopyTo(net.Parameters); // (moving statistics of a BatchNormalization moved)
            net.Backpropagate(inputs, weights, gradients, inputGradients);

            double[] p = ReferenceNetwork.ToDouble(parameters);
            double[][] x = Enumerable.Range(0, batch).Select(n => ReferenceNetwork.ToDouble(inputs.AsSpan(n * net.InputLength, net.InputLength))).ToArray();
            double Objective()
            {
                double[][] y = reference.ForwardBatch(p, x, ReferenceMode.TrainingStep(31, 2));
                double sum = 0;
                for (int n = 0; n < batch; n++)
                {
                    for (int i = 0; i < y[n].Length; i++)
                    {
                        sum += weights[(n * net.OutputLength) + i] * y[n][i];
                    }
                }

                return sum;
            }

            double f0 = Objective();
            var checker = new FiniteDifferences.Checker();
            foreach (int index in FiniteDifferences.SampleIndices(net.ParameterLayout, 12, seed: 35))
            {
                checker.Check($"parameter {index}", gradients[index], FiniteDifferences.At(Objective, p, index, f0));
            }

            for (int n = 0; n < batch; n++)
            {
                foreach (int index in FiniteDifferences.SampleRange(net.InputLength, 16, seed: 36 + n))
                {
                    checker.Check($"input {n}[{index}]", inputGradients[(n * net.InputLength) + index], FiniteDifferences.At(Objective, x[n], index, f0));
                }
            }

            checker.AssertAllMatch($"{networkType.Name}, {threads} thread(s)");
        }
    }

    [Fact]
    public void MasksDependOnTheSeedAndTheStepNotOnThreads()
    {
        float[] inputs = TestData.Uniform(16 * Dropped.ConvDropout.InputLength, seed: 4);
        int[] labels = Enumerable.Range(0, 16).Select(i => i % 3).ToArray();

        float[] initial = new Dropped.ConvDropout(seed: 1).Parameters.ToArray();
        float[][] Steps(int seed, int threads)
        {
            // The same weights whatever the seed: only the masks differ.
            var net = new Dropped.ConvDropout(seed) { MaxDegreeOfParallelism = threads };
            initial.CopyTo(net.Parameters);
            return Enumerable.Range(0, 3).Select(_ =>
            {
                var gradients = new float[Dropped.ConvDropout.ParameterCount];
                net.ComputeGradients(inputs, labels, gradients);
                return gradients;
            }).ToArray();
        }

        float[][] one = Steps(seed: 5, threads: 1);
        Assert.Equal(one, Steps(seed: 5, threads: 1)); // bit for bit with one thread and a seed
        float[][] two = Steps(seed: 5, threads: 2);
        for (int step = 0; step < 3; step++)
        {
            TestData.AssertClose(one[step], two[step], 1e-6, 1e-4); // same masks; only the summation order differs
        }

        Assert.NotEqual(one[0], one[1]); // a new mask each step
        Assert.NotEqual(one[0], Steps(seed: 6, threads: 1)[0]); // and each seed
    }
}
