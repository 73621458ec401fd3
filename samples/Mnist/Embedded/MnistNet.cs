using NetDsl;

namespace NetDsl.Samples.Mnist.Embedded;

/// <summary>
/// The classic Keras MNIST CNN of <c>samples/Mnist</c>, with the weights that sample trained compiled in:
/// <c>MnistNet.Pretrained()</c> needs no file. A file that does not fit this architecture fails the build (NDSL0045).
/// </summary>
[Network(Weights = "Models/mnist.safetensors")]
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
