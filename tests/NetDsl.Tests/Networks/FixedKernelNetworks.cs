namespace NetDsl.Tests.Networks;

// Constant and fixed (non-trainable) Conv2D kernels: the primer's named filters.

/// <summary>Sobel x and Sobel y over a digit, fixed, without bias: the output is the two filters' responses.</summary>
[Network, Input(28, 28, 1)]
[Conv2D(2, 3, Kernels = new[] { FixedKernel.SobelX, FixedKernel.SobelY }, Trainable = false, UseBias = false)]
public partial class SobelEdges;

/// <summary><see cref="SobelEdges"/> in the text form.</summary>
[Network("""
    input 28x28x1
    conv2d 2 3x3 fixed sobel_x sobel_y nobias
    """)]
public partial class SobelEdgesText;

/// <summary>Every named kernel at 3x3, one per filter, trainable: the generator's constants against the runtime's.</summary>
[Network, Input(6, 6, 1)]
[Conv2D(9, 3, Kernels = new[]
{
    FixedKernel.SobelX, FixedKernel.SobelY, FixedKernel.PrewittX, FixedKernel.PrewittY, FixedKernel.Laplacian,
    FixedKernel.BoxBlur, FixedKernel.GaussianBlur, FixedKernel.Sharpen, FixedKernel.Emboss,
})]
public partial class EveryNamedKernel;

/// <summary>The blurs in other sizes (5x3), over three channels (each channel gets a third).</summary>
[Network, Input(7, 7, 3)]
[Conv2D(2, 5, 3, Kernels = new[] { FixedKernel.BoxBlur, FixedKernel.GaussianBlur }, Trainable = false)]
public partial class RectangularBlurs;

/// <summary>A fixed Sobel pair in front of a small trainable network.</summary>
[Network("""
    input 28x28x1
    conv2d 2 3x3 fixed sobel_x sobel_y
    conv2d 16 3x3 relu
    maxpool 2x2
    flatten
    dense 10 softmax
    """)]
public partial class FixedEdgeDigitNet;

/// <summary><see cref="FixedEdgeDigitNet"/> with its first layer trainable (starting from the same Sobel pair).</summary>
[Network("""
    input 28x28x1
    conv2d 2 3x3 kernel sobel_x sobel_y
    conv2d 16 3x3 relu
    maxpool 2x2
    flatten
    dense 10 softmax
    """)]
public partial class TrainableEdgeDigitNet;

/// <summary>An explicit kernel without any symmetry, fixed: the cross-correlation test's second kernel.</summary>
[Network, Input(28, 28, 1)]
[Conv2D(1, 3, KernelValues = new[] { 1f, 2f, 0f, 0f, -1f, 3f, -2f, 0f, 0.5f }, Trainable = false, UseBias = false)]
public partial class AsymmetricKernel;

/// <summary>Frozen layers in the middle: a dilated fixed Sobel pair, a fixed depthwise convolution and a fixed Dense.</summary>
[Network("""
    input 12x12x2
    conv2d 4 3x3 relu
    conv2d 2 3x3 dilation 2 fixed sobel_x sobel_y
    depthwiseconv2d 3x3 fixed
    flatten
    dense 5 tanh fixed
    dense 3 softmax
    """)]
public partial class FrozenInTheMiddle;

/// <summary><see cref="FrozenInTheMiddle"/> with every layer trainable, from the same initial values.</summary>
[Network("""
    input 12x12x2
    conv2d 4 3x3 relu
    conv2d 2 3x3 dilation 2 kernel sobel_x sobel_y
    depthwiseconv2d 3x3
    flatten
    dense 5 tanh
    dense 3 softmax
    """)]
public partial class TrainableInTheMiddle;
