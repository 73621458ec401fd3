using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using NetDsl;
using NetDsl.Data;
using NetDsl.Vision;
using NetDsl.Samples.Detection;
using NetDsl.Samples.Vision;
using NetDsl.Training;

// Object detection, the primer's third vision task, on real digits: each 96x96 canvas holds one to four MNIST digits
// at random places (overlapping a little at most). DetectorNet (DetectorNet.netdsl) is a single-shot, fully
// convolutional grid detector: every cell of a 12x12 grid predicts objectness, a box and the digit, trained with
// DetectionLoss (a Loss of the sample's own). Detections above a score are kept after the runtime's non-maximum
// suppression; the figure is the mean average precision at IoU 0.5 over the ten digits, on 1,000 canvases of the
// held-out digits.
const int Size = 96, Grid = 12, Cell = Size / Grid;
const string Usage = """
    Trains a grid detector that finds every digit on a 96x96 canvas; reports mAP at IoU 0.5.

    Usage: dotnet run --project samples/Detection -c Release -- [options]

      --data DIR      folder with the MNIST IDX files (default samples/Mnist/data)
      --epochs N      epochs (default 16), each on freshly drawn canvases
      --canvases N    training canvases per epoch (default 8000)
      --seed N        seed of the weights, the canvases and the shuffling (default 1)
      --threads N     threads (default: all cores)
      --help          show this text
    """;

if (VisionOptions.Parse(args, epochs: 16, canvases: 8000, Usage, out int exitCode) is not { } options)
{
    return exitCode;
}

(string data, int epochs, int canvases, int seed, int? threads) = options;
(Dataset digits, Dataset heldOut) = Dataset.LoadMnist(data);
Console.WriteLine($"Digits: {digits.Count:N0} for training canvases, {heldOut.Count:N0} held out, from {Path.GetFullPath(data)}");
var net = new DetectorNet(seed);
if (threads is int t)
{
    net.MaxDegreeOfParallelism = t;
}

Console.WriteLine(DetectorNet.Summary);

var loss = new DetectionLoss();
(Dataset test, List<Truth>[] truths) = Draw(heldOut, 1000, new Random(seed + 1000));
var optimizer = new Adam(0.002f);
var clock = Stopwatch.StartNew();
for (int epoch = 1; epoch <= epochs; epoch++)
{
    (Dataset train, _) = Draw(digits, canvases, new Random((seed * 7919) + epoch));
    TrainingHistory history = net.Fit(train, new FitOptions { Epochs = 1, BatchSize = 16, Loss = loss, Optimizer = optimizer, Seed = seed + epoch, Verbose = 0 });
    Console.WriteLine($"epoch {epoch,2}/{epochs}: loss {history.Loss[0]:F4}, mAP@0.5 {MeanAveragePrecision(net, test, truths):F3} ({clock.Elapsed.TotalSeconds:F0} s)");
    optimizer.LearningRate *= 0.85f;
}

double map = MeanAveragePrecision(net, test, truths);
int objects = truths.Sum(list => list.Count);
Console.WriteLine($"Detection: mAP@0.5 {map:F3} over the 10 digits on {test.Count:N0} held-out canvases ({objects:N0} digits; {clock.Elapsed.TotalSeconds:F0} s of training)");
return 0;

// Canvases of one to four digits whose boxes overlap each other by at most 0.2 IoU; the cell holding each box's
// centre is responsible for it.
static (Dataset Data, List<Truth>[] Truths) Draw(Dataset digits, int count, Random random)
{
    var inputs = new float[count * Size * Size];
    var targets = new float[count * Grid * Grid * DetectionLoss.TargetsPerCell];
    var truths = new List<Truth>[count];
    for (int n = 0; n < count; n++)
    {
        Span<float> canvas = inputs.AsSpan(n * Size * Size, Size * Size);
        Span<float> target = targets.AsSpan(n * Grid * Grid * DetectionLoss.TargetsPerCell, Grid * Grid * DetectionLoss.TargetsPerCell);
        truths[n] = new List<Truth>();
        int wanted = random.Next(1, 5);
        for (int attempt = 0; attempt < 40 && truths[n].Count < wanted; attempt++)
        {
            int top = random.Next(Size - Canvases.DigitSize + 1), left = random.Next(Size - Canvases.DigitSize + 1);
            var cell = new BoundingBox(left, top, left + Canvases.DigitSize, top + Canvases.DigitSize);
            if (truths[n].Any(other => other.Placement.IoU(cell) > 0.2f))
            {
                continue;
            }

            int index = random.Next(digits.Count);
            BoundingBox ink = Canvases.Place(digits, index, canvas, Size, top, left);
            BoundingBox box = ink;
            int label = digits.GetLabel(index);
            truths[n].Add(new Truth(box, label, cell));
            float cx = (box.Left + box.Right) / 2, cy = (box.Top + box.Bottom) / 2;
            int column = Math.Min(Grid - 1, (int)(cx / Cell)), row = Math.Min(Grid - 1, (int)(cy / Cell));
            Span<float> t = target.Slice(((row * Grid) + column) * DetectionLoss.TargetsPerCell, DetectionLoss.TargetsPerCell);
            t[0] = 1;
            t[1] = (cx / Cell) - column;
            t[2] = (cy / Cell) - row;
            t[3] = (box.Right - box.Left) / Size;
            t[4] = (box.Bottom - box.Top) / Size;
            t[5] = label;
        }
    }

    return (new Dataset(inputs, new TensorShape(Size, Size, 1), targets, Grid * Grid * DetectionLoss.TargetsPerCell), truths);
}

// Every cell's detection (score: objectness times the class's probability), after non-maximum suppression.
static List<Detection> Detect(ReadOnlySpan<float> output)
{
    var candidates = new List<Detection>();
    for (int row = 0; row < Grid; row++)
    {
        for (int column = 0; column < Grid; column++)
        {
            ReadOnlySpan<float> y = output.Slice(((row * Grid) + column) * DetectionLoss.Channels, DetectionLoss.Channels);
            double objectness = DetectionLoss.Sigmoid(y[0]);
            if (objectness < 0.01)
            {
                continue;
            }

            int label = 0;
            double sum = 0;
            for (int k = 0; k < 10; k++)
            {
                sum += Math.Exp(y[5 + k] - y[5]);
                label = y[5 + k] > y[5 + label] ? k : label;
            }

            double probability = Math.Exp(y[5 + label] - y[5]) / sum;
            float cx = (float)((column + DetectionLoss.Sigmoid(y[1])) * Cell), cy = (float)((row + DetectionLoss.Sigmoid(y[2])) * Cell);
            float w = (float)(DetectionLoss.Sigmoid(y[3]) * Size), h = (float)(DetectionLoss.Sigmoid(y[4]) * Size);
            candidates.Add(new Detection(new BoundingBox(cx - (w / 2), cy - (h / 2), cx + (w / 2), cy + (h / 2)), (float)(objectness * probability), label));
        }
    }

    return NonMaxSuppression.Apply(candidates, iouThreshold: 0.4f, scoreThreshold: 0.01f);
}

// PASCAL VOC's average precision (all points) per digit at IoU 0.5, averaged over the ten digits.
static double MeanAveragePrecision(INetwork net, Dataset test, List<Truth>[] truths)
{
    var outputs = new float[test.Count * DetectorNet.OutputLength];
    net.Predict(test.Inputs, outputs, test.Count);
    var detections = new List<(int Canvas, Detection Detection)>();
    for (int n = 0; n < test.Count; n++)
    {
        detections.AddRange(Detect(outputs.AsSpan(n * DetectorNet.OutputLength, DetectorNet.OutputLength)).Select(d => (n, d)));
    }

    double sum = 0;
    for (int label = 0; label < 10; label++)
    {
        int positives = truths.Sum(list => list.Count(truth => truth.Label == label));
        var matched = truths.Select(list => new bool[list.Count]).ToArray();
        var hits = new List<bool>();
        foreach ((int canvas, Detection detection) in detections.Where(d => d.Detection.Class == label).OrderByDescending(d => d.Detection.Score))
        {
            int best = -1;
            float bestIoU = 0.5f;
            for (int k = 0; k < truths[canvas].Count; k++)
            {
                float iou = truths[canvas][k].Box.IoU(detection.Box);
                if (truths[canvas][k].Label == label && !matched[canvas][k] && iou >= bestIoU)
                {
                    best = k;
                    bestIoU = iou;
                }
            }

            if (best >= 0)
            {
                matched[canvas][best] = true;
            }

            hits.Add(best >= 0);
        }

        // Precision made monotone from the right, integrated over recall.
        var precision = new double[hits.Count];
        var recall = new double[hits.Count];
        int truePositives = 0;
        for (int i = 0; i < hits.Count; i++)
        {
            truePositives += hits[i] ? 1 : 0;
            precision[i] = (double)truePositives / (i + 1);
            recall[i] = positives == 0 ? 0 : (double)truePositives / positives;
        }

        for (int i = hits.Count - 2; i >= 0; i--)
        {
            precision[i] = Math.Max(precision[i], precision[i + 1]);
        }

        double ap = 0, previous = 0;
        for (int i = 0; i < hits.Count; i++)
        {
            ap += (recall[i] - previous) * precision[i];
            previous = recall[i];
        }

        sum += ap;
    }

    return sum / 10;
}


/// <summary>A digit on a canvas: its ink's box, its value, and where its 28x28 image was placed.</summary>
internal readonly record struct Truth(BoundingBox Box, int Label, BoundingBox Placement);
