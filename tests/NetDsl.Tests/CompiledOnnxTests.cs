using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NetDsl.Tests.Networks;

namespace NetDsl.Tests;

/// <summary>
/// <c>[Network(Onnx = ...)]</c>: a model exported from PyTorch, compiled by NetDsl with its weights embedded, predicts
/// what ONNX Runtime predicts from the same file (1e-4), with the model's NCHW input given channels-last.
/// </summary>
public sealed class CompiledOnnxTests
{
    public static IEnumerable<object[]> Models() => new (Type Network, string File)[]
    {
        (typeof(Imported.SeedMnist), "seed-mnist-nchw.onnx"),
        (typeof(Imported.Residual), "residual.onnx"),
        (typeof(Imported.Decoder), "decoder.onnx"),
        (typeof(Imported.Pooling), "pooling.onnx"),
        (typeof(Imported.Depthwise), "depthwise.onnx"),
        (typeof(Imported.ChannelsLast), "channels-last.onnx"),
    }.Select(m => new object[] { m.Network, m.File });

    [Theory]
    [MemberData(nameof(Models))]
    public void PretrainedPredictsWhatOnnxRuntimePredicts(Type network, string file)
    {
        var net = (INetwork)network.GetMethod("Pretrained")!.Invoke(null, null)!;
        using var session = new InferenceSession(Path.Combine(AppContext.BaseDirectory, "onnx", file));
        const int Batch = 3;
        int[] onnxInput = new[] { Batch }.Concat(session.InputMetadata.Values.Single().Dimensions.Skip(1)).ToArray();
        float[] inputs = TestData.Uniform(Batch * net.InputLength, seed: 31, -1f, 1f);

        // NetDsl takes channels-last; the model's own layout is given to ONNX Runtime.
        float[] modelInputs = ToModelLayout(inputs, net.InputShape.Dimensions.ToArray(), onnxInput);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(new[]
        {
            NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(), new DenseTensor<float>(modelInputs, onnxInput)),
        });
        Tensor<float> onnxOutput = results.First().AsTensor<float>();

        var outputs = new float[Batch * net.OutputLength];
        net.Predict(inputs, outputs, Batch);
        float[] expected = ToModelLayout(outputs, net.OutputShape.Dimensions.ToArray(), onnxOutput.Dimensions.ToArray());
        float[] actual = onnxOutput.ToArray();
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]) / Math.Max(1, Math.Abs(actual[i])));
        }

        Assert.True(worst <= 1e-4, $"{file}: NetDsl differs from ONNX Runtime by up to {worst:E2}");
    }

    [Fact]
    public void TheSeedModelKeepsItsArchitectureAndParameterCount()
    {
        Assert.Equal(93_322, Imported.SeedMnist.ParameterCount);
        Assert.Equal(new[] { 28, 28, 1 }, Imported.SeedMnist.InputShape.Dimensions.ToArray());
        Assert.Equal(new[] { 10 }, Imported.SeedMnist.OutputShape.Dimensions.ToArray());
        Assert.Contains("Total params: 93,322", Imported.SeedMnist.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void EachPretrainedNetworkIsItsOwn()
    {
        var first = Imported.SeedMnist.Pretrained();
        var second = Imported.SeedMnist.Pretrained();
        float original = second.Parameters[5];
        first.Parameters[5] += 1;
        Assert.Equal(original, second.Parameters[5]);
    }

    /// <summary>NetDsl's channels-last batch in the model's layout: transposed to NCHW when the model's dimensions
    /// are the map's channels first, else as it is.</summary>
    private static float[] ToModelLayout(float[] values, int[] netDsl, int[] model)
    {
        if (netDsl.Length != 3 || model.Length != 4 || (model[1] == netDsl[0] && model[2] == netDsl[1] && model[3] == netDsl[2]))
        {
            return values;
        }

        Assert.Equal(new[] { netDsl[2], netDsl[0], netDsl[1] }, model.Skip(1));
        int h = netDsl[0], w = netDsl[1], c = netDsl[2], n = values.Length / (h * w * c);
        var result = new float[values.Length];
        for (int s = 0; s < n; s++)
        {
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    for (int k = 0; k < c; k++)
                    {
                        result[(((s * c) + k) * h + y) * w + x] = values[(((s * h) + y) * w + x) * c + k];
                    }
                }
            }
        }

        return result;
    }
}
