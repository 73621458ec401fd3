using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using NetDsl;
using NetDsl.Data;
using NetDsl.Images;
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

// The setup step of --images: the IDX digits written as PNG class folders.
if (options.WritePngDirectory is string pngDirectory)
{
    (Dataset digits, Dataset heldOut) = Dataset.LoadMnist(options.DataDirectory);
    var writing = Stopwatch.StartNew();
    PngDigits.Write(digits, heldOut, pngDirectory);
    Console.WriteLine($"Wrote {digits.Count:N0} training and {heldOut.Count:N0} test digits as PNG files to {Path.GetFullPath(pngDirectory)}/train/0..9 and test/0..9 in {writing.Elapsed.TotalSeconds:F1} s.");
    Console.WriteLine($"Train from them with: dotnet run --project samples/Mnist -c Release -- --images {pngDirectory}");
    return 0;
}

// 1. Data: IDX files, or with --images folders of PNG files; pixels scaled to [0, 1], channels-last 28x28x1.
Dataset train, test;
string source;
try
{
    if (options.ImageDirectory is string imageDirectory)
    {
        var loading = Stopwatch.StartNew();
        (ImageDataset trainImages, ImageDataset testImages) = PngDigits.Read(imageDirectory, options.Seed);
        (train, test) = (trainImages, testImages);
        source = $"the image folders {Path.GetFullPath(imageDirectory)}/train and test (decoded in {loading.Elapsed.TotalSeconds:F1} s)";
    }
    else
    {
        (train, test) = Dataset.LoadMnist(options.DataDirectory);
        source = Path.GetFullPath(options.DataDirectory);
    }
}
catch (Exception e) when (e is IOException or InvalidDataException)
{
    // A missing folder or file, an image that cannot be decoded (InvalidImageException names it), a malformed IDX file.
    Console.Error.WriteLine(e.Message);
    return 1;
}

if (options.TrainLimit is int limit && limit < train.Count)
{
    train = train.Slice(0, limit);
}

Console.WriteLine($"Data: {train.Count:N0} training and {test.Count:N0} test images of {train.SampleShape} from {source}");

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
