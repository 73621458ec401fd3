namespace NetDsl.Tests.Networks;

// Networks for the activations, BatchNormalization and the dropouts, each checked against the naive reference
// (ForwardTests and GradientTests for the per-sample ones, BatchNormalizationTests and DropoutTests for those
// whose training pass depends on the batch or the step).

/// <summary>Every activation after a Dense (a vector of 37: SIMD body and tail).</summary>
public static partial class Activated
{
    [Network, Input(11), Dense(37, Activation = Activation.LeakyReLU)]
    public partial class DenseLeakyReLU;

    [Network, Input(11), Dense(37, Activation = Activation.ELU)]
    public partial class DenseELU;

    [Network, Input(11), Dense(37, Activation = Activation.SELU)]
    public partial class DenseSELU;

    [Network, Input(11), Dense(37, Activation = Activation.GELU)]
    public partial class DenseGELU;

    [Network, Input(11), Dense(37, Activation = Activation.Swish)]
    public partial class DenseSwish;

    [Network, Input(11), Dense(37, Activation = Activation.ReLU6)]
    public partial class DenseReLU6;

    [Network, Input(11), Dense(37, Activation = Activation.Softplus)]
    public partial class DenseSoftplus;

    [Network, Input(11), Dense(37, Activation = Activation.Softsign)]
    public partial class DenseSoftsign;

    [Network, Input(11), Dense(37, Activation = Activation.HardSigmoid)]
    public partial class DenseHardSigmoid;

    /// <summary>Convolutions with the activations that read their input (GELU, Swish) and their output (ELU).</summary>
    [Network, Input(6, 5, 3), Conv2D(7, 3, Padding = Padding.Same, Activation = Activation.GELU), Conv2D(5, 2, Activation = Activation.ELU),
        Conv2D(4, 1, Activation = Activation.Swish)]
    public partial class ConvActivations;

    /// <summary>Standalone activation layers on a feature map, and LeakyReLU layers with Keras's default and a
    /// slope of their own.</summary>
    [Network, Input(4, 5, 6), Activation(Activation.SELU), LeakyReLU, Activation(Activation.Softplus), LeakyReLU(0.05),
        Activation(Activation.HardSigmoid), Activation(Activation.Softsign)]
    public partial class ActivationLayers;

    /// <summary>A LeakyReLU layer between a convolution and a max pool (whose backward pass does not fuse it).</summary>
    [Network, Input(8, 8, 2), Conv2D(6, 3), LeakyReLU(0.1), MaxPooling2D, Flatten, Dense(4, Activation = Activation.Softmax)]
    public partial class LeakyClassifier;
}

/// <summary>BatchNormalization in every position: folded into a convolution or a Dense, after an activation or
/// a pool (not foldable), first in the network, on vectors, without center or scale, two in a row.</summary>
public static partial class Normalized
{
    [Network, Input(6, 6, 2), Conv2D(5, 3, Padding = Padding.Same), BatchNormalization, Activation(Activation.ReLU), MaxPooling2D,
        Flatten, Dense(3, Activation = Activation.Softmax)]
    public partial class ConvBatchNormReLU;

    [Network, Input(12), Dense(9, UseBias = false), BatchNormalization(Momentum = 0.9, Epsilon = 0.01), Activation(Activation.Tanh), Dense(4)]
    public partial class DenseBatchNorm;

    [Network, Input(5, 4, 3), BatchNormalization, Conv2D(4, 2, Activation = Activation.ReLU), BatchNormalization(Center = false),
        GlobalAveragePooling2D, BatchNormalization(Scale = false), Dense(3)]
    public partial class BatchNormEverywhere;

    [Network, Input(4, 4, 3), Conv2D(6, 3, Activation = Activation.ReLU), BatchNormalization, BatchNormalization(Epsilon = 0.1), Flatten,
        Dense(2, Activation = Activation.Softmax)]
    public partial class TwoInARow;

    [Network, Input(3, 3, 17), BatchNormalization(Center = false, Scale = false)]
    public partial class BareBatchNorm;

    /// <summary>A small conv net with everything: BatchNormalization, dropout of both kinds, a fused softmax.</summary>
    [Network, Input(8, 8, 1), Conv2D(8, 3, Padding = Padding.Same, UseBias = false), BatchNormalization, Activation(Activation.ReLU),
        SpatialDropout2D(0.25), MaxPooling2D, Conv2D(16, 3), BatchNormalization, LeakyReLU, Flatten, Dropout(0.5), Dense(10),
        BatchNormalization, Activation(Activation.Softmax)]
    public partial class Everything;
}

/// <summary>Dropout and SpatialDropout2D.</summary>
public static partial class Dropped
{
    [Network, Input(1000), Dropout(0.3)]
    public partial class VectorDropout;

    [Network, Input(5, 6, 64), SpatialDropout2D(0.5)]
    public partial class ChannelDropout;

    [Network, Input(7, 7, 2), Conv2D(4, 3, Activation = Activation.ReLU), Dropout(0.4), MaxPooling2D, Flatten, Dense(12, Activation = Activation.GELU),
        Dropout(0.2), Dense(3, Activation = Activation.Softmax)]
    public partial class ConvDropout;

    [Network, Input(6, 6, 3), Conv2D(8, 1), SpatialDropout2D(0.3), Activation(Activation.Swish), GlobalMaxPooling2D, Dense(2)]
    public partial class SpatialThenSwish;

    [Network, Input(20), Dropout(0.5), Dense(5, Activation = Activation.Softmax)]
    public partial class InputDropout;
}

/// <summary>The small digit CNN with BatchNormalization and both dropouts (the training tests). Momentum 0.9, as
/// a few hundred steps are too few for Keras's 0.99: the moving variance would still hold 2% of its initial 1,
/// several times the true variance of the first layer's outputs.</summary>
[Network("""
    input 28x28x1
    conv2d 16 3x3 nobias
    batchnorm momentum 0.9
    activation relu
    maxpool 2x2
    spatialdropout2d 0.1
    conv2d 32 3x3 nobias
    batchnorm momentum 0.9
    activation relu
    maxpool 2x2
    flatten
    dropout 0.3
    dense 10 softmax
    """)]
public partial class NormalizedDigitNet;
