using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NetDsl.Tests.Networks;

namespace NetDsl.Tests;

/// <summary>
/// <c>ExportOnnx</c>: every test network, with random weights, exported and run by ONNX Runtime on a batch of random
/// channels-last inputs, gives what <c>Predict</c> gives (1e-4).
/// </summary>
public sealed class OnnxExportTests
{
    public static IEnumerable<object[]> Networks() => ForwardTests.Networks().Concat(new[]
    {
        typeof(Normalized.ConvBatchNormReLU), typeof(Normalized.DenseBatchNorm), typeof(Normalized.BatchNormEverywhere),
        typeof(Normalized.TwoInARow), typeof(Normalized.BareBatchNorm), typeof(Normalized.Everything), typeof(NormalizedDigitNet),
        typeof(Dropped.VectorDropout), typeof(Dropped.ChannelDropout), typeof(Dropped.ConvDropout), typeof(Dropped.SpatialThenSwish),
        typeof(Dropped.InputDropout), typeof(NormalizedGraphs.ResidualBlock), typeof(NormalizedGraphs.InputNormalizedAndSkipped),
        typeof(NormalizedGraphs.DilatedAndSeparable), typeof(FixedEdgeDigitNet), typeof(RectangularBlurs), typeof(AsymmetricKernel), typeof(FrozenInTheMiddle),
    }.Select(t => new object[] { t }));

    [Theory]
    [MemberData(nameof(Networks))]
    public void OnnxRuntimeGivesWhatPredictGives(Type networkType)
    {
        INetwork net = TestData.Create(networkType, seed: 3);
        RandomizeParameters(net);
        const int Batch = 3;
        float[] inputs = TestData.Uniform(Batch * net.InputLength, seed: 21, -2f, 2f);
        var expected = new float[Batch * net.OutputLength];
        net.Predict(inputs, expected, Batch);

        float[] actual = RunInOnnxRuntime(Export(net), net, inputs, Batch, out int[] outputShape);

        Assert.Equal(new[] { Batch }.Concat(net.OutputShape.Dimensions.ToArray()), outputShape);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = 1e-4 * Math.Max(1, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{networkType.Name}: output {i} is {actual[i]} in ONNX Runtime, {expected[i]} in NetDsl");
        }
    }

    [Fact]
    public void ExportToAFileNamesTheInputAndOutputAsKerasDoes()
    {
        var net = new MnistNet(seed: 4);
        string path = Path.Combine(Path.GetTempPath(), "netdsl-export-" + Guid.NewGuid().ToString("N") + ".onnx");
        try
        {
            net.ExportOnnx(path);
            using var session = new InferenceSession(path);
            NodeMetadata input = session.InputMetadata["input_layer"];
            Assert.Equal(new[] { -1, 28, 28, 1 }, input.Dimensions);
            Assert.Equal("N", input.SymbolicDimensions[0]);
            Assert.Equal(new[] { -1, 10 }, session.OutputMetadata["dense_1"].Dimensions);

            // A real digit: the same class, the same probabilities.
            float[] digit = TestData.Uniform(MnistNet.InputLength, seed: 8, 0f, 1f);
            float[] onnx = RunInOnnxRuntime(File.ReadAllBytes(path), net, digit, 1, out _);
            float[] netDsl = TestData.Predict(net, digit);
            Assert.Equal(netDsl.Select(v => Math.Round(v, 4)), onnx.Select(v => Math.Round(v, 4)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Random weights everywhere (biases and BatchNormalization's statistics too), variances positive.</summary>
    private static void RandomizeParameters(INetwork net)
    {
        TestData.Uniform(net.ParameterCount, seed: 17, -0.5f, 0.5f).CopyTo(net.Parameters);
        foreach (ParameterTensor tensor in net.ParameterLayout.Where(t => t.Name.EndsWith("/moving_variance", StringComparison.Ordinal)))
        {
            TestData.Uniform(tensor.Length, seed: 19, 0.5f, 1.5f).CopyTo(tensor.Slice(net.Parameters));
        }
    }

    private static byte[] Export(INetwork net)
    {
        using var stream = new MemoryStream();
        net.GetType().GetMethod("ExportOnnx", new[] { typeof(Stream) })!.Invoke(net, new object[] { stream });
        return stream.ToArray();
    }

    private static float[] RunInOnnxRuntime(byte[] model, INetwork net, float[] inputs, int batch, out int[] outputShape)
    {
        using var session = new InferenceSession(model);
        int[] dimensions = new[] { batch }.Concat(net.InputShape.Dimensions.ToArray()).ToArray();
        var tensor = new DenseTensor<float>(inputs, dimensions);
        string inputName = session.InputMetadata.Keys.Single();
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(inputName, tensor) });
        Tensor<float> output = results.Single().AsTensor<float>();
        outputShape = output.Dimensions.ToArray();
        return output.ToArray();
    }
}
