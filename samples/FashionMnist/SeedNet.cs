namespace NetDsl.Samples.FashionMnist;

/// <summary>The seed model (the classic Keras MNIST CNN of the README), for comparison on the same data.</summary>
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
public partial class SeedNet;
