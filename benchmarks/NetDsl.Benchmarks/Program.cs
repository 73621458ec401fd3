using System;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Running;
using NetDsl.Benchmarks.Compare;
using NetDsl.Benchmarks.Micro;

// NetDsl's performance benchmarks. `compare` (the default): NetDsl and its peers in one run, with ratios.
// `micro`: BenchmarkDotNet per layer kind, whole network and generator; any BenchmarkDotNet arguments follow.
string command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "compare";
string[] rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;

switch (command)
{
    case "compare":
        if (Array.Exists(rest, a => a is "--help" or "-h"))
        {
            Console.WriteLine(Usage.Text);
            return 0;
        }

        ComparisonOptions options;
        try
        {
            options = ParseComparisonOptions(rest);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Usage.Text);
            return 2;
        }

        return new ComparisonRunner(options).Run();

    case "isa":
        IsaOptions isa;
        try
        {
            isa = ParseIsaOptions(rest);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Usage.Text);
            return 2;
        }

        return new IsaComparison(isa).Run();

    case "micro":
        // Without a selection BenchmarkDotNet would ask on the console; `micro` alone means every benchmark.
        bool selects = Array.Exists(rest, a => a is "--filter" or "-f" or "--list" or "--help" or "-h" or "--info");
        string[] micro = selects ? rest : [.. rest, "--filter", "*"];
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(MicroConfig).Assembly).Run(micro, MicroConfig.Create());
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;

    case "help":
        Console.WriteLine(Usage.Text);
        return 0;

    default:
        Console.Error.WriteLine($"Unknown command '{command}'.");
        Console.Error.WriteLine(Usage.Text);
        return 2;
}

static ComparisonOptions ParseComparisonOptions(string[] arguments)
{
    var options = new ComparisonOptions();
    for (int i = 0; i < arguments.Length; i++)
    {
        string Value() => i + 1 < arguments.Length ? arguments[++i] : throw new ArgumentException($"{arguments[i]} needs a value.");
        options = arguments[i] switch
        {
            "--rounds" => options with { Rounds = Positive(int.Parse(Value(), CultureInfo.InvariantCulture), "--rounds") },
            "--block-ms" => options with { BlockSeconds = Positive(double.Parse(Value(), CultureInfo.InvariantCulture), "--block-ms") / 1000 },
            "--warmup-s" => options with { WarmupSeconds = Positive(double.Parse(Value(), CultureInfo.InvariantCulture), "--warmup-s") },
            "--python" => options with { Python = Value() },
            "--skip-pytorch" => options with { SkipPyTorch = true },
            "--skip-generator" => options with { SkipGenerator = true },
            _ => throw new ArgumentException($"Unknown option '{arguments[i]}'."),
        };
    }

    return options;
}

static IsaOptions ParseIsaOptions(string[] arguments)
{
    var options = new IsaOptions();
    for (int i = 0; i < arguments.Length; i++)
    {
        string Value() => i + 1 < arguments.Length ? arguments[++i] : throw new ArgumentException($"{arguments[i]} needs a value.");
        options = arguments[i] switch
        {
            "--rounds" => options with { Rounds = Positive(int.Parse(Value(), CultureInfo.InvariantCulture), "--rounds") },
            "--block-ms" => options with { BlockSeconds = Positive(double.Parse(Value(), CultureInfo.InvariantCulture), "--block-ms") / 1000 },
            "--warmup-s" => options with { WarmupSeconds = Positive(double.Parse(Value(), CultureInfo.InvariantCulture), "--warmup-s") },
            "--skip-aot" => options with { SkipAot = true },
            _ => throw new ArgumentException($"Unknown option '{arguments[i]}'."),
        };
    }

    return options;
}

static T Positive<T>(T value, string name)
    where T : System.Numerics.INumber<T> =>
    value > T.Zero ? value : throw new ArgumentException($"{name} must be positive.");

/// <summary>The command line help.</summary>
internal static class Usage
{
    public const string Text = """
        Usage: dotnet run -c Release --project benchmarks/NetDsl.Benchmarks -- [command] [options]

        Commands:
          compare (default)  NetDsl vs ONNX Runtime (inference) and PyTorch (training) on the seed model, the
                             measured FMA peak and the generator's run time, in one run; prints a Markdown report.
            --rounds N         timed rounds per figure (default 21)
            --block-ms N       length of one timed block in milliseconds (default 250)
            --warmup-s N       warm-up seconds per side (default 3)
            --python PATH      the python3 to run PyTorch with (default: /usr/bin/python3, then python3)
            --skip-pytorch     do not run PyTorch
            --skip-generator   do not time the generator
          isa                the seed model on every instruction-set path (JIT with AVX-512, AVX2, AVX without FMA,
                             SSE, scalar; NativeAOT default, x86-64-v3, native), each in its own worker process,
                             timed round-robin; prints a Markdown table (needs clang for the NativeAOT builds)
            --rounds N         timed rounds per figure (default 11)
            --block-ms N       length of one timed block in milliseconds (default 200)
            --warmup-s N       warm-up seconds per path and figure (default 1.5)
            --skip-aot         only the JIT paths
          micro [args]       BenchmarkDotNet benchmarks per layer kind, whole network and generator; args go to
                             BenchmarkDotNet, e.g. --filter '*Conv2D*', --list flat, --job short
          help               this text
        """;
}
