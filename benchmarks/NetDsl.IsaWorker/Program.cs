using System;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NetDsl;
using NetDsl.Benchmarks.Shared;
using NetDsl.Training;

// A server for the ISA comparison: answers one line per request on stdout.
//   latency N     N one-sample Predicts (1 thread)          -> seconds
//   throughput N  N Predicts of a 256-sample batch (all cores) -> seconds
//   train N       N training steps, batch 64, 2 threads, Adam -> seconds
//   peak N        N iterations of 12 multiply-add chains at the widest accelerated width (1 thread) -> seconds
// The first line it writes is "ready", with what it runs on and how long its first prediction took after the
// process started.
long started = Stopwatch.GetTimestamp();
double sinceProcessStart = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds;
var latencyNet = new MnistNet(seed: 1) { MaxDegreeOfParallelism = 1 };
var input = Random(MnistNet.InputLength, 1);
var output = new float[MnistNet.OutputLength];
latencyNet.Predict(input, output);
double firstPrediction = sinceProcessStart + Stopwatch.GetElapsedTime(started).TotalSeconds;

var batchNet = new MnistNet(seed: 1);
float[] batchInputs = Random(256 * MnistNet.InputLength, 2);
var batchOutputs = new float[256 * MnistNet.OutputLength];
var trainNet = new MnistNet(seed: 1) { MaxDegreeOfParallelism = 2 };
float[] trainInputs = Random(64 * MnistNet.InputLength, 3);
int[] labels = new int[64];
for (int i = 0; i < labels.Length; i++)
{
    labels[i] = i % 10;
}

var gradients = new float[MnistNet.ParameterCount];
var adam = new Adam(0.0001f);
(string width, int lanes, bool fused) = PeakKernel.Describe();

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"ready first_prediction_s={firstPrediction:R} width={width} lanes={lanes} fma={fused} avx512={Vector512.IsHardwareAccelerated} avx2={Avx2.IsSupported} avx={Avx.IsSupported} sse41={Sse41.IsSupported}"));
string? line;
while ((line = Console.ReadLine()) is not null)
{
    string[] parts = line.Split(' ');
    if (parts.Length != 2 || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out long n))
    {
        Console.WriteLine("error: expected '<command> <count>'");
        continue;
    }

    long start = Stopwatch.GetTimestamp();
    switch (parts[0])
    {
        case "latency":
            for (long i = 0; i < n; i++)
            {
                latencyNet.Predict(input, output);
            }

            break;
        case "throughput":
            for (long i = 0; i < n; i++)
            {
                batchNet.Predict(batchInputs, batchOutputs, 256);
            }

            break;
        case "train":
            for (long i = 0; i < n; i++)
            {
                trainNet.ComputeGradients(trainInputs, labels, gradients);
                adam.Step(trainNet, gradients);
            }

            break;
        case "peak":
            PeakKernel.Run(n);
            break;
        default:
            Console.WriteLine($"error: unknown command '{parts[0]}'");
            continue;
    }

    Console.WriteLine(Stopwatch.GetElapsedTime(start).TotalSeconds.ToString("R", CultureInfo.InvariantCulture));
}

static float[] Random(int length, int seed)
{
    var random = new DeterministicRandom(seed);
    var values = new float[length];
    for (int i = 0; i < values.Length; i++)
    {
        values[i] = random.NextSingle();
    }

    return values;
}

/// <summary>The seed model.</summary>
[Network]
[Input(28, 28, 1)]
[Conv2D(32, 3, Activation = Activation.ReLU)]
[MaxPooling2D(2)]
[Conv2D(64, 3, Activation = Activation.ReLU)]
[MaxPooling2D(2)]
[Conv2D(64, 3, Activation = Activation.ReLU)]
[Flatten]
[Dense(64, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
internal partial class MnistNet;

/// <summary>
/// The path's own multiply-add peak: 12 independent chains of multiply-adds at the widest accelerated width,
/// one instruction each where the hardware has FMA, a multiply and an add where it has not (what NetDsl's kernels
/// use there), plain floats without hardware intrinsics. One multiply-add counts as 2 FLOPs per lane.
/// </summary>
internal static class PeakKernel
{
    public static (string Width, int Lanes, bool Fused) Describe() =>
        Vector512.IsHardwareAccelerated ? ("Vector512", 16, true)
        : Vector256.IsHardwareAccelerated ? ("Vector256", 8, Fma.IsSupported)
        : Vector128.IsHardwareAccelerated ? ("Vector128", 4, Fma.IsSupported)
        : ("scalar", 1, false);

    public static float Run(long iterations) =>
        Vector512.IsHardwareAccelerated ? MultiplyAddChains.Run512(iterations)
        : Vector256.IsHardwareAccelerated ? MultiplyAddChains.Run256(iterations)
        : Vector128.IsHardwareAccelerated ? MultiplyAddChains.Run128(iterations)
        : MultiplyAddChains.RunScalar(iterations);
}
