using System;
using System.Globalization;
using System.IO;

namespace NetDsl.Samples.Mnist;

/// <summary>Command-line options of the sample; every one has a default that reproduces the README.</summary>
internal sealed class SampleOptions
{
    public string DataDirectory { get; private set; } = Path.Combine(AppContext.BaseDirectory, "data");

    public int Epochs { get; private set; } = 40;

    public int BatchSize { get; private set; } = 64;

    public float LearningRate { get; private set; } = 0.002f;

    public int Seed { get; private set; } = 1;

    public int Shift { get; private set; } = 2;

    public float Decay { get; private set; } = 0.92f;

    public int? Threads { get; private set; }

    public int? TrainLimit { get; private set; }

    public string WeightsPath { get; private set; } = "mnist-cnn.safetensors";

    /// <summary>Where --write-png writes the digits as PNG class folders (then the sample stops).</summary>
    public string? WritePngDirectory { get; private set; }

    /// <summary>A folder with train/ and test/ PNG class folders to train from instead of the IDX files.</summary>
    public string? ImageDirectory { get; private set; }

    public bool ShowHelp { get; private set; }

    public const string Usage = """
        Trains the classic Keras MNIST CNN on real handwritten digits, reports test accuracy, saves the weights
        and shows a few predictions.

        Usage: dotnet run --project samples/Mnist -c Release -- [options]

          --data DIR          folder with train-/t10k- images and labels in IDX format (.gz or raw)
                              default: the 10,000 MNIST digits shipped with the sample (8,000 train / 2,000 test)
                              e.g. /usr/share/datasets/fashion-mnist after 'apt-get install dataset-fashion-mnist'
          --epochs N          passes over the training data (default 40)
          --batch-size N      samples per step (default 64)
          --learning-rate X   initial Adam learning rate (default 0.002)
          --shift N           augment: shift training images by up to N pixels (default 2, 0 = off)
          --decay X           multiply the learning rate by X after each epoch (default 0.92)
          --seed N            seed of the initial weights and of the shuffling (default 1)
          --threads N         threads for training and evaluation (default: all cores)
          --train-limit N     use only the first N training samples
          --weights FILE      where to save the trained weights (default mnist-cnn.safetensors)
          --write-png DIR     write the IDX digits as PNG files in class folders, DIR/train/0..9 and DIR/test/0..9,
                              and stop (the setup step for --images)
          --images DIR        train from DIR/train and test on DIR/test, folders of images in class subfolders
                              (NetDsl.Images, as Keras's image_dataset_from_directory) instead of IDX files
          --help              show this text
        """;

    public static SampleOptions Parse(string[] args)
    {
        var options = new SampleOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--data":
                    options.DataDirectory = Value();
                    break;
                case "--epochs":
                    options.Epochs = PositiveInt(Value(), "--epochs");
                    break;
                case "--batch-size":
                    options.BatchSize = PositiveInt(Value(), "--batch-size");
                    break;
                case "--learning-rate":
                    options.LearningRate = float.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--shift":
                    options.Shift = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--decay":
                    options.Decay = float.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--seed":
                    options.Seed = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--threads":
                    options.Threads = PositiveInt(Value(), "--threads");
                    break;
                case "--train-limit":
                    options.TrainLimit = PositiveInt(Value(), "--train-limit");
                    break;
                case "--weights":
                    options.WeightsPath = Value();
                    break;
                case "--write-png":
                    options.WritePngDirectory = Value();
                    break;
                case "--images":
                    options.ImageDirectory = Value();
                    break;
                case "--help" or "-h":
                    options.ShowHelp = true;
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{args[i]}'.");
            }
        }

        if (options.WritePngDirectory is not null && options.ImageDirectory is not null)
        {
            throw new ArgumentException("--write-png and --images are two steps: write the folder first, then train from it.");
        }

        return options;
    }

    private static int PositiveInt(string text, string name)
    {
        int value = int.Parse(text, CultureInfo.InvariantCulture);
        return value > 0 ? value : throw new ArgumentException($"{name} must be positive.");
    }
}
