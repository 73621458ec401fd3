using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Tests.Infrastructure;

namespace NetDsl.Generator.Tests;

/// <summary>
/// Malformed user code never crashes the generator: each case gets a diagnostic (the compiler's for code it
/// cannot bind, NetDsl's otherwise), no NDSL0015 internal error, and no follow-up errors in the code that
/// uses the network.
/// </summary>
public sealed class RobustnessTests
{
    private const string Usage = """

        static class Use
        {
            static void Run()
            {
                var net = new Net(1);
                var y = new float[Net.OutputLength];
                net.Predict(new float[Net.InputLength], y);
                System.Console.WriteLine(Net.Summary);
            }
        }
        """;

    public static IEnumerable<object[]> MalformedAttributes() => new[]
    {
        new object[] { "[Conv2D(32, ]" },
        new object[] { "[Conv2D(32, 3,)]" },
        new object[] { "[Conv2D(\"32\", 3)]" },
        new object[] { "[Conv2D(32, 3.5)]" },
        new object[] { "[Conv2D(Sizes.Filters, 3)]" },
        new object[] { "[Conv2D(int.MaxValue + 1, 3)]" },
        new object[] { "[Conv2D(32, 3, Padding = 1)]" },
        new object[] { "[Conv2D(32, 3, Activation = \"relu\")]" },
        new object[] { "[Conv2D(32, 3, Strides = null)]" },
        new object[] { "[Conv2D(32, 3, Nonsense = 2)]" },
        new object[] { "[Conv2d(32, 3)]" },
        new object[] { "[Conv2D]" },
        new object[] { "[Conv2D(32, 3, 3, 3)]" },
        new object[] { "[Dense(units: 10, units: 10)]" },
        new object[] { "[Flatten(1)]" },
        new object[] { "[MaxPooling2D(2, 2, 2)]" },
        new object[] { "[Activation]" },
    };

    [Theory]
    [MemberData(nameof(MalformedAttributes))]
    public void MalformedLayerAttributeGivesADiagnosticNotACrash(string layer)
    {
        string source = $$"""
            using NetDsl;

            static class Sizes { public static int Filters = 32; }

            [Network]
            [Input(28, 28, 1)]
            {{layer}}
            [Flatten]
            [Dense(10)]
            partial class Net;
            """ + Usage;

        GeneratorResult result = GeneratorHarness.Run(source); // throws if the generator threw
        IReadOnlyList<Diagnostic> errors = result.AllDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

        Assert.NotEmpty(errors);
        Assert.DoesNotContain(errors, d => d.Id == "NDSL0015");
        int layerLine = source.Split('\n').ToList().FindIndex(line => line.StartsWith(layer));
        Assert.All(errors, d => Assert.Equal(layerLine, d.Location.GetLineSpan().StartLinePosition.Line));
        Assert.Single(result.Sources);
    }

    [Theory]
    [InlineData("[Network]\n[Input(28, 28")]
    [InlineData("[Network]\n[Input(28, 28, 1)]\n[Conv2D(8, 3)]\npartial class")]
    [InlineData("[Network]\npartial class Net : Net;")]
    [InlineData("[Network]\n[Network]\n[Input(4)]\npartial class Net;")]
    [InlineData("[Network]\n[Input(4)]\npartial class Net;\n[Network]\n[Input(4)]\npartial class Net;")]
    [InlineData("[Network]\n[Input(4)]\npartial class Net { public Net() { } }")]
    [InlineData("[Network]\n[Input(4)]\npartial struct Net;")]
    [InlineData("[Network]\n[Input(4)]\npartial record Net;")]
    [InlineData("[Network]\n[Input(4)]\npartial class Net { int InputLength; }")]
    [InlineData("[Network]\n[Input(4)]\npartial interface INet;")]
    [InlineData("[Network(")]
    [InlineData("")]
    public void BrokenDeclarationsNeverCrashTheGenerator(string declaration)
    {
        GeneratorResult result = GeneratorHarness.Run("using NetDsl;\n" + declaration);

        Assert.DoesNotContain(result.AllDiagnostics, d => d.Id == "NDSL0015");
    }

    [Fact]
    public void DuplicateNetworkDeclarationsGenerateOneFile()
    {
        GeneratorResult result = GeneratorHarness.Run(
            "using NetDsl;\n[Network]\n[Input(4)]\npartial class Net;",
            "using NetDsl;\n[Network]\npartial class Net;");

        Assert.Single(result.Sources);
        Assert.Contains(result.AllDiagnostics, d => d.Id == "CS0579"); // duplicate 'Network' attribute
    }
}
