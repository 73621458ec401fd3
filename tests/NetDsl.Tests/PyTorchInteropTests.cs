using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using NetDsl.Tests.Networks;
using NetDsl.Tests.PyTorch;
using Xunit.Abstractions;

namespace NetDsl.Tests;

/// <summary>
/// The generated <c>PyTorchModule</c> of every test network, run by PyTorch (<see cref="PyTorchSession"/>): it
/// computes what Predict computes from NetDsl's weights (read by its <c>load_netdsl</c>); weights trained in PyTorch
/// come back through <c>Load(path, WeightLayout.PyTorch)</c> and through its <c>save_netdsl</c>, predicting what
/// PyTorch predicts; <c>logits=True</c> leaves out exactly the final softmax or sigmoid; and a new module starts
/// from Keras's initialisation. Skipped, saying why, where no Python imports torch.
/// </summary>
public sealed class PyTorchInteropTests : IClassFixture<PyTorchSession>
{
    /// <summary>Largest difference allowed, relative to the value where it exceeds 1.</summary>
    private const double Tolerance = 1e-4;

    private readonly PyTorchSession _session;
    private readonly ITestOutputHelper _output;

    public PyTorchInteropTests(PyTorchSession session, ITestOutputHelper output)
    {
        _session = session;
        _output = output;
    }

    [PyTorchTheory]
    [MemberData(nameof(PyTorchSession.NetworkData), MemberType = typeof(PyTorchSession))]
    public void TheModuleComputesWhatPredictComputes(Type networkType)
    {
        _session.ResultOf(networkType);
        INetwork net = PyTorchSession.CreateWithWeights(networkType);
        float[] predicted = PredictBatch(net, PyTorchSession.Inputs(networkType));
        AssertClose(predicted, _session.ReadFloats(networkType, "torch.bin"), networkType.Name + ": PyTorch's output from NetDsl's weights");
    }

    [PyTorchTheory]
    [MemberData(nameof(PyTorchSession.NetworkData), MemberType = typeof(PyTorchSession))]
    public void WeightsTrainedInPyTorchLoadInPyTorchsLayout(Type networkType)
    {
        _session.ResultOf(networkType);
        INetwork net = TestData.Create(networkType, seed: 3);
        net.Load(_session.PathOf(networkType, "pytorch.safetensors"), WeightLayout.PyTorch);
        float[] pytorch = _session.ReadFloats(networkType, "trained.bin");
        AssertClose(PredictBatch(net, PyTorchSession.Inputs(networkType)), pytorch, networkType.Name + ": Predict after Load(state dict, WeightLayout.PyTorch)");

        INetwork saved = TestData.Create(networkType, seed: 4);
        saved.Load(_session.PathOf(networkType, "saved.safetensors"));
        Assert.Equal(net.Parameters.ToArray(), saved.Parameters.ToArray());

        bool trainable = net.ParameterLayout.Any(t => t.Trainable);
        if (trainable)
        {
            Assert.NotEqual(PyTorchSession.CreateWithWeights(networkType).Parameters.ToArray(), net.Parameters.ToArray());
        }
    }

    [PyTorchFact]
    public void LogitsLeaveOutTheFinalSoftmaxOrSigmoidOnly()
    {
        (Type Network, string Loss)[] expected =
        {
            (typeof(MnistNet), "cross_entropy"), (typeof(Resampled.UNetLike), "cross_entropy"), (typeof(ConvSoftmaxOverChannels), "cross_entropy"),
            (typeof(Normalized.Everything), "cross_entropy"), (typeof(MixedRgb), "cross_entropy"), (typeof(Losses.Sigmoid), "binary_cross_entropy"),
            (typeof(DenseOddSizes), "binary_cross_entropy"), (typeof(PyTorchNetworks.NameClashes), "binary_cross_entropy"), (typeof(Losses.Linear), "mse"),
            (typeof(Losses.ClassAndBox), "mse"), (typeof(Resampled.Reshaped), "mse"), (typeof(InputOnly), "mse"),
        };
        foreach ((Type network, string loss) in expected)
        {
            Assert.True(loss == _session.ResultOf(network).GetProperty("loss").GetString(), network.Name + " should train with " + loss);
        }
    }

    [PyTorchFact]
    public void WeightsTrainedWithDistributedDataParallelComeBack()
    {
        // The cluster recipe on two CPU processes: BatchNormalization (buffers broadcast from rank 0), both dropouts.
        Type type = typeof(Normalized.Everything);
        string folder = Directory.CreateTempSubdirectory("netdsl-ddp-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "everything.py"), PyTorchSession.ModuleSource(type));
            float[] inputs = PyTorchSession.Inputs(type);
            File.WriteAllBytes(Path.Combine(folder, "input.bin"), MemoryMarshal.AsBytes(inputs.AsSpan()).ToArray());
            string script = Path.Combine(AppContext.BaseDirectory, "PyTorch", "ddp_training.py");
            (int exitCode, string output) = PythonWithTorch.Run(PythonWithTorch.Executable!, new[] { script, folder, "everything", "Everything", "8", "8", "1" }, folder, TimeSpan.FromMinutes(5));
            Assert.True(exitCode == 0, output);

            INetwork net = TestData.Create(type);
            net.Load(Path.Combine(folder, "ddp.pytorch.safetensors"), WeightLayout.PyTorch);
            float[] pytorch = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(folder, "ddp.outputs.bin"))).ToArray();
            AssertClose(PredictBatch(net, inputs), pytorch, "Everything trained with DistributedDataParallel");
            INetwork saved = TestData.Create(type);
            saved.Load(Path.Combine(folder, "ddp.netdsl.safetensors"));
            Assert.Equal(net.Parameters.ToArray(), saved.Parameters.ToArray());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [PyTorchFact]
    public void TorchScriptCompilesTheModules()
    {
        var scripted = PyTorchSession.Networks.Select(t => (t.Name, Difference: _session.ResultOf(t).GetProperty("scripted"))).ToList();
        foreach ((string name, JsonElement difference) in scripted.Where(s => s.Difference.ValueKind != JsonValueKind.Null))
        {
            Assert.True(difference.GetDouble() == 0, $"{name}: torch.jit.script's module differs from the module by {difference.GetDouble()}");
        }

        // Only a layer named like one of nn.Module's members (self._modules["forward"]) keeps TorchScript out.
        Assert.Equal(new[] { nameof(PyTorchNetworks.NameClashes) }, scripted.Where(s => s.Difference.ValueKind == JsonValueKind.Null).Select(s => s.Name));
    }

    [PyTorchFact]
    public void ANewModuleStartsFromKerasInitialization()
    {
        foreach (Type network in new[] { typeof(PyTorchNetworks.InitializationProbe), typeof(MnistNet), typeof(Normalized.Everything) })
        {
            JsonElement statistics = _session.ResultOf(network).GetProperty("initialization");
            INetwork netDsl = TestData.Create(network, seed: 5);
            float[] parameters = netDsl.Parameters.ToArray();
            foreach (ParameterTensor tensor in netDsl.ParameterLayout)
            {
                JsonElement s = statistics.GetProperty(tensor.Name);
                double std = s.GetProperty("std").GetDouble(), min = s.GetProperty("min").GetDouble(), max = s.GetProperty("max").GetDouble();
                switch (tensor.Initializer)
                {
                    case ParameterInitializer.Zeros:
                        Assert.True(min == 0 && max == 0, $"{network.Name} {tensor.Name} should be zeros: [{min}, {max}]");
                        break;
                    case ParameterInitializer.Ones:
                        Assert.True(min == 1 && max == 1, $"{network.Name} {tensor.Name} should be ones: [{min}, {max}]");
                        break;
                    default:
                        (long fanIn, long fanOut) = NetworkInitializer.ComputeFans(tensor.Shape);
                        double limit = Math.Sqrt(6.0 / (fanIn + fanOut)), glorot = Math.Sqrt(2.0 / (fanIn + fanOut));
                        double netDslStd = StandardDeviation(tensor.Slice((ReadOnlySpan<float>)parameters));
                        _output.WriteLine($"{network.Name} {tensor.Name} {tensor.Shape}: std {std:F5} in PyTorch, {netDslStd:F5} in NetDsl, Glorot {glorot:F5} "
                            + $"(ratios {std / glorot:F3}, {netDslStd / glorot:F3}); largest |w| {Math.Max(-min, max):F5} <= limit {limit:F5}");
                        Assert.True(Math.Max(-min, max) <= limit * (1 + 1e-6), $"{network.Name} {tensor.Name}: a value beyond Glorot's limit {limit}: [{min}, {max}]");
                        if (tensor.Length >= 500)
                        {
                            Assert.True(Math.Abs((std / glorot) - 1) < 0.1, $"{network.Name} {tensor.Name}: std {std} is not within 10% of Glorot's {glorot}");
                        }

                        break;
                }
            }
        }
    }

    private static double StandardDeviation(ReadOnlySpan<float> values)
    {
        double mean = 0, square = 0;
        foreach (float v in values)
        {
            mean += v;
            square += (double)v * v;
        }

        mean /= values.Length;
        return Math.Sqrt(Math.Max(0, (square / values.Length) - (mean * mean)));
    }

    private static float[] PredictBatch(INetwork net, float[] inputs)
    {
        int batch = inputs.Length / net.InputLength;
        var outputs = new float[batch * net.OutputLength];
        net.Predict(inputs, outputs, batch);
        return outputs;
    }

    /// <summary>Element-wise, within <see cref="Tolerance"/> times the larger of 1 and the expected value;
    /// prints the largest differences.</summary>
    private void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double largest = 0, largestScaled = 0;
        int worst = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs((double)actual[i] - expected[i]), scaled = difference / Math.Max(1, Math.Abs(expected[i]));
            largest = Math.Max(largest, difference);
            if (!(scaled <= largestScaled))
            {
                largestScaled = scaled;
                worst = i;
            }
        }

        _output.WriteLine($"{what}: largest difference {largest:E2} ({largestScaled:E2} relative to max(1, |value|)) over {expected.Length} values");
        if (largestScaled > Tolerance)
        {
            Assert.Fail($"{what}: value {worst} is {actual[worst]:R}, expected {expected[worst]:R} (difference {largestScaled:E2} > {Tolerance}).");
        }
    }
}
