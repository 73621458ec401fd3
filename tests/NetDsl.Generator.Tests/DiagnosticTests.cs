using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Tests.Infrastructure;

namespace NetDsl.Generator.Tests;

/// <summary>
/// Every diagnostic id, at its exact location, with its message; and the promise that one mistake gives one
/// diagnostic: code that uses the broken network still compiles without follow-up errors.
/// </summary>
public sealed class DiagnosticTests
{
    /// <summary>Code that uses every generated member; must compile even when the architecture is wrong.</summary>
    private const string Usage = """

        static class Use
        {
            static void Run()
            {
                var net = new Net(1);
                var x = new float[Net.InputLength];
                var y = new float[Net.OutputLength];
                net.Predict(x, y);
                net.Predict(x, y, 1);
                System.Console.WriteLine(Net.Summary + Net.ParameterCount + Net.InputShape + Net.OutputShape + Net.ParameterLayout.Count + net.Classify(x));
                net.Parameters.Clear();
            }
        }
        """;

    public static IEnumerable<object[]> Cases() => new[]
    {
        Case("NDSL0005", "The network 'Net' has no Input layer; start it with [Input(height, width, channels)]", """
            [{|NDSL0005:Network|}]
            [Conv2D(8, 3)]
            partial class Net;
            """),
        Case("NDSL0006", "The network 'Net' already has the input Input(28, 28, 1); a network has exactly one Input layer", """
            [Network]
            [Input(28, 28, 1)]
            [Conv2D(8, 3)]
            [{|NDSL0006:Input(28, 28, 1)|}]
            partial class Net;
            """),
        Case("NDSL0007", "Input must be the first layer of 'Net', but Conv2D 'conv2d' comes before it", """
            [Network]
            [Conv2D(8, 3)]
            [{|NDSL0007:Input(28, 28, 1)|}]
            partial class Net;
            """),
        Case("NDSL0008", "The filters of Conv2D 'conv2d' must be at least 1, but is 0", """
            [Network]
            [Input(28, 28, 1)]
            [Conv2D({|NDSL0008:0|}, 3)]
            partial class Net;
            """),
        Case("NDSL0008", "The vertical stride of MaxPooling2D 'max_pooling2d' must be at least 1, but is -1", """
            [Network]
            [Input(28, 28, 1)]
            [MaxPooling2D(2, {|NDSL0008:StrideHeight = -1|})]
            partial class Net;
            """),
        Case("NDSL0008", "The units of Dense 'dense' must be at least 1, but is 0", """
            [Network]
            [Input(784)]
            [Dense({|NDSL0008:units: 0|})]
            partial class Net;
            """),
        Case("NDSL0008", "The channels of Input(28, 28, 0) must be at least 1, but is 0", """
            [Network]
            [Input(28, 28, {|NDSL0008:0|})]
            [Flatten]
            partial class Net;
            """),
        Case("NDSL0009", "Conv2D 'conv2d_2': the kernel window 7x7 does not fit its 5x5x64 input with Padding.Valid; use a window of at most 5x5, or Padding.Same", """
            [Network]
            [Input(28, 28, 1)]
            [Conv2D(32, 3, Activation = Activation.ReLU)]
            [MaxPooling2D(2)]
            [Conv2D(64, 3, Activation = Activation.ReLU)]
            [MaxPooling2D(2)]
            [{|NDSL0009:Conv2D(64, 7, Activation = Activation.ReLU)|}]
            [Flatten]
            [Dense(64, Activation = Activation.ReLU)]
            [Dense(10, Activation = Activation.Softmax)]
            partial class Net;
            """),
        Case("NDSL0009", "MaxPooling2D 'max_pooling2d': the pool window 2x3 does not fit its 4x2x1 input with Padding.Valid; use a window of at most 2x2, or Padding.Same", """
            [Network]
            [Input(4, 2, 1)]
            [{|NDSL0009:MaxPooling2D(2, 3)|}]
            partial class Net;
            """),
        Case("NDSL0010", "Dense 'dense' is fed the 3-D feature map 26x26x8; add [Flatten] (or a global pooling layer) before it", """
            [Network]
            [Input(28, 28, 1)]
            [Conv2D(8, 3)]
            [{|NDSL0010:Dense(10)|}]
            partial class Net;
            """),
        Case("NDSL0011", "Conv2D 'conv2d_1' needs a height x width x channels feature map but is fed the vector 1352; move it before [Flatten]", """
            [Network]
            [Input(28, 28, 1)]
            [Conv2D(8, 3)]
            [MaxPooling2D]
            [Flatten]
            [{|NDSL0011:Conv2D(8, 3)|}]
            partial class Net;
            """),
        Case("NDSL0011", "GlobalAveragePooling2D 'global_average_pooling2d' needs a height x width x channels feature map but is fed the vector 784; move it before [Flatten]", """
            [Network]
            [Input(784)]
            [{|NDSL0011:GlobalAveragePooling2D|}]
            partial class Net;
            """),
        Case("NDSL0012", "7 is not a valid Padding for Conv2D 'conv2d'", """
            [Network]
            [Input(28, 28, 1)]
            [Conv2D(8, 3, {|NDSL0012:Padding = (Padding)7|})]
            partial class Net;
            """),
        Case("NDSL0012", "-1 is not a valid Activation for Activation 'activation'", """
            [Network]
            [Input(10)]
            [Activation({|NDSL0012:(Activation)(-1)|})]
            partial class Net;
            """),
        Case("NDSL0013", "Input 100000x100000x3 would need 30,000,000,000 values, more than the 2,147,483,575 NetDsl supports", """
            [Network]
            [{|NDSL0013:Input(100000, 100000, 3)|}]
            [Flatten]
            partial class Net;
            """),
        Case("NDSL0013", "Dense 'dense' would need 1,683,627,179,248 parameters, more than the 2,147,483,575 NetDsl supports", """
            [Network]
            [Input(784)]
            [{|NDSL0013:Dense(2147483647)|}]
            partial class Net;
            """),
        Case("NDSL0013", "Input 2147483647 would need 2,147,483,647 values, more than the 2,147,483,575 NetDsl supports", """
            [Network]
            [{|NDSL0013:Input(int.MaxValue)|}]
            partial class Net;
            """),
        Case("NDSL0016", "The rate of Dropout 'dropout' must be in [0, 1), but is 1.5", """
            [Network]
            [Input(784)]
            [Dropout({|NDSL0016:1.5|})]
            partial class Net;
            """),
        Case("NDSL0016", "The rate of SpatialDropout2D 'spatial_dropout2d' must be in [0, 1), but is -0.1", """
            [Network]
            [Input(8, 8, 3)]
            [SpatialDropout2D({|NDSL0016:-0.1|})]
            partial class Net;
            """),
        Case("NDSL0016", "The momentum of BatchNormalization 'batch_normalization' must be in [0, 1], but is 1.5", """
            [Network]
            [Input(8, 8, 3)]
            [BatchNormalization({|NDSL0016:Momentum = 1.5|})]
            partial class Net;
            """),
        Case("NDSL0016", "The epsilon of BatchNormalization 'batch_normalization' must be a finite number greater than 0, but is 0", """
            [Network]
            [Input(8, 8, 3)]
            [BatchNormalization(Center = false, {|NDSL0016:Epsilon = 0|})]
            partial class Net;
            """),
        Case("NDSL0016", "The negative slope of LeakyReLU 'leaky_re_lu' must be a finite number of at least 0, but is -0.5", """
            [Network]
            [Input(10)]
            [LeakyReLU({|NDSL0016:-0.5|})]
            partial class Net;
            """),
        Case("NDSL0011", "SpatialDropout2D 'spatial_dropout2d' needs a height x width x channels feature map but is fed the vector 4; move it before [Flatten]", """
            [Network]
            [Input(4)]
            [{|NDSL0011:SpatialDropout2D(0.5)|}]
            partial class Net;
            """),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    [MemberData(nameof(FixedKernelTests.AttributeCases), MemberType = typeof(FixedKernelTests))]
    [MemberData(nameof(FixedKernelTests.TextCases), MemberType = typeof(FixedKernelTests))]
    public void ReportsOneDiagnosticAtItsLocation(string id, string message, string markup)
    {
        var parsed = Markup.Parse("using NetDsl;\n\n" + markup + Usage);
        GeneratorResult result = GeneratorHarness.Run(parsed.Source);

        (string expectedId, Microsoft.CodeAnalysis.Text.TextSpan expectedSpan) = Assert.Single(parsed.Expected);
        Diagnostic diagnostic = Assert.Single(result.AllDiagnostics);
        Assert.Equal(id, expectedId);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(expectedSpan, diagnostic.Location.SourceSpan);
        Assert.Equal("/src/File0.cs", diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
    }

    [Fact]
    public void SevenBySevenKernelIsReportedOnItsAttributeLineAndColumn()
    {
        GeneratorResult result = GeneratorHarness.Run("""
            using NetDsl;

            [Network]
            [Input(28, 28, 1)]
            [Conv2D(32, 3, Activation = Activation.ReLU)]
            [MaxPooling2D(2)]
            [Conv2D(64, 3, Activation = Activation.ReLU)]
            [MaxPooling2D(2)]
            [Conv2D(64, 7, Activation = Activation.ReLU)]
            [Flatten]
            [Dense(64, Activation = Activation.ReLU)]
            [Dense(10, Activation = Activation.Softmax)]
            public partial class MnistNet;
            """);

        Diagnostic diagnostic = Assert.Single(result.AllDiagnostics);
        FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
        Assert.Equal("NDSL0009", diagnostic.Id);
        Assert.Equal(8, span.StartLinePosition.Line); // zero-based: the 9th line, "[Conv2D(64, 7, ...)]"
        Assert.Equal(1, span.StartLinePosition.Character); // just after '['
        Assert.Equal(8, span.EndLinePosition.Line);
    }

    public static IEnumerable<object[]> IndependentMistakes() => new[]
    {
        // A window that does not fit, and a Dense fed a feature map four layers later.
        new object[] { """
            [Network]
            [Input(5, 5, 1)]
            [{|NDSL0009:Conv2D(8, 7)|}]
            [Conv2D(8, 3, Padding = Padding.Same)]
            [MaxPooling2D(2, Padding = Padding.Same)]
            [{|NDSL0010:Dense(10)|}]
            partial class Net;
            """ },

        // A Dense fed a feature map (its output is known: 64 units), then a Conv2D fed that vector.
        new object[] { """
            [Network]
            [Input(28, 28, 1)]
            [Conv2D(8, 3)]
            [{|NDSL0010:Dense(64)|}]
            [{|NDSL0011:Conv2D(4, 3)|}]
            [Flatten]
            [Dense(10)]
            partial class Net;
            """ },

        // After a Dense fed a map, sizes are exact again: a wrong window further on is reported with its sizes.
        new object[] { """
            [Network]
            [Input(28, 28, 1)]
            [{|NDSL0010:Dense(16)|}]
            [Reshape(4, 4, 1)]
            [{|NDSL0009:MaxPooling2D(5)|}]
            [Flatten]
            [Dense(2)]
            partial class Net;
            """ },

        // Two branches of a graph, each with its own mistake.
        new object[] { """
            [Network]
            [Input(8, 8, 3)]
            [Conv2D(4, 3, Padding = Padding.Same, Name = "stem")]
            [{|NDSL0009:Conv2D(4, 9, Name = "a")|}]
            [{|NDSL0009:MaxPooling2D(9, From = "stem", Name = "b")|}]
            [Concatenate("a", "b")]
            [GlobalAveragePooling2D]
            [Dense(2)]
            partial class Net;
            """ },
    };

    /// <summary>Independent mistakes in one network each get their error, and no follow-on error is invented
    /// for layers whose sizes are unknown below a failed one.</summary>
    [Theory]
    [MemberData(nameof(IndependentMistakes))]
    public void IndependentMistakesEachGetTheirError(string markup)
    {
        var parsed = Markup.Parse("using NetDsl;\n\n" + markup + Usage);
        GeneratorResult result = GeneratorHarness.Run(parsed.Source);

        Assert.Equal(
            parsed.Expected.Select(e => (e.Id, e.Span)).OrderBy(e => e.Span.Start),
            result.AllDiagnostics.Select(d => (d.Id, d.Location.SourceSpan)).OrderBy(e => e.SourceSpan.Start));
    }

    [Fact]
    public void NoFollowOnErrorBelowALayerWhoseSizeIsUnknown()
    {
        // The pool and the 5x5 kernel below the failed layer might not fit either, but that is not known.
        var parsed = Markup.Parse("""
            using NetDsl;

            [Network]
            [Input(5, 5, 1)]
            [{|NDSL0009:Conv2D(8, 7)|}]
            [MaxPooling2D(4)]
            [Conv2D(8, 5)]
            [Add("conv2d_1", "max_pooling2d")]
            [Flatten]
            [Dense(10)]
            partial class Net;
            """ + Usage);
        GeneratorResult result = GeneratorHarness.Run(parsed.Source);

        Diagnostic diagnostic = Assert.Single(result.AllDiagnostics);
        Assert.Equal("NDSL0009", diagnostic.Id);
        Assert.Equal(parsed.Expected.Single().Span, diagnostic.Location.SourceSpan);
    }

    public static IEnumerable<object[]> DeclarationCases() => new[]
    {
        Case("NDSL0001", "The network class 'Net' must be declared partial so NetDsl can generate its members", """
            [Network]
            [Input(28, 28, 1)]
            class {|NDSL0001:Net|} { }
            """),
        Case("NDSL0002", "The network class 'Net' cannot be generic or nested in a generic type: its sizes must be known at build time", """
            [Network]
            [Input(28, 28, 1)]
            partial class {|NDSL0002:Net|}<T> { }
            """),
        Case("NDSL0002", "The network class 'Net' cannot be generic or nested in a generic type: its sizes must be known at build time", """
            partial class Outer<T>
            {
                [Network]
                [Input(28, 28, 1)]
                partial class {|NDSL0002:Net|} { }
            }
            """),
        Case("NDSL0003", "'Outer' contains the network class 'Net' and must be declared partial", """
            class Outer
            {
                [Network]
                [Input(28, 28, 1)]
                partial class {|NDSL0003:Net|} { }
            }
            """),
        Case("NDSL0014", "The network class 'Net' cannot be static: a network is an object that holds its parameters", """
            [Network]
            [Input(28, 28, 1)]
            static partial class {|NDSL0014:Net|} { }
            """),
        Case("NDSL0025", "'Net' is a record; a network is a partial class", """
            [Network]
            [Input(4)]
            partial record {|NDSL0025:Net|};
            """),
        Case("NDSL0025", "'Net' is a struct; a network is a partial class", """
            [Network]
            [Input(4)]
            partial struct {|NDSL0025:Net|};
            """),
        Case("NDSL0026", "The network class 'Net' cannot be a file class: NetDsl generates its members in another file", """
            [Network]
            [Input(4)]
            file partial class {|NDSL0026:Net|};
            """),
        Case("NDSL0027", "'Net' has layer attributes but no [Network]; add [Network] to make it a network", """
            [{|NDSL0027:Input(4)|}]
            [Dense(3)]
            partial class Net;
            """),
        Case("NDSL0028", "'Net' declares the constructor Net(int), which NetDsl generates for every network; chain your constructors to Net(int seed) instead", """
            [Network]
            [Input(4)]
            partial class Net
            {
                public {|NDSL0028:Net|}(int size) { }
            }
            """),
        Case("NDSL0028", "'Net' declares 'Predict', which NetDsl generates for every network; rename yours", """
            [Network]
            [Input(4)]
            partial class Net
            {
                public void {|NDSL0028:Predict|}(System.ReadOnlySpan<float> a, System.Span<float> b) { }
            }
            """),
        Case("NDSL0028", "'Net' declares 'Layers', which NetDsl generates for every network; rename yours", """
            [Network]
            [Input(4)]
            partial class Net
            {
                public static string[] {|NDSL0028:Layers|} => new[] { "mine" };
            }
            """),
        Case("NDSL0028", "'Net' declares 'LayerOutput', which NetDsl generates for every network; rename yours", """
            [Network]
            [Input(4)]
            partial class Net
            {
                public void {|NDSL0028:LayerOutput|}(string name, System.ReadOnlySpan<float> a, System.Span<float> b) { }
            }
            """),
        Case("NDSL0032", "The network class cannot be named 'Layers': every network has a member 'Layers', and a member cannot have the name of its class; rename the class", """
            [Network]
            [Input(4)]
            partial class {|NDSL0032:Layers|};
            """),
        Case("NDSL0032", "The network class cannot be named 'LayerOutput': every network has a member 'LayerOutput', and a member cannot have the name of its class; rename the class", """
            [Network]
            [Input(4)]
            partial class {|NDSL0032:LayerOutput|};
            """),
        Case("NDSL0029", "The network class 'Net' cannot have a primary constructor: NetDsl generates its constructors; declare a constructor that chains to this(seed) instead", """
            [Network]
            [Input(4)]
            partial class Net{|NDSL0029:(string name)|}
            {
                public string Name => name;
            }
            """),
        Case("NDSL0030", "The network class 'Net' cannot be abstract: a network is created with its constructors", """
            [Network]
            [Input(4)]
            abstract partial class {|NDSL0030:Net|};
            """),
        Case("NDSL0031", "The network class 'Net' derives from 'Base', which has no accessible parameterless constructor for the generated constructors to call", """
            class Base
            {
                public Base(int x) { }
            }

            [Network]
            [Input(4)]
            partial class {|NDSL0031:Net|} : Base;
            """),
    };

    [Theory]
    [MemberData(nameof(DeclarationCases))]
    public void DeclarationErrorsAreReportedOnTheTypeAndNothingIsGenerated(string id, string message, string markup)
    {
        var parsed = Markup.Parse("using NetDsl;\n\n" + markup);
        GeneratorResult result = GeneratorHarness.Run(parsed.Source);

        (string expectedId, Microsoft.CodeAnalysis.Text.TextSpan expectedSpan) = Assert.Single(parsed.Expected);
        Assert.Empty(result.GeneratorDiagnostics);
        Diagnostic diagnostic = Assert.Single(result.AnalyzerDiagnostics);
        Assert.Equal(id, expectedId);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(expectedSpan, diagnostic.Location.SourceSpan);
        Assert.Equal(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(result.Sources);

        // Only the compiler's own complaints about the declaration (an attribute for classes on a struct, a base
        // class without a parameterless constructor), never one caused by NetDsl.
        Assert.All(result.CompilerDiagnostics, d => Assert.Contains(d.Id, new[] { "CS0592", "CS7036" }));
        Assert.Equal(markup.Contains("struct", System.StringComparison.Ordinal) || markup.Contains(": Base", System.StringComparison.Ordinal), result.CompilerDiagnostics.Count > 0);
    }

    [Fact]
    public void LayersOnAnotherPartialDeclarationAreReportedThere()
    {
        var first = Markup.Parse("""
            using NetDsl;

            [Network]
            [Input(28, 28, 1)]
            [Flatten]
            partial class Net;
            """);
        var second = Markup.Parse("""
            using NetDsl;

            [{|NDSL0004:Dense(10)|}]
            partial class Net;
            """ + Usage);
        GeneratorResult result = GeneratorHarness.Run(first.Source, second.Source);

        Diagnostic diagnostic = Assert.Single(result.AllDiagnostics);
        Assert.Equal("NDSL0004", diagnostic.Id);
        Assert.Equal("/src/File1.cs", diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(second.Expected.Single().Span, diagnostic.Location.SourceSpan);
        Assert.Equal(
            "The layer 'Dense' is on another partial declaration of 'Net'; put every layer attribute on the declaration that has [Network], in order",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void IndependentArgumentErrorsAreAllReported()
    {
        var parsed = Markup.Parse("""
            using NetDsl;

            [Network]
            [Input(28, 28, 1)]
            [Conv2D({|NDSL0008:0|}, 3)]
            [Flatten]
            [Dense({|NDSL0008:-3|})]
            partial class Net;
            """);
        GeneratorResult result = GeneratorHarness.Run(parsed.Source);

        Assert.Equal(
            parsed.Expected.Select(e => (e.Id, e.Span)).OrderBy(e => e.Span.Start),
            result.AllDiagnostics.Select(d => (d.Id, d.Location.SourceSpan)).OrderBy(e => e.SourceSpan.Start));
    }

    private static object[] Case(string id, string message, string markup) => new object[] { id, message, markup };
}
