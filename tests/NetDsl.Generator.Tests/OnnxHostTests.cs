extern alias Generator;

using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Tests.Infrastructure;

namespace NetDsl.Generator.Tests;

/// <summary>
/// <c>[Network(Onnx = "...")]</c> and <c>onnx PATH</c>: an ONNX model becomes a generated network with its weights
/// embedded; a model NetDsl cannot compile is one NDSL0046 per problem at the path, naming the node, and never a
/// crash or a cascade of errors.
/// </summary>
public sealed class OnnxHostTests : IDisposable
{
    private const string Uses = """

        public static class Use
        {
            public static int Run(float[] image) => Imported.Pretrained().Classify(image);
        }
        """;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "netdsl-onnx-" + Guid.NewGuid().ToString("N"));

    public OnnxHostTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Onnx", name);

    [Fact]
    public void TheSeedModelCompilesWithItsArchitectureAndWeights()
    {
        GeneratorResult result = GeneratorHarness.Run(
            new[] { "using NetDsl;\n[Network(Onnx = \"Onnx/seed-mnist-nchw.onnx\")]\npublic partial class Imported;\n" + Uses },
            new FileAdditionalText(Fixture("seed-mnist-nchw.onnx")));

        Assert.Empty(result.AllDiagnostics);
        string source = result.SingleSource;
        Assert.Contains("public static Imported Pretrained() => new(", source, StringComparison.Ordinal);
        Assert.Contains("/// conv2d_0: conv2d 32 3x3 relu\n", source.Replace("\r", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("public const int ParameterCount = 93322;", source, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnsupportedOperatorIsOneErrorAtThePathNamingTheNode()
    {
        const string network = "using NetDsl;\n[Network(Onnx = \"Onnx/unsupported-cumsum.onnx\")]\npublic partial class Imported;\n";
        GeneratorResult result = GeneratorHarness.Run(new[] { network + Uses }, new FileAdditionalText(Fixture("unsupported-cumsum.onnx")));

        Diagnostic error = Assert.Single(result.AllDiagnostics);
        Assert.Equal("NDSL0046", error.Id);
        Assert.Contains("CumSum", error.GetMessage(), StringComparison.Ordinal);
        Assert.StartsWith("The ONNX model 'Onnx/unsupported-cumsum.onnx' cannot be compiled: ", error.GetMessage(), StringComparison.Ordinal);
        Assert.Equal(network.IndexOf("\"Onnx/", StringComparison.Ordinal), error.Location.SourceSpan.Start);
    }

    [Fact]
    public void AModelNotAmongTheAdditionalFilesIsNdsl0043WithoutFollowUpErrors()
    {
        GeneratorResult result = GeneratorHarness.Run("using NetDsl;\n[Network(Onnx = \"Models/missing.onnx\")]\npublic partial class Imported;\n" + Uses);

        Diagnostic error = Assert.Single(result.AllDiagnostics);
        Assert.Equal("NDSL0043", error.Id);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(50_000)]
    public void ATruncatedModelIsOneErrorNeverACrash(int length)
    {
        string path = Path.Combine(_directory, "Onnx", "broken.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, File.ReadAllBytes(Fixture("seed-mnist-nchw.onnx"))[..length]);

        GeneratorResult result = GeneratorHarness.Run(new[] { "using NetDsl;\n[Network(Onnx = \"Onnx/broken.onnx\")]\npublic partial class Imported;\n" + Uses }, new FileAdditionalText(path));

        Diagnostic error = Assert.Single(result.AllDiagnostics);
        Assert.Equal("NDSL0046", error.Id);
    }

    [Fact]
    public void LayersBesideAnOnnxModelAreAnError()
    {
        GeneratorResult result = GeneratorHarness.Run(
            new[] { "using NetDsl;\n[Network(Onnx = \"Onnx/seed-mnist-nchw.onnx\")]\n[Input(4)]\n[Dense(2)]\npublic partial class Imported;\n" },
            new FileAdditionalText(Fixture("seed-mnist-nchw.onnx")));

        Diagnostic error = Assert.Single(result.AllDiagnostics);
        Assert.Equal("NDSL0046", error.Id);
        Assert.Contains("the layers come from the model", error.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void ANetDslFileImportsAModelWithAnOnnxLine()
    {
        string model = Path.Combine(_directory, "seed.onnx");
        File.Copy(Fixture("seed-mnist-nchw.onnx"), model);
        var file = new InMemoryAdditionalText(Path.Combine(_directory, "Seed.netdsl"), "network Imported\nonnx seed.onnx\n");

        GeneratorResult result = GeneratorHarness.Run(new[] { Uses }, file, new FileAdditionalText(model));

        Assert.Empty(result.AllDiagnostics);
        Assert.Contains("public const int ParameterCount = 93322;", result.SingleSource, StringComparison.Ordinal);
    }
}
