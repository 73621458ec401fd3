using NetDsl;

namespace NetDsl.Samples.Primer;

/// <summary>
/// Edge detection with fixed kernels: one Conv2D whose two filters are the Sobel kernels (horizontal and vertical
/// change). Nothing here is learned: <c>Trainable = false</c>, the kernels are constants, no bias.
/// </summary>
[Network]
[Input(28, 28, 1)]
[Conv2D(2, 3, Kernels = new[] { FixedKernel.SobelX, FixedKernel.SobelY }, Trainable = false, UseBias = false, Padding = Padding.Same)]
public partial class SobelNet;

/// <summary>The primer's image filters as one fixed Conv2D: blur, sharpen, emboss and the Laplacian.</summary>
[Network("""
    input 28x28x1
    conv2d 5 3x3 same nobias fixed box_blur gaussian_blur sharpen emboss laplacian
    """)]
public partial class FilterNet;

/// <summary>The classic Keras MNIST CNN (93,322 parameters), the model the primer trains.</summary>
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
