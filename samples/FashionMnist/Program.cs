using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using NetDsl;
using NetDsl.Data;
using NetDsl.Samples.FashionMnist;
using NetDsl.Training;

// Trains FashionNet (FashionNet.netdsl: BatchNormalization and Dropout) on the full Fashion-MNIST, 60,000
// training and 10,000 test images, and reports the test accuracy. `--model seed` trains the README's seed
// model on the same data instead, for comparison.
const string DefaultData = "/usr/share/datasets/fashion-mnist";
const string Usage = """
    Trains a BatchNormalization + Dropout CNN on Fashion-MNIST and reports the test accuracy.

    Usage: dotnet run --project samples/FashionMnist -c Release -- [options]

      --data DIR      folder with the Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist,
                      where 'apt-get install dataset-fashion-mnist' puts them)
      --model NAME    fashion (default: FashionNet.netdsl) or seed (the README's MNIST CNN, for comparison)
      --epochs N      passes over the training data (default 30 for fashion, 10 for seed)
      --seed N        seed of the weights, dropout masks and shuffling (default 1)
      --threads N     threads (default: all cores)
      --help          show this text
    """;

string data = DefaultData, model = "fashion";
int? epochs = null, threads = null;
int seed = 1;
try
{
    for (int i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
        switch (args[i])
        {
            case "--data": data = Value(); break;
            case "--model":
                model = Value();
                if (model is not ("fashion" or "seed"))
                {
                    throw new ArgumentException($"Unknown model '{model}': fashion or seed.");
                }

                break;
            case "--epochs": epochs = PositiveInt(Value(), "--epochs"); break;
            case "--seed": seed = int.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--threads": threads = PositiveInt(Value(), "--threads"); break;
            case "--help": Console.WriteLine(Usage); return 0;
            default: throw new ArgumentException($"Unknown option '{args[i]}'.");
        }
    }
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(Usage);
    return 2;
}

if (!File.Exists(Path.Combine(data, "train-images-idx3-ubyte.gz")) && !File.Exists(Path.Combine(data, "train-images-idx3-ubyte")))
{
    Console.Error.WriteLine($"Fashion-MNIST is not in {data}. Install it with:");
    Console.Error.WriteLine();
    Console.Error.WriteLine("    sudo apt-get install dataset-fashion-mnist");
    Console.Error.WriteLine();
    Console.Error.WriteLine("(or pass the folder of the four IDX files with --data DIR).");
    return 1;
}

(Dataset train, Dataset test) = Dataset.LoadMnist(data);
Console.WriteLine($"Fashion-MNIST: {train.Count:N0} training and {test.Count:N0} test images of {train.SampleShape} from {data}");

bool fashion = model == "fashion";
INetwork net = fashion ? new FashionNet(seed) : new SeedNet(seed);
if (threads is int t)
{
    net.MaxDegreeOfParallelism = t;
}

Console.WriteLine();
Console.WriteLine(net.Summary);
Console.WriteLine();

// FashionNet: AdamW, the learning rate shrinking by 12% an epoch (to 2.5% of it in the last, so the weights and
// BatchNormalization's moving statistics settle), random horizontal flips and one-pixel shifts. The seed model:
// what the MNIST sample does, for ten epochs.
int epochCount = epochs ?? (fashion ? 30 : 10);
var options = new FitOptions
{
    Epochs = epochCount,
    BatchSize = 64,
    Optimizer = fashion ? new AdamW(0.003f) : new Adam(0.002f),
    LearningRateDecay = fashion ? 0.88f : 0.92f,
    Augmentations = fashion ? new Augmentation[] { new RandomFlip(), new RandomTranslation(1, 1) } : null,
    Seed = seed,
};
Console.WriteLine($"Training {(fashion ? "FashionNet" : "the seed model")} for {epochCount} epochs, batch 64, {options.Optimizer!.GetType().Name}({options.Optimizer.LearningRate}) decaying x{options.LearningRateDecay:0.###} per epoch, {net.MaxDegreeOfParallelism} thread(s)...");
var clock = Stopwatch.StartNew();
net.Fit(train, options with
{
    Progress = new SynchronousProgress(p =>
    {
        if (p.CompletedEpoch is { } e)
        {
            Console.WriteLine($"epoch {e.Epoch,2}: loss {e.Loss:F4}, accuracy {e.Accuracy * 100:F2}% ({e.Duration.TotalSeconds:F1} s)");
        }
    }),
});
clock.Stop();

BatchStatistics result = net.Evaluate(test);
Console.WriteLine();
Console.WriteLine($"Trained in {clock.Elapsed.TotalSeconds:F0} s ({(double)train.Count * epochCount / clock.Elapsed.TotalSeconds:N0} samples/s).");
Console.WriteLine($"Test accuracy: {result.Accuracy * 100:F2}% ({result.Correct:N0} of {result.Count:N0} test images), test loss {result.Loss:F4}");

// The weights, moving statistics included, saved and read back into a fresh network.
string weights = fashion ? "fashion-mnist.safetensors" : "fashion-mnist-seed.safetensors";
net.Save(weights);
INetwork reloaded = fashion ? new FashionNet(0) : new SeedNet(0);
reloaded.Load(weights);
Console.WriteLine($"Saved to {Path.GetFullPath(weights)} ({new FileInfo(weights).Length:N0} bytes); reloaded: {reloaded.Evaluate(test).Accuracy * 100:F2}%.");
return 0;

static int PositiveInt(string text, string option) =>
    int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
        ? value
        : throw new ArgumentException($"{option} needs a positive whole number, not '{text}'.");

/// <summary>Reports on the training thread (<see cref="Progress{T}"/> would queue to the busy thread pool).</summary>
internal sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}
