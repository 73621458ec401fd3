using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using NetDsl;
using NetDsl.Data;
using NetDsl.Samples.Segmentation;
using NetDsl.Samples.Vision;
using NetDsl.Vision;
using NetDsl.Training;

// Segmentation, the primer's fourth vision task, on real digits: each 64x64 canvas holds two MNIST digits at random
// places. SegmenterNet (SegmenterNet.netdsl, a small U-Net: encoder, decoder, skip connections joined with
// Concatenate, upsampling by UpSampling2D and Conv2DTranspose) gives every pixel 11 class probabilities:
// background (0) or a digit (1 + its value). Trained with per-pixel sparse categorical cross-entropy on canvases
// drawn afresh every epoch from the 8,000 training digits; measured on 1,000 canvases of the held-out digits.
const int Size = 64, Classes = 11;
const string Usage = """
    Trains a U-Net that labels every pixel of a 64x64 canvas of two digits; reports pixel accuracy and mean IoU.

    Usage: dotnet run --project samples/Segmentation -c Release -- [options]

      --data DIR      folder with the MNIST IDX files (default samples/Mnist/data)
      --epochs N      epochs (default 12), each on freshly drawn canvases
      --canvases N    training canvases per epoch (default 8000)
      --seed N        seed of the weights, the canvases and the shuffling (default 1)
      --threads N     threads (default: all cores)
      --help          show this text
    """;

if (VisionOptions.Parse(args, epochs: 12, canvases: 8000, Usage, out int exitCode) is not { } options)
{
    return exitCode;
}

(string data, int epochs, int canvases, int seed, int? threads) = options;
(Dataset digits, Dataset heldOut) = Dataset.LoadMnist(data);
Console.WriteLine($"Digits: {digits.Count:N0} for training canvases, {heldOut.Count:N0} held out, from {Path.GetFullPath(data)}");
var net = new SegmenterNet(seed);
if (threads is int t)
{
    net.MaxDegreeOfParallelism = t;
}

Console.WriteLine(SegmenterNet.Summary);

// One target per pixel: its class index (the output's last axis is the 11 classes).
var loss = new SparseCategoricalCrossentropy();
Dataset test = Draw(heldOut, 1000, new Random(seed + 1000));
var optimizer = new Adam(0.003f);
var clock = Stopwatch.StartNew();
for (int epoch = 1; epoch <= epochs; epoch++)
{
    Dataset train = Draw(digits, canvases, new Random((seed * 7919) + epoch));
    TrainingHistory history = net.Fit(train, new FitOptions { Epochs = 1, BatchSize = 16, Loss = loss, Optimizer = optimizer, Seed = seed + epoch, Verbose = 0 });
    (double digitAccuracy, double meanIoU, _) = Measure(net, test);
    Console.WriteLine($"epoch {epoch,2}/{epochs}: loss {history.Loss[0]:F4}, pixel accuracy {history.Metric[0]:P2}, on digit pixels {digitAccuracy:P2}, mean IoU {meanIoU:F3} ({clock.Elapsed.TotalSeconds:F0} s)");
    optimizer.LearningRate *= 0.85f;
}

(double finalDigitAccuracy, double finalIoU, double digitsIoU) = Measure(net, test);
Console.WriteLine($"Segmentation: pixel accuracy on digit pixels {finalDigitAccuracy * 100:F2}%, mean IoU {finalIoU:F3} over the 11 classes "
    + $"({digitsIoU:F3} over the 10 digits) on {test.Count:N0} held-out canvases ({clock.Elapsed.TotalSeconds:F0} s of training)");
return 0;

// Canvases of two digits at random places; each pixel's target is the class of the brighter digit's ink there.
static Dataset Draw(Dataset digits, int count, Random random)
{
    var inputs = new float[count * Size * Size];
    var targets = new float[count * Size * Size];
    var layer = new float[Size * Size];
    for (int n = 0; n < count; n++)
    {
        Span<float> canvas = inputs.AsSpan(n * Size * Size, Size * Size);
        Span<float> labels = targets.AsSpan(n * Size * Size, Size * Size);
        for (int d = 0; d < 2; d++)
        {
            int index = random.Next(digits.Count);
            layer.AsSpan().Clear();
            Canvases.Place(digits, index, layer, Size, random.Next(Size - Canvases.DigitSize + 1), random.Next(Size - Canvases.DigitSize + 1));
            float label = 1 + digits.GetLabel(index);
            for (int i = 0; i < layer.Length; i++)
            {
                if (layer[i] > canvas[i])
                {
                    canvas[i] = layer[i];
                    if (layer[i] > Canvases.Ink)
                    {
                        labels[i] = label;
                    }
                }
            }
        }
    }

    return new Dataset(inputs, new TensorShape(Size, Size, 1), targets, Size * Size);
}

// Accuracy on the pixels that belong to a digit, the mean IoU over the 11 classes, and over the 10 digits.
static (double DigitAccuracy, double MeanIoU, double DigitsIoU) Measure(INetwork net, Dataset test)
{
    var outputs = new float[test.Count * SegmenterNet.OutputLength];
    net.Predict(test.Inputs, outputs, test.Count);
    var intersection = new long[Classes];
    var union = new long[Classes];
    long digitPixels = 0, digitCorrect = 0;
    for (int n = 0; n < test.Count; n++)
    {
        ReadOnlySpan<float> target = test.GetTarget(n);
        for (int p = 0; p < Size * Size; p++)
        {
            ReadOnlySpan<float> y = outputs.AsSpan((n * SegmenterNet.OutputLength) + (p * Classes), Classes);
            int predicted = 0;
            for (int c = 1; c < Classes; c++)
            {
                predicted = y[c] > y[predicted] ? c : predicted;
            }

            int truth = (int)target[p];
            if (truth != 0)
            {
                digitPixels++;
                digitCorrect += predicted == truth ? 1 : 0;
            }

            if (predicted == truth)
            {
                intersection[truth]++;
                union[truth]++;
            }
            else
            {
                union[truth]++;
                union[predicted]++;
            }
        }
    }

    double all = 0, digitsOnly = 0;
    for (int c = 0; c < Classes; c++)
    {
        double iou = union[c] == 0 ? 1 : (double)intersection[c] / union[c];
        all += iou;
        digitsOnly += c == 0 ? 0 : iou;
    }

    return ((double)digitCorrect / digitPixels, all / Classes, digitsOnly / (Classes - 1));
}

