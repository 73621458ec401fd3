using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using NetDsl.Tests.Networks;

namespace NetDsl.Tests;

/// <summary>
/// <c>Load(path, WeightLayout.PyTorch)</c> without Python: state dicts written here, each tensor placed by the index
/// formulas of PyTorch's layouts, load into exactly the network's parameters; bad files fail as <c>Load</c> fails,
/// naming the file's tensors, and change nothing.
/// </summary>
public sealed class PyTorchWeightLayoutTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netdsl-pytorch-layout-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static IEnumerable<object[]> Networks() => new[]
    {
        typeof(MnistNet), typeof(Convolutions.Depthwise), typeof(Convolutions.Separable), typeof(Convolutions.Transposed), typeof(Normalized.BatchNormEverywhere),
        typeof(Normalized.DenseBatchNorm), typeof(NormalizedGraphs.DilatedAndSeparable), typeof(FixedEdgeDigitNet),
    }.Select(t => new object[] { t });

    [Theory]
    [MemberData(nameof(Networks))]
    public void EveryKindOfTensorLoadsFromPyTorchsLayout(Type networkType)
    {
        INetwork net = TestData.Create(networkType);
        float[] expected = TestData.RandomParameters(net, seed: 21);
        var entries = StateDict(net.ParameterLayout, expected).ToList();
        entries.AddRange(net.ParameterLayout.Where(t => t.Name.EndsWith("/moving_mean", StringComparison.Ordinal))
            .Select(t => Entry(t.Name[..t.Name.IndexOf('/')] + ".num_batches_tracked", "I64", Array.Empty<long>(), BitConverter.GetBytes(2L))));
        string path = Write("state.safetensors", entries);

        net.Load(path, WeightLayout.PyTorch);

        Assert.Equal(expected, net.Parameters.ToArray());
    }

    [Fact]
    public void ABadFileFailsNamingItsTensorsAndChangesNothing()
    {
        var net = new MnistNet(seed: 2);
        float[] before = net.Parameters.ToArray();
        List<(string Name, string DType, long[] Shape, byte[] Data)> entries = StateDict(MnistNet.ParameterLayout, before).ToList();
        entries.RemoveAll(e => e.Name == "dense_1.bias");
        int conv = entries.FindIndex(e => e.Name == "conv2d.weight");
        entries[conv] = Entry("conv2d.weight", "F32", new long[] { 32, 1, 9, 1 }, entries[conv].Data);
        int dense = entries.FindIndex(e => e.Name == "dense.bias");
        entries[dense] = Entry("dense.bias", "I16", new long[] { 64 }, new byte[128]);
        entries.Add(Entry("extra.weight", "F32", new long[] { 1 }, new byte[4]));
        string path = Write("bad.safetensors", entries);

        var error = Assert.Throws<InvalidDataException>(() => net.Load(path, WeightLayout.PyTorch));

        Assert.Equal($"The safetensors file '{path}' does not match the network in PyTorch's layout: tensor 'conv2d.weight' has shape [32, 1, 9, 1] but the network "
            + "expects [32, 1, 3, 3]; tensor 'dense.bias' has dtype I16; the network reads floating point (F32, F16, BF16 or F64); missing tensor 'dense_1.bias'; unexpected tensor 'extra.weight'.",
            error.Message);
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void AFileInTheOtherLayoutSaysWhichToLoadItWith()
    {
        var net = new MnistNet(seed: 3);
        float[] before = net.Parameters.ToArray();
        string keras = Path.Combine(_folder, "keras.safetensors");
        net.Save(keras);
        string pytorch = Write("pytorch.safetensors", StateDict(MnistNet.ParameterLayout, before));

        var fromKeras = Assert.Throws<InvalidDataException>(() => net.Load(keras, WeightLayout.PyTorch));
        var fromPyTorch = Assert.Throws<InvalidDataException>(() => net.Load(pytorch));

        Assert.EndsWith("The file names its tensors as Keras's layout does ('conv2d/kernel'): load it with WeightLayout.Keras.", fromKeras.Message);
        Assert.EndsWith("The file names its tensors as PyTorch's layout does ('conv2d.weight'): load it with WeightLayout.PyTorch.", fromPyTorch.Message);
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void AWrappersStateDictSaysWhoseToSave()
    {
        var net = new MnistNet(seed: 6);
        string path = Write("ddp.safetensors", StateDict(MnistNet.ParameterLayout, net.Parameters.ToArray()).Select(e => e with { Name = "module." + e.Name }));

        var error = Assert.Throws<InvalidDataException>(() => net.Load(path, WeightLayout.PyTorch));

        Assert.EndsWith("The file names its tensors 'module.conv2d.weight', ...: it is a DistributedDataParallel or DataParallel wrapper's state dict; "
            + "save the wrapped model's (ddp.module.state_dict()).", error.Message);
    }

    [Fact]
    public void ANonFiniteWeightIsNamedByBothItsNames()
    {
        var net = new MnistNet(seed: 4);
        float[] values = net.Parameters.ToArray();
        values[MnistNet.ParameterLayout.Single(t => t.Name == "dense/kernel").Offset + 1] = float.NaN; // dense/kernel[0, 1]: dense.weight[1, 0]
        string path = Write("nan.safetensors", StateDict(MnistNet.ParameterLayout, values));

        var error = Assert.Throws<InvalidDataException>(() => net.Load(path, WeightLayout.PyTorch));

        Assert.Contains("holds NaN at dense/kernel[1] (from 'dense.weight')", error.Message);
        Assert.NotEqual(values, net.Parameters.ToArray());
    }

    [Fact]
    public void AnUndefinedLayoutIsRejected()
    {
        var net = new MnistNet(seed: 5);
        string path = Path.Combine(_folder, "net.safetensors");
        net.Save(path);

        Assert.Throws<ArgumentOutOfRangeException>(() => net.Load(path, (WeightLayout)7));
    }

    /// <summary>The network's tensors as the state dict of its PyTorch module holds them, each placed by the index
    /// formula of its PyTorch layout.</summary>
    private static IEnumerable<(string Name, string DType, long[] Shape, byte[] Data)> StateDict(IReadOnlyList<ParameterTensor> layout, float[] parameters)
    {
        foreach (ParameterTensor tensor in layout)
        {
            string layer = tensor.Name[..tensor.Name.IndexOf('/')], role = tensor.Name[(tensor.Name.IndexOf('/') + 1)..];
            bool separable = layout.Any(t => t.Name == layer + "/pointwise_kernel");
            float[] k = tensor.Slice((ReadOnlySpan<float>)parameters).ToArray();
            int[] s = tensor.Shape.Dimensions.ToArray();
            var t = new float[k.Length];
            long[] shape;
            if (role is "kernel" or "pointwise_kernel" && s.Length == 4)
            {
                (int h, int w, int i, int o) = (s[0], s[1], s[2], s[3]); // [kh, kw, in, out] (transposed: [kh, kw, out, in])
                for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                for (int a = 0; a < i; a++)
                for (int b = 0; b < o; b++)
                {
                    t[(((((b * i) + a) * h) + y) * w) + x] = k[(((((y * w) + x) * i) + a) * o) + b]; // [out, in, kh, kw]
                }

                shape = new long[] { o, i, h, w };
            }
            else if (role == "kernel")
            {
                (int i, int o) = (s[0], s[1]);
                for (int a = 0; a < i; a++)
                for (int b = 0; b < o; b++)
                {
                    t[(b * i) + a] = k[(a * o) + b]; // [out, in]
                }

                shape = new long[] { o, i };
            }
            else if (role == "depthwise_kernel")
            {
                (int h, int w, int c, int m) = (s[0], s[1], s[2], s[3]);
                for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                for (int a = 0; a < c; a++)
                for (int b = 0; b < m; b++)
                {
                    t[(((((a * m) + b) * h) + y) * w) + x] = k[(((((y * w) + x) * c) + a) * m) + b]; // [in * multiplier, 1, kh, kw]
                }

                shape = new long[] { (long)c * m, 1, h, w };
            }
            else
            {
                t = k;
                shape = new long[] { s[0] };
            }

            string key = role switch
            {
                "kernel" or "gamma" => "weight",
                "pointwise_kernel" => "pointwise.weight",
                "depthwise_kernel" => separable ? "depthwise.weight" : "weight",
                "bias" => separable ? "pointwise.bias" : "bias",
                "beta" => "bias",
                "moving_mean" => "running_mean",
                "moving_variance" => "running_var",
                _ => throw new InvalidOperationException(role),
            };
            yield return Entry(layer + "." + key, "F32", shape, MemoryMarshal.AsBytes(t.AsSpan()).ToArray());
        }
    }

    private static (string Name, string DType, long[] Shape, byte[] Data) Entry(string name, string dtype, long[] shape, byte[] data) => (name, dtype, shape, data);

    /// <summary>A safetensors file, as <c>safetensors.torch.save_file</c> writes one: tensors in name order.</summary>
    private string Write(string name, IEnumerable<(string Name, string DType, long[] Shape, byte[] Data)> entries)
    {
        var header = new Dictionary<string, object> { ["__metadata__"] = new Dictionary<string, string> { ["format"] = "pt" } };
        var data = new MemoryStream();
        foreach ((string tensor, string dtype, long[] shape, byte[] bytes) in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            header[tensor] = new { dtype, shape, data_offsets = new[] { data.Length, data.Length + bytes.Length } };
            data.Write(bytes);
        }

        byte[] json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        string path = Path.Combine(_folder, name);
        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes((ulong)json.Length));
        file.Write(json);
        data.WriteTo(file);
        return path;
    }
}
