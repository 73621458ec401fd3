using System;
using System.Diagnostics;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Threading;

namespace NetDsl.Benchmarks.Compare;

/// <summary>A measured fused multiply-add peak: the best of several short runs at the best vector width.</summary>
internal sealed record FmaPeakResult(int Threads, string Width, double GigaflopsPerSecond);

/// <summary>
/// Measures the machine's FMA peak in process: <see cref="Chains"/> independent chains of vector fused
/// multiply-adds per thread (enough to cover the FMA latency on every current x64 and Arm core), on one thread
/// and on several threads at once. One FMA on an n-lane vector counts as 2n FLOPs. The peak is the best of
/// many short windows, since noise on a shared machine only ever lowers it; sampling it several times during a
/// run and keeping the best makes it robust to other load.
/// </summary>
internal static class FmaPeak
{
    /// <summary>Independent accumulators per thread; 12 plus the two operands fit in 16 vector registers.</summary>
    public const int Chains = 12;


    /// <summary>The accelerated widths, widest first, with their lane counts.</summary>
    public static (string Name, int Lanes, Func<long, float> Kernel)[] AcceleratedWidths()
    {
        var widths = new System.Collections.Generic.List<(string, int, Func<long, float>)>();
        if (Vector512.IsHardwareAccelerated)
        {
            widths.Add(("Vector512", Vector512<float>.Count, Chains512));
        }

        if (Vector256.IsHardwareAccelerated)
        {
            widths.Add(("Vector256", Vector256<float>.Count, Chains256));
        }

        if (Vector128.IsHardwareAccelerated)
        {
            widths.Add(("Vector128", Vector128<float>.Count, Chains128));
        }

        return widths.ToArray();
    }

    /// <summary>
    /// The best GFLOP/s of <paramref name="windows"/> runs of about <paramref name="window"/> each, with
    /// <paramref name="threads"/> threads running at once, over every accelerated width (or only
    /// <paramref name="onlyWidth"/>).
    /// </summary>
    public static FmaPeakResult Measure(int threads, TimeSpan window, int windows, string? onlyWidth = null)
    {
        var widths = AcceleratedWidths().Where(w => onlyWidth is null || w.Name == onlyWidth).ToArray();
        if (widths.Length == 0)
        {
            return new FmaPeakResult(threads, "none (no accelerated vectors)", double.NaN);
        }

        FmaPeakResult best = new(threads, widths[0].Name, 0);
        foreach (var (name, lanes, kernel) in widths)
        {
            // Calibrate on one thread: iterations that take about one window.
            kernel(1000);
            long iterations = 1 << 14;
            while (true)
            {
                var sw = Stopwatch.StartNew();
                kernel(iterations);
                if (sw.Elapsed.TotalSeconds > window.TotalSeconds / 4)
                {
                    iterations = (long)(iterations * window.TotalSeconds / sw.Elapsed.TotalSeconds);
                    break;
                }

                iterations *= 2;
            }

            double flopsPerIteration = 2.0 * Chains * lanes;
            for (int r = 0; r < windows; r++)
            {
                double seconds = RunOnThreads(kernel, iterations, threads);
                double gflops = flopsPerIteration * iterations * threads / seconds / 1e9;
                if (gflops > best.GigaflopsPerSecond)
                {
                    best = new FmaPeakResult(threads, name, gflops);
                }
            }
        }

        return best;
    }

    private static double RunOnThreads(Func<long, float> kernel, long iterations, int threads)
    {
        if (threads == 1)
        {
            var sw = Stopwatch.StartNew();
            Sink = kernel(iterations);
            return sw.Elapsed.TotalSeconds;
        }

        using var start = new Barrier(threads + 1);
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            workers[t] = new Thread(() =>
            {
                start.SignalAndWait();
                Sink = kernel(iterations);
            })
            { IsBackground = true, Name = "FMA peak" };
            workers[t].Start();
        }

        start.SignalAndWait();
        var stopwatch = Stopwatch.StartNew();
        foreach (Thread worker in workers)
        {
            worker.Join();
        }

        return stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>Keeps the results observable so the loops are not removed.</summary>
    private static float Sink { get; set; }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains512(long iterations)
    {
        // x = x * m + c converges to c / (1 - m) = 1: the values stay normal, never overflow or go subnormal.
        Vector512<float> m = Vector512.Create(0.999999f), c = Vector512.Create(0.000001f);
        Vector512<float> a0 = Vector512.Create(1.0f), a1 = Vector512.Create(1.01f), a2 = Vector512.Create(1.02f), a3 = Vector512.Create(1.03f);
        Vector512<float> a4 = Vector512.Create(1.04f), a5 = Vector512.Create(1.05f), a6 = Vector512.Create(1.06f), a7 = Vector512.Create(1.07f);
        Vector512<float> a8 = Vector512.Create(1.08f), a9 = Vector512.Create(1.09f), a10 = Vector512.Create(1.10f), a11 = Vector512.Create(1.11f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c);
            a1 = Vector512.FusedMultiplyAdd(a1, m, c);
            a2 = Vector512.FusedMultiplyAdd(a2, m, c);
            a3 = Vector512.FusedMultiplyAdd(a3, m, c);
            a4 = Vector512.FusedMultiplyAdd(a4, m, c);
            a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c);
            a7 = Vector512.FusedMultiplyAdd(a7, m, c);
            a8 = Vector512.FusedMultiplyAdd(a8, m, c);
            a9 = Vector512.FusedMultiplyAdd(a9, m, c);
            a10 = Vector512.FusedMultiplyAdd(a10, m, c);
            a11 = Vector512.FusedMultiplyAdd(a11, m, c);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains256(long iterations)
    {
        Vector256<float> m = Vector256.Create(0.999999f), c = Vector256.Create(0.000001f);
        Vector256<float> a0 = Vector256.Create(1.0f), a1 = Vector256.Create(1.01f), a2 = Vector256.Create(1.02f), a3 = Vector256.Create(1.03f);
        Vector256<float> a4 = Vector256.Create(1.04f), a5 = Vector256.Create(1.05f), a6 = Vector256.Create(1.06f), a7 = Vector256.Create(1.07f);
        Vector256<float> a8 = Vector256.Create(1.08f), a9 = Vector256.Create(1.09f), a10 = Vector256.Create(1.10f), a11 = Vector256.Create(1.11f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c);
            a1 = Vector256.FusedMultiplyAdd(a1, m, c);
            a2 = Vector256.FusedMultiplyAdd(a2, m, c);
            a3 = Vector256.FusedMultiplyAdd(a3, m, c);
            a4 = Vector256.FusedMultiplyAdd(a4, m, c);
            a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c);
            a7 = Vector256.FusedMultiplyAdd(a7, m, c);
            a8 = Vector256.FusedMultiplyAdd(a8, m, c);
            a9 = Vector256.FusedMultiplyAdd(a9, m, c);
            a10 = Vector256.FusedMultiplyAdd(a10, m, c);
            a11 = Vector256.FusedMultiplyAdd(a11, m, c);
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains128(long iterations)
    {
        Vector128<float> m = Vector128.Create(0.999999f), c = Vector128.Create(0.000001f);
        Vector128<float> a0 = Vector128.Create(1.0f), a1 = Vector128.Create(1.01f), a2 = Vector128.Create(1.02f), a3 = Vector128.Create(1.03f);
        Vector128<float> a4 = Vector128.Create(1.04f), a5 = Vector128.Create(1.05f), a6 = Vector128.Create(1.06f), a7 = Vector128.Create(1.07f);
        Vector128<float> a8 = Vector128.Create(1.08f), a9 = Vector128.Create(1.09f), a10 = Vector128.Create(1.10f), a11 = Vector128.Create(1.11f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector128.FusedMultiplyAdd(a0, m, c);
            a1 = Vector128.FusedMultiplyAdd(a1, m, c);
            a2 = Vector128.FusedMultiplyAdd(a2, m, c);
            a3 = Vector128.FusedMultiplyAdd(a3, m, c);
            a4 = Vector128.FusedMultiplyAdd(a4, m, c);
            a5 = Vector128.FusedMultiplyAdd(a5, m, c);
            a6 = Vector128.FusedMultiplyAdd(a6, m, c);
            a7 = Vector128.FusedMultiplyAdd(a7, m, c);
            a8 = Vector128.FusedMultiplyAdd(a8, m, c);
            a9 = Vector128.FusedMultiplyAdd(a9, m, c);
            a10 = Vector128.FusedMultiplyAdd(a10, m, c);
            a11 = Vector128.FusedMultiplyAdd(a11, m, c);
        }

        return Vector128.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
