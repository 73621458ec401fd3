using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Tests.Networks;
using NetDsl.Tests.Reference;

namespace NetDsl.Tests;

/// <summary>Every generated forward pass against the naive reference, on random weights and inputs.</summary>
public sealed class ForwardTests
{
    public static IEnumerable<object[]> Networks() => new[]
    {
        typeof(ConvValidSingleChannel), typeof(ConvEvenKernelStride2), typeof(ConvRectangularStride3x2), typeof(ConvSameOdd),
        typeof(ConvSameEvenKernelStride2), typeof(ConvSameRectangularStride3x1), typeof(ConvPointwiseNoBias),
        typeof(ConvSoftmaxOverChannels), typeof(ConvKernelEqualsInput), typeof(ConvKernelLargerThanInputSame),
        typeof(ConvTallKernelLoop), typeof(ConvTallKernelSame), typeof(ConvSeventeenFilters), typeof(ConvSeventyFilters),
        typeof(MaxPoolDefault), typeof(MaxPoolOverlapping), typeof(MaxPoolSameOdd), typeof(MaxPoolSameRectangular),
        typeof(MaxPoolLargeWindow), typeof(MaxPoolStrideLargerThanPool), typeof(AvgPoolDefault), typeof(AvgPoolSameStride2),
        typeof(AvgPoolRectangularStride1), typeof(AvgPoolLargeWindow), typeof(AvgPoolSameLargeRectangular),
        typeof(GlobalAverage), typeof(GlobalMax), typeof(DenseStack), typeof(DenseOddSizes), typeof(FlattenDenseActivation),
        typeof(FlattenOnly), typeof(InputOnly), typeof(ActivationsOnMaps), typeof(MixedRgb), typeof(MnistNet), typeof(ConvPoolFused),
        typeof(MaxPoolThroughReLU), typeof(Activated.DenseLeakyReLU), typeof(Activated.DenseELU), typeof(Activated.DenseSELU),
        typeof(Activated.DenseGELU), typeof(Activated.DenseSwish), typeof(Activated.DenseReLU6), typeof(Activated.DenseSoftplus),
        typeof(Activated.DenseSoftsign), typeof(Activated.DenseHardSigmoid), typeof(Activated.ConvActivations), typeof(Activated.ActivationLayers),
        typeof(Activated.LeakyClassifier), typeof(Graphs.Residual), typeof(Graphs.ConcatenateBranches), typeof(Graphs.EveryMerge),
        typeof(Graphs.InputSkip), typeof(Graphs.SharedBeforeActivation), typeof(Graphs.SharedView), typeof(Resampled.UNetLike),
        typeof(Resampled.Bilinear), typeof(Resampled.Nearest), typeof(Resampled.PadAndCrop), typeof(Resampled.Reshaped),
        typeof(Convolutions.Dilated), typeof(Convolutions.Depthwise), typeof(Convolutions.Separable), typeof(Convolutions.Transposed), typeof(Graphs.SharedAcrossDropout), typeof(Graphs.DropoutOnSkip),
    }.Select(t => new object[] { t });

    [Theory]
    [MemberData(nameof(Networks))]
    public void ShapesAndParameterCountMatchTheReference(Type networkType)
    {
        var reference = ReferenceNetwork.For(networkType);
        INetwork net = TestData.Create(networkType);

        Assert.Equal(reference.InputShape, net.InputShape.Dimensions.ToArray());
        Assert.Equal(reference.OutputShape, net.OutputShape.Dimensions.ToArray());
        Assert.Equal(reference.ParameterCount, net.ParameterCount);
        Assert.Equal(net.InputShape.ElementCount, net.InputLength);
        Assert.Equal(net.OutputShape.ElementCount, net.OutputLength);
        Assert.Equal(net.ParameterCount, net.Parameters.Length);
        Assert.Equal(net.ParameterCount, net.ParameterLayout.Sum(t => t.Length));
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void PredictMatchesTheReference(Type networkType)
    {
        var reference = ReferenceNetwork.For(networkType);
        INetwork net = TestData.Create(networkType);
        TestData.Uniform(net.ParameterCount, seed: 11, -0.5f, 0.5f).CopyTo(net.Parameters); // biases too
        for (int sample = 0; sample < 3; sample++)
        {
            float[] input = TestData.Uniform(net.InputLength, seed: 100 + sample, -2f, 2f);
            double[] expected = reference.Forward(net.Parameters, input);
            float[] actual = TestData.Predict(net, input);
            TestData.AssertClose(expected, actual, what: $"{networkType.Name} sample {sample} output");
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void BatchPredictEqualsOneSampleAtATime(Type networkType)
    {
        INetwork net = TestData.Create(networkType, seed: 5);
        const int batch = 4;
        float[] inputs = TestData.Uniform(batch * net.InputLength, seed: 3);
        var outputs = new float[batch * net.OutputLength];
        net.Predict(inputs, outputs, batch);
        for (int n = 0; n < batch; n++)
        {
            float[] single = TestData.Predict(net, inputs.AsSpan(n * net.InputLength, net.InputLength).ToArray());
            Assert.Equal(single, outputs.AsSpan(n * net.OutputLength, net.OutputLength).ToArray());
        }
    }

    [Fact]
    public void ClassifyReturnsTheArgMaxOfPredict()
    {
        var net = new MnistNet(seed: 3);
        TestData.Uniform(net.Parameters.Length, seed: 4, -0.2f, 0.2f).CopyTo(net.Parameters);
        const int batch = 8;
        float[] inputs = TestData.Uniform(batch * MnistNet.InputLength, seed: 9, 0f, 1f);
        var classes = new int[batch];
        net.Classify(inputs, classes);
        for (int n = 0; n < batch; n++)
        {
            float[] input = inputs.AsSpan(n * MnistNet.InputLength, MnistNet.InputLength).ToArray();
            float[] output = TestData.Predict(net, input);
            int argMax = Array.IndexOf(output, output.Max());
            Assert.Equal(argMax, classes[n]);
            Assert.Equal(argMax, net.Classify(input));
        }

        Assert.True(classes.Distinct().Count() > 1, "random weights should not map every input to one class");
    }
}
