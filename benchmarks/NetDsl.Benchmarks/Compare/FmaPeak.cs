using System;
using System.Diagnostics;
using System.Linq;
using System.Runtime.Intrinsics;
using System.Threading;
using NetDsl.Benchmarks.Shared;

namespace NetDsl.Benchmarks.Compare;

/// <summary>A measured fused multiply-add peak: the best of several short runs at the best vector width.</summary>
internal sealed record FmaPeakResult(int Threads, string Width, double GigaflopsPerSecond);

/// <summary>
/// Measures the machine's FMA peak in process: <see cref="Chains"/> independent chains of vector multiply-adds per
/// thread (<see cref="MultiplyAddChains"/>; enough to cover the FMA latency on every current x64 and Arm core), on one thread
/// and on several threads at once. One FMA on an n-lane vector counts as 2n FLOPs. The peak is the best of
/// many short windows, since noise on a shared machine only ever lowers it; sampling it several times during a
/// run and keeping the best makes it robust to other load.
/// </summary>
internal static class FmaPeak
{
    /// <summary>Independent accumulators per thread (<see cref="MultiplyAddChains"/>).</summary>
    public const int Chains = MultiplyAddChains.Chains;

    /// <summary>The accelerated widths, widest first, with their lane counts.</summary>
    public static (string Name, int Lanes, Func<long, float> Kernel)[] AcceleratedWidths()
    {
        var widths = new System.Collections.Generic.List<(string, int, Func<long, float>)>();
        if (Vector512.IsHardwareAccelerated)
        {
            widths.Add(("Vector512", Vector512<float>.Count, MultiplyAddChains.Run512));
        }

        if (Vector256.IsHardwareAccelerated)
        {
            widths.Add(("Vector256", Vector256<float>.Count, MultiplyAddChains.Run256));
        }

        if (Vector128.IsHardwareAccelerated)
        {
            widths.Add(("Vector128", Vector128<float>.Count, MultiplyAddChains.Run128));
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
}
