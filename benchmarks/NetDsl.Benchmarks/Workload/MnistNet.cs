using NetDsl;

namespace NetDsl.Benchmarks.Workload;

/// <summary>
/// The seed model: the classic Keras MNIST CNN from the repository's README (2.79 M multiply-adds per sample),
/// compiled by the generator into this project. <c>models/seed-mnist-nchw.onnx</c> is the same architecture.
/// </summary>
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
