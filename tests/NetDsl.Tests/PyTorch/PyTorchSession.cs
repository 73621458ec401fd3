using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using N = NetDsl.Tests.Networks;

namespace NetDsl.Tests.PyTorch;

/// <summary>
/// One run of <c>pytorch_interop.py</c> over every network of <see cref="Networks"/>: for each, this writes the
/// generated <c>PyTorchModule</c>, NetDsl's weights (random, every tensor mattering) and a batch of inputs into a
/// temporary folder; Python writes its outputs, its trained weights in both layouts and its initialisation
/// statistics beside them. The tests then compare.
/// </summary>
public sealed class PyTorchSession : IDisposable
{
    public const int Batch = 4;

    public PyTorchSession()
    {
        if (PythonWithTorch.Executable is not { } python)
        {
            return;
        }

        Folder = Directory.CreateTempSubdirectory("netdsl-pytorch-").FullName;
        var manifest = new List<object>();
        for (int index = 0; index < Networks.Count; index++)
        {
            Type type = Networks[index];
            INetwork net = CreateWithWeights(type);
            net.Save(PathOf(type, "netdsl.safetensors"));
            string source = ModuleSource(type);
            File.WriteAllText(Path.Combine(Folder, "net_" + index + ".py"), source);
            File.WriteAllBytes(PathOf(type, "input.bin"), MemoryMarshal.AsBytes(Inputs(type).AsSpan()).ToArray());
            manifest.Add(new
            {
                index,
                module = "net_" + index,
                @class = Regex.Match(source, @"^class (\w+)\(nn\.Module\):", RegexOptions.Multiline).Groups[1].Value,
                input = net.InputShape.Dimensions.ToArray(),
            });
        }

        File.WriteAllText(Path.Combine(Folder, "manifest.json"), JsonSerializer.Serialize(manifest));
        string script = Path.Combine(AppContext.BaseDirectory, "PyTorch", "pytorch_interop.py");
        (int exitCode, string output) = PythonWithTorch.Run(python, new[] { script, Folder }, Folder, TimeSpan.FromMinutes(15));
        string results = Path.Combine(Folder, "results.json");
        if (exitCode != 0 || !File.Exists(results))
        {
            Failure = $"{python} {script} failed with exit code {exitCode}:\n{output}";
            return;
        }

        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(results));
        TorchVersion = document.RootElement.GetProperty("torch").GetString();
        foreach (JsonProperty network in document.RootElement.GetProperty("networks").EnumerateObject())
        {
            Results[Networks[int.Parse(network.Name)]] = network.Value.Clone();
        }
    }

    /// <summary>Every network with layers that have a PyTorch form: ForwardTests' (every layer kind, graphs),
    /// BatchNormalization in every position, the dropouts, the loss outputs, and this feature's own.</summary>
    public static IReadOnlyList<Type> Networks { get; } = ForwardTests.Networks().Select(n => (Type)n[0]).Concat(new[]
    {
        typeof(N.Normalized.ConvBatchNormReLU), typeof(N.Normalized.DenseBatchNorm), typeof(N.Normalized.BatchNormEverywhere),
        typeof(N.Normalized.TwoInARow), typeof(N.Normalized.BareBatchNorm), typeof(N.Normalized.Everything), typeof(N.NormalizedDigitNet),
        typeof(N.NormalizedGraphs.ResidualBlock), typeof(N.NormalizedGraphs.InputNormalizedAndSkipped), typeof(N.NormalizedGraphs.DilatedAndSeparable),
        typeof(N.Dropped.VectorDropout), typeof(N.Dropped.ChannelDropout), typeof(N.Dropped.ConvDropout), typeof(N.Dropped.SpatialThenSwish),
        typeof(N.Dropped.InputDropout), typeof(N.Losses.Linear), typeof(N.Losses.Sigmoid), typeof(N.Losses.ClassAndBox),
        typeof(N.MnistNetInline), typeof(N.MnistNetFromFile), typeof(N.PyTorchNetworks.InitializationProbe), typeof(N.PyTorchNetworks.NameClashes),
        typeof(N.PyTorchNetworks.EveryKind), typeof(N.PyTorchNetworks.Views),
    }).ToArray();

    public static IEnumerable<object[]> NetworkData() => Networks.Select(t => new object[] { t });

    /// <summary>The folder of the files both sides write (deleted at the end).</summary>
    public string? Folder { get; }

    /// <summary>Why the Python run failed as a whole, or null.</summary>
    public string? Failure { get; }

    public string? TorchVersion { get; }

    /// <summary>What Python recorded for each network: <c>loss</c> and <c>initialization</c>, or <c>error</c>.</summary>
    public Dictionary<Type, JsonElement> Results { get; } = new();

    /// <summary>The network with the weights this session gave it.</summary>
    public static INetwork CreateWithWeights(Type type)
    {
        INetwork net = TestData.Create(type, seed: 1);
        TestData.RandomParameters(net, seed: 7).CopyTo(net.Parameters);
        return net;
    }

    /// <summary>The inputs of <paramref name="type"/>: a batch, each sample channels-last.</summary>
    public static float[] Inputs(Type type)
    {
        INetwork net = TestData.Create(type);
        return TestData.Uniform(Batch * net.InputLength, seed: 17, -2f, 2f);
    }

    /// <summary>The generated <c>PyTorchModule</c> constant of <paramref name="type"/>.</summary>
    public static string ModuleSource(Type type) =>
        (string)type.GetField("PyTorchModule", BindingFlags.Public | BindingFlags.Static)!.GetRawConstantValue()!;

    /// <summary>A file of the network's in the session's folder: <c>12.torch.bin</c>.</summary>
    public string PathOf(Type type, string suffix)
    {
        int index = Networks.ToList().IndexOf(type);
        return Path.Combine(Folder!, index + "." + suffix);
    }

    /// <summary>The floats Python wrote.</summary>
    public float[] ReadFloats(Type type, string suffix) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(PathOf(type, suffix))).ToArray();

    /// <summary>The network's results, failing the test with Python's message when its run failed.</summary>
    public JsonElement ResultOf(Type type)
    {
        Assert.True(Failure is null, Failure);
        Assert.True(Results.TryGetValue(type, out JsonElement result), $"Python recorded nothing for {type.Name}.");
        if (result.TryGetProperty("error", out JsonElement error))
        {
            Assert.Fail($"PyTorch failed on {type.Name}'s module:\n{error.GetString()}");
        }

        return result;
    }

    public void Dispose()
    {
        if (Folder is not null && Environment.GetEnvironmentVariable("NETDSL_KEEP_PYTORCH_FILES") != "1")
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
