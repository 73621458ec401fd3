using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using NetDsl;
using NetDsl.Data;
using NetDsl.Samples.Localization;
using NetDsl.Samples.Vision;
using NetDsl.Vision;
using NetDsl.Training;

// Classification with localisation, the primer's second vision task, on real digits: each 64x64 canvas holds one
// MNIST digit at a random place among clutter (pieces of other digits). LocalizerNet (LocalizerNet.netdsl) predicts
// the digit's class (softmax) and its box (sigmoid), trained with a weighted sum of sparse categorical
// cross-entropy and mean squared error (weighted 100: box coordinates are fractions of the canvas) over the two
// slices of its output. Training canvases are drawn afresh
// every epoch from the 8,000 training digits; the figures are measured on 2,000 canvases of the 2,000 held-out
// digits.
const int Size = 64;
const string Usage = """
    Trains a network that finds and reads one digit on a cluttered 64x64 canvas; reports class accuracy and mean IoU.

    Usage: dotnet run --project samples/Localization -c Release -- [options]

      --data DIR      folder with the MNIST IDX files (default samples/Mnist/data)
      --epochs N      epochs (default 20), each on freshly drawn canvases
      --canvases N    training canvases per epoch (default 16000)
      --seed N        seed of the weights, the canvases and the shuffling (default 1)
      --threads N     threads (default: all cores)
      --help          show this text
    """;

if (VisionOptions.Parse(args, epochs: 20, canvases: 16000, Usage, out int exitCode) is not { } options)
{
    return exitCode;
}

(string data, int epochs, int canvases, int seed, int? threads) = options;
(Dataset digits, Dataset heldOut) = Dataset.LoadMnist(data);
Console.WriteLine($"Digits: {digits.Count:N0} for training canvases, {heldOut.Count:N0} held out, from {Path.GetFullPath(data)}");
var net = new LocalizerNet(seed);
if (threads is int t)
{
    net.MaxDegreeOfParallelism = t;
}

Console.WriteLine(LocalizerNet.Summary);

// Outputs 0-9: the class (target: its index); outputs 10-13: the box / 64 (target: the ink's box).
var loss = new WeightedLoss()
    .Add(new SparseCategoricalCrossentropy(), offset: 0, length: 10)
    .Add(new MeanSquaredError(), offset: 10, length: 4, weight: 100f);
Dataset test = Draw(heldOut, heldOut.Count, new Random(seed + 1000));
var optimizer = new Adam(0.002f);
var clock = Stopwatch.StartNew();
for (int epoch = 1; epoch <= epochs; epoch++)
{
    Dataset train = Draw(digits, canvases, new Random((seed * 7919) + epoch));
    TrainingHistory history = net.Fit(train, new FitOptions { Epochs = 1, BatchSize = 32, Loss = loss, Optimizer = optimizer, Seed = seed + epoch, Verbose = 0 });
    (double accuracy, double iou) = Measure(net, test);
    Console.WriteLine($"epoch {epoch,2}/{epochs}: loss {history.Loss[0]:F4}, class accuracy {accuracy:P2}, mean IoU {iou:F3} ({clock.Elapsed.TotalSeconds:F0} s)");
    optimizer.LearningRate *= 0.85f;
}

(double finalAccuracy, double meanIoU) = Measure(net, test);
Console.WriteLine($"Localization: class accuracy {finalAccuracy * 100:F2}%, mean IoU {meanIoU:F3} on {test.Count:N0} held-out canvases ({clock.Elapsed.TotalSeconds:F0} s of training)");
return 0;

// Canvases of one digit each: a random place, 2 to 5 pieces of clutter; targets (class, box / 64).
static Dataset Draw(Dataset digits, int count, Random random)
{
    var inputs = new float[count * Size * Size];
    var targets = new float[count * 5];
    for (int n = 0; n < count; n++)
    {
        Span<float> canvas = inputs.AsSpan(n * Size * Size, Size * Size);
        Canvases.Clutter(digits, canvas, Size, random, random.Next(2, 6));
        int index = n % digits.Count;
        BoundingBox box = Canvases.Place(digits, index, canvas, Size, random.Next(Size - Canvases.DigitSize + 1), random.Next(Size - Canvases.DigitSize + 1));
        targets[n * 5] = digits.GetLabel(index);
        targets[(n * 5) + 1] = box.Left / Size;
        targets[(n * 5) + 2] = box.Top / Size;
        targets[(n * 5) + 3] = box.Right / Size;
        targets[(n * 5) + 4] = box.Bottom / Size;
    }

    return new Dataset(inputs, new TensorShape(Size, Size, 1), targets, 5);
}

// Class accuracy and mean IoU of the predicted boxes on every canvas.
static (double Accuracy, double MeanIoU) Measure(INetwork net, Dataset test)
{
    var outputs = new float[test.Count * LocalizerNet.OutputLength];
    net.Predict(test.Inputs, outputs, test.Count);
    int correct = 0;
    double iou = 0;
    for (int n = 0; n < test.Count; n++)
    {
        ReadOnlySpan<float> y = outputs.AsSpan(n * LocalizerNet.OutputLength, LocalizerNet.OutputLength);
        ReadOnlySpan<float> target = test.GetTarget(n);
        int predicted = 0;
        for (int c = 1; c < 10; c++)
        {
            predicted = y[c] > y[predicted] ? c : predicted;
        }

        correct += predicted == (int)target[0] ? 1 : 0;
        var predictedBox = new BoundingBox(y[10] * Size, y[11] * Size, y[12] * Size, y[13] * Size);
        iou += predictedBox.IoU(new BoundingBox(target[1] * Size, target[2] * Size, target[3] * Size, target[4] * Size));
    }

    return ((double)correct / test.Count, iou / test.Count);
}

