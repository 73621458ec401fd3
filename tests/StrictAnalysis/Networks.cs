using NetDsl;

namespace NetDsl.StrictAnalysis;

/// <summary>The seed MNIST model, from attributes.</summary>
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

/// <summary>Every layer kind in a graph with a skip connection, from network text.</summary>
[Network("""
    input 16x16x3
    stem: conv2d 8 3x3 same relu
    batchnorm
    a: conv2d 8 3x3 same
    add stem a
    spatialdropout2d 0.1
    depthwiseconv2d 3x3 same
    separableconv2d 8 3x3 same gelu
    maxpool
    upsampling2d 2 bilinear
    concat stem up_sampling2d
    conv2dtranspose 4 3x3 stride 2 same
    cropping2d 1
    zeropadding2d 1
    globalavgpool
    dropout 0.5
    dense 10 softmax
    """)]
public partial class GraphNet;
