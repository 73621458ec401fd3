using NetDsl.Generator.Tests.Infrastructure;

namespace NetDsl.Generator.Tests;

/// <summary>The generated source for a few representative networks, compared with approved snapshots.</summary>
public sealed class SnapshotTests
{
    [Fact]
    public void SeedMnistModel()
    {
        GeneratorResult result = GeneratorHarness.Run("""
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
            """);

        Assert.Empty(result.AllDiagnostics);
        Snapshot.Verify(result.SingleSource, "SeedMnistModel");
    }

    [Fact]
    public void BatchNormalizationDropoutAndActivations()
    {
        // BatchNormalization folded into a convolution and a Dense, and standalone (after a pool); both dropouts;
        // activations that read their input (GELU) and their output (ELU), and a LeakyReLU layer.
        GeneratorResult result = GeneratorHarness.Run(""""
            using NetDsl;

            namespace Samples;

            [Network("""
                input 12x12x1
                conv2d 8 3x3 same nobias
                batchnorm
                activation relu
                spatialdropout2d 0.1
                maxpool 2x2
                batchnorm momentum 0.9 epsilon 0.01 noscale
                conv2d 16 3x3 gelu
                leakyrelu 0.1
                globalavgpool
                dropout 0.25
                dense 32 nobias
                batchnorm
                activation elu
                dense 10 softmax
                """)]
            public partial class FashionNet;
            """");

        Assert.Empty(result.AllDiagnostics);
        Snapshot.Verify(result.SingleSource, "BatchNormalizationDropoutAndActivations");
    }

    [Fact]
    public void PaddingStridesAndEveryLayerKind()
    {
        GeneratorResult result = GeneratorHarness.Run("""
            using NetDsl;

            namespace Samples.Vision
            {
                [Network]
                [Input(32, 30, 3)]
                [Conv2D(8, 5, 3, StrideHeight = 2, Padding = Padding.Same, Activation = Activation.Tanh)]
                [AveragePooling2D(3, Strides = 2, Padding = Padding.Same)]
                [MaxPooling2D(2, 1, Padding = Padding.Valid)]
                [Conv2D(16, 1, UseBias = false)]
                [Activation(Activation.Sigmoid)]
                [GlobalAveragePooling2D]
                [Dense(5, UseBias = false)]
                [Activation(Activation.Softmax)]
                internal sealed partial class TinyRgbNet
                {
                }
            }
            """);

        Assert.Empty(result.AllDiagnostics);
        Snapshot.Verify(result.SingleSource, "PaddingStridesAndEveryLayerKind");
    }

    [Fact]
    public void NestedNetworkWithVectorInput()
    {
        GeneratorResult result = GeneratorHarness.Run("""
            using NetDsl;

            public static partial class Models
            {
                [Network]
                [Input(6, 6, 2)]
                [GlobalMaxPooling2D]
                [Flatten]
                [Dense(3, Activation = Activation.ReLU)]
                private partial class Probe;
            }

            [Network]
            [Input(784)]
            [Dense(10)]
            partial class Logistic;
            """);

        Assert.Empty(result.AllDiagnostics);
        Assert.Equal(2, result.Sources.Count);
        Snapshot.Verify(result.Sources["Models.Probe.g.cs"], "NestedNetwork");
        Snapshot.Verify(result.Sources["Logistic.g.cs"], "VectorInputNetwork");
    }

    [Fact]
    public void InvalidNetworkEmitsOnlyTheSurface()
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
            public partial class BrokenNet;
            """);

        Assert.Equal("NDSL0009", Assert.Single(result.AllDiagnostics).Id);
        Snapshot.Verify(result.SingleSource, "InvalidNetworkSurface");
    }

    [Fact]
    public void ResidualBlock()
    {
        // ResNet's basic block with BatchNormalization: the stem's output is read by the block and by the Add two
        // training segments later (its gradient kept per sample, the two contributions summed).
        GeneratorResult result = GeneratorHarness.Run(""""
            using NetDsl;

            namespace Samples;

            [Network("""
                input 16x16x3
                conv2d 8 3x3 same nobias
                batchnorm
                stem: activation relu
                conv2d 8 3x3 same nobias
                batchnorm
                activation relu
                conv2d 8 3x3 same nobias
                residual: batchnorm
                add stem residual
                activation relu
                globalavgpool
                dense 10 softmax
                """)]
            public partial class ResidualNet;
            """");

        Assert.Empty(result.AllDiagnostics);
        Snapshot.Verify(result.SingleSource, "ResidualBlock");
    }

    [Fact]
    public void UNetLikeEncoderDecoder()
    {
        // Two levels down and up: the decoder upsamples (repeating pixels, then a learned transposed convolution) and
        // joins each encoder level's output along the channels; a per-pixel softmax over 3 classes.
        GeneratorResult result = GeneratorHarness.Run(""""
            using NetDsl;

            namespace Samples;

            [Network("""
                input 16x16x1
                e1: conv2d 8 3x3 same relu
                maxpool 2x2
                e2: conv2d 16 3x3 same relu
                maxpool 2x2
                conv2d 32 3x3 same relu
                upsampling2d 2x2
                concat up_sampling2d e2
                conv2d 16 3x3 same relu
                conv2dtranspose 16 3x3 stride 2 same relu
                concat conv2d_transpose e1
                conv2d 8 3x3 same relu
                conv2d 3 1x1 softmax
                """)]
            public partial class SegmentationNet;
            """");

        Assert.Empty(result.AllDiagnostics);
        Snapshot.Verify(result.SingleSource, "UNetLikeEncoderDecoder");
    }
}
