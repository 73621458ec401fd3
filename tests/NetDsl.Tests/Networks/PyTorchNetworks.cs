namespace NetDsl.Tests.Networks;

// Networks for the PyTorch interop tests beyond the ones the other tests share: tensors large enough for
// initialisation statistics, and layer names PyTorch's modules or Python already use.

/// <summary>Networks whose generated PyTorch module is checked against Predict and trained in PyTorch.</summary>
public static partial class PyTorchNetworks
{
    /// <summary>Every kind of kernel with hundreds of values or more: a depthwise kernel (whose Glorot fans PyTorch's
    /// <c>xavier_uniform_</c> counts differently from Keras), a separable one, a transposed convolution,
    /// BatchNormalization and Dense layers.</summary>
    [Network, Input(12, 12, 16), DepthwiseConv2D(5, DepthMultiplier = 4, Padding = Padding.Same), SeparableConv2D(32, 3, DepthMultiplier = 2, Activation = Activation.ReLU),
        Conv2DTranspose(16, 3, Strides = 2), BatchNormalization, Conv2D(24, 3, Strides = 2), GlobalAveragePooling2D, Dense(64, Activation = Activation.Tanh), Dense(10, Activation = Activation.Softmax)]
    public partial class InitializationProbe;

    /// <summary>Layers named like <c>nn.Module</c>'s members (<c>forward</c>, <c>eval</c>), a Python keyword
    /// (<c>lambda</c>) and the names <c>forward</c>'s code uses (<c>x</c>, <c>F</c>, <c>self</c>), with the input read
    /// by two layers.</summary>
    [Network, Input(6, 6, 2), Conv2D(3, 3, Padding = Padding.Same, Name = "forward"), Conv2D(3, 1, From = "input_layer", Name = "lambda"), Add("forward", "lambda", Name = "x"),
        BatchNormalization(Name = "eval"), Activation(Activation.ReLU, Name = "self"), Conv2D(4, 3, Padding = Padding.Same, From = "x", Name = "F"), Concatenate("self", "F"), Flatten, Dense(3, Activation = Activation.Sigmoid)]
    public partial class NameClashes;

    /// <summary>Reshapes from a map to a map of another height and width, and from a vector to itself (views in
    /// NetDsl's order, NHWC, around PyTorch's NCHW).</summary>
    [Network, Input(4, 4, 2), Conv2D(3, 1), Reshape(8, 2, 3), Conv2D(2, 2, Activation = Activation.Tanh), Flatten, Reshape(-1), Dense(3)]
    public partial class Views;

    /// <summary>The network of the generator's Python snapshot (PyTorchModuleTests): every layer kind with the
    /// settings that change its Python, in one graph.</summary>
    [Network("""
        input 17x16x3
        stem: conv2d 8 3x3 stride 2 same relu
        depthwiseconv2d 3x3 multiplier 2 same
        batchnorm noscale
        separableconv2d 8 3x3 dilation 2 same swish
        leakyrelu 0.1
        skip: conv2d 8 1x1 nobias from stem
        batchnorm nocenter
        sum: add leaky_re_lu batch_normalization_1
        activation elu
        maxpool 2x2 same
        avgpool 3x3 stride 2 same
        upsampling2d 2x2 bilinear
        conv2dtranspose 4 3x3 stride 2 same tanh
        zeropadding2d 1x1
        cropping2d top 1 bottom 0 left 2 right 1
        upsampling2d 1x2
        spatialdropout2d 0.2
        globalmaxpool
        pooled: globalavgpool from sum
        concat global_max_pooling2d pooled
        dense 16 gelu
        dropout 0.5
        reshape 2x2x4
        conv2d 6 2x2 relu6
        flatten
        p: dense 6 hardsigmoid
        q: dense 6 softplus from flatten
        subtract p q
        multiply p q
        maximum p q
        average subtract multiply maximum
        dense 5 softmax
        """)]
    public partial class EveryKind;
}
