using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using NetDsl;
using NetDsl.Data;
using NetDsl.Training;
using NetDsl.Samples.Mnist.Embedded;

// Predicts handwritten digits with weights compiled into the executable: no .safetensors file is read or needed.
// Usage: mnist-embedded [--data DIR]   (DIR holds t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz)
string data = args.Length == 2 && args[0] == "--data" ? args[1] : Path.Combine(AppContext.BaseDirectory, "data");
string images = Path.Combine(data, "t10k-images-idx3-ubyte.gz");
string labels = Path.Combine(data, "t10k-labels-idx1-ubyte.gz");
if (!File.Exists(images) || !File.Exists(labels))
{
    Console.Error.WriteLine($"No test digits in {Path.GetFullPath(data)}; pass --data DIR with t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz.");
    return 1;
}

Dataset test = Dataset.LoadIdx(images, labels);

// The network, its weights from the assembly, and the first prediction.
MnistNet net = MnistNet.Pretrained();
Span<float> probabilities = stackalloc float[MnistNet.OutputLength];
net.Predict(test.GetInput(0), probabilities);
TimeSpan firstPrediction = DateTime.Now - Process.GetCurrentProcess().StartTime;

int predicted = Classify(probabilities);
Console.WriteLine($"Runtime: {(RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "NativeAOT")}; weights: embedded ({MnistNet.ParameterCount:N0} parameters), " +
    $"{(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.safetensors").Any() ? "a .safetensors file IS next to the executable" : "no weights file next to the executable")}");
Console.WriteLine($"First digit: predicted {predicted} ({probabilities[predicted] * 100:F1}%), label {test.GetLabel(0)}; first prediction {firstPrediction.TotalMilliseconds:F0} ms after the process started");

// Accuracy on every test digit (all threads), then batch-1 latency on one thread.
BatchStatistics result = net.Evaluate(test);
Console.WriteLine($"Test accuracy: {result.Accuracy * 100:F2}% ({result.Correct:N0} of {result.Count:N0} digits)");

const int Rounds = 10, PerRound = 4000;
double best = double.MaxValue;
for (int round = 0; round < Rounds; round++)
{
    long start = Stopwatch.GetTimestamp();
    for (int i = 0; i < PerRound; i++)
    {
        net.Predict(test.GetInput(i % test.Count), probabilities);
    }

    best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMicroseconds / PerRound);
}

Console.WriteLine($"Latency, batch 1, one thread: {best:F1} us per digit (best of {Rounds} rounds of {PerRound:N0})");
return 0;

static int Classify(ReadOnlySpan<float> output)
{
    int best = 0;
    for (int i = 1; i < output.Length; i++)
    {
        if (output[i] > output[best])
        {
            best = i;
        }
    }

    return best;
}
