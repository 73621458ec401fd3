using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.ML.OnnxRuntime;
using NetDsl.Benchmarks.BuildTime;
using NetDsl.Benchmarks.Workload;
using NetDsl.Samples.FashionMnist;
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

    /// <summary>The short trial that picks a peer's fastest configuration.</summary>
    public MeasurementSettings TrialSettings => new(Math.Min(WarmupSeconds, 2), Math.Min(BlockSeconds, 0.15), 6);
}

/// <summary>
/// The <c>compare</c> command: NetDsl against ONNX Runtime (inference) and PyTorch (training) on the seed model
/// in one run, the machine's measured FMA peak, and the generator's run time; prints a Markdown report.
/// Each peer runs in its fastest configuration, picked by a short trial in the same run.
/// </summary>
internal sealed class ComparisonRunner(ComparisonOptions options)
{
    private const int TrainingBatch = 64;
    private const int TrainingThreads = 2;
    private const int InferenceBatch = 256;
    private const double SeedGeneratorTargetMilliseconds = 50;

    private readonly List<Row> _rows = [];
    private readonly List<string> _details = [];
    private readonly List<string> _notMeasured = [];
    private readonly Dictionary<int, FmaPeakResult> _peaks = [];
    private readonly int _cores = Environment.ProcessorCount;
    private NetworkCost _cost = null!;
    private string _ortVersion = "?";
    private string _torchVersion = "not found";

    public int Run()
    {
        _cost = NetworkCost.Of(new MnistNet(seed: 1));
        _ortVersion = OrtEnv.Instance().GetVersionString();
        var random = new Random(12345);

        Progress($"FMA peak on {string.Join(" and ", PeakThreadCounts)} thread(s), first sample...");
        SamplePeaks(allWidths: true);
        MeasureInferenceLatency(random);
        SamplePeaks(allWidths: false);
        MeasureBatchNormLatency(random);
        SamplePeaks(allWidths: false);
        MeasureInferenceThroughput(random);
        SamplePeaks(allWidths: false);
        MeasureTraining(random);
        SamplePeaks(allWidths: false);
        MeasureResNet(random);
        SamplePeaks(allWidths: false);
        if (!options.SkipGenerator)
        {
            MeasureGenerator();
        }
        else
        {
            _notMeasured.Add("Generator timing: skipped (--skip-generator).");
        }

        SamplePeaks(allWidths: false);
        CheckPeaks();
        PrintReport();
        return 0;
    }

    private IEnumerable<int> PeakThreadCounts => new[] { 1, TrainingThreads, _cores }.Distinct().Order();

    /// <summary>Samples the FMA peak again and keeps the best seen per thread count (load only ever lowers it).</summary>
    private void SamplePeaks(bool allWidths)
    {
        foreach (int threads in PeakThreadCounts)
        {
            string? width = allWidths || !_peaks.TryGetValue(threads, out FmaPeakResult? known) ? null : known.Width;
            FmaPeakResult sample = FmaPeak.Measure(threads, TimeSpan.FromMilliseconds(40), windows: 12, width);
            if (!_peaks.TryGetValue(threads, out FmaPeakResult? best) || sample.GigaflopsPerSecond > best.GigaflopsPerSecond)
            {
                _peaks[threads] = sample;
            }
        }
    }

    /// <summary>Flags a multi-thread peak that other load kept below what the single-thread peak implies.</summary>
    private void CheckPeaks()
    {
        if (!_peaks.TryGetValue(1, out FmaPeakResult? single))
        {
            return;
        }

        foreach ((int threads, FmaPeakResult peak) in _peaks.Where(p => p.Key > 1).OrderBy(p => p.Key))
        {
            double scaling = peak.GigaflopsPerSecond / single.GigaflopsPerSecond;
            if (scaling < 0.9 * Math.Min(threads, _cores))
            {
                _notMeasured.Add($"A clean {threads}-thread FMA peak: the best sample reached only {scaling.ToString("0.00", CultureInfo.InvariantCulture)}x " +
                    $"the 1-thread peak, so other programs kept the cores busy during every sample. The {threads}-thread peak is understated and " +
                    $"NetDsl's share of it overstated (against {Math.Min(threads, _cores)} x the 1-thread peak it would be " +
                    $"{string.Join(", ", _rows.Where(r => r.Threads == threads && r.Gflops is not null).Select(r => $"{(r.Gflops!.Value / (Math.Min(threads, _cores) * single.GigaflopsPerSecond) * 100).ToString("N0", CultureInfo.InvariantCulture)}% for {r.Figure.ToLowerInvariant()}"))}). " +
                    "Rerun on a quiet machine.");
            }
        }
    }

    private void MeasureInferenceLatency(Random random)
    {
        Progress("Inference, batch 1, 1 thread: NetDsl Predict vs ONNX Runtime...");
        MeasureLatency(random, "Inference latency, batch 1, 1 thread", "NetDsl Predict(input, output)", new MnistNet(seed: 1), _cost, OnnxRuntimeModel.SeedModelPath);
    }

    /// <summary>
    /// The Fashion-MNIST sample's network (BatchNormalization after each convolution and the hidden Dense, and
    /// Dropout) against the same network exported from PyTorch in inference mode: both fold BatchNormalization
    /// into the layer before (ONNX Runtime in its graph optimisation, NetDsl in the generated code).
    /// </summary>
    private void MeasureBatchNormLatency(Random random)
    {
        Progress("BatchNormalization network, inference, batch 1, 1 thread: NetDsl Predict vs ONNX Runtime...");
        var net = new FashionNet(seed: 1);
        MeasureLatency(random, "BatchNormalization network (the Fashion-MNIST sample's), inference latency, batch 1, 1 thread",
            "NetDsl FashionNet Predict(input, output)", net, NetworkCost.Of(net), OnnxRuntimeModel.FashionModelPath);
    }

    /// <summary>One-sample Predict on one thread against the ONNX model at <paramref name="modelPath"/>.</summary>
    private void MeasureLatency(Random random, string figure, string name, INetwork net, NetworkCost cost, string modelPath)
    {
        net.MaxDegreeOfParallelism = 1;
        float[] input = RandomPixels(random, net.InputLength);
        float[] output = new float[net.OutputLength];
        var netDsl = new DelegateContender(name, () => net.Predict(input, output));

        using OnnxRuntimeModel? ort = LoadOnnx(batchSize: 1, intraOpThreads: 1, input, path: modelPath, sampleShape: Nchw(net));
        Samples a;
        Samples? b = null;
        if (ort is null)
        {
            a = AlternatingMeasurement.Measure(netDsl, options.Settings);
        }
        else
        {
            IContender peer = FastestOrtCall(1, [ort]);
            (a, b) = AlternatingMeasurement.Compare(netDsl, peer, options.Settings);
            CheckFinite($"{name} output", output);
            CheckFinite("ONNX Runtime batch-1 output", ort.Outputs);
        }

        _rows.Add(new Row(
            figure,
            Microseconds(a.Median),
            b is null ? "not measured" : $"{Microseconds(b.Median)} (ONNX Runtime)",
            b is null ? null : a.Median / b.Median,
            "≤ 0.90x (latency)",
            b is null ? null : a.Median / b.Median <= 0.9,
            cost.InferenceFlops / a.Median / 1e9,
            1,
            b is null ? null : cost.InferenceFlops / b.Median / 1e9) { ComputedGflops = cost.InferenceComputedFlops / a.Median / 1e9 });
        Detail(a, Microseconds, "calls", isRate: false);
        if (b is not null)
        {
            Detail(b, Microseconds, "calls", isRate: false);
        }
    }

    private void MeasureInferenceThroughput(Random random) =>
        MeasureInferenceThroughput(random, new MnistNet(seed: 1), _cost, OnnxRuntimeModel.SeedModelPath, $"Inference throughput, batch {InferenceBatch}, {_cores} threads");

    private void MeasureInferenceThroughput(Random random, INetwork net, NetworkCost cost, string modelPath, string figure)
    {
        Progress($"{figure}: NetDsl Predict vs ONNX Runtime...");
        net.MaxDegreeOfParallelism = _cores;
        float[] inputs = RandomPixels(random, InferenceBatch * net.InputLength);
        float[] outputs = new float[InferenceBatch * net.OutputLength];
        var netDsl = new DelegateContender($"NetDsl Predict(inputs, outputs, {InferenceBatch})", () => net.Predict(inputs, outputs, InferenceBatch));

        using OnnxRuntimeModel? spinning = LoadOnnx(InferenceBatch, intraOpThreads: _cores, inputs, path: modelPath, sampleShape: Nchw(net));
        using OnnxRuntimeModel? blocking = _cores > 1 ? LoadOnnx(InferenceBatch, intraOpThreads: _cores, inputs, allowSpinning: false, path: modelPath, sampleShape: Nchw(net)) : null;
        Samples a;
        Samples? b = null;
        if (spinning is null)
        {
            a = AlternatingMeasurement.Measure(netDsl, options.Settings);
        }
        else
        {
            IContender peer = FastestOrtCall(InferenceBatch, blocking is null ? [spinning] : [spinning, blocking]);
            (a, b) = AlternatingMeasurement.Compare(netDsl, peer, options.Settings);
            CheckFinite("NetDsl batch outputs", outputs);
            CheckFinite("ONNX Runtime batch outputs", spinning.Outputs);
        }

        AddThroughputRow(figure, InferenceBatch, _cores, a, b, "ONNX Runtime", "not measured", 1.0, cost.InferenceFlops, "batches",
            computedFlopsPerSample: cost.InferenceComputedFlops);
    }

    /// <summary>
    /// The second workload: the residual network for 32x32x3 inputs with BatchNormalization (a stem and three
    /// stages of two basic blocks with 16, 32 and 64 channels), against the same network exported from PyTorch
    /// (inference) and trained by PyTorch.
    /// </summary>
    private void MeasureResNet(Random random)
    {
        const string Name = "Residual network (32x32x3, BatchNormalization)";
        var net = new ResNetCifar(seed: 1);
        NetworkCost cost = NetworkCost.Of(net);
        _details.Add($"- {Name}: {cost.ForwardMultiplyAdds:N0} multiply-adds forward per sample; inference {Mflop(cost.InferenceFlops)}, training {Mflop(cost.TrainingFlops)}.");
        Progress($"{Name}, inference, batch 1, 1 thread: NetDsl Predict vs ONNX Runtime...");
        MeasureLatency(random, $"{Name}, inference latency, batch 1, 1 thread", "NetDsl ResNetCifar Predict(input, output)", net, cost, OnnxRuntimeModel.ResNetModelPath);
        SamplePeaks(allWidths: false);
        MeasureInferenceThroughput(random, new ResNetCifar(seed: 1), cost, OnnxRuntimeModel.ResNetModelPath, $"{Name}, inference throughput, batch {InferenceBatch}, {_cores} threads");
        SamplePeaks(allWidths: false);
        MeasureTraining(random, new ResNetCifar(seed: 1), cost, "resnet", $"{Name}, training throughput, batch {TrainingBatch}, {TrainingThreads} threads");
    }

    /// <summary>The ONNX model's input shape for one sample of <paramref name="net"/>: (channels, height, width).</summary>
    private static long[] Nchw(INetwork net)
    {
        int[] d = net.InputShape.Dimensions.ToArray();
        return d.Length == 3 ? [d[2], d[0], d[1]] : [1, 1, d[0]];
    }

    private void MeasureTraining(Random random) =>
        MeasureTraining(random, new MnistNet(seed: 1), _cost, "seed", $"Training throughput, batch {TrainingBatch}, {TrainingThreads} threads");

    private void MeasureTraining(Random random, INetwork net, NetworkCost cost, string pyTorchModel, string figure)
    {
        Progress($"{figure}: NetDsl ComputeGradients + Adam vs PyTorch...");
        net.MaxDegreeOfParallelism = TrainingThreads;
        var adam = new Adam(0.001f);

        // A pool of distinct random batches, as the PyTorch script uses, so no single batch is memorised.
        const int Pool = 16;
        float[][] inputs = Enumerable.Range(0, Pool).Select(_ => RandomPixels(random, TrainingBatch * net.InputLength)).ToArray();
        int[][] labels = Enumerable.Range(0, Pool).Select(_ => Enumerable.Range(0, TrainingBatch).Select(_ => random.Next(net.OutputLength)).ToArray()).ToArray();
        float[] gradients = new float[net.ParameterCount];
        int next = 0;
        float loss = 0;
        var netDsl = new DelegateContender("NetDsl ComputeGradients + Adam.Step", () =>
        {
            loss = net.ComputeGradients(inputs[next], labels[next], gradients);
            adam.Step(net.Parameters, gradients);
            next = (next + 1) % Pool;
        });

        var trainers = new List<PyTorchTrainer>();
        string reason = "skipped (--skip-pytorch)";
        PythonWithTorch? python = null;
        if (!options.SkipPyTorch)
        {
            python = PyTorchTrainer.FindInterpreter(options.Python, out string why);
            reason = python is null ? $"skipped: {why}" : string.Empty;
        }

        Samples a;
        Samples? b = null;
        try
        {
            if (python is not null)
            {
                // PyTorch's OpenMP threads spin while waiting by default, which collapses when the machine has
                // other load; passive waiting avoids that. Both are tried, the faster one is compared.
                trainers.Add(PyTorchTrainer.Start(python, TrainingThreads, TrainingBatch, "PyTorch (OpenMP defaults)", model: pyTorchModel));
                trainers.Add(PyTorchTrainer.Start(python, TrainingThreads, TrainingBatch, "PyTorch (OMP_WAIT_POLICY=PASSIVE)", new Dictionary<string, string> { ["OMP_WAIT_POLICY"] = "PASSIVE" }, pyTorchModel));
                _torchVersion = $"{python.TorchVersion} (Python {python.PythonVersion}, {python.Interpreter})";
            }
        }
        catch (InvalidOperationException e)
        {
            reason = $"skipped: {e.Message}";
            trainers.ForEach(t => t.Dispose());
            trainers.Clear();
        }

        try
        {
            if (trainers.Count == 0)
            {
                Progress($"PyTorch {reason}");
                _notMeasured.Add($"PyTorch training: {reason}");
                a = AlternatingMeasurement.Measure(netDsl, options.Settings);
            }
            else
            {
                (IContender peer, double[] medians) = AlternatingMeasurement.Fastest(trainers, options.TrialSettings);
                _details.Add($"- PyTorch configuration chosen: {peer.Name} (trial medians: " +
                    string.Join(", ", trainers.Select((t, i) => $"{t.Name} {SamplesPerSecond(TrainingBatch / medians[i])}")) + $"); {((PyTorchTrainer)peer).ReadyLine}");
                (a, b) = AlternatingMeasurement.Compare(netDsl, peer, options.Settings);
            }
        }
        finally
        {
            trainers.ForEach(t => t.Dispose());
        }

        if (!float.IsFinite(loss))
        {
            _notMeasured.Add($"NetDsl training loss became {loss}; the training figure is suspect.");
        }

        AddThroughputRow(figure, TrainingBatch, TrainingThreads, a, b, "PyTorch", reason, 3.0, cost.TrainingFlops, "steps");
    }

    /// <summary>A throughput row (samples per second, from the seconds per batch of each side) and both sides' details.</summary>
    private void AddThroughputRow(string figure, int batch, int threads, Samples a, Samples? b, string peer, string peerMissing, double target, double flopsPerSample, string unit, double? computedFlopsPerSample = null)
    {
        double netRate = batch / a.Median;
        double? peerRate = b is null ? null : batch / b.Median;
        double? ratio = netRate / peerRate;
        _rows.Add(new Row(
            figure,
            SamplesPerSecond(netRate),
            peerRate is null ? peerMissing : $"{SamplesPerSecond(peerRate.Value)} ({peer})",
            ratio,
            $"≥ {target.ToString("F2", CultureInfo.InvariantCulture)}x (throughput)",
            ratio is null ? null : ratio >= target,
            netRate * flopsPerSample / 1e9,
            threads,
            peerRate * flopsPerSample / 1e9) { ComputedGflops = netRate * computedFlopsPerSample / 1e9 });
        Detail(a, s => SamplesPerSecond(batch / s), unit, isRate: true);
        if (b is not null)
        {
            Detail(b, s => SamplesPerSecond(batch / s), unit, isRate: true);
        }
    }

    private void MeasureGenerator()
    {
        Progress("Generator: full runs on the seed model and a 20-layer model...");
        var seed = new GeneratorTiming(ModelSources.SeedModel);
        var twenty = new GeneratorTiming(ModelSources.TwentyLayerModel);
        var firstRuns = new[] { seed, twenty }.Select(t =>
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            t.RunOnce();
            return System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }).ToArray();

        // One full run per block, alternating the two models, after a warm-up of both.
        (Samples s, Samples t) = AlternatingMeasurement.Compare(
            new DelegateContender("seed model", () => seed.RunOnce()),
            new DelegateContender("20-layer model", () => twenty.RunOnce()),
            new MeasurementSettings(Math.Max(options.WarmupSeconds, 4), 0.001, Math.Max(2 * options.Rounds, 41)));

        foreach (var (timing, samples, firstRun) in new[] { (seed, s, firstRuns[0]), (twenty, t, firstRuns[1]) })
        {
            double median = samples.Median * 1000;
            bool isSeed = ReferenceEquals(timing, seed);
            IReadOnlyList<string> errors = timing.CompileErrors();
            _rows.Add(new Row(
                $"Generator, {samples.Name} ({timing.Layers} layers), full run",
                Milliseconds(median),
                "–",
                null,
                isSeed ? $"< {SeedGeneratorTargetMilliseconds} ms" : "–",
                isSeed ? median < SeedGeneratorTargetMilliseconds : null,
                null,
                0,
                null));
            _details.Add($"- Generator, {samples.Name}: {Milliseconds(median)} [{Milliseconds(samples.LowerQuartile * 1000)} – {Milliseconds(samples.UpperQuartile * 1000)}] " +
                $"per full run, {samples.SecondsPerOperation.Count} rounds of {samples.OperationsPerBlock} run(s); first run in this process {Milliseconds(firstRun)} " +
                $"(includes JIT compilation of Roslyn and the generator); {timing.GeneratedCharacters:N0} characters generated; " +
                (errors.Count == 0 ? "the model compiles without errors." : $"**{errors.Count} compile errors**: {errors[0]}"));
        }
    }

    private void PrintReport()
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine("## NetDsl vs ONNX Runtime and PyTorch (seed model, a BatchNormalization network, and a residual network)");
        Console.WriteLine();
        Console.WriteLine($"- Machine: {_cores} logical processors, {MachineInfo.Processor}, {RuntimeInformation.OSDescription.Trim()} {RuntimeInformation.ProcessArchitecture}");
        Console.WriteLine($"- Vectors: {MachineInfo.Vectors}");
        Console.WriteLine($"- Versions: {RuntimeInformation.FrameworkDescription}, NetDsl {MachineInfo.VersionOf(typeof(INetwork).Assembly)}, " +
            $"ONNX Runtime {_ortVersion}, PyTorch {_torchVersion}, Roslyn {MachineInfo.VersionOf(typeof(CSharpCompilation).Assembly)}");
        Console.WriteLine($"- FMA peak (measured: {FmaPeak.Chains} independent FMA chains per thread, best 40 ms window of samples taken throughout the run): " +
            string.Join(", ", _peaks.OrderBy(p => p.Key).Select(p => $"{p.Key} thread{(p.Key == 1 ? "" : "s")} {p.Value.GigaflopsPerSecond.ToString("N1", inv)} GFLOP/s ({p.Value.Width})")));
        Console.WriteLine($"- Work per sample of the seed model (counted from the generated network's summary and parameter layout): {_cost.ForwardMultiplyAdds:N0} multiply-adds forward; " +
            $"inference {Mflop(_cost.InferenceFlops)}, training {Mflop(_cost.TrainingFlops)} (forward, kernel gradients, input gradients after the first layer; " +
            $"{Mflop(_cost.TrainingFlopsThreeTimesForward)} by the 3x-forward convention)");
        Console.WriteLine($"- Method: {options.WarmupSeconds.ToString(inv)} s warm-up per side, then {options.Rounds} rounds, each timing a block of about " +
            $"{(options.BlockSeconds * 1000).ToString(inv)} ms of NetDsl and one of the peer (order swapped every round, {AlternatingMeasurement.SettlePause.TotalMilliseconds.ToString(inv)} ms pause before each block so neither side's idle-spinning threads run into the other's); medians over the rounds. " +
            "Ratio = NetDsl ÷ peer: for latency lower is better, for throughput higher is better.");
        Console.WriteLine();
        Console.WriteLine("| Figure | NetDsl | Peer | Ratio | Target | Met | NetDsl GFLOP/s | NetDsl % of FMA peak (work done) | Peer GFLOP/s |");
        Console.WriteLine("| --- | ---: | ---: | ---: | --- | :---: | ---: | ---: | ---: |");
        foreach (Row row in _rows)
        {
            Console.WriteLine($"| {row.Figure} | {row.NetDsl} | {row.Peer} | {(row.Ratio is double ratio ? ratio.ToString("0.00", inv) + "x" : "–")} | {row.Target} | " +
                $"{(row.Met is null ? "–" : row.Met.Value ? "yes" : "**no**")} | {Number(row.Gflops, "N1")} | {((row.ComputedGflops ?? row.Gflops) is double g && Share(g, row.Threads) is double s ? (s * 100).ToString("N0", inv) + "%" : "–")} | {Number(row.PeerGflops, "N1")} |");
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

    private OnnxRuntimeModel? LoadOnnx(int batchSize, int intraOpThreads, float[] inputs, bool allowSpinning = true, string? path = null, long[]? sampleShape = null)
    {
        path ??= OnnxRuntimeModel.SeedModelPath;
        if (!File.Exists(path))
        {
            if (allowSpinning)
            {
                _notMeasured.Add($"ONNX Runtime: the model {path} is missing (it is copied from models/ at build time).");
            }

            return null;
        }

        return new OnnxRuntimeModel(path, batchSize, intraOpThreads, inputs, allowSpinning, sampleShape);
    }

    /// <summary>Tries ONNX Runtime's zero-copy calls (and thread settings) briefly and returns the fastest, so ORT gets its best case.</summary>
    private IContender FastestOrtCall(int batchSize, OnnxRuntimeModel[] sessions)
    {
        var candidates = new List<IContender>();
        foreach (OnnxRuntimeModel session in sessions)
        {
            candidates.Add(new DelegateContender($"ONNX Runtime RunWithBinding ({session.Description})", session.RunWithBinding));
            if (session.AllowSpinning)
            {
                candidates.Add(new DelegateContender($"ONNX Runtime Run(RunOptions, OrtValue[]) ({session.Description})", session.RunWithValues));
            }
        }

        (IContender fastest, double[] medians) = AlternatingMeasurement.Fastest(candidates, options.TrialSettings);
        _details.Add($"- ONNX Runtime configuration chosen for batch {batchSize}: {fastest.Name} (trial medians per call: " +
            string.Join(", ", candidates.Select((c, i) => $"{c.Name} {Microseconds(medians[i])}")) + ")");
        return fastest;
    }

    private void CheckFinite(string what, float[] values)
    {
        if (!values.All(float.IsFinite))
        {
            _notMeasured.Add($"{what} contains NaN or infinity; that figure is suspect.");
        }
    }

    /// <summary>The share of the FMA peak on as many threads; computed when printing, once every peak sample is in.</summary>
    private double? Share(double gflops, int threads) =>
        _peaks.TryGetValue(threads, out FmaPeakResult? peak) && peak.GigaflopsPerSecond > 0 ? gflops / peak.GigaflopsPerSecond : null;

    /// <summary>One line of details; for a rate the quartiles of time are swapped so the range reads low to high.</summary>
    private void Detail(Samples samples, Func<double, string> format, string unit, bool isRate) =>
        _details.Add($"- {samples.Name}: {format(samples.Median)} " +
            $"[{format(isRate ? samples.UpperQuartile : samples.LowerQuartile)} – {format(isRate ? samples.LowerQuartile : samples.UpperQuartile)}], " +
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

    private static string Milliseconds(double milliseconds) => $"{milliseconds.ToString("N2", CultureInfo.InvariantCulture)} ms";

    private static string SamplesPerSecond(double rate) => $"{rate.ToString("N0", CultureInfo.InvariantCulture)} samples/s";

    private static string Mflop(long flops) => $"{(flops / 1e6).ToString("N2", CultureInfo.InvariantCulture)} MFLOP";

    private static string Number(double? value, string format) => value is double v ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    private sealed record Row(
        string Figure,
        string NetDsl,
        string Peer,
        double? Ratio,
        string Target,
        bool? Met,
        double? Gflops,
        int Threads,
        double? PeerGflops)
    {
        /// <summary>The rate of the work NetDsl actually does, for its share of the FMA peak: a convolution fused with
        /// the 2x2 max pooling after it computes only the pixels a pooling window covers (null: <see cref="Gflops"/>).</summary>
        public double? ComputedGflops { get; init; }
    }
}
