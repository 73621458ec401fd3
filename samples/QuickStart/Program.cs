using System;
using NetDsl;

// The classic Keras MNIST CNN, checked and compiled at build time.
Console.WriteLine(MnistNet.Summary);
Console.WriteLine();

var net = new MnistNet(seed: 42);
var image = new float[MnistNet.InputLength];   // 28x28x1, channels-last
image[14 * 28 + 14] = 1f;
var probabilities = new float[MnistNet.OutputLength];
net.Predict(image, probabilities);
Console.WriteLine($"Untrained prediction: class {net.Classify(image)}, p = [{string.Join(", ", Array.ConvertAll(probabilities, p => p.ToString("0.000")))}]");

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
