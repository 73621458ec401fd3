using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.ML.OnnxRuntime;
using NetDsl.Benchmarks.BuildTime;
using NetDsl.Benchmarks.Models;
using NetDsl.Training;

namespace NetDsl.Benchmarks.Compare;

/// <summary>Options of the <c>compare</c> command.</summary>
internal sealed record ComparisonOptions
{
    public int Rounds { get; init; } = 21;

    public double BlockSeconds { get; init; } = 0.25;

    public double WarmupSeconds { get; init; } = 3;

    public string? Python { get; init; }

    public bool SkipPyTorch { get; init; }

    public bool SkipGenerator { get; init; }

    public MeasurementSettings Settings => new(WarmupSeconds, BlockSeconds, Rounds);
}

/// <summary>
/// The <c>compare</c> command: NetDsl against ONNX Runtime (inference) and PyTorch (training) on the seed model
/// in one run, the machine's measured FMA peak, and the generator's run time; prints a Markdown report.
/// </summary>
internal sealed class ComparisonRunner(ComparisonOptions options)
{
    private const int TrainingBatch = 64;
    private const int TrainingThreads = 2;
    private const int InferenceBatch = 256;

    private readonly List<Row> _rows = [];
    private readonly List<string> _details = [];
    private readonly List<string> _notMeasured = [];
    private readonly Dictionary<int, FmaPeakResult> _peaks = [];
    private NetworkCost _cost = null!;
    private string _ortVersion = "?";
    private string _torchVersion = "not found";

    public int Run()
    {
        int cores = Environment.ProcessorCount;
        _cost = NetworkCost.Of(new MnistNet(seed: 1));
        _ortVersion = OrtEnv.Instance().GetVersionString();
        var random = new Random(12345);

        Progress($"Measuring the FMA peak on 1, {TrainingThreads} and {cores} threads...");
        foreach (int threads in new[] { 1, TrainingThreads, cores }.Distinct())
        {
            _peaks[threads] = FmaPeak.Measure(threads, TimeSpan.FromSeconds(0.25));
        }

        MeasureInferenceLatency(random);
        MeasureInferenceThroughput(random, cores);
        MeasureTraining(random);
        if (!options.SkipGenerator)
        {
            MeasureGenerator();
        }
        else
        {
            _notMeasured.Add("Generator timing: skipped (--skip-generator).");
        }

        PrintReport(cores);
        return 0;
    }

    private void MeasureInferenceLatency(Random random)
    {
        Progress("Inference, batch 1, 1 thread: NetDsl Predict vs ONNX Runtime...");
        var net = new MnistNet(seed: 1) { MaxDegreeOfParallelism = 1 };
        float[] input = RandomPixels(random, MnistNet.InputLength);
        float[] output = new float[MnistNet.OutputLength];
        var netDsl = new DelegateContender("NetDsl Predict(input, output)", () => net.Predict(input, output));

        using OnnxRuntimeModel? ort = LoadOnnx(batchSize: 1, intraOpThreads: 1, input);
        if (ort is null)
        {
            Samples alone = AlternatingMeasurement.Measure(netDsl, options.Settings);
            AddLatencyRow(alone, null);
            return;
        }

        IContender peer = FasterOrtCall(ort);
        (Samples a, Samples b) = AlternatingMeasurement.Compare(netDsl, peer, options.Settings);
        CheckFinite("NetDsl batch-1 output", output);
        CheckFinite("ONNX Runtime batch-1 output", ort.Outputs);
        AddLatencyRow(a, b);
    }

    private void AddLatencyRow(Samples netDsl, Samples? ort)
    {
        double netSeconds = netDsl.Median;
        double gflops = _cost.InferenceFlops / netSeconds / 1e9;
        _rows.Add(new Row(
            "Inference latency, batch 1, 1 thread",
            Microseconds(netSeconds),
            ort is null ? "not measured" : $"{Microseconds(ort.Median)} (ONNX Runtime)",
            ort is null ? null : netSeconds / ort.Median,
            "≤ 0.90x latency",
            ratio => ratio <= 0.9,
            gflops,
            Share(gflops, 1),
            ort is null ? null : _cost.InferenceFlops / ort.Median / 1e9));
        Detail(netDsl, s => Microseconds(s), "calls");
        if (ort is not null)
        {
            Detail(ort, s => Microseconds(s), "calls");
        }
    }

    private void MeasureInferenceThroughput(Random random, int cores)
    {
        Progress($"Inference, batch {InferenceBatch}, {cores} threads: NetDsl Predict vs ONNX Runtime...");
        var net = new MnistNet(seed: 1) { MaxDegreeOfParallelism = cores };
        float[] inputs = RandomPixels(random, InferenceBatch * MnistNet.InputLength);
        float[] outputs = new float[InferenceBatch * MnistNet.OutputLength];
        var netDsl = new DelegateContender($"NetDsl Predict(inputs, outputs, {InferenceBatch})", () => net.Predict(inputs, outputs, InferenceBatch));

        using OnnxRuntimeModel? ort = LoadOnnx(InferenceBatch, intraOpThreads: cores, inputs);
        Samples a, b;
        if (ort is null)
        {
            a = AlternatingMeasurement.Measure(netDsl, options.Settings);
            b = null!;
        }
        else
        {
            (a, b) = AlternatingMeasurement.Compare(netDsl, FasterOrtCall(ort), options.Settings);
            CheckFinite("NetDsl batch outputs", outputs);
            CheckFinite("ONNX Runtime batch outputs", ort.Outputs);
        }

        double netRate = InferenceBatch / a.Median;
        double gflops = netRate * _cost.InferenceFlops / 1e9;
        double? peerRate = ort is null ? null : InferenceBatch / b.Median;
        _rows.Add(new Row(
            $"Inference throughput, batch {InferenceBatch}, {cores} threads",
            SamplesPerSecond(netRate),
            peerRate is null ? "not measured" : $"{SamplesPerSecond(peerRate.Value)} (ONNX Runtime)",
            peerRate is null ? null : netRate / peerRate.Value,
            "≥ 1.00x throughput",
            ratio => ratio >= 1.0,
            gflops,
            Share(gflops, cores),
            peerRate * _cost.InferenceFlops / 1e9));
        Detail(a, s => SamplesPerSecond(InferenceBatch / s), "batches");
        if (ort is not null)
        {
            Detail(b, s => SamplesPerSecond(InferenceBatch / s), "batches");
        }
    }

    private void MeasureTraining(Random random)
    {
        Progress($"Training, batch {TrainingBatch}, {TrainingThreads} threads: NetDsl ComputeGradients + Adam vs PyTorch...");
        var net = new MnistNet(seed: 1) { MaxDegreeOfParallelism = TrainingThreads };
        var adam = new Adam(0.001f);

        // A pool of distinct random batches, as the PyTorch script uses, so no single batch is memorised.
        const int Pool = 16;
        float[][] inputs = Enumerable.Range(0, Pool).Select(_ => RandomPixels(random, TrainingBatch * MnistNet.InputLength)).ToArray();
        int[][] labels = Enumerable.Range(0, Pool).Select(_ => Enumerable.Range(0, TrainingBatch).Select(_ => random.Next(MnistNet.OutputLength)).ToArray()).ToArray();
        float[] gradients = new float[MnistNet.ParameterCount];
        int next = 0;
        float loss = 0;
        var netDsl = new DelegateContender("NetDsl ComputeGradients + Adam.Step", () =>
        {
            loss = net.ComputeGradients(inputs[next], labels[next], gradients);
            adam.Step(net.Parameters, gradients);
            next = (next + 1) % Pool;
        });

        PyTorchTrainer? torch = null;
        string reason = "skipped: --skip-pytorch";
        if (!options.SkipPyTorch)
        {
            try
            {
                torch = PyTorchTrainer.TryStart(options.Python, TrainingThreads, TrainingBatch, out reason);
                reason = torch is null ? $"skipped: {reason}" : reason;
            }
            catch (Exception e) when (e is InvalidOperationException or IOException)
            {
                reason = $"skipped: {e.Message}";
            }
        }

        Samples a;
        Samples? b = null;
        if (torch is null)
        {
            Progress($"PyTorch {reason}");
            _notMeasured.Add($"PyTorch training: {reason}");
            a = AlternatingMeasurement.Measure(netDsl, options.Settings);
        }
        else
        {
            using (torch)
            {
                _torchVersion = $"{torch.TorchVersion} (Python {torch.PythonVersion}, {torch.Interpreter}; {torch.ReadyLine})";
                (a, b) = AlternatingMeasurement.Compare(netDsl, torch, options.Settings);
            }
        }

        if (!float.IsFinite(loss))
        {
            _notMeasured.Add($"NetDsl training loss became {loss}; the training figure is suspect.");
        }

        double netRate = TrainingBatch / a.Median;
        double gflops = netRate * _cost.TrainingFlops / 1e9;
        double? peerRate = b is null ? null : TrainingBatch / b.Median;
        _rows.Add(new Row(
            $"Training throughput, batch {TrainingBatch}, {TrainingThreads} threads",
            SamplesPerSecond(netRate),
            peerRate is null ? reason : $"{SamplesPerSecond(peerRate.Value)} (PyTorch)",
            peerRate is null ? null : netRate / peerRate.Value,
            "≥ 3.00x throughput",
            ratio => ratio >= 3.0,
            gflops,
            Share(gflops, TrainingThreads),
            peerRate * _cost.TrainingFlops / 1e9));
        Detail(a, s => SamplesPerSecond(TrainingBatch / s), "steps");
        if (b is not null)
        {
            Detail(b, s => SamplesPerSecond(TrainingBatch / s), "steps");
        }
    }

    private void MeasureGenerator()
    {
        Progress("Generator: full runs on the seed model and a 20-layer model...");
        var results = new[]
        {
            GeneratorTiming.Measure("seed model", ModelSources.SeedModel, TimeSpan.FromSeconds(3), Math.Max(options.Rounds, 15)),
            GeneratorTiming.Measure("20-layer model", ModelSources.TwentyLayerModel, TimeSpan.FromSeconds(2), Math.Max(options.Rounds, 15)),
        };
        foreach (GeneratorTimingResult result in results)
        {
            _rows.Add(new Row(
                $"Generator, {result.Model} ({result.Layers} layers), full run",
                Milliseconds(result.MedianMilliseconds),
                "–",
                null,
                result.Model == "seed model" ? "< 50 ms" : "–",
                null,
                null,
                null,
                null,
                MetOverride: result.Model == "seed model" ? result.MedianMilliseconds < 50 : null));
            double[] sorted = result.MillisecondsPerRun.OrderBy(x => x).ToArray();
            _details.Add($"- Generator, {result.Model}: median {Milliseconds(result.MedianMilliseconds)} over {sorted.Length} full runs " +
                $"(fastest {Milliseconds(sorted[0])}, slowest {Milliseconds(sorted[^1])}); first run in this process {Milliseconds(result.FirstRunMilliseconds)} " +
                $"(includes JIT); {result.GeneratedCharacters:N0} characters generated; " +
                (result.Errors.Count == 0 ? "compiles without errors." : $"**{result.Errors.Count} compile errors**: {result.Errors[0]}"));
        }
    }

    private void PrintReport(int cores)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine("## NetDsl vs ONNX Runtime and PyTorch (seed model)");
        Console.WriteLine();
        Console.WriteLine($"- Machine: {cores} logical processors, {MachineInfo.Processor}, {RuntimeInformation.OSDescription.Trim()} {RuntimeInformation.ProcessArchitecture}");
        Console.WriteLine($"- Vectors: {MachineInfo.Vectors}");
        Console.WriteLine($"- Versions: {RuntimeInformation.FrameworkDescription}, NetDsl {MachineInfo.VersionOf(typeof(INetwork).Assembly)}, " +
            $"ONNX Runtime {_ortVersion}, PyTorch {_torchVersion}, Roslyn {MachineInfo.VersionOf(typeof(CSharpCompilation).Assembly)}");
        Console.WriteLine($"- FMA peak (measured, {FmaPeak.Chains} independent FMA chains per thread, best of 5): " +
            string.Join(", ", _peaks.OrderBy(p => p.Key).Select(p => $"{p.Key} thread{(p.Key == 1 ? "" : "s")} {p.Value.GigaflopsPerSecond.ToString("N1", inv)} GFLOP/s ({p.Value.Width})")));
        Console.WriteLine($"- Seed model work per sample (from the generated network's summary and parameter layout): {_cost.ForwardMultiplyAdds:N0} multiply-adds forward; " +
            $"inference {Mflop(_cost.InferenceFlops)}, training {Mflop(_cost.TrainingFlops)} (forward, kernel gradients, input gradients after the first layer; " +
            $"{Mflop(_cost.TrainingFlopsThreeTimesForward)} by the 3x-forward convention)");
        Console.WriteLine($"- Method: {options.WarmupSeconds.ToString(inv)} s warm-up per side, then {options.Rounds} rounds, each timing a block of about " +
            $"{options.BlockSeconds.ToString(inv)} s of NetDsl and of the peer (order swapped every round); medians over the rounds. " +
            "Ratio = NetDsl ÷ peer (latency: lower is better; throughput: higher is better).");
        Console.WriteLine();
        Console.WriteLine("| Figure | NetDsl | Peer | Ratio | Target | Met | NetDsl GFLOP/s | NetDsl % of FMA peak | Peer GFLOP/s |");
        Console.WriteLine("| --- | ---: | ---: | ---: | --- | :---: | ---: | ---: | ---: |");
        foreach (Row row in _rows)
        {
            bool? met = row.MetOverride ?? (row.Ratio is double r && row.Meets is not null ? row.Meets(r) : null);
            Console.WriteLine($"| {row.Figure} | {row.NetDsl} | {row.Peer} | {(row.Ratio is double ratio ? ratio.ToString("0.00", inv) + "x" : "–")} | {row.Target} | " +
                $"{(met is null ? "–" : met.Value ? "yes" : "**no**")} | {Number(row.Gflops, "N1")} | {(row.PeakShare is double s ? s.ToString("P0", inv) : "–")} | {Number(row.PeerGflops, "N1")} |");
        }

        Console.WriteLine();
        Console.WriteLine("Details (median [interquartile range] over the rounds; operations per timed block):");
        Console.WriteLine();
        foreach (string line in _details)
        {
            Console.WriteLine(line);
        }

        if (_notMeasured.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("Not measured:");
            Console.WriteLine();
            foreach (string line in _notMeasured)
            {
                Console.WriteLine($"- {line}");
            }
        }
    }

    private OnnxRuntimeModel? LoadOnnx(int batchSize, int intraOpThreads, float[] inputs)
    {
        string path = OnnxRuntimeModel.SeedModelPath;
        if (!File.Exists(path))
        {
            _notMeasured.Add($"ONNX Runtime: the model {path} is missing (it is copied from models/ at build time).");
            return null;
        }

        return new OnnxRuntimeModel(path, batchSize, intraOpThreads, inputs);
    }

    /// <summary>Times ONNX Runtime's two zero-copy calls briefly and returns the faster, so ORT gets its best case.</summary>
    private IContender FasterOrtCall(OnnxRuntimeModel ort)
    {
        var binding = new DelegateContender($"ONNX Runtime RunWithBinding (batch {ort.BatchSize}, {ort.IntraOpThreads} intra-op threads)", ort.RunWithBinding);
        var values = new DelegateContender($"ONNX Runtime Run(RunOptions, OrtValue[]) (batch {ort.BatchSize}, {ort.IntraOpThreads} intra-op threads)", ort.RunWithValues);
        (Samples b, Samples v) = AlternatingMeasurement.Compare(binding, values, new MeasurementSettings(1.0, 0.1, 6));
        IContender faster = b.Median <= v.Median ? binding : values;
        _details.Add($"- ONNX Runtime call chosen for batch {ort.BatchSize}: {faster.Name} " +
            $"(trial medians: binding {Microseconds(b.Median)}, OrtValue[] {Microseconds(v.Median)} per call)");
        return faster;
    }

    private void CheckFinite(string what, float[] values)
    {
        if (!values.All(float.IsFinite))
        {
            _notMeasured.Add($"{what} contains NaN or infinity; that figure is suspect.");
        }
    }

    private double? Share(double gflops, int threads) =>
        _peaks.TryGetValue(threads, out FmaPeakResult? peak) && peak.GigaflopsPerSecond > 0 ? gflops / peak.GigaflopsPerSecond : null;

    private void Detail(Samples samples, Func<double, string> format, string unit) =>
        _details.Add($"- {samples.Name}: {format(samples.Median)} [{format(samples.LowerQuartile)} – {format(samples.UpperQuartile)}], " +
            $"{samples.SecondsPerOperation.Count} rounds of {samples.OperationsPerBlock:N0} {unit}");

    private static float[] RandomPixels(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = random.NextSingle();
        }

        return values;
    }

    private static void Progress(string message) => Console.Error.WriteLine($"[compare] {message}");

    private static string Microseconds(double seconds) => $"{(seconds * 1e6).ToString("N1", CultureInfo.InvariantCulture)} µs";

    private static string Milliseconds(double milliseconds) => $"{milliseconds.ToString("N1", CultureInfo.InvariantCulture)} ms";

    private static string SamplesPerSecond(double rate) => $"{rate.ToString("N0", CultureInfo.InvariantCulture)} samples/s";

    private static string Mflop(long flops) => $"{(flops / 1e6).ToString("N2", CultureInfo.InvariantCulture)} MFLOP";

    private static string Number(double? value, string format) => value is double v ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    private sealed record Row(
        string Figure,
        string NetDsl,
        string Peer,
        double? Ratio,
        string Target,
        Func<double, bool>? Meets,
        double? Gflops,
        double? PeakShare,
        double? PeerGflops,
        bool? MetOverride = null);
}
