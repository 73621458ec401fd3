using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using NetDsl.Data;
using NetDsl.Tests.Networks;
using NetDsl.Training;

namespace NetDsl.Tests;

/// <summary>Console.SetOut is process-wide: these tests run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(ConsoleOutput), DisableParallelization = true)]
public sealed class ConsoleOutput;

/// <summary>What Fit prints by default (Keras's progress lines) and how Verbose and Progress silence it.</summary>
[Collection(nameof(ConsoleOutput))]
public sealed class ConsoleProgressTests
{
    private static readonly Lazy<(Dataset Train, Dataset Test)> Digits =
        new(() => Dataset.LoadMnist(Path.Combine(AppContext.BaseDirectory, "data", "mnist-digits")));

    [Fact]
    public void VerboseTwoPrintsOneKerasLinePerEpoch()
    {
        TrainingHistory? history = null;
        string output = Capture(() => history = new SmallDigitNet(seed: 1).Fit(Digits.Value.Train.Slice(0, 64), new FitOptions
        {
            Epochs = 2,
            ValidationData = Digits.Value.Test.Slice(0, 32),
            Verbose = 2,
        }));

        string[] lines = output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        for (int e = 0; e < 2; e++)
        {
            EpochResult r = history!.Epochs[e];
            Assert.Matches(
                $@"^Epoch {e + 1}/2 - \d+\.\ds - loss: {Regex.Escape(F(r.Loss))} - accuracy: {Regex.Escape(F(r.Accuracy))} - val_loss: {Regex.Escape(F(r.ValidationLoss!.Value))} - val_accuracy: {Regex.Escape(F(r.ValidationAccuracy!.Value))} - learning_rate: 0\.0010 - \d+ batches/s$",
                lines[e]);
            Assert.DoesNotContain('\r', lines[e]);
        }
    }

    [Fact]
    public void FitPrintsByDefaultAndNotWithVerboseZeroOrAProgress()
    {
        Dataset data = Digits.Value.Train.Slice(0, 64);
        string byDefault = Capture(() => new SmallDigitNet(seed: 1).Fit(data, new FitOptions { Epochs = 2 }));
        Assert.Contains("Epoch 1/2 - ", byDefault);
        Assert.Contains("Epoch 2/2 - ", byDefault);
        Assert.Contains("batches/s", byDefault);

        Assert.Equal(string.Empty, Capture(() => new SmallDigitNet(seed: 1).Fit(data, new FitOptions { Epochs = 2, Verbose = 0 })));
        Assert.Equal(string.Empty, Capture(() => new SmallDigitNet(seed: 1).Fit(data, new FitOptions { Epochs = 2, Progress = new Progress<TrainingProgress>() })));

        // Asked for explicitly, it prints beside a Progress too.
        string both = Capture(() => new SmallDigitNet(seed: 1).Fit(data, new FitOptions { Epochs = 1, Progress = new Progress<TrainingProgress>(), Verbose = 2 }));
        Assert.StartsWith("Epoch 1/1 - ", both);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SmallDigitNet(seed: 1).Fit(data, new FitOptions { Verbose = 3 }));
    }

    /// <summary>Keras's progress bar: %.4f above 1e-3 in magnitude, %.4e below (the float 0.001 is just above: 0.0010).</summary>
    private static string F(double value) => value.ToString(Math.Abs(value) > 1e-3 ? "0.0000" : "0.0000e+00", System.Globalization.CultureInfo.InvariantCulture);

    private static string Capture(Action action)
    {
        TextWriter original = Console.Out;
        var writer = new StringWriter();
        Console.SetOut(writer);
        try
        {
            action();
        }
        finally
        {
            Console.SetOut(original);
        }

        return writer.ToString();
    }
}
