using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using NetDsl.Generator.Tests.Infrastructure;

namespace NetDsl.Generator.Tests;

/// <summary>
/// The text DSL in both hosts: it goes through the same checker and emitter as the attributes (the generated
/// source is identical), and its mistakes are reported at their line and column inside the text.
/// </summary>
public sealed class DslTests
{
    private const string SeedAttributes = """
        using NetDsl;

        namespace Samples;

        [Network]
        [Input(28, 28, 1)]
        [Conv2D(32, 3, Activation = Activation.ReLU)]
        [MaxPooling2D(2)]
        [Conv2D(64, 3, Activation = Activation.ReLU)]
        [MaxPooling2D(2)]
        [Conv2D(64, 3, Activation = Activation.ReLU)]
        [Flatten]
        [Dense(64, Activation = Activation.ReLU)]
        [Dense(10, Activation = Activation.Softmax)]
        public partial class MnistNet;
        """;

    private const string SeedText = """
        input 28x28x1
        conv2d 32 3x3 relu
        maxpool 2x2
        conv2d 64 3x3 relu
        maxpool 2x2
        conv2d 64 3x3 relu
        flatten
        dense 64 relu
        dense 10 softmax
        """;

    [Fact]
    public void InlineTextGeneratesTheSameCodeAsAttributes()
    {
        string attributes = GeneratorHarness.Run(SeedAttributes).SingleSource;
        GeneratorResult inline = GeneratorHarness.Run("""""
            using NetDsl;

            namespace Samples;

            [Network(""""
                # the classic Keras MNIST CNN
                input 28x28x1
                conv2d 32 3x3 relu
                maxpool 2x2          # pool size 2, stride 2
                conv2d 64 3x3 relu
                maxpool 2x2
                conv2d 64 3x3 relu
                flatten
                dense 64 relu
                dense 10 softmax
                """")]
            public partial class MnistNet;
            """"");

        Assert.Empty(inline.AllDiagnostics);
        Assert.Equal(attributes, inline.SingleSource);
    }

    [Fact]
    public void NetDslFileGeneratesAPublicClassWithTheSameCode()
    {
        string attributes = GeneratorHarness.Run(SeedAttributes).SingleSource;
        GeneratorResult file = GeneratorHarness.Run(
            new[] { "static class Use { static int Length => Samples.MnistNet.InputLength; }" },
            new InMemoryAdditionalText("/models/mnist.netdsl", "network MnistNet\nnamespace Samples\n" + SeedText));

        Assert.Empty(file.AllDiagnostics);
        Assert.Equal("Samples.MnistNet.netdsl.g.cs", file.Sources.Keys.Single());
        Assert.Equal(attributes.Replace("    partial class MnistNet", "    public partial class MnistNet"), file.SingleSource);
    }

    [Fact]
    public void EveryArchitectureTextParsesBackToTheSameNetwork()
    {
        // Generate a network with every option, then feed its Architecture text back in.
        const string original = """
            using NetDsl;
            [Network]
            [Input(32, 30, 3)]
            [Conv2D(8, 5, 3, StrideHeight = 2, Padding = Padding.Same, Activation = Activation.Tanh, UseBias = false)]
            [AveragePooling2D(3, Strides = 2, Padding = Padding.Same)]
            [MaxPooling2D(2, 1)]
            [Conv2D(16, 1, Activation = Activation.Sigmoid)]
            [Activation(Activation.ReLU)]
            [GlobalMaxPooling2D]
            [Dense(5, UseBias = false, Activation = Activation.Softmax)]
            partial class Net;
            """;
        string generated = GeneratorHarness.Run(original).SingleSource;
        string architecture = string.Join("\n", generated.Split('\n')
            .SkipWhile(line => !line.Contains("public const string ArchitectureText"))
            .Skip(1)
            .TakeWhile(line => line.TrimStart().StartsWith('"'))
            .Select(line => line.Trim().TrimEnd('+', ';', ' ').Trim('"').Replace("\\n", string.Empty)));
        Assert.Contains("conv2d 8 5x3 stride 2x1 same tanh nobias", architecture);

        string roundTrip = GeneratorHarness.Run("using NetDsl;\n[Network(\"" + architecture.Replace("\n", "\\n") + "\")]\npartial class Net;").SingleSource;
        Assert.Equal(generated, roundTrip);
    }

    public static IEnumerable<object[]> InlineErrors() => new[]
    {
        Case("NDSL0020", "Unknown layer 'conv'; expected input, conv2d, depthwiseconv2d, separableconv2d, conv2dtranspose, maxpool, avgpool, globalavgpool, globalmaxpool, flatten, dense, activation, leakyrelu, batchnorm, dropout, spatialdropout2d, add, subtract, multiply, average, maximum, concat, upsampling2d, zeropadding2d, cropping2d or reshape", """"
            [Network("""
                input 28x28x1
                {|NDSL0020:conv|} 32 3x3
                """)]
            """"),
        Case("NDSL0021", "'3y3' is not a kernel size; write 3x3 or 3", """
            [Network("input 28x28x1\nconv2d 32 {|NDSL0021:3y3|} relu")]
            """),
        Case("NDSL0021", "unknown setting 'padd' for conv2d; expected stride N or stride HxW, dilation N or dilation HxW, valid or same, an activation (relu, sigmoid, tanh, softmax, leakyrelu, elu, selu, gelu, swish, relu6, softplus, softsign, hardsigmoid or linear), nobias, fixed [sobel_x ...], kernel sobel_x or kernel_values 0 1 0 1 -4 1 0 1 0", """
            [Network(@"input 28x28x1
            conv2d 32 3x3 {|NDSL0021:padd|}")]
            """),
        Case("NDSL0021", "'99999999999' is too large: at most 2147483647", """
            [Network("input 28x28x1\ndense {|NDSL0021:99999999999|}")]
            """),
        Case("NDSL0021", "dense already has an activation", """
            [Network("input 784\ndense 10 relu {|NDSL0021:softmax|}")]
            """),
        Case("NDSL0021", "'network' lines belong in .netdsl files; in [Network(\"...\")] the class is the network", """
            [Network("{|NDSL0021:network|} Other\ninput 784")]
            """),
        Case("NDSL0009", "Conv2D 'conv2d_2': the kernel window 7x7 does not fit its 5x5x64 input with valid padding; use a window of at most 5x5, or 'same'", """"
            [Network("""
                input 28x28x1
                conv2d 32 3x3 relu
                maxpool
                conv2d 64 3x3 relu
                maxpool 2
                {|NDSL0009:conv2d 64 7x7 relu|}
                flatten
                dense 10 softmax
                """)]
            """"),
        Case("NDSL0008", "The filters of Conv2D 'conv2d' must be at least 1, but is 0", """
            [Network("input 8x8x1\nconv2d {|NDSL0008:0|} 3x3")]
            """),
        Case("NDSL0010", "Dense 'dense' is fed the 3-D feature map 8x8x1; add 'flatten' (or 'globalavgpool') before it", """
            [Network("input 8x8x1\n\t{|NDSL0010:dense 10|}   # missing flatten")]
            """),
        Case("NDSL0005", "The network 'Net' has no Input layer; start it with 'input HEIGHTxWIDTHxCHANNELS' (for example 'input 28x28x1')", """
            [{|NDSL0005:Network("# nothing yet")|}]
            """),
        Case("NDSL0011", "Conv2D 'conv2d' needs a height x width x channels feature map but is fed the vector 784; move it before 'flatten'", """
            [Network("input 784\n{|NDSL0011:conv2d 8 3x3|}")]
            """),
        Case("NDSL0021", "'４' has digits other than 0-9; write numbers with ASCII digits", """
            [Network("input {|NDSL0021:４|}")]
            """),
        Case("NDSL0021", "'٤٢' has digits other than 0-9; write numbers with ASCII digits", """
            [Network("input 28x28x1\nconv2d {|NDSL0021:٤٢|} 3")]
            """),
        Case("NDSL0016", "The rate of Dropout 'dropout' must be in [0, 1), but is 1.5", """
            [Network("input 784\ndropout {|NDSL0016:1.5|}")]
            """),
        Case("NDSL0021", "dropout needs a number (rate): 'dropout RATE'", """
            [Network("input 784\n{|NDSL0021:dropout|}")]
            """),
        Case("NDSL0021", "momentum needs a value, e.g. 'momentum 0.9'", """
            [Network("input 784\nbatchnorm {|NDSL0021:momentum|}")]
            """),
        Case("NDSL0021", "'0.9.9' is not a number; write numbers like 0.25 or 1e-3", """
            [Network("input 784\nbatchnorm momentum {|NDSL0021:0.9.9|}")]
            """),
        Case("NDSL0016", "The negative slope of LeakyReLU 'leaky_re_lu' must be a finite number of at least 0, but is -1", """
            [Network("input 784\nleakyrelu {|NDSL0016:-1|}")]
            """),
        Case("NDSL0023", "'Net' is defined by the text of [Network(...)]; remove its layer attributes, or the text", """
            [Network("input 784\ndense 10")]
            [{|NDSL0023:Dense(5)|}]
            """),
    };

    [Theory]
    [MemberData(nameof(InlineErrors))]
    public void InlineTextErrorsAreReportedInsideTheString(string id, string message, string markup)
    {
        var parsed = Markup.Parse("using NetDsl;\n\n" + markup + "partial class Net;\nstatic class Use { static int N => Net.InputLength + Net.OutputLength; }\n");
        GeneratorResult result = GeneratorHarness.Run(parsed.Source);

        Diagnostic diagnostic = Assert.Single(result.AllDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(parsed.Expected.Single().Span, diagnostic.Location.SourceSpan);
        Assert.Equal(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void NetDslFileErrorsPointIntoTheFile()
    {
        GeneratorResult result = GeneratorHarness.Run(
            new[] { "static class Use { static int N => Shapes.Bad.InputLength; }" },
            new InMemoryAdditionalText("/models/bad.netdsl", "network Bad\nnamespace Shapes\ninput 5x5x64\n  conv2d 64 7x7\n"));

        Diagnostic diagnostic = Assert.Single(result.AllDiagnostics);
        Assert.Equal("NDSL0009", diagnostic.Id);
        FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
        Assert.Equal("/models/bad.netdsl", span.Path);
        Assert.Equal(new LinePosition(3, 2), span.StartLinePosition);
        Assert.Equal(new LinePosition(3, 15), span.EndLinePosition);
    }

    [Fact]
    public void NetDslFileNeedsANameAndOneDefinitionPerClass()
    {
        GeneratorResult missing = GeneratorHarness.Run(
            System.Array.Empty<string>(),
            new InMemoryAdditionalText("/models/anonymous.netdsl", "input 784\ndense 10\n"));
        Assert.Equal("NDSL0022", Assert.Single(missing.AllDiagnostics).Id);
        Assert.Empty(missing.Sources);

        GeneratorResult twice = GeneratorHarness.Run(
            System.Array.Empty<string>(),
            new InMemoryAdditionalText("/models/a.netdsl", "network Same\ninput 784\ndense 10\n"),
            new InMemoryAdditionalText("/models/b.netdsl", "network Same\ninput 784\ndense 5\n"));
        Diagnostic duplicate = Assert.Single(twice.AllDiagnostics);
        Assert.Equal("NDSL0024", duplicate.Id);
        Assert.Equal("/models/b.netdsl", duplicate.Location.GetLineSpan().Path);
        Assert.Contains("/models/a.netdsl", duplicate.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Single(twice.Sources);
    }

    [Fact]
    public void EveryUnicodeLineBreakEndsALine()
    {
        // LF, CR LF, CR, NEL, LS and PS: the same three-layer network each time.
        string expected = GeneratorHarness.Run(System.Array.Empty<string>(), new InMemoryAdditionalText("/m/n.netdsl", "network N\ninput 4\ndense 3\ndense 2\n")).SingleSource;
        foreach (string lineBreak in new[] { "\r\n", "\r", "\u0085", "\u2028", "\u2029", "\v", "\f" })
        {
            GeneratorResult result = GeneratorHarness.Run(
                System.Array.Empty<string>(),
                new InMemoryAdditionalText("/m/n.netdsl", string.Join(lineBreak, "network N", "input 4", "dense 3", "dense 2")));
            Assert.Empty(result.AllDiagnostics);
            Assert.Equal(expected, result.SingleSource);
        }
    }

    private static object[] Case(string id, string message, string markup) => new object[] { id, message, markup };
}
