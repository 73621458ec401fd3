namespace NetDsl.Tests.Networks;

// Networks covering every layer and option: strides 1-3, valid and same padding, odd and even sizes,
// rectangular kernels and pools, 1 and 3 channels, with and without bias, every activation, and channel
// counts that exercise each SIMD width's tail. Each is checked against the naive reference.

[Network, Input(5, 5, 1), Conv2D(1, 3)]
public partial class ConvValidSingleChannel;

[Network, Input(6, 6, 3), Conv2D(4, 2, Strides = 2)]
public partial class ConvEvenKernelStride2;

[Network, Input(7, 8, 3), Conv2D(5, 3, 2, StrideHeight = 3, StrideWidth = 2, Activation = Activation.ReLU)]
public partial class ConvRectangularStride3x2;

[Network, Input(7, 7, 1), Conv2D(3, 3, Padding = Padding.Same)]
public partial class ConvSameOdd;

[Network, Input(8, 6, 3), Conv2D(2, 4, Padding = Padding.Same, Strides = 2, Activation = Activation.Tanh)]
public partial class ConvSameEvenKernelStride2;

[Network, Input(9, 10, 3), Conv2D(6, 2, 5, StrideHeight = 3, StrideWidth = 1, Padding = Padding.Same, Activation = Activation.Sigmoid)]
public partial class ConvSameRectangularStride3x1;

[Network, Input(5, 4, 2), Conv2D(3, 1, UseBias = false)]
public partial class ConvPointwiseNoBias;

[Network, Input(4, 4, 3), Conv2D(8, 3, Padding = Padding.Same, Strides = 3, Activation = Activation.Softmax)]
public partial class ConvSoftmaxOverChannels;

[Network, Input(3, 3, 2), Conv2D(2, 3)]
public partial class ConvKernelEqualsInput;

[Network, Input(2, 2, 1), Conv2D(1, 5, Padding = Padding.Same)]
public partial class ConvKernelLargerThanInputSame;

[Network, Input(12, 12, 1), Conv2D(2, 11, 11)]
public partial class ConvTallKernelLoop;

[Network, Input(12, 13, 2), Conv2D(2, 11, 3, Padding = Padding.Same, Strides = 2)]
public partial class ConvTallKernelSame;

[Network, Input(5, 5, 2), Conv2D(17, 3, Activation = Activation.ReLU)]
public partial class ConvSeventeenFilters;

[Network, Input(4, 5, 3), Conv2D(70, 2, Strides = 2, Padding = Padding.Same)]
public partial class ConvSeventyFilters;

[Network, Input(6, 6, 2), MaxPooling2D]
public partial class MaxPoolDefault;

[Network, Input(7, 7, 3), MaxPooling2D(3, Strides = 2)]
public partial class MaxPoolOverlapping;

[Network, Input(7, 5, 2), MaxPooling2D(2, Padding = Padding.Same)]
public partial class MaxPoolSameOdd;

[Network, Input(8, 9, 1), MaxPooling2D(3, 2, StrideHeight = 1, StrideWidth = 3, Padding = Padding.Same)]
public partial class MaxPoolSameRectangular;

[Network, Input(8, 8, 2), MaxPooling2D(4)]
public partial class MaxPoolLargeWindow;

[Network, Input(10, 10, 1), MaxPooling2D(2, Strides = 3, Padding = Padding.Same)]
public partial class MaxPoolStrideLargerThanPool;

[Network, Input(6, 6, 2), AveragePooling2D]
public partial class AvgPoolDefault;

[Network, Input(7, 7, 3), AveragePooling2D(3, Strides = 2, Padding = Padding.Same)]
public partial class AvgPoolSameStride2;

[Network, Input(5, 8, 2), AveragePooling2D(2, 3, Strides = 1)]
public partial class AvgPoolRectangularStride1;

[Network, Input(4, 12, 1), AveragePooling2D(4, 4)]
public partial class AvgPoolLargeWindow;

[Network, Input(9, 7, 3), AveragePooling2D(4, 2, Padding = Padding.Same, StrideHeight = 3)]
public partial class AvgPoolSameLargeRectangular;

[Network, Input(5, 4, 3), GlobalAveragePooling2D]
public partial class GlobalAverage;

[Network, Input(5, 4, 3), GlobalMaxPooling2D]
public partial class GlobalMax;

[Network, Input(12), Dense(7, Activation = Activation.ReLU), Dense(3, Activation = Activation.Softmax)]
public partial class DenseStack;

[Network, Input(37), Dense(19, Activation = Activation.Sigmoid)]
public partial class DenseOddSizes;

[Network, Input(4, 3, 2), Flatten, Dense(5, UseBias = false, Activation = Activation.Tanh), Activation(Activation.Sigmoid)]
public partial class FlattenDenseActivation;

[Network, Input(2, 2, 1), Flatten]
public partial class FlattenOnly;

[Network, Input(3)]
public partial class InputOnly;

[Network, Input(6, 5, 3), Activation(Activation.ReLU), Activation(Activation.Softmax), Activation(Activation.None)]
public partial class ActivationsOnMaps;

[Network]
[Input(10, 10, 3)]
[Conv2D(4, 3, Padding = Padding.Same, Activation = Activation.ReLU)]
[MaxPooling2D(2)]
[Conv2D(6, 2, Strides = 2)]
[Activation(Activation.ReLU)]
[AveragePooling2D(2, Padding = Padding.Same)]
[Flatten]
[Dense(8)]
[Activation(Activation.Softmax)]
public partial class MixedRgb;

/// <summary>The classic Keras MNIST CNN.</summary>
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

/// <summary>Small networks whose outputs are computed by hand in <c>HandComputedTests</c>.</summary>
public static partial class Tiny
{
    [Network, Input(3, 3, 1), Conv2D(1, 2)]
    public partial class Conv2x2;

    [Network, Input(3, 3, 1), Conv2D(1, 3, Padding = Padding.Same, UseBias = false)]
    public partial class ConvSame3x3;

    [Network, Input(4, 4, 1), Conv2D(1, 2, Padding = Padding.Same, UseBias = false)]
    public partial class ConvSameEven;

    [Network, Input(5, 5, 1), Conv2D(1, 3, Strides = 2, UseBias = false)]
    public partial class ConvStride2;

    [Network, Input(3, 3, 1), AveragePooling2D(3, Strides = 1, Padding = Padding.Same)]
    public partial class AvgSame;

    [Network, Input(3, 3, 1), MaxPooling2D(2, Padding = Padding.Same)]
    public partial class MaxSame;

    [Network, Input(2, 2, 2), GlobalAveragePooling2D]
    public partial class GlobalAvg;

    [Network, Input(2, 2, 2), GlobalMaxPooling2D]
    public partial class GlobalMax;

    [Network, Input(2), Dense(3)]
    public partial class Dense2x3;

    [Network, Input(3), Activation(Activation.Softmax)]
    public partial class Softmax3;

    [Network, Input(3), Activation(Activation.Sigmoid)]
    public partial class Sigmoid3;

    [Network, Input(3), Activation(Activation.Tanh)]
    public partial class Tanh3;

    [Network, Input(3), Activation(Activation.ReLU)]
    public partial class Relu3;

    [Network, Input(1, 1, 2), Conv2D(2, 1, Activation = Activation.Softmax)]
    public partial class PixelSoftmax;

    [Network, Input(2), BatchNormalization]
    public partial class BatchNorm2;
}

/// <summary>A small CNN that learns MNIST in seconds (the training tests).</summary>
[Network]
[Input(28, 28, 1)]
[Conv2D(16, 3, Activation = Activation.ReLU)]
[MaxPooling2D(2)]
[Conv2D(16, 3, Activation = Activation.ReLU)]
[MaxPooling2D(2)]
[Flatten]
[Dense(10, Activation = Activation.Softmax)]
public partial class SmallDigitNet;

/// <summary>The seed model written in the inline text form.</summary>
[Network("""
    input 28x28x1
    conv2d 32 3x3 relu
    maxpool 2x2
    conv2d 64 3x3 relu
    maxpool 2x2
    conv2d 64 3x3 relu
    flatten
    dense 64 relu
    dense 10 softmax
    """)]
public partial class MnistNetInline;

/// <summary>Convolutions followed by 2x2 max pooling: fused in inference (odd map sizes, linear and ReLU,
/// filter counts that need the narrower widths).</summary>
[Network, Input(9, 8, 3), Conv2D(20, 2), MaxPooling2D, Conv2D(70, 1, Activation = Activation.ReLU, Padding = Padding.Same), MaxPooling2D(2)]
public partial class ConvPoolFused;

/// <summary>Max pools whose backward pass also does the ReLU backward of the layer before: after a standalone
/// <c>Activation</c> layer (a leftover column outside every window), and a global max pool after a convolution.</summary>
[Network, Input(7, 6, 3), Conv2D(5, 2), Activation(Activation.ReLU), MaxPooling2D(2), Conv2D(4, 1, Activation = Activation.ReLU), GlobalMaxPooling2D]
public partial class MaxPoolThroughReLU;
