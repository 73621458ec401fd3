using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Tests.Infrastructure;

namespace NetDsl.Generator.Tests;

/// <summary>NDSL0100: buffers whose length is known at build time and wrong for the network.</summary>
public sealed class BufferLengthAnalyzerTests
{
    private const string Network = """
        using NetDsl;
        using System;

        [Network]
        [Input(28, 28, 1)]
        [Conv2D(4, 3)]
        [Flatten]
        [Dense(10, Activation = Activation.Softmax)]
        partial class Net;

        """;

    public static IEnumerable<object[]> Cases() => new[]
    {
        Case("'new float[100]' has 100 elements, but Net.Predict needs 784 for 'input'",
            "net.Predict({|NDSL0100:new float[100]|}, new float[Net.OutputLength]);"),
        Case("'stackalloc float[9]' has 9 elements, but Net.Predict needs 10 for 'output'",
            "net.Predict(new float[784], {|NDSL0100:stackalloc float[9]|});"),
        Case("'buffer' has 3 elements, but Net.Classify needs 784 for 'input'",
            "var buffer = new float[] { 1, 2, 3 }; net.Classify({|NDSL0100:buffer|});"),
        Case("'g' has 5 elements, but Net.ComputeGradients needs 27090 for 'gradients'",
            "Span<float> g = stackalloc float[5]; net.ComputeGradients(new float[784], new[] { 1 }, {|NDSL0100:g|});"),
        Case("'new float[784]' has 784 elements, but Net.ComputeGradients needs 1568 (2 x Net.InputLength) for 'inputs'",
            "net.ComputeGradients({|NDSL0100:new float[784]|}, new int[2], new float[Net.ParameterCount]);"),
        Case("'new float[1000]' has 1000 elements, but Net.Evaluate needs a multiple of 784 (Net.InputLength) for 'inputs'",
            "int[] labels = GetLabels(); net.Evaluate({|NDSL0100:new float[1000]|}, labels);"),
        Case("'new float[30]' has 30 elements, but Net.Predict needs 40 (4 x Net.OutputLength) for 'outputs'",
            "net.Predict(new float[4 * 784], {|NDSL0100:new float[30]|}, 4);"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void WrongKnownLengthsAreReported(string message, string statements)
    {
        var parsed = Markup.Parse(Network + "static class Use\n{\n    static int[] GetLabels() => new int[3];\n    static void Run(Net net)\n    {\n        " + statements + "\n    }\n}\n");
        GeneratorResult result = GeneratorHarness.Run(parsed.Source);

        Diagnostic diagnostic = Assert.Single(result.AllDiagnostics);
        Assert.Equal("NDSL0100", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal(parsed.Expected.Single().Span, diagnostic.Location.SourceSpan);
        Assert.Equal(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("net.Predict(new float[Net.InputLength], new float[Net.OutputLength]);")]
    [InlineData("net.Predict(new float[784], stackalloc float[10]);")]
    [InlineData("var x = new float[5]; x = new float[784]; net.Classify(x);")]
    [InlineData("var x = new float[5]; Fill(ref x); net.Classify(x);")]
    [InlineData("float[] x = Load(); net.Classify(x);")]
    [InlineData("net.Predict(new float[3 * 784], new float[30], 3);")]
    [InlineData("net.ComputeGradients(new float[2 * 784], new int[2], new float[Net.ParameterCount], default);")]
    [InlineData("net.ComputeGradients(new float[2 * 784], new int[2], new float[Net.ParameterCount], new float[0]);")]
    [InlineData("net.Evaluate(new float[1568], GetLabels());")]
    public void CorrectOrUnknownLengthsAreNotReported(string statements)
    {
        string source = Network + "static class Use\n{\n    static int[] GetLabels() => new int[3];\n    static float[] Load() => new float[784];\n    static void Fill(ref float[] x) => x = new float[784];\n    static void Run(Net net)\n    {\n        " + statements + "\n    }\n}\n";
        GeneratorResult result = GeneratorHarness.Run(source);
        Assert.Empty(result.AllDiagnostics);
    }

    private static object[] Case(string message, string statements) => new object[] { message, statements };
}
