using System;
using System.Globalization;
using System.IO;

namespace NetDsl.Samples.Vision;

/// <summary>The vision samples' command line: <c>--data</c>, <c>--epochs</c>, <c>--canvases</c>, <c>--seed</c>,
/// <c>--threads</c>, <c>--help</c>.</summary>
public sealed record VisionOptions(string Data, int Epochs, int Canvases, int Seed, int? Threads)
{
    /// <summary>The options, or null with the exit code when the sample should stop: 0 after <c>--help</c>
    /// (the usage printed), 2 after a bad option (the problem and the usage printed).</summary>
    public static VisionOptions? Parse(string[] args, int epochs, int canvases, string usage, out int exitCode)
    {
        exitCode = 0;
        var options = new VisionOptions(Path.Combine("samples", "Mnist", "data"), epochs, canvases, 1, null);
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                switch (args[i])
                {
                    case "--data": options = options with { Data = Value() }; break;
                    case "--epochs": options = options with { Epochs = PositiveInt(Value(), "--epochs") }; break;
                    case "--canvases": options = options with { Canvases = PositiveInt(Value(), "--canvases") }; break;
                    case "--seed": options = options with { Seed = int.Parse(Value(), CultureInfo.InvariantCulture) }; break;
                    case "--threads": options = options with { Threads = PositiveInt(Value(), "--threads") }; break;
                    case "--help": Console.WriteLine(usage); return null;
                    default: throw new ArgumentException($"Unknown option '{args[i]}'.");
                }
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(usage);
            exitCode = 2;
            return null;
        }

        return options;
    }

    private static int PositiveInt(string text, string option)
    {
        int value = int.Parse(text, CultureInfo.InvariantCulture);
        return value > 0 ? value : throw new ArgumentException($"{option} must be at least 1.");
    }
}
