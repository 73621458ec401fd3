namespace NetDsl.Tests.Networks;

// Networks that are not straight chains: skip connections (From), every merge, layers and the input read by
// several others (their gradients summed), views on a branch, and BatchNormalization on both sides of a skip
// connection (the gradient kept across training segments). Each is checked against the naive reference.

/// <summary>Graphs: forward against the reference, gradients against finite differences.</summary>
public static partial class Graphs
{
    /// <summary>A residual block: stem, two convolutions, the stem added back, then a classifier.</summary>
    [Network, Input(8, 8, 3), Conv2D(4, 3, Padding = Padding.Same, Activation = Activation.ReLU, Name = "stem"),
        Conv2D(4, 3, Padding = Padding.Same, Activation = Activation.ReLU), Conv2D(4, 3, Padding = Padding.Same), Add("stem", "conv2d_1"),
        Activation(Activation.ReLU), GlobalAveragePooling2D, Dense(3, Activation = Activation.Softmax)]
    public partial class Residual;

    /// <summary>Two branches from the input joined with the input itself along the channels (input read three
    /// times), then an average pool and a classifier.</summary>
    [Network, Input(6, 6, 2), Conv2D(3, 1, Name = "a"), Conv2D(5, 3, Padding = Padding.Same, From = "input_layer", Name = "b"),
        Concatenate("a", "b", "input_layer"), AveragePooling2D, Flatten, Dense(4)]
    public partial class ConcatenateBranches;

    /// <summary>Every element-wise merge on vectors, with layers read up to four times, three-input merges, and a
    /// layer merged with itself (Maximum's tie goes to the first input, Add doubles).</summary>
    [Network, Input(10), Dense(6, Activation = Activation.Tanh, Name = "p"), Dense(6, Activation = Activation.Sigmoid, From = "input_layer", Name = "q"),
        Dense(6, From = "input_layer", Name = "r"), Multiply("p", "q", "r", Name = "m"), Maximum("p", "q", Name = "x"), Average("m", "x", "p", Name = "v"),
        Subtract("v", "q", Name = "s"), Maximum("s", "s", Name = "t"), Add("t", "t", "p"), Dense(3)]
    public partial class EveryMerge;

    /// <summary>The input added to a convolution of itself: the input gradient is the sum of two.</summary>
    [Network, Input(5, 5, 4), Conv2D(4, 3, Padding = Padding.Same), Add("conv2d", "input_layer"), Flatten, Dense(3)]
    public partial class InputSkip;

    /// <summary>A convolution read by a ReLU (which must not work in place) and by another convolution, whose
    /// sum feeds a max pooling (whose backward cannot do the ReLU's).</summary>
    [Network, Input(6, 6, 3), Conv2D(4, 3, Padding = Padding.Same, Name = "c"), Activation(Activation.ReLU, Name = "r"), Conv2D(4, 1, From = "c"),
        Add("r", "conv2d"), MaxPooling2D, Flatten, Dense(3, Activation = Activation.Softmax)]
    public partial class SharedBeforeActivation;

    /// <summary>A view read by two layers, and a convolution whose ReLU and pooling inference would fuse if
    /// nothing else read it.</summary>
    [Network, Input(4, 4, 2), Conv2D(3, 3, Padding = Padding.Same, Name = "c"), Flatten(Name = "f"), Dense(5, From = "f", Name = "d1"), Dense(5, From = "f"),
        Add("d1", "dense"), Dense(2, Name = "head"), Conv2D(2, 1, From = "c", Activation = Activation.ReLU), MaxPooling2D, Flatten, Concatenate("head", "flatten")]
    public partial class SharedView;

    /// <summary>A skip connection from the network's first layer past two layers, with a dropout (identity in
    /// inference) on the skip.</summary>
    [Network, Input(9), Dense(8, Activation = Activation.ReLU, Name = "h"), Dense(8, Activation = Activation.ReLU), Dropout(0.25, From = "h", Name = "skip"),
        Add("dense", "skip"), Dense(4, Activation = Activation.Softmax)]
    public partial class DropoutOnSkip;

    /// <summary>A Dense read by a dropout (whose buffer its inference could adopt) and by another Dense, with a
    /// ReLU working in place on the dropout's buffer: inference must not let the ReLU overwrite what the other
    /// reader reads.</summary>
    [Network, Input(16), Dense(8, Name = "p"), Dropout(0.5, Name = "d"), Activation(Activation.ReLU, Name = "a"), Dense(8, From = "p", Name = "q"),
        Add("a", "q"), Dense(3)]
    public partial class SharedAcrossDropout;
}

/// <summary>BatchNormalization on a graph: the residual block of ResNet (conv, BN, ReLU, conv, BN, add, ReLU),
/// whose stem gradient crosses two training segments.</summary>
public static partial class NormalizedGraphs
{
    [Network, Input(6, 6, 3), Conv2D(4, 3, Padding = Padding.Same, Name = "stem"), BatchNormalization, Activation(Activation.ReLU, Name = "stem_relu"),
        Conv2D(4, 3, Padding = Padding.Same, UseBias = false), BatchNormalization, Activation(Activation.ReLU),
        Conv2D(4, 3, Padding = Padding.Same, UseBias = false), BatchNormalization, Add("stem_relu", "batch_normalization_2"), Activation(Activation.ReLU),
        GlobalAveragePooling2D, Dense(3, Activation = Activation.Softmax)]
    public partial class ResidualBlock;

    /// <summary>BatchNormalization reading the input directly, beside a branch that reads it too.</summary>
    [Network, Input(5, 5, 2), BatchNormalization, Conv2D(2, 3, Padding = Padding.Same, From = "input_layer"), Add("batch_normalization", "conv2d"),
        Flatten, Dense(3)]
    public partial class InputNormalizedAndSkipped;

    /// <summary>BatchNormalization folded into a dilated convolution (the tap-by-tap kernel reads the folded
    /// kernel), and after a separable one (not folded).</summary>
    [Network, Input(9, 9, 2), Conv2D(4, 3, DilationRate = 2, UseBias = false), BatchNormalization, Activation(Activation.ReLU),
        SeparableConv2D(3, 3, Padding = Padding.Same), BatchNormalization, Flatten, Dense(3, Activation = Activation.Softmax)]
    public partial class DilatedAndSeparable;
}

/// <summary>UpSampling2D (nearest and bilinear), ZeroPadding2D, Cropping2D and Reshape, alone and in a
/// U-Net-like encoder-decoder.</summary>
public static partial class Resampled
{
    /// <summary>Encoder, decoder, and the skip connection joined along the channels; a per-pixel softmax.</summary>
    [Network, Input(8, 8, 2), Conv2D(4, 3, Padding = Padding.Same, Activation = Activation.ReLU, Name = "e1"), MaxPooling2D,
        Conv2D(8, 3, Padding = Padding.Same, Activation = Activation.ReLU), UpSampling2D, Concatenate("up_sampling2d", "e1"),
        Conv2D(3, 1, Activation = Activation.Softmax)]
    public partial class UNetLike;

    /// <summary>Bilinear upsampling by 2x3 of a small map, then a convolution and a classifier.</summary>
    [Network, Input(3, 4, 2), UpSampling2D(2, 3, Interpolation = Interpolation.Bilinear), Conv2D(2, 3), Flatten, Dense(3)]
    public partial class Bilinear;

    /// <summary>Nearest upsampling by 3x2 of five channels (pixels copied as spans).</summary>
    [Network, Input(2, 3, 5), UpSampling2D(3, 2), AveragePooling2D(2, 3, Strides = 1), Flatten, Dense(2)]
    public partial class Nearest;

    /// <summary>Symmetric and one-sided zero padding, and a crop, around a convolution.</summary>
    [Network, Input(5, 6, 3), ZeroPadding2D(1, 2), Conv2D(4, 3), Cropping2D(Top = 1, Left = 2), ZeroPadding2D(Top = 0, Bottom = 2, Left = 1, Right = 0),
        Flatten, Dense(4)]
    public partial class PadAndCrop;

    /// <summary>A vector reshaped into a map and back, with an inferred size.</summary>
    [Network, Input(12), Dense(18, Activation = Activation.Tanh), Reshape(2, -1, 3), Conv2D(3, 2, Padding = Padding.Same), Reshape(-1), Dense(5)]
    public partial class Reshaped;
}

/// <summary>Dilated, depthwise and depthwise-separable convolutions (MobileNet's block), every option.</summary>
public static partial class Convolutions
{
    /// <summary>Dilated Conv2D, valid and same, square and rectangular rates, with ReLU (its kernel's) and GELU.</summary>
    [Network, Input(9, 8, 3), Conv2D(4, 3, DilationRate = 2, Activation = Activation.ReLU), Conv2D(5, 2, DilationHeight = 1, DilationWidth = 2, Padding = Padding.Same, Activation = Activation.GELU),
        Conv2D(3, 3, DilationRate = 3, Padding = Padding.Same, UseBias = false), Flatten, Dense(3)]
    public partial class Dilated;

    /// <summary>DepthwiseConv2D: multiplier 1 and 3, strides, same padding, dilation, no bias.</summary>
    [Network, Input(8, 7, 4), DepthwiseConv2D(3, Padding = Padding.Same, Activation = Activation.ReLU), DepthwiseConv2D(3, 2, DepthMultiplier = 3, Strides = 2),
        DepthwiseConv2D(2, DilationRate = 2, Padding = Padding.Same, UseBias = false, Activation = Activation.Tanh), GlobalAveragePooling2D, Dense(3)]
    public partial class Depthwise;

    /// <summary>SeparableConv2D: MobileNet's block (depthwise, BN-free, pointwise), a multiplier, strides and dilation.</summary>
    [Network, Input(8, 8, 3), SeparableConv2D(6, 3, Padding = Padding.Same, Activation = Activation.ReLU), SeparableConv2D(5, 3, DepthMultiplier = 2, Strides = 2),
        SeparableConv2D(4, 2, DilationRate = 2, Padding = Padding.Same, UseBias = false, Activation = Activation.Swish), Flatten, Dense(3, Activation = Activation.Softmax)]
    public partial class Separable;

    /// <summary>Conv2DTranspose: same with strides 2 (kernel larger than stride, a border), valid with kernel equal
    /// to, larger and smaller than the stride, rectangular, no bias.</summary>
    [Network, Input(3, 4, 2), Conv2DTranspose(3, 3, Strides = 2, Padding = Padding.Same, Activation = Activation.ReLU), Conv2DTranspose(2, 2, Strides = 2),
        Conv2DTranspose(2, 3, Activation = Activation.Tanh), Conv2DTranspose(2, 1, Strides = 3, UseBias = false), Conv2DTranspose(2, 3, 2, StrideHeight = 2, Padding = Padding.Same),
        GlobalAveragePooling2D, Dense(3)]
    public partial class Transposed;
}

/// <summary>Outputs for the losses: linear (logits, regression), sigmoid (binary), and a class with a box.</summary>
public static partial class Losses
{
    [Network, Input(6), Dense(8, Activation = Activation.Tanh), Dense(5)]
    public partial class Linear;

    [Network, Input(6), Dense(8, Activation = Activation.ReLU), Dense(5, Activation = Activation.Sigmoid)]
    public partial class Sigmoid;

    /// <summary>Classification with localisation: a softmax over 5 classes and a sigmoid box, joined.</summary>
    [Network, Input(4, 4, 2), Conv2D(3, 3, Padding = Padding.Same, Activation = Activation.ReLU), Flatten(Name = "f"), Dense(5, Activation = Activation.Softmax, Name = "cls"),
        Dense(4, Activation = Activation.Sigmoid, From = "f", Name = "box"), Concatenate("cls", "box")]
    public partial class ClassAndBox;
}
