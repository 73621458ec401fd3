using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Tests.Infrastructure;

namespace NetDsl.Generator.Tests;

/// <summary>
/// Conv2D's constant kernels (named <see cref="FixedKernel"/>s, explicit values) and <c>Trainable = false</c>: the
/// generated source, the text form both ways; each mistake as one NDSL0047 (or, in text, NDSL0021) where it is
/// written (<see cref="AttributeCases"/> and <see cref="TextCases"/>, run by <see cref="DiagnosticTests"/>).
/// </summary>
public sealed class FixedKernelTests
{
    /// <summary>Each mistake and its one diagnostic, run by <see cref="DiagnosticTests"/>'s table-driven test.</summary>
    public static IEnumerable<object[]> AttributeCases() => new[]
    {
        Case("NDSL0047", "The constant kernel of Conv2D 'conv2d' does not fit it: SobelX (sobel_x) is a 3x3 kernel, and the layer's is 5x5; BoxBlur and GaussianBlur take any size, and KernelValues any values", """
            [Network, Input(8, 8, 1)]
            [Conv2D(1, 5, {|NDSL0047:Kernel = FixedKernel.SobelX|}, Trainable = false)]
            partial class Net;
            """),
        Case("NDSL0047", "The constant kernel of Conv2D 'conv2d' does not fit it: Kernels names 1 kernel for 2 filters; give one per filter, or one Kernel for every filter", """
            [Network, Input(8, 8, 1)]
            [Conv2D(2, 3, {|NDSL0047:Kernels = new[] { FixedKernel.SobelX }|})]
            partial class Net;
            """),
        Case("NDSL0047", "The constant kernel of Conv2D 'conv2d' does not fit it: KernelValues has 4 values; a 3x3 kernel takes 9 (one kernel, row by row, for every filter) or 54 (Keras's [3, 3, 3, 2])", """
            [Network, Input(8, 8, 3)]
            [Conv2D(2, 3, {|NDSL0047:KernelValues = new[] { 1f, 2f, 3f, 4f }|})]
            partial class Net;
            """),
        Case("NDSL0047", "The constant kernel of Conv2D 'conv2d' does not fit it: give one of Kernel, Kernels and KernelValues (DSL: kernel NAME..., or kernel_values)", """
            [Network, Input(8, 8, 1)]
            [Conv2D(1, 3, Kernel = FixedKernel.Laplacian, {|NDSL0047:KernelValues = new[] { 0f, 1f, 0f, 1f, -4f, 1f, 0f, 1f, 0f }|})]
            partial class Net;
            """),
        Case("NDSL0012", "42 is not a valid FixedKernel for Conv2D 'conv2d'", """
            [Network, Input(8, 8, 1)]
            [Conv2D(1, 3, {|NDSL0012:Kernel = (FixedKernel)42|})]
            partial class Net;
            """),
    };

    public static IEnumerable<object[]> TextCases() => new[]
    {
        Case("NDSL0047", "The constant kernel of Conv2D 'conv2d' does not fit it: Laplacian (laplacian) is a 3x3 kernel, and the layer's is 5x5; BoxBlur and GaussianBlur take any size, and KernelValues any values", """
            [Network("input 8x8x1\nconv2d 1 5x5 fixed {|NDSL0047:laplacian|}")]
            partial class Net;
            """),
        Case("NDSL0047", "The constant kernel of Conv2D 'conv2d' does not fit it: Kernels names 3 kernels for 2 filters; give one per filter, or one Kernel for every filter", """
            [Network("input 8x8x1\nconv2d 2 3x3 fixed {|NDSL0047:sobel_x sobel_y laplacian|} nobias")]
            partial class Net;
            """),
        Case("NDSL0047", "The constant kernel of Conv2D 'conv2d' does not fit it: KernelValues has 3 values; a 3x3 kernel takes 9", """
            [Network("input 8x8x1\nconv2d 1 3x3 kernel_values {|NDSL0047:1 0 -1|} relu")]
            partial class Net;
            """),
        Case("NDSL0021", "'sobel_z' is not a kernel name (did you mean 'sobel_x'?); expected sobel_x, sobel_y, prewitt_x, prewitt_y, laplacian, box_blur, gaussian_blur, sharpen, emboss", """
            [Network("input 8x8x1\nconv2d 2 3x3 fixed sobel_x {|NDSL0021:sobel_z|}")]
            partial class Net;
            """),
        Case("NDSL0021", "'edges' is not a kernel name; expected sobel_x, sobel_y, prewitt_x, prewitt_y, laplacian, box_blur, gaussian_blur, sharpen, emboss", """
            [Network("input 8x8x1\nconv2d 1 3x3 kernel {|NDSL0021:edges|}")]
            partial class Net;
            """),
        Case("NDSL0021", "kernel needs kernel names, e.g. 'kernel sobel_x'", """
            [Network("input 8x8x1\nconv2d 2 3x3 {|NDSL0021:kernel|} relu")]
            partial class Net;
            """),
        Case("NDSL0021", "'1,0' is not a number; write numbers like 0.25 or 1e-3", """
            [Network("input 8x8x1\nconv2d 1 3x3 kernel_values {|NDSL0021:1,0|}")]
            partial class Net;
            """),
    };

    [Fact]
    public void SobelPairBlurAndExplicitKernelSnapshot()
    {
        // A fixed Sobel pair, a trainable Gaussian blur over two channels (each channel gets half), explicit values
        // for every filter, and a trainable head.
        GeneratorResult result = GeneratorHarness.Run("""
            using NetDsl;

            namespace Samples;

            [Network]
            [Input(8, 8, 1)]
            [Conv2D(2, 3, Kernels = new[] { FixedKernel.SobelX, FixedKernel.SobelY }, Trainable = false, UseBias = false)]
            [Conv2D(1, 5, Padding = Padding.Same, Kernel = FixedKernel.GaussianBlur)]
            [Conv2D(2, 3, KernelValues = new[] { 0f, 1f, 0f, 1f, -4f, 1f, 0f, 1f, 0f }, Trainable = false)]
            [Flatten]
            [Dense(3, Activation = Activation.Softmax)]
            public partial class EdgeNet;
            """);

        Assert.Empty(result.AllDiagnostics);
        Snapshot.Verify(result.SingleSource, "FixedKernels");
    }

    [Fact]
    public void AttributesAndTextGiveTheSameGeneratedCode()
    {
        GeneratorResult attributes = GeneratorHarness.Run("""
            using NetDsl;
            [Network]
            [Input(8, 8, 1)]
            [Conv2D(2, 3, Kernels = new[] { FixedKernel.SobelX, FixedKernel.SobelY }, Trainable = false, UseBias = false)]
            [Conv2D(1, 3, Kernel = FixedKernel.Laplacian)]
            [Conv2D(4, 3, Trainable = false, Activation = Activation.ReLU)]
            [Conv2D(1, 2, KernelValues = new[] { 0.25f, 0.25f, 0.25f, 0.25f }, Trainable = false)]
            [Flatten]
            [Dense(3, Trainable = false)]
            partial class Net;
            """);
        GeneratorResult text = GeneratorHarness.Run("""
            using NetDsl;
            [Network(@"
                input 8x8x1
                conv2d 2 3x3 fixed sobel_x sobel_y nobias
                conv2d 1 3x3 kernel laplacian
                conv2d 4 3x3 relu fixed
                conv2d 1 2x2 kernel_values 0.25 0.25 0.25 0.25 fixed
                flatten
                dense 3 fixed")]
            partial class Net;
            """);

        Assert.Empty(attributes.AllDiagnostics);
        Assert.Empty(text.AllDiagnostics);
        Assert.Equal(attributes.SingleSource, text.SingleSource);

        // The architecture text is the layers' Describe: it reads back as the same network.
        string architecture = ArchitectureOf(attributes.SingleSource);
        Assert.Equal(
            "input 8x8x1\nconv2d 2 3x3 fixed sobel_x sobel_y nobias\nconv2d 1 3x3 kernel laplacian\nconv2d 4 3x3 relu fixed\n"
            + "conv2d 1 2x2 fixed kernel_values 0.25 0.25 0.25 0.25\nflatten\ndense 3 fixed",
            architecture);
        GeneratorResult roundTrip = GeneratorHarness.Run("using NetDsl;\n[Network(\"" + architecture.Replace("\n", "\\n", System.StringComparison.Ordinal) + "\")]\npartial class Net;");
        Assert.Empty(roundTrip.AllDiagnostics);
        Assert.Equal(attributes.SingleSource, roundTrip.SingleSource);
    }

    [Fact]
    public void SummaryCountsAFixedLayerAsNonTrainable()
    {
        GeneratorResult result = GeneratorHarness.Run("""
            using NetDsl;
            [Network("input 8x8x1\nconv2d 2 3x3 fixed sobel_x sobel_y\nflatten\ndense 3")]
            partial class Net;
            """);
        Assert.Empty(result.AllDiagnostics);

        // conv2d: 18 + 2 frozen; dense: 6 * 6 * 2 * 3 + 3 = 219 trainable.
        Assert.Contains("\"Total params: 239\\n\"", result.SingleSource, System.StringComparison.Ordinal);
        Assert.Contains("\"Trainable params: 219\\n\"", result.SingleSource, System.StringComparison.Ordinal);
        Assert.Contains("\"Non-trainable params: 20\\n\"", result.SingleSource, System.StringComparison.Ordinal);
        Assert.Contains("new(\"conv2d/kernel\", new(3, 3, 1, 2), Conv2dKernel, 18, Conv2dKernelValues, trainable: false),", result.SingleSource, System.StringComparison.Ordinal);
        Assert.Contains("new(\"conv2d/bias\", new(2), Conv2dBias, 2, ParameterInitializer.Zeros, trainable: false),", result.SingleSource, System.StringComparison.Ordinal);
    }

    [Fact]
    public void AFixedFirstLayerComputesNoKernelGradientAndOnlyAnInputGradientOnRequest()
    {
        GeneratorResult result = GeneratorHarness.Run("""
            using NetDsl;
            [Network("input 8x8x1\nconv2d 2 3x3 fixed sobel_x sobel_y\nconv2d 2 3x3 fixed\nflatten\ndense 3")]
            partial class Net;
            """);
        Assert.Empty(result.AllDiagnostics);
        // Statements without their line breaks.
        string source = System.Text.RegularExpressions.Regex.Replace(result.SingleSource, @"\(\s+", "(");
        Assert.DoesNotContain("AccumulateParameterGradients(in Conv2d1Geometry", source, System.StringComparison.Ordinal);
        Assert.DoesNotContain("AccumulateParameterGradients(in Conv2dGeometry", source, System.StringComparison.Ordinal);
        Assert.Contains("// conv2d is fixed: nothing to do unless the input's gradient is asked for.", source, System.StringComparison.Ordinal);

        // The second fixed layer still passes the gradient on to the first.
        Assert.Contains("Conv2DKernels.InputGradient(in Conv2d1Geometry", source, System.StringComparison.Ordinal);
    }

    [Fact]
    public void AFixedDenseComputesOnlyItsInputGradient()
    {
        GeneratorResult result = GeneratorHarness.Run("""
            using NetDsl;
            [Network("input 8\ndense 6 relu\ndense 5 tanh fixed\ndense 3 softmax")]
            partial class Net;
            """);
        Assert.Empty(result.AllDiagnostics);
        string source = System.Text.RegularExpressions.Regex.Replace(result.SingleSource, @"\(\s+", "(");
        Assert.Contains("DenseKernels.InputGradient(s.Dense1Transposed, s.GradB(5), s.GradA(6));", source, System.StringComparison.Ordinal);
        Assert.DoesNotContain("g.Slice(Dense1Kernel", source, System.StringComparison.Ordinal);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(source, @"DenseKernels\.Backward\(").Count);
    }

    [Fact]
    public void PyTorchModuleFreezesAFixedLayerAndCopiesItsKernel()
    {
        GeneratorResult result = GeneratorHarness.Run("""
            using NetDsl;
            [Network("input 8x8x1\nconv2d 2 3x3 fixed sobel_x sobel_y nobias\nflatten\ndense 3")]
            partial class Net;
            """);
        Assert.Empty(result.AllDiagnostics);
        string source = result.SingleSource;
        Assert.Contains("self.conv2d.requires_grad_(False)  # fixed: training leaves it as it is", source, System.StringComparison.Ordinal);
        Assert.Contains("self.conv2d.weight.copy_(torch.tensor([-1, -1, 0, -2, 1, -1, -2, 0, 0, 0, 2, 0, -1, 1, 0, 2, 1, 1], dtype=torch.float32).reshape(3, 3, 1, 2).permute(3, 2, 0, 1))",
            source, System.StringComparison.Ordinal);
    }

    private static string ArchitectureOf(string source)
    {
        // public const string ArchitectureText = "line\n" + "line\n" + ...;
        int start = source.IndexOf("public const string ArchitectureText =", System.StringComparison.Ordinal);
        int end = source.IndexOf(';', start);
        string[] literals = source.Substring(start, end - start).Split('"').Where((_, i) => i % 2 == 1).ToArray();
        return string.Concat(literals).Replace("\\n", "\n", System.StringComparison.Ordinal);
    }

    private static object[] Case(string id, string message, string markup) => new object[] { id, message, markup };
}
