using System;
using NetDsl.Tests.Networks;

namespace NetDsl.Tests;

/// <summary>The seed model written three ways (attributes, inline text, a .netdsl file) is one network.</summary>
public sealed class DslTwinTests
{
    [Fact]
    public void AllThreeHostsDescribeTheSameNetwork()
    {
        Assert.Equal(MnistNet.Summary.Replace("MnistNet", "X"), MnistNetInline.Summary.Replace("MnistNetInline", "X"));
        Assert.Equal(MnistNet.Summary.Replace("MnistNet", "X"), MnistNetFromFile.Summary.Replace("MnistNetFromFile", "X"));
        Assert.Equal(MnistNet.Architecture, MnistNetInline.Architecture);
        Assert.Equal(MnistNet.Architecture, MnistNetFromFile.Architecture);
        Assert.Equal(MnistNet.ParameterCount, MnistNetFromFile.ParameterCount);
        Assert.True(typeof(MnistNetFromFile).IsPublic);
    }

    [Fact]
    public void AllThreeHostsPredictAndTrainTheSame()
    {
        var attributes = new MnistNet(seed: 3) { MaxDegreeOfParallelism = 1 };
        var inline = new MnistNetInline(seed: 3) { MaxDegreeOfParallelism = 1 };
        var file = new MnistNetFromFile(seed: 3) { MaxDegreeOfParallelism = 1 };
        Assert.Equal(attributes.Parameters.ToArray(), inline.Parameters.ToArray());
        Assert.Equal(attributes.Parameters.ToArray(), file.Parameters.ToArray());

        float[] inputs = TestData.Uniform(4 * MnistNet.InputLength, seed: 8, 0f, 1f);
        int[] labels = { 1, 2, 3, 4 };
        var expected = new float[4 * MnistNet.OutputLength];
        attributes.Predict(inputs, expected, 4);
        foreach (INetwork twin in new INetwork[] { inline, file })
        {
            var outputs = new float[expected.Length];
            twin.Predict(inputs, outputs, 4);
            Assert.Equal(expected, outputs);

            var g1 = new float[MnistNet.ParameterCount];
            var g2 = new float[MnistNet.ParameterCount];
            Assert.Equal(attributes.ComputeGradients(inputs, labels, g1), twin.ComputeGradients(inputs, labels, g2));
            Assert.Equal(g1, g2);
        }
    }
}
