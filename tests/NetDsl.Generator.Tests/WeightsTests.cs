extern alias Generator;

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetDsl.Generator.Tests.Infrastructure;
using GeneratorSteps = Generator::NetDsl.Generator.NetworkGenerator.Steps;

namespace NetDsl.Generator.Tests;

/// <summary>
/// Weights embedded at build time (<c>[Network(Weights = "...")]</c>, <c>weights PATH</c>): the file is checked
/// against the architecture with one located error for any mismatch, the parameters land in the assembly as static
/// data, and <c>Pretrained()</c> gives them back without the file.
/// </summary>
public sealed class WeightsTests : IDisposable
{
    // 4x4x1 -> conv 2 filters 3x3 -> 2x2x2 -> flatten 8 -> dense 3: 18 + 2 + 24 + 3 = 47 parameters.
    private const string Network = """
        using NetDsl;

        namespace Samples;

        [Network(Weights = "Models/tiny.safetensors")]
        [Input(4, 4, 1)]
        [Conv2D(2, 3, Activation = Activation.ReLU)]
        [Flatten]
        [Dense(3)]
        public partial class TinyNet;

        public static class Use
        {
            public static TinyNet Create() => TinyNet.Pretrained();
        }
        """;

    private static readonly (string Name, int[] Shape)[] Layout =
    {
        ("conv2d/kernel", new[] { 3, 3, 1, 2 }),
        ("conv2d/bias", new[] { 2 }),
        ("dense/kernel", new[] { 8, 3 }),
        ("dense/bias", new[] { 3 }),
    };

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "netdsl-weights-" + Guid.NewGuid().ToString("N"));

    public WeightsTests() => Directory.CreateDirectory(Path.Combine(_directory, "Models"));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void MatchingFileIsEmbeddedAndPretrainedReturnsItsValues()
    {
        float[] values = Values(47);
        GeneratorResult result = Build(Network, File("Models/tiny.safetensors", Layout.Select(t => Tensor(t.Name, "F32", t.Shape)).ToArray(), values));

        Assert.Empty(result.AllDiagnostics);
        string source = result.SingleSource;
        Assert.Contains("public static TinyNet Pretrained() => new(global::NetDsl.Generated.TinyNetKernel.CreatePretrainedRuntime());", source, StringComparison.Ordinal);
        Assert.Contains("private static ReadOnlySpan<byte> EmbeddedParameters => \"\"\"", source, StringComparison.Ordinal);

        // The file is needed at build time only.
        System.IO.File.Delete(Path.Combine(_directory, "Models", "tiny.safetensors"));
        Assert.Equal(values, PretrainedParameters(result, "Samples.TinyNet"));
    }

    [Fact]
    public void PretrainedNetworksAreIndependentAndSeededConstructorsKeepTheirMeaning()
    {
        float[] values = Values(47);
        GeneratorResult result = Build(Network, File("Models/tiny.safetensors", Layout.Select(t => Tensor(t.Name, "F32", t.Shape)).ToArray(), values));
        Type type = Load(result).GetType("Samples.TinyNet")!;
        var first = (INetwork)type.GetMethod("Pretrained")!.Invoke(null, null)!;
        var second = (INetwork)type.GetMethod("Pretrained")!.Invoke(null, null)!;
        first.Parameters[0] = 1000f;
        Assert.Equal(values[0], second.Parameters[0]);

        var seeded = (INetwork)Activator.CreateInstance(type, 7)!;
        var again = (INetwork)Activator.CreateInstance(type, 7)!;
        Assert.Equal(again.Parameters.ToArray(), seeded.Parameters.ToArray());
        Assert.NotEqual(values, seeded.Parameters.ToArray());
    }

    [Fact]
    public void HalfBFloatAndDoubleTensorsAreConverted()
    {
        // Values exactly representable in every format.
        float[] values = Enumerable.Range(0, 47).Select(i => (i - 23) / 8f).ToArray();
        string[] dtypes = { "F16", "BF16", "F64", "F32" };
        var tensors = Layout.Select((t, i) => Tensor(t.Name, dtypes[i], t.Shape)).ToArray();
        GeneratorResult result = Build(Network, File("Models/tiny.safetensors", tensors, values));

        Assert.Empty(result.AllDiagnostics);
        Assert.Equal(values, PretrainedParameters(result, "Samples.TinyNet"));
    }

    [Fact]
    public void WrongShapeIsOneErrorAtTheWeightsArgumentNamingTheTensorAndBothShapes()
    {
        var tensors = Layout.Select(t => t.Name == "dense/kernel" ? Tensor(t.Name, "F32", new[] { 8, 4 }) : Tensor(t.Name, "F32", t.Shape)).ToArray();
        GeneratorResult result = Build(Network, File("Models/tiny.safetensors", tensors, Values(55)));

        Diagnostic error = Assert.Single(result.AllDiagnostics);
        Assert.Equal("NDSL0045", error.Id);
        Assert.Equal("The weights file 'Models/tiny.safetensors' does not match the network: tensor 'dense/kernel' is [8, 4] in the file but [8, 3] in the network", error.GetMessage());
        AssertAtWeightsArgument(error, "\"Models/tiny.safetensors\"");
    }

    [Fact]
    public void AFileForAnotherArchitectureIsStillOneError()
    {
        // Saved from a network with 4 filters: the conv tensors and the dense kernel all differ.
        var tensors = new[]
        {
            Tensor("conv2d/kernel", "F32", new[] { 3, 3, 1, 4 }), Tensor("conv2d/bias", "F32", new[] { 4 }),
            Tensor("dense/kernel", "F32", new[] { 16, 3 }), Tensor("dense/bias", "F32", new[] { 3 }), Tensor("extra/bias", "F32", new[] { 1 }),
        };
        GeneratorResult result = Build(Network, File("Models/tiny.safetensors", tensors, Values(36 + 4 + 48 + 3 + 1)));

        Diagnostic error = Assert.Single(result.AllDiagnostics);
        Assert.Equal("NDSL0045", error.Id);
        Assert.Equal("The weights file 'Models/tiny.safetensors' does not match the network: tensor 'conv2d/kernel' is [3, 3, 1, 4] in the file but [3, 3, 1, 2] in the network (and 3 more problems)", error.GetMessage());
    }

    [Fact]
    public void MissingTensorAndIntegerDtypeAreMismatches()
    {
        var missing = Layout.Where(t => t.Name != "conv2d/bias").Select(t => Tensor(t.Name, "F32", t.Shape)).ToArray();
        Diagnostic error = Assert.Single(Build(Network, File("Models/tiny.safetensors", missing, Values(45))).AllDiagnostics);
        Assert.Equal("The weights file 'Models/tiny.safetensors' does not match the network: it has no tensor 'conv2d/bias' (the network's is [2])", error.GetMessage());

        var integers = Layout.Select(t => Tensor(t.Name, t.Name == "dense/bias" ? "I32" : "F32", t.Shape)).ToArray();
        error = Assert.Single(Build(Network, File("Models/tiny.safetensors", integers, Values(47))).AllDiagnostics);
        Assert.Equal("NDSL0045", error.Id);
        Assert.Contains("tensor 'dense/bias' has dtype I32", error.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void FileNotAmongTheAdditionalFilesIsAnErrorAtTheArgument()
    {
        GeneratorResult result = Build(Network);

        Diagnostic error = Assert.Single(result.AllDiagnostics);
        Assert.Equal("NDSL0043", error.Id);
        Assert.Contains("<AdditionalFiles Include=\"Models/tiny.safetensors\" />", error.GetMessage(), StringComparison.Ordinal);
        AssertAtWeightsArgument(error, "\"Models/tiny.safetensors\"");
    }

    [Theory]
    [InlineData("truncated", "the file is truncated")]
    [InlineData("empty", "a safetensors file starts with an 8-byte header length")]
    [InlineData("header", "the header length")]
    [InlineData("json", "JSON")]
    [InlineData("checksum", "CRC-32C")]
    [InlineData("nan", "weights must be finite numbers")]
    public void CorruptFilesAreOneLocatedErrorNeverACrash(string damage, string expected)
    {
        var tensors = Layout.Select(t => Tensor(t.Name, "F32", t.Shape)).ToArray();
        float[] values = Values(47);
        if (damage == "nan")
        {
            values[30] = float.NaN;
        }

        byte[] bytes = Safetensors(tensors, values, checksum: damage == "checksum");
        bytes = damage switch
        {
            "truncated" => bytes[..^5],
            "empty" => Array.Empty<byte>(),
            "header" => BitConverter.GetBytes(long.MaxValue).Concat(bytes.Skip(8)).ToArray(),
            "json" => Corrupt(bytes, 8 + 1, (byte)'x'),
            "checksum" => Corrupt(bytes, bytes.Length - 1, (byte)(bytes[^1] ^ 0x40)),
            _ => bytes,
        };
        string path = Path.Combine(_directory, "Models", "tiny.safetensors");
        System.IO.File.WriteAllBytes(path, bytes);

        GeneratorResult result = Build(Network, new FileAdditionalText(path));

        Diagnostic error = Assert.Single(result.AllDiagnostics);
        Assert.Equal("NDSL0044", error.Id);
        Assert.Contains(expected, error.GetMessage(), StringComparison.Ordinal);
        AssertAtWeightsArgument(error, "\"Models/tiny.safetensors\"");
    }

    [Fact]
    public void RandomDamageNeverCrashesTheGeneratorOrTheAnalyzer()
    {
        var tensors = Layout.Select(t => Tensor(t.Name, "F32", t.Shape)).ToArray();
        byte[] good = Safetensors(tensors, Values(47), checksum: true);
        var random = new Random(5);
        string path = Path.Combine(_directory, "Models", "tiny.safetensors");
        for (int round = 0; round < 60; round++)
        {
            byte[] bytes = (byte[])good.Clone();
            int flips = 1 + random.Next(4);
            for (int i = 0; i < flips; i++)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            System.IO.File.WriteAllBytes(path, round % 7 == 0 ? bytes[..random.Next(bytes.Length)] : bytes);
            GeneratorResult result = Build(Network, new FileAdditionalText(path));
            Assert.True(result.AllDiagnostics.Count <= 1, string.Join("\n", result.AllDiagnostics));
            Assert.All(result.AllDiagnostics, d => Assert.Contains(d.Id, new[] { "NDSL0044", "NDSL0045" }));
        }
    }

    [Fact]
    public void InlineTextNetworksTakeWeightsToo()
    {
        const string text = """"
            using NetDsl;

            [Network("""
                input 4x4x1
                conv2d 2 3x3 relu
                flatten
                dense 3
                """, Weights = "Models/tiny.safetensors")]
            partial class TextNet;
            """";
        float[] values = Values(47);
        GeneratorResult result = Build(text, File("Models/tiny.safetensors", Layout.Select(t => Tensor(t.Name, "F32", t.Shape)).ToArray(), values));

        Assert.Empty(result.AllDiagnostics);
        Assert.Equal(values, PretrainedParameters(result, "TextNet"));
    }

    [Fact]
    public void NetDslFilesNameTheirWeightsRelativeToTheFile()
    {
        float[] values = Values(47);
        AdditionalText weights = File("Models/tiny.safetensors", Layout.Select(t => Tensor(t.Name, "F32", t.Shape)).ToArray(), values);
        string networkPath = Path.Combine(_directory, "Models", "Tiny.netdsl");
        var network = new InMemoryAdditionalText(networkPath, "network FileNet\nnamespace Samples\nweights tiny.safetensors\ninput 4x4x1\nconv2d 2 3x3 relu\nflatten\ndense 3\n");

        GeneratorResult result = Build("class Unrelated { }", weights, network);

        Assert.Empty(result.AllDiagnostics);
        Assert.Equal(values, PretrainedParameters(result, "Samples.FileNet"));
    }

    [Fact]
    public void WeightsLineInAFileWithAMismatchIsReportedOnThePath()
    {
        AdditionalText weights = File("Models/tiny.safetensors", new[] { Tensor("dense/kernel", "F32", new[] { 8, 3 }) }, Values(24));
        string networkPath = Path.Combine(_directory, "Models", "Tiny.netdsl");
        const string text = "network FileNet\nweights tiny.safetensors\ninput 4x4x1\nconv2d 2 3x3 relu\nflatten\ndense 3\n";
        GeneratorResult result = Build("class Unrelated { }", weights, new InMemoryAdditionalText(networkPath, text));

        Diagnostic error = Assert.Single(result.AllDiagnostics);
        Assert.Equal("NDSL0045", error.Id);
        Assert.Equal(networkPath, error.Location.GetLineSpan().Path);
        Assert.Equal(text.IndexOf("tiny.safetensors", StringComparison.Ordinal), error.Location.SourceSpan.Start);
        Assert.Equal("tiny.safetensors".Length, error.Location.SourceSpan.Length);
    }

    [Fact]
    public void EditingTheWeightsFileRerunsOnlyItsNetwork()
    {
        const string two = Network + """

            [Network]
            [Input(16)]
            [Dense(4)]
            partial class Other;
            """;
        var tensors = Layout.Select(t => Tensor(t.Name, "F32", t.Shape)).ToArray();
        AdditionalText weights = File("Models/tiny.safetensors", tensors, Values(47));
        CSharpCompilation compilation = Compile(two);
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true, additionalFiles: new[] { weights }).RunGenerators(compilation);

        // An unrelated edit: nothing runs again.
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        CSharpCompilation edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { }", GeneratorHarness.ParseOptions, Path.Combine(_directory, "Other.cs")));
        driver = driver.RunGenerators(edited);
        Assert.All(Outputs(driver, GeneratorSteps.Resolved), reason => Assert.Equal(IncrementalStepRunReason.Cached, reason));
        Assert.All(Outputs(driver, GeneratorSteps.Source), reason => Assert.Equal(IncrementalStepRunReason.Cached, reason));

        // New weights: only TinyNet's source is generated again.
        float[] changed = Values(47, seed: 9);
        AdditionalText rewritten = File("Models/tiny.safetensors", tensors, changed);
        driver = driver.ReplaceAdditionalText(weights, rewritten).RunGenerators(edited);
        IncrementalStepRunReason[] sources = Outputs(driver, GeneratorSteps.Source);
        Assert.Equal(1, sources.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(1, sources.Count(r => r == IncrementalStepRunReason.Cached));
    }

    [Fact]
    public void WeightsAndOnnxTogetherAreAnError()
    {
        const string both = """
            using NetDsl;

            [Network(Weights = "a.safetensors", Onnx = "a.onnx")]
            [Input(4)]
            [Dense(2)]
            partial class Both;
            """;
        GeneratorResult result = Build(both);
        Assert.Contains(result.AllDiagnostics, d => d.Id == "NDSL0046" && d.GetMessage().Contains("not both", StringComparison.Ordinal));
    }

    private static IncrementalStepRunReason[] Outputs(GeneratorDriver driver, string step) =>
        driver.GetRunResult().Results.Single().TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();

    private static void AssertAtWeightsArgument(Diagnostic error, string literal)
    {
        string text = error.Location.SourceTree!.ToString();
        Assert.Equal(text.IndexOf(literal, StringComparison.Ordinal), error.Location.SourceSpan.Start);
        Assert.Equal(literal.Length, error.Location.SourceSpan.Length);
    }

    private CSharpCompilation Compile(string source) =>
        GeneratorHarness.CreateCompilation().AddSyntaxTrees(CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, Path.Combine(_directory, "Network.cs")));

    private GeneratorResult Build(string source, params AdditionalText[] files) => GeneratorHarness.Run(Compile(source), files);

    private AdditionalText File(string relativePath, (string Name, string DataType, int[] Shape)[] tensors, float[] values)
    {
        string path = Path.Combine(_directory, relativePath);
        System.IO.File.WriteAllBytes(path, Safetensors(tensors, values, checksum: false));
        return new FileAdditionalText(path);
    }

    private static (string Name, string DataType, int[] Shape) Tensor(string name, string dataType, int[] shape) => (name, dataType, shape);

    private static float[] Values(int count, int seed = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    private static byte[] Corrupt(byte[] bytes, int index, byte value)
    {
        byte[] copy = (byte[])bytes.Clone();
        copy[index] = value;
        return copy;
    }

    /// <summary>A safetensors file written by hand (so dtypes other than F32 can be tested): the values are taken
    /// in order, each tensor converted to its dtype; with <paramref name="checksum"/>, NetDsl's CRC-32C is stored.</summary>
    private static byte[] Safetensors((string Name, string DataType, int[] Shape)[] tensors, float[] values, bool checksum)
    {
        var data = new List<byte>();
        var header = new StringBuilder("{");
        int next = 0;
        foreach ((string name, string dataType, int[] shape) in tensors)
        {
            int count = shape.Aggregate(1, (a, b) => a * b);
            int begin = data.Count;
            for (int i = 0; i < count; i++)
            {
                float v = values[next++];
                data.AddRange(dataType switch
                {
                    "F16" => BitConverter.GetBytes((Half)v),
                    "BF16" => BitConverter.GetBytes(BitConverter.SingleToInt32Bits(v)).Skip(2),
                    "F64" => BitConverter.GetBytes((double)v),
                    "I32" => BitConverter.GetBytes((int)v),
                    _ => BitConverter.GetBytes(v),
                });
            }

            header.Append($"\"{name}\":{{\"dtype\":\"{dataType}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{begin},{data.Count}]}},");
        }

        if (checksum)
        {
            header.Append($"\"__metadata__\":{{\"netdsl.data_crc32c\":\"{Crc32C(data.ToArray()):x8}\"}}");
        }
        else
        {
            header.Length--;
        }

        header.Append('}');
        byte[] json = Encoding.UTF8.GetBytes(header.ToString());
        return BitConverter.GetBytes((long)json.Length).Concat(json).Concat(data).ToArray();
    }

    private static uint Crc32C(byte[] bytes)
    {
        uint crc = uint.MaxValue;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0x82F63B78u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }

    private static Assembly Load(GeneratorResult result)
    {
        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = result.Compilation.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        return Assembly.Load(stream.ToArray());
    }

    private static float[] PretrainedParameters(GeneratorResult result, string typeName)
    {
        Type type = Load(result).GetType(typeName)!;
        var network = (INetwork)type.GetMethod("Pretrained")!.Invoke(null, null)!;
        return network.Parameters.ToArray();
    }
}
