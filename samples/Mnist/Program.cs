using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using NetDsl;
using NetDsl.Data;
using NetDsl.Samples.Mnist;
using NetDsl.Training;
using Spectre.Console;

SampleOptions options;
try
{
    options = SampleOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(SampleOptions.Usage);
    return 2;
}

if (options.ShowHelp)
{
    Console.WriteLine(SampleOptions.Usage);
    return 0;
}

AnsiConsole.Write(new Rule("[bold]NetDsl[/]: the Keras MNIST CNN, compiled at build time").LeftJustified());

// 1. Data: IDX files, pixels scaled to [0, 1], channels-last 28x28x1.
(Dataset train, Dataset test) = Dataset.LoadMnist(options.DataDirectory);
if (options.TrainLimit is int limit && limit < train.Count)
{
    train = train.Slice(0, limit);
}

Console.WriteLine($"Data: {train.Count:N0} training and {test.Count:N0} test images of {train.SampleShape} from {Path.GetFullPath(options.DataDirectory)}");

// 2. The model: its summary was computed by the generator at build time.
var net = new MnistNet(options.Seed);
if (options.Threads is int threads)
{
    net.MaxDegreeOfParallelism = threads;
}

Console.WriteLine();
Console.WriteLine(MnistNet.Summary);
Console.WriteLine();

// 3. Training: Adam, sparse categorical cross-entropy (fused with the softmax), the test set as validation.
var fit = new FitOptions
{
    Epochs = options.Epochs,
    BatchSize = options.BatchSize,
    Optimizer = new Adam(options.LearningRate),
    ValidationData = test,
    Seed = options.Seed,
    Augmentations = options.Shift > 0 ? new[] { new RandomTranslation(options.Shift, options.Shift) } : null,
    LearningRateDecay = options.Decay,
};
Console.WriteLine($"Training for {options.Epochs} epochs, batch {options.BatchSize}, Adam({options.LearningRate}) decaying x{options.Decay} per epoch, random shifts of up to {options.Shift} pixels, {net.MaxDegreeOfParallelism} thread(s)...");
var clock = Stopwatch.StartNew();
TrainingHistory history = ProgressDisplay.Run(progress => net.Fit(train, fit with { Progress = progress }), options.Epochs);
clock.Stop();

// 4. Test accuracy, and the weights saved, reloaded and checked.
BatchStatistics result = net.Evaluate(test);
double samplesPerSecond = (double)train.Count * options.Epochs / history.Epochs.Sum(e => e.Duration.TotalSeconds);
Console.WriteLine();
Console.WriteLine($"Trained in {clock.Elapsed.TotalSeconds:F1} s (about {samplesPerSecond:N0} training samples/s including validation).");
Console.WriteLine($"Test accuracy: {result.Accuracy * 100:F2}% ({result.Correct:N0} of {result.Count:N0} held-out images), test loss {result.Loss:F4}");

net.Save(options.WeightsPath);
var reloaded = new MnistNet(seed: 0);
reloaded.Load(options.WeightsPath);
BatchStatistics check = reloaded.Evaluate(test);
Console.WriteLine($"Saved the weights to {Path.GetFullPath(options.WeightsPath)} ({new FileInfo(options.WeightsPath).Length:N0} bytes, safetensors); reloaded: {check.Accuracy * 100:F2}%.");

// 5. A few test digits as text, with the prediction: the first ones, then the first the network gets wrong.
Console.WriteLine();
DigitArt.Print(test, reloaded);
return 0;
