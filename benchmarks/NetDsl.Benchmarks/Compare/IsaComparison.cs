using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using NetDsl.Benchmarks.Workload;

namespace NetDsl.Benchmarks.Compare;

/// <summary>Options of the <c>isa</c> command.</summary>
internal sealed record IsaOptions
{
    public int Rounds { get; init; } = 11;

    public double BlockSeconds { get; init; } = 0.2;

    public double WarmupSeconds { get; init; } = 1.5;

    public bool SkipAot { get; init; }

    public MeasurementSettings Settings => new(WarmupSeconds, BlockSeconds, Rounds);
}

/// <summary>
/// The <c>isa</c> command: the seed model on every instruction-set path of this machine, in one run. The worker
/// (<c>benchmarks/NetDsl.IsaWorker</c>) runs once per path, each in its own process, since the runtime reads its
/// ISA knobs at start-up: the JIT with <c>DOTNET_Enable*</c> switched off step by step, and NativeAOT builds with
/// the default instruction set, <c>x86-64-v3</c> and <c>native</c>. Blocks of each figure run round-robin across
/// all the workers, so load from other programs hits every path alike; each path's own multiply-add peak is
/// measured the same way, so the report also says how close to its hardware each path runs.
/// </summary>
internal sealed class IsaComparison(IsaOptions options)
{
    private static readonly (string Name, string Knobs)[] JitPaths =
    [
        ("JIT, AVX-512", ""),
        ("JIT, AVX2 + FMA", "DOTNET_EnableAVX512=0"),
        ("JIT, AVX without FMA", "DOTNET_EnableAVX2=0"),
        ("JIT, SSE only", "DOTNET_EnableAVX=0"),
        ("JIT, scalar", "DOTNET_EnableHWIntrinsic=0"),
    ];

    private static readonly (string Name, string? InstructionSet)[] AotPaths =
    [
        ("NativeAOT, default", null),
        ("NativeAOT, x86-64-v3", "x86-64-v3"),
        ("NativeAOT, native", "native"),
    ];

    public int Run()
    {
        string repository = FindRepository();
        string work = Directory.CreateTempSubdirectory("netdsl-isa").FullName;
        var workers = new List<IsaWorker>();
        try
        {
            string project = Path.Combine(repository, "benchmarks", "NetDsl.IsaWorker");
            Progress("Building the worker (JIT)...");
            string jitDirectory = Path.Combine(work, "jit");
            DotNet(repository, "build", project, "-c", "Release", "-o", jitDirectory);
            foreach ((string name, string knobs) in JitPaths)
            {
                workers.Add(IsaWorker.Start(name, "dotnet", [Path.Combine(jitDirectory, "NetDsl.IsaWorker.dll")], knobs, executableBytes: null));
            }

            if (!options.SkipAot)
            {
                foreach ((string name, string? instructionSet) in AotPaths)
                {
                    Progress($"Publishing the worker with NativeAOT ({instructionSet ?? "default instruction set"})...");
                    string directory = Path.Combine(work, "aot-" + (instructionSet ?? "default"));
                    var arguments = new List<string> { project, "-c", "Release", "-r", "linux-x64", "-o", directory };
                    if (instructionSet is not null)
                    {
                        arguments.Add($"-p:IlcInstructionSet={instructionSet}");
                    }

                    DotNet(repository, "publish", [.. arguments]);
                    string executable = Path.Combine(directory, "NetDsl.IsaWorker");
                    workers.Add(IsaWorker.Start(name, executable, [], "", new FileInfo(executable).Length));
                }
            }

            NetworkCost cost = NetworkCost.Of(new MnistNet(seed: 1));
            var figures = new Dictionary<string, Samples[]>();
            foreach (string figure in new[] { "peak", "latency", "throughput", "train" })
            {
                Progress($"Timing '{figure}' round-robin over {workers.Count} paths...");
                figures[figure] = AlternatingMeasurement.RoundRobin(workers.Select(w => w.Contender(figure)).ToArray(), options.Settings);
            }

            Console.WriteLine(Report(workers, figures, cost));
            return 0;
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private string Report(List<IsaWorker> workers, Dictionary<string, Samples[]> figures, NetworkCost cost)
    {
        var text = new StringBuilder();
        double reference = figures["latency"][0].Median;
        text.AppendLine($"## Instruction-set paths: the seed model on {MachineInfo.Processor}, {Environment.ProcessorCount} cores");
        text.AppendLine();
        text.AppendLine("| Path | Vectors | Batch 1, 1 thread | vs JIT AVX-512 | Batch 256, all cores | Training, batch 64, 2 threads | Multiply-add peak, 1 thread | Batch 1 as % of that peak | Executable | First prediction |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (int i = 0; i < workers.Count; i++)
        {
            IsaWorker w = workers[i];
            double latency = figures["latency"][i].Median;
            double peak = 2.0 * PeakChains * w.Lanes * PeakIterationsPerOperation / figures["peak"][i].Median / 1e9;
            double gflops = cost.InferenceComputedFlops / latency / 1e9;
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {w.Name} | {w.Width}{(w.Fused ? ", FMA" : w.Lanes > 1 ? ", mul + add" : "")} | {latency * 1e6:N1} µs | {latency / reference:0.00}x | " +
                $"{256 / figures["throughput"][i].Median:N0} samples/s | {64 / figures["train"][i].Median:N0} samples/s | {peak:N1} GFLOP/s | {gflops / peak * 100:N0}% | " +
                $"{(w.ExecutableBytes is long bytes ? $"{bytes / 1048576.0:N1} MiB" : "–")} | {w.FirstPrediction * 1000:N0} ms |"));
        }

        text.AppendLine();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Medians of {options.Rounds} rounds; each round times one block (about {options.BlockSeconds * 1000:N0} ms) of every path in turn. " +
            $"Batch 1 counts the {cost.InferenceComputedFlops / 1e6:N2} MFLOP per sample that inference computes (the model's {cost.InferenceFlops / 1e6:N2} less the pixels " +
            $"no max-pooling window keeps) against the path's own 1-thread peak: {PeakChains} independent chains of " +
            $"multiply-adds at its widest vector (one FMA each where the hardware has it, a multiply and an add where not). " +
            $"First prediction: from the process's start to the end of its first Predict (JIT compilation included)."));
        text.AppendLine();
        text.AppendLine("Interquartile ranges (batch 1): " + string.Join("; ", workers.Select((w, i) => string.Create(CultureInfo.InvariantCulture,
            $"{w.Name} {figures["latency"][i].LowerQuartile * 1e6:N1}-{figures["latency"][i].UpperQuartile * 1e6:N1} µs"))));
        text.AppendLine();
        text.AppendLine("Workers: " + string.Join("; ", workers.Select(w => $"{w.Name}: {w.ReadyLine}")));
        return text.ToString();
    }

    private const int PeakChains = 12;

    /// <summary>Iterations of the peak's chains in one timed "operation" (about a prediction's time on SSE).</summary>
    private const long PeakIterationsPerOperation = 100_000;

    private static void DotNet(string repository, string command, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = repository, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(command);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {command} failed:\n{output}");
        }
    }

    private static string FindRepository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NetDsl.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Run this from the repository: the worker project is built from benchmarks/NetDsl.IsaWorker.");
    }

    private static void Progress(string message) => Console.Error.WriteLine(message);

    /// <summary>One running worker process (one path): answers timed requests on stdin/stdout.</summary>
    private sealed class IsaWorker : IDisposable
    {
        private readonly Process _process;

        private IsaWorker(string name, Process process, long? executableBytes)
        {
            Name = name;
            _process = process;
            ExecutableBytes = executableBytes;
            ReadyLine = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException($"{name}: the worker exited: {process.StandardError.ReadToEnd()}");
            if (!ReadyLine.StartsWith("ready ", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{name}: unexpected first line '{ReadyLine}'");
            }

            Dictionary<string, string> fields = ReadyLine.Split(' ').Skip(1).Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1]);
            FirstPrediction = double.Parse(fields["first_prediction_s"], CultureInfo.InvariantCulture);
            Width = fields["width"];
            Lanes = int.Parse(fields["lanes"], CultureInfo.InvariantCulture);
            Fused = fields["fma"] == "True";
        }

        public string Name { get; }

        public string ReadyLine { get; }

        public double FirstPrediction { get; }

        public string Width { get; }

        public int Lanes { get; }

        public bool Fused { get; }

        public long? ExecutableBytes { get; }

        public static IsaWorker Start(string name, string fileName, string[] arguments, string knobs, long? executableBytes)
        {
            var start = new ProcessStartInfo(fileName) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = false };
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            foreach (string knob in knobs.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] pair = knob.Split('=');
                start.Environment[pair[0]] = pair[1];
            }

            return new IsaWorker(name, Process.Start(start)!, executableBytes);
        }

        public IContender Contender(string figure) => new Request(this, figure);

        public double Run(string figure, int operations)
        {
            _process.StandardInput.WriteLine($"{figure} {(figure == "peak" ? operations * PeakIterationsPerOperation : operations)}");
            _process.StandardInput.Flush();
            string? answer = _process.StandardOutput.ReadLine();
            if (answer is null || !double.TryParse(answer, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
            {
                throw new InvalidOperationException($"{Name}: bad answer '{answer}' to '{figure} {operations}'");
            }

            return seconds;
        }

        public void Dispose()
        {
            try
            {
                _process.StandardInput.Close();
                if (!_process.WaitForExit(5000))
                {
                    _process.Kill();
                }
            }
            finally
            {
                _process.Dispose();
            }
        }

        /// <summary>Blocks of one figure; a peak "operation" is 100,000 iterations of the chains.</summary>
        private sealed class Request(IsaWorker worker, string figure) : IContender
        {
            public string Name => $"{worker.Name} {figure}";

            public double Run(int operations) => worker.Run(figure, operations);
        }
    }
}
