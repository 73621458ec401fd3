extern alias Generator;

using System.Threading.Tasks;
using NetDsl.Analyzers;
using NetDsl.CodeFixes;
using NetDsl.Generator.Tests.Infrastructure;
using Generator::NetDsl.Generator;

namespace NetDsl.Generator.Tests;

/// <summary>Each code fix on the diagnostic it fixes: the light-bulb actions of the IDE.</summary>
public sealed class CodeFixTests
{
    [Fact]
    public Task MakesTheNetworkClassPartial() =>
        CodeFixVerifier<NetworkDiagnosticsAnalyzer, MakePartialCodeFix>.VerifyAsync(
            """
            using NetDsl;

            [Network]
            [Input(784)]
            [Dense(10)]
            public class {|NDSL0001:Net|}
            {
            }
            """,
            """
            using NetDsl;

            [Network]
            [Input(784)]
            [Dense(10)]
            public partial class Net
            {
            }
            """);

    [Fact]
    public Task MakesTheContainingTypePartial() =>
        CodeFixVerifier<NetworkDiagnosticsAnalyzer, MakePartialCodeFix>.VerifyAsync(
            """
            using NetDsl;

            static class Models
            {
                [Network]
                [Input(784)]
                [Dense(10)]
                partial class {|NDSL0003:Net|}
                {
                }
            }
            """,
            """
            using NetDsl;

            static partial class Models
            {
                [Network]
                [Input(784)]
                [Dense(10)]
                partial class Net
                {
                }
            }
            """);

    [Fact]
    public Task InsertsFlattenBeforeDense() =>
        CodeFixVerifier<NetworkDiagnosticsAnalyzer, InsertFlattenCodeFix>.VerifyAsync(
            """
            using NetDsl;

            [Network]
            [Input(28, 28, 1)]
            [Conv2D(8, 3, Activation = Activation.ReLU)]
            [{|NDSL0010:Dense(10, Activation = Activation.Softmax)|}]
            partial class Net;
            """,
            """
            using NetDsl;

            [Network]
            [Input(28, 28, 1)]
            [Conv2D(8, 3, Activation = Activation.ReLU)]
            [Flatten]
            [Dense(10, Activation = Activation.Softmax)]
            partial class Net;
            """);

    [Fact]
    public Task FixAllInsertsEveryFlattenInTheDocument() =>
        CodeFixVerifier<NetworkDiagnosticsAnalyzer, InsertFlattenCodeFix>.VerifyAsync(
            """"
            using NetDsl;

            [Network]
            [Input(28, 28, 1)]
            [Conv2D(8, 3)]
            [{|NDSL0010:Dense(10)|}]
            partial class First;

            [Network, Input(8, 8, 1), Conv2D(4, 3), {|NDSL0010:Dense(2)|}]
            partial class Second;

            [Network("""
                input 8x8x1
                conv2d 4 3x3
                {|NDSL0010:dense 2|}
                """)]
            partial class Third;
            """",
            """"
            using NetDsl;

            [Network]
            [Input(28, 28, 1)]
            [Conv2D(8, 3)]
            [Flatten]
            [Dense(10)]
            partial class First;

            [Network, Input(8, 8, 1), Conv2D(4, 3), Flatten, Dense(2)]
            partial class Second;

            [Network("""
                input 8x8x1
                conv2d 4 3x3
                flatten
                dense 2
                """)]
            partial class Third;
            """");

    [Fact]
    public Task UsesTheClosestNameInAMerge() =>
        CodeFixVerifier<NetworkDiagnosticsAnalyzer, UseClosestNameCodeFix>.VerifyAsync(
            """
            using NetDsl;

            [Network, Input(8, 8, 3), Conv2D(4, 3, Padding = Padding.Same, Name = "stem"), Conv2D(4, 3, Padding = Padding.Same)]
            [Add({|NDSL0033:"stme"|}, "conv2d")]
            partial class Net;
            """,
            """
            using NetDsl;

            [Network, Input(8, 8, 3), Conv2D(4, 3, Padding = Padding.Same, Name = "stem"), Conv2D(4, 3, Padding = Padding.Same)]
            [Add("stem", "conv2d")]
            partial class Net;
            """);

    [Fact]
    public Task UsesTheClosestNameInNetworkText() =>
        CodeFixVerifier<NetworkDiagnosticsAnalyzer, UseClosestNameCodeFix>.VerifyAsync(
            """"
            using NetDsl;

            [Network("""
                input 8x8x3
                skip: conv2d 4 3x3 same
                conv2d 4 3x3 same
                add {|NDSL0033:skpi|} conv2d
                """)]
            partial class Net;
            """",
            """"
            using NetDsl;

            [Network("""
                input 8x8x3
                skip: conv2d 4 3x3 same
                conv2d 4 3x3 same
                add skip conv2d
                """)]
            partial class Net;
            """");

    [Fact]
    public Task InsertsFlattenInsideAnAttributeList() =>
        CodeFixVerifier<NetworkDiagnosticsAnalyzer, InsertFlattenCodeFix>.VerifyAsync(
            """
            using NetDsl;

            [Network, Input(28, 28, 1), Conv2D(8, 3), {|NDSL0010:Dense(10)|}]
            partial class Net;
            """,
            """
            using NetDsl;

            [Network, Input(28, 28, 1), Conv2D(8, 3), Flatten, Dense(10)]
            partial class Net;
            """);

    [Fact]
    public Task InsertsAFlattenLineInNetworkText() =>
        CodeFixVerifier<NetworkDiagnosticsAnalyzer, InsertFlattenCodeFix>.VerifyAsync(
            """"
            using NetDsl;

            [Network("""
                input 8x8x1
                conv2d 4 3x3 relu
                {|NDSL0010:dense 10|}   # the map is still 6x6x4
                """)]
            partial class Net;
            """",
            """"
            using NetDsl;

            [Network("""
                input 8x8x1
                conv2d 4 3x3 relu
                flatten
                dense 10   # the map is still 6x6x4
                """)]
            partial class Net;
            """");

    [Fact]
    public Task InsertsAFlattenLineInARegularString() =>
        CodeFixVerifier<NetworkDiagnosticsAnalyzer, InsertFlattenCodeFix>.VerifyAsync(
            """
            using NetDsl;

            [Network("input 8x8x1\n\t{|NDSL0010:dense 10|}")]
            partial class Net;
            """,
            """
            using NetDsl;

            [Network("input 8x8x1\n\tflatten\n\tdense 10")]
            partial class Net;
            """);

    [Fact]
    public Task LeavesNetworkTextItCannotEditAlone()
    {
        // Concatenated text: the diagnostic covers the whole argument. Neither fix may touch [Network].
        const string Source = """
            using NetDsl;

            [Network({|NDSL0010:"input 8x8x1\n" + "dense 10"|})]
            partial class Net;
            """;
        return CodeFixVerifier<NetworkDiagnosticsAnalyzer, InsertFlattenCodeFix>.VerifyAsync(Source, Source, iterations: 0);
    }

    [Fact]
    public Task LeavesAConstantNetworkTextAlone()
    {
        const string Source = """
            using NetDsl;

            [Network({|NDSL0009:Text|})]
            partial class Net
            {
                private const string Text = "input 3x3x1\nmaxpool 4x4";
            }
            """;
        return CodeFixVerifier<NetworkDiagnosticsAnalyzer, UseSamePaddingCodeFix>.VerifyAsync(Source, Source, iterations: 0);
    }

    [Fact]
    public Task InsertsAFlattenLineInAVerbatimStringWithCrLf() =>
        CodeFixVerifier<NetworkDiagnosticsAnalyzer, InsertFlattenCodeFix>.VerifyAsync(
            "using NetDsl;\r\n\r\n[Network(@\"input 8x8x1\r\n\t{|NDSL0010:dense 10|}\")]\r\npartial class Net;\r\n",
            "using NetDsl;\r\n\r\n[Network(@\"input 8x8x1\r\n\tflatten\r\n\tdense 10\")]\r\npartial class Net;\r\n");

    [Fact]
    public Task SwitchesNetworkTextToSamePadding() =>
        CodeFixVerifier<NetworkDiagnosticsAnalyzer, UseSamePaddingCodeFix>.VerifyAsync(
            """"
            using NetDsl;

            [Network("""
                input 5x5x64
                {|NDSL0009:conv2d 64 7x7 relu|}
                flatten
                """)]
            partial class Net;
            """",
            """"
            using NetDsl;

            [Network("""
                input 5x5x64
                conv2d 64 7x7 relu same
                flatten
                """)]
            partial class Net;
            """");

    [Fact]
    public Task ReplacesValidInNetworkText() =>
        CodeFixVerifier<NetworkDiagnosticsAnalyzer, UseSamePaddingCodeFix>.VerifyAsync(
            """
            using NetDsl;

            [Network("input 3x3x1\n{|NDSL0009:maxpool 4x4 VALID|}")]
            partial class Net;
            """,
            """
            using NetDsl;

            [Network("input 3x3x1\nmaxpool 4x4 same")]
            partial class Net;
            """);

    [Fact]
    public Task SwitchesAWindowThatDoesNotFitToSamePadding() =>
        CodeFixVerifier<NetworkDiagnosticsAnalyzer, UseSamePaddingCodeFix>.VerifyAsync(
            """
            using NetDsl;

            [Network]
            [Input(5, 5, 64)]
            [{|NDSL0009:Conv2D(64, 7, Activation = Activation.ReLU)|}]
            [Flatten]
            partial class Net;
            """,
            """
            using NetDsl;

            [Network]
            [Input(5, 5, 64)]
            [Conv2D(64, 7, Activation = Activation.ReLU, Padding = Padding.Same)]
            [Flatten]
            partial class Net;
            """);

    [Fact]
    public Task ReplacesAnExplicitValidPadding() =>
        CodeFixVerifier<NetworkDiagnosticsAnalyzer, UseSamePaddingCodeFix>.VerifyAsync(
            """
            using NetDsl;

            [Network]
            [Input(3, 3, 1)]
            [{|NDSL0009:MaxPooling2D(4, Padding = Padding.Valid)|}]
            partial class Net;
            """,
            """
            using NetDsl;

            [Network]
            [Input(3, 3, 1)]
            [MaxPooling2D(4, Padding = Padding.Same)]
            partial class Net;
            """);

    [Fact]
    public Task SizesABufferFromTheNetworksConstant() =>
        CodeFixVerifier<BufferLengthAnalyzer, BufferLengthCodeFix>.VerifyAsync(
            """
            using NetDsl;

            [Network, Input(784), Dense(10)]
            partial class Net;

            static class Use
            {
                static void Run(Net net)
                {
                    var image = new float[100];
                    net.Predict({|NDSL0100:image|}, stackalloc float[Net.OutputLength]);
                    net.Predict(new float[2 * 784], {|NDSL0100:new float[10]|}, 2);
                }
            }
            """,
            """
            using NetDsl;

            [Network, Input(784), Dense(10)]
            partial class Net;

            static class Use
            {
                static void Run(Net net)
                {
                    var image = new float[Net.InputLength];
                    net.Predict(image, stackalloc float[Net.OutputLength]);
                    net.Predict(new float[2 * 784], new float[2 * Net.OutputLength], 2);
                }
            }
            """);
}
