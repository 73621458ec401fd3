using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Tests.Infrastructure;

namespace NetDsl.Generator.Tests;

/// <summary>
/// The generator and the analyzers survive garbage: hundreds of randomly mutated attribute lists and network
/// texts (deleted characters, swapped and duplicated tokens, huge numbers, empty input). Each must produce
/// diagnostics or code, never an exception (the harness throws if the generator or an analyzer does) and
/// never an internal error (NDSL0015).
/// </summary>
public sealed class FuzzTests
{
    private const string AttributeNetwork = """
        [Network]
        [Input(28, 28, 1)]
        [Conv2D(32, 3, Activation = Activation.ReLU, Strides = 1, Padding = Padding.Same, Name = "c")]
        [BatchNormalization(Momentum = 0.9, Epsilon = 1e-3, Center = false)]
        [SpatialDropout2D(0.1)]
        [SeparableConv2D(32, 3, From = "c", DilationRate = 2, Padding = Padding.Same, Name = "side")]
        [Add("spatial_dropout2d", "side")]
        [MaxPooling2D(2, StrideHeight = 2)]
        [LeakyReLU(0.1)]
        [UpSampling2D(2, Interpolation = Interpolation.Bilinear)]
        [Concatenate("up_sampling2d", "c")]
        [Conv2DTranspose(8, 3, Strides = 2, Padding = Padding.Same)]
        [Cropping2D(1, Top = 2)]
        [ZeroPadding2D(Left = 1)]
        [AveragePooling2D(3, 2, Padding = Padding.Valid)]
        [Flatten]
        [Dense(64, Activation = Activation.GELU, UseBias = false)]
        [Dropout(0.5)]
        [Activation(Activation.Softmax)]
        partial class Net;
        """;

    private const string NetworkText = "input 28x28x1\nc: conv2d 32 3x3 stride 1 same relu\nbatchnorm momentum 0.9 epsilon 1e-3 nocenter\nspatialdropout2d 0.1\n"
        + "side: depthwiseconv2d 3x3 dilation 2 same from c multiplier 1\nadd spatial_dropout2d side\n"
        + "maxpool 2x2\nleakyrelu 0.1\nupsampling2d 2x2 bilinear\nconcat up_sampling2d c\nconv2dtranspose 8 3x3 stride 2 same\ncropping2d 1 top 2\nzeropadding2d left 1\n"
        + "avgpool 3x2 stride 2 valid\nglobalavgpool\nreshape -1\nflatten\ndense 64 gelu nobias\ndropout 0.5\nactivation softmax\n";

    private static readonly string[] Junk = { "0", "-1", "2147483647", "99999999999", "x", "3x", "(", ")", ",", "\"", "\\", "#", "\n", "=", "same", "relu", "Flatten", "Input(1)", "\u00e9", "", "1.5", "1e400", "NaN", ".", "0.", "\uFF13", "\u2028" };

    public static IEnumerable<object[]> Seeds() => Enumerable.Range(0, 12).Select(i => new object[] { i });

    [Fact]
    public void TheNetworksMutatedAreValid()
    {
        // Mutations start from networks that use every kind of layer and a graph, and compile cleanly.
        Assert.Empty(GeneratorHarness.Run("using NetDsl;\n" + AttributeNetwork).AllDiagnostics);
        Assert.Empty(GeneratorHarness.Run("using NetDsl;\n[Network(\"" + NetworkText.Replace("\n", "\\n", System.StringComparison.Ordinal) + "\")]\npartial class Net;").AllDiagnostics);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MutatedAttributeNetworksNeverCrash(int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < 25; i++)
        {
            string source = "using NetDsl;\n" + Mutate(AttributeNetwork, random);
            GeneratorResult result = GeneratorHarness.Run(source);
            Assert.DoesNotContain(result.AllDiagnostics, d => d.Id == "NDSL0015");
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MutatedNetworkTextsNeverCrash(int seed)
    {
        var random = new Random(1000 + seed);
        for (int i = 0; i < 25; i++)
        {
            string text = Mutate(NetworkText, random);
            string literal = "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";
            GeneratorResult inline = GeneratorHarness.Run("using NetDsl;\n[Network(" + literal + ")]\npartial class Net;\n");
            GeneratorResult file = GeneratorHarness.Run(Array.Empty<string>(), new InMemoryAdditionalText("/fuzz/net.netdsl", "network Net\n" + text));
            Assert.DoesNotContain(inline.AllDiagnostics.Concat(file.AllDiagnostics), d => d.Id == "NDSL0015");
            Assert.True(file.AllDiagnostics.Count > 0 || file.Sources.Count == 1);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n\n")]
    [InlineData("network")]
    [InlineData("network 1abc\ninput 3")]
    [InlineData("network A\nnetwork B\ninput 3")]
    [InlineData("network A\nnamespace\ninput 3")]
    [InlineData("network A\nnamespace a..b\ninput 3")]
    [InlineData("network A\ninput 0x0x0\nconv2d 0 0x0 stride 0x0")]
    [InlineData("network A\ninput 2147483647x2147483647x2147483647\nflatten\ndense 2147483647")]
    [InlineData("network A\ninput 3x3x3\ninput 3x3x3\nconv2d")]
    public void EdgeCaseFilesGiveDiagnosticsNotCrashes(string text)
    {
        GeneratorResult result = GeneratorHarness.Run(Array.Empty<string>(), new InMemoryAdditionalText("/edge/net.netdsl", text));
        Assert.NotEmpty(result.AllDiagnostics);
        Assert.DoesNotContain(result.AllDiagnostics, d => d.Id == "NDSL0015");
    }

    /// <summary>1-4 random edits: delete a span, swap two tokens, duplicate a token, or insert junk.</summary>
    private static string Mutate(string text, Random random)
    {
        var builder = new StringBuilder(text);
        int edits = random.Next(1, 5);
        for (int e = 0; e < edits && builder.Length > 0; e++)
        {
            int at = random.Next(builder.Length);
            switch (random.Next(4))
            {
                case 0:
                    builder.Remove(at, Math.Min(random.Next(1, 6), builder.Length - at));
                    break;
                case 1:
                    string[] tokens = builder.ToString().Split(' ');
                    int a = random.Next(tokens.Length), b = random.Next(tokens.Length);
                    (tokens[a], tokens[b]) = (tokens[b], tokens[a]);
                    builder.Clear().Append(string.Join(" ", tokens));
                    break;
                case 2:
                    int length = Math.Min(random.Next(1, 8), builder.Length - at);
                    builder.Insert(at, builder.ToString(at, length));
                    break;
                default:
                    builder.Insert(at, Junk[random.Next(Junk.Length)]);
                    break;
            }
        }

        return builder.ToString();
    }
}
