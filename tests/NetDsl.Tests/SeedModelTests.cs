using System;
using System.Linq;
using NetDsl.Tests.Networks;

namespace NetDsl.Tests;

/// <summary>The classic Keras MNIST CNN: the facts Keras prints for it, and the generated API's contract.</summary>
public sealed class SeedModelTests
{
    [Fact]
    public void ShapesAndParameterCountAreKeras()
    {
        Assert.Equal(784, MnistNet.InputLength);
        Assert.Equal(10, MnistNet.OutputLength);
        Assert.Equal(93_322, MnistNet.ParameterCount);
        Assert.Equal(new TensorShape(28, 28, 1), MnistNet.InputShape);
        Assert.Equal(new TensorShape(10), MnistNet.OutputShape);
        Assert.Equal("(28, 28, 1)", MnistNet.InputShape.ToString());
        Assert.Equal("(10,)", MnistNet.OutputShape.ToString());
    }

    [Fact]
    public void SummaryListsKerasNamesShapesAndCounts()
    {
        string[] lines = MnistNet.Summary.Split('\n');
        Assert.Equal("Model: \"MnistNet\"", lines[0]);
        Assert.StartsWith("Layer (type)", lines[2]);
        Assert.Contains("Output Shape", lines[2]);
        Assert.Contains("Param #", lines[2]);
        (string Name, string Shape, int Params)[] expected =
        {
            ("conv2d (Conv2D)", "(None, 26, 26, 32)", 320),
            ("max_pooling2d (MaxPooling2D)", "(None, 13, 13, 32)", 0),
            ("conv2d_1 (Conv2D)", "(None, 11, 11, 64)", 18_496),
            ("max_pooling2d_1 (MaxPooling2D)", "(None, 5, 5, 64)", 0),
            ("conv2d_2 (Conv2D)", "(None, 3, 3, 64)", 36_928),
            ("flatten (Flatten)", "(None, 576)", 0),
            ("dense (Dense)", "(None, 64)", 36_928),
            ("dense_1 (Dense)", "(None, 10)", 650),
        };
        // Columns start where the header's titles start, as in Keras.
        int shapeColumn = lines[2].IndexOf("Output Shape", StringComparison.Ordinal);
        int paramColumn = lines[2].IndexOf("Param #", StringComparison.Ordinal);
        string[] rows = lines.Where(l => l.Contains("(None")).ToArray();
        Assert.Equal(expected.Length, rows.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            string[] fields =
            {
                rows[i][..shapeColumn].Trim(),
                rows[i][shapeColumn..paramColumn].Trim(),
                rows[i][paramColumn..].Trim(),
            };
            Assert.Equal(new[] { expected[i].Name, expected[i].Shape, expected[i].Params.ToString() }, fields);
        }

        Assert.Contains("Total params: 93,322", lines);
        Assert.Contains("Trainable params: 93,322", lines);
        Assert.Contains("Non-trainable params: 0", lines);
        Assert.All(lines.Skip(1), line => Assert.True(line.StartsWith("Total") || line.StartsWith("Trainable") || line.StartsWith("Non-") || line.Length == lines[1].Length, $"ragged line '{line}'"));
    }

    [Fact]
    public void ParameterLayoutIsKerasNamesAndShapesInOrder()
    {
        (string Name, int[] Shape)[] expected =
        {
            ("conv2d/kernel", new[] { 3, 3, 1, 32 }), ("conv2d/bias", new[] { 32 }),
            ("conv2d_1/kernel", new[] { 3, 3, 32, 64 }), ("conv2d_1/bias", new[] { 64 }),
            ("conv2d_2/kernel", new[] { 3, 3, 64, 64 }), ("conv2d_2/bias", new[] { 64 }),
            ("dense/kernel", new[] { 576, 64 }), ("dense/bias", new[] { 64 }),
            ("dense_1/kernel", new[] { 64, 10 }), ("dense_1/bias", new[] { 10 }),
        };
        Assert.Equal(expected.Select(e => e.Name), MnistNet.ParameterLayout.Select(t => t.Name));
        int offset = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            ParameterTensor tensor = MnistNet.ParameterLayout[i];
            Assert.Equal(expected[i].Shape, tensor.Shape.Dimensions.ToArray());
            Assert.Equal(offset, tensor.Offset);
            Assert.Equal(expected[i].Shape.Aggregate(1, (a, b) => a * b), tensor.Length);
            offset += tensor.Length;
        }

        Assert.Equal(MnistNet.ParameterCount, offset);
        Assert.Throws<NotSupportedException>(() => ((System.Collections.Generic.IList<ParameterTensor>)MnistNet.ParameterLayout).Add(MnistNet.ParameterLayout[0]));
    }

    [Fact]
    public void ConstructorsUseKerasDefaultInitialisation()
    {
        var net = new MnistNet(seed: 123);
        foreach (ParameterTensor tensor in MnistNet.ParameterLayout)
        {
            float[] values = tensor.Slice(net.Parameters).ToArray();
            if (tensor.Name.EndsWith("/bias", StringComparison.Ordinal))
            {
                Assert.All(values, v => Assert.Equal(0f, v));
                continue;
            }

            (long fanIn, long fanOut) = NetworkInitializer.ComputeFans(tensor.Shape);
            double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
            Assert.All(values, v => Assert.InRange(v, -limit, limit));
            // Uniform on [-limit, limit]: mean 0, variance limit^2 / 3.
            double mean = values.Average(v => (double)v);
            double variance = values.Average(v => (v - mean) * (v - mean));
            Assert.InRange(mean, -limit / 5, limit / 5);
            Assert.InRange(variance, limit * limit / 3 * 0.8, limit * limit / 3 * 1.2);
        }
    }

    [Fact]
    public void SameSeedSameWeightsOtherSeedOtherWeights()
    {
        Assert.Equal(new MnistNet(7).Parameters.ToArray(), new MnistNet(7).Parameters.ToArray());
        Assert.NotEqual(new MnistNet(7).Parameters.ToArray(), new MnistNet(8).Parameters.ToArray());
        Assert.NotEqual(new MnistNet().Parameters.ToArray(), new MnistNet().Parameters.ToArray());
    }

    [Fact]
    public void PredictGivesAProbabilityDistribution()
    {
        var net = new MnistNet(1);
        float[] output = TestData.Predict(net, TestData.Uniform(MnistNet.InputLength, 2, 0f, 1f));
        Assert.All(output, p => Assert.InRange(p, 0f, 1f));
        Assert.Equal(1.0, output.Sum(), 5);
    }

#pragma warning disable NDSL0100 // these calls pass wrong lengths on purpose, to test the run-time errors
    [Fact]
    public void WrongSpanLengthsThrowNamingTheExpectedLength()
    {
        var net = new MnistNet(1);
        ArgumentException input = Assert.Throws<ArgumentException>(() => net.Predict(new float[783], new float[10]));
        Assert.Equal("input", input.ParamName);
        Assert.Contains("784", input.Message);
        Assert.Contains("783", input.Message);

        ArgumentException output = Assert.Throws<ArgumentException>(() => net.Predict(new float[784], new float[9]));
        Assert.Equal("output", output.ParamName);
        Assert.Contains("10", output.Message);

        ArgumentException batch = Assert.Throws<ArgumentException>(() => net.Predict(new float[784 * 3], new float[30], 2));
        Assert.Equal("inputs", batch.ParamName);
        Assert.Contains("1568", batch.Message);

        Assert.Throws<ArgumentOutOfRangeException>(() => net.Predict(new float[0], new float[0], -1));
        Assert.Throws<ArgumentException>(() => net.Classify(new float[10]));
        Assert.Throws<ArgumentException>(() => net.Classify(new float[784 * 2], new int[3]));
    }
#pragma warning restore NDSL0100

    [Fact]
    public void PredictDoesNotAllocateOnceConstructed()
    {
        var net = new MnistNet(1);
        float[] input = TestData.Uniform(MnistNet.InputLength, 2, 0f, 1f);
        float[] inputs = TestData.Uniform(4 * MnistNet.InputLength, 3, 0f, 1f);
        var output = new float[MnistNet.OutputLength];
        var outputs = new float[4 * MnistNet.OutputLength];
        var classes = new int[4];
        for (int i = 0; i < 50; i++)
        {
            // Warm up past the JIT's tiering (statics, call counting, on-stack replacement).
            net.Predict(input, output);
            net.Predict(inputs, outputs, 4);
            net.Classify(input);
            net.Classify(inputs, classes);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            net.Predict(input, output);
            net.Predict(inputs, outputs, 4);
            net.Classify(input);
            net.Classify(inputs, classes);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void ImplementsINetworkConsistently()
    {
        INetwork net = new MnistNet(1);
        Assert.Equal(MnistNet.InputLength, net.InputLength);
        Assert.Equal(MnistNet.OutputLength, net.OutputLength);
        Assert.Equal(MnistNet.ParameterCount, net.ParameterCount);
        Assert.Same(MnistNet.InputShape, net.InputShape);
        Assert.Same(MnistNet.OutputShape, net.OutputShape);
        Assert.Same(MnistNet.ParameterLayout, net.ParameterLayout);
        Assert.Same(MnistNet.Summary, net.Summary);
    }
}
