using System;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NetDsl;
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
    public const int Chains = 12;

    public static (string Width, int Lanes, bool Fused) Describe() =>
        Vector512.IsHardwareAccelerated ? ("Vector512", 16, true)
        : Vector256.IsHardwareAccelerated ? ("Vector256", 8, Fma.IsSupported)
        : Vector128.IsHardwareAccelerated ? ("Vector128", 4, Fma.IsSupported)
        : ("scalar", 1, false);

    public static float Run(long iterations) =>
        Vector512.IsHardwareAccelerated ? Run512(iterations)
        : Vector256.IsHardwareAccelerated ? Run256(iterations)
        : Vector128.IsHardwareAccelerated ? Run128(iterations)
        : RunScalar(iterations);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Run512(long n)
    {
        Vector512<float> m = Vector512.Create(0.9999f), c = Vector512.Create(1e-4f);
        Vector512<float> a0 = c, a1 = c, a2 = c, a3 = c, a4 = c, a5 = c, a6 = c, a7 = c, a8 = c, a9 = c, a10 = c, a11 = c;
        for (long i = 0; i < n; i++)
        {
            a0 = Vector512.MultiplyAddEstimate(a0, m, c); a1 = Vector512.MultiplyAddEstimate(a1, m, c);
            a2 = Vector512.MultiplyAddEstimate(a2, m, c); a3 = Vector512.MultiplyAddEstimate(a3, m, c);
            a4 = Vector512.MultiplyAddEstimate(a4, m, c); a5 = Vector512.MultiplyAddEstimate(a5, m, c);
            a6 = Vector512.MultiplyAddEstimate(a6, m, c); a7 = Vector512.MultiplyAddEstimate(a7, m, c);
            a8 = Vector512.MultiplyAddEstimate(a8, m, c); a9 = Vector512.MultiplyAddEstimate(a9, m, c);
            a10 = Vector512.MultiplyAddEstimate(a10, m, c); a11 = Vector512.MultiplyAddEstimate(a11, m, c);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Run256(long n)
    {
        Vector256<float> m = Vector256.Create(0.9999f), c = Vector256.Create(1e-4f);
        Vector256<float> a0 = c, a1 = c, a2 = c, a3 = c, a4 = c, a5 = c, a6 = c, a7 = c, a8 = c, a9 = c, a10 = c, a11 = c;
        for (long i = 0; i < n; i++)
        {
            a0 = Vector256.MultiplyAddEstimate(a0, m, c); a1 = Vector256.MultiplyAddEstimate(a1, m, c);
            a2 = Vector256.MultiplyAddEstimate(a2, m, c); a3 = Vector256.MultiplyAddEstimate(a3, m, c);
            a4 = Vector256.MultiplyAddEstimate(a4, m, c); a5 = Vector256.MultiplyAddEstimate(a5, m, c);
            a6 = Vector256.MultiplyAddEstimate(a6, m, c); a7 = Vector256.MultiplyAddEstimate(a7, m, c);
            a8 = Vector256.MultiplyAddEstimate(a8, m, c); a9 = Vector256.MultiplyAddEstimate(a9, m, c);
            a10 = Vector256.MultiplyAddEstimate(a10, m, c); a11 = Vector256.MultiplyAddEstimate(a11, m, c);
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Run128(long n)
    {
        Vector128<float> m = Vector128.Create(0.9999f), c = Vector128.Create(1e-4f);
        Vector128<float> a0 = c, a1 = c, a2 = c, a3 = c, a4 = c, a5 = c, a6 = c, a7 = c, a8 = c, a9 = c, a10 = c, a11 = c;
        for (long i = 0; i < n; i++)
        {
            a0 = Vector128.MultiplyAddEstimate(a0, m, c); a1 = Vector128.MultiplyAddEstimate(a1, m, c);
            a2 = Vector128.MultiplyAddEstimate(a2, m, c); a3 = Vector128.MultiplyAddEstimate(a3, m, c);
            a4 = Vector128.MultiplyAddEstimate(a4, m, c); a5 = Vector128.MultiplyAddEstimate(a5, m, c);
            a6 = Vector128.MultiplyAddEstimate(a6, m, c); a7 = Vector128.MultiplyAddEstimate(a7, m, c);
            a8 = Vector128.MultiplyAddEstimate(a8, m, c); a9 = Vector128.MultiplyAddEstimate(a9, m, c);
            a10 = Vector128.MultiplyAddEstimate(a10, m, c); a11 = Vector128.MultiplyAddEstimate(a11, m, c);
        }

        return Vector128.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float RunScalar(long n)
    {
        float m = 0.9999f, c = 1e-4f;
        float a0 = c, a1 = c, a2 = c, a3 = c, a4 = c, a5 = c, a6 = c, a7 = c, a8 = c, a9 = c, a10 = c, a11 = c;
        for (long i = 0; i < n; i++)
        {
            a0 = (a0 * m) + c; a1 = (a1 * m) + c; a2 = (a2 * m) + c; a3 = (a3 * m) + c;
            a4 = (a4 * m) + c; a5 = (a5 * m) + c; a6 = (a6 * m) + c; a7 = (a7 * m) + c;
            a8 = (a8 * m) + c; a9 = (a9 * m) + c; a10 = (a10 * m) + c; a11 = (a11 * m) + c;
        }

        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
    }
}
