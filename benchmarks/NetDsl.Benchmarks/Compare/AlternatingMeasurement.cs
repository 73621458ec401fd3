using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace NetDsl.Benchmarks.Compare;

/// <summary>Something timed in blocks of operations (a prediction, a training step).</summary>
internal interface IContender
{
    /// <summary>Name shown in the report.</summary>
    string Name { get; }

    /// <summary>Runs <paramref name="operations"/> operations back to back and returns the elapsed seconds.</summary>
    double Run(int operations);
}

/// <summary>An in-process contender: a delegate run in a loop under a stopwatch.</summary>
internal sealed class DelegateContender(string name, Action operation) : IContender
{
    public string Name { get; } = name;

    public double Run(int operations)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < operations; i++)
        {
            operation();
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}

/// <summary>How long to warm up and how to split the timed part into rounds.</summary>
/// <param name="WarmupSeconds">Per contender, before anything is timed (JIT tiering, caches, thread pools).</param>
/// <param name="BlockSeconds">Target length of one timed block of operations.</param>
/// <param name="Rounds">Timed rounds; each runs one block of each contender, in alternating order.</param>
internal sealed record MeasurementSettings(double WarmupSeconds, double BlockSeconds, int Rounds);

/// <summary>Seconds per operation over the rounds of one contender.</summary>
internal sealed class Samples(string name, IReadOnlyList<double> secondsPerOperation, int operationsPerBlock)
{
    public string Name { get; } = name;

    public IReadOnlyList<double> SecondsPerOperation { get; } = secondsPerOperation;

    public int OperationsPerBlock { get; } = operationsPerBlock;

    public double Median => Percentile(0.5);

    public double LowerQuartile => Percentile(0.25);

    public double UpperQuartile => Percentile(0.75);

    public double Percentile(double p)
    {
        double[] sorted = SecondsPerOperation.OrderBy(x => x).ToArray();
        double position = p * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((sorted[above] - sorted[below]) * (position - below));
    }
}

/// <summary>
/// Times two contenders against each other so that machine noise hits both: both warm up (alternately),
/// then each round runs one block of each, the order swapped every round (ABBA...), and the median of the
/// per-round figures is what counts. Blocks are separated by a short pause, so threads that a contender
/// leaves spinning after its block (ONNX Runtime's intra-op pool, OpenMP in PyTorch) are idle again before
/// the other contender's block starts and cannot steal its cores.
/// </summary>
internal static class AlternatingMeasurement
{
    /// <summary>Pause between timed blocks.</summary>
    public static readonly TimeSpan SettlePause = TimeSpan.FromMilliseconds(50);

    public static (Samples First, Samples Second) Compare(IContender first, IContender second, MeasurementSettings settings)
    {
        // Warm up alternately in three slices, so both reach steady state (tier-1 code, warm caches, pools).
        double firstEstimate = double.NaN, secondEstimate = double.NaN;
        for (int slice = 0; slice < 3; slice++)
        {
            firstEstimate = WarmUp(first, settings.WarmupSeconds / 3);
            secondEstimate = WarmUp(second, settings.WarmupSeconds / 3);
        }

        int firstOperations = OperationsPerBlock(firstEstimate, settings.BlockSeconds);
        int secondOperations = OperationsPerBlock(secondEstimate, settings.BlockSeconds);
        var firstTimes = new List<double>(settings.Rounds);
        var secondTimes = new List<double>(settings.Rounds);
        for (int round = 0; round < settings.Rounds; round++)
        {
            if (round % 2 == 0)
            {
                firstTimes.Add(Timed(first, firstOperations));
                secondTimes.Add(Timed(second, secondOperations));
            }
            else
            {
                secondTimes.Add(Timed(second, secondOperations));
                firstTimes.Add(Timed(first, firstOperations));
            }
        }

        return (new Samples(first.Name, firstTimes, firstOperations), new Samples(second.Name, secondTimes, secondOperations));
    }

    /// <summary>
    /// A short round-robin trial of interchangeable ways to run the same thing (a peer's call styles or
    /// thread settings): returns the fastest by median, and every candidate's median seconds per operation.
    /// </summary>
    public static (IContender Fastest, double[] Medians) Fastest(IReadOnlyList<IContender> candidates, MeasurementSettings settings)
    {
        double[] medians = RoundRobin(candidates, settings).Select(s => s.Median).ToArray();
        int best = Array.IndexOf(medians, medians.Min());
        return (candidates[best], medians);
    }

    /// <summary>
    /// Times several contenders against each other: all warm up (in two alternating slices), then each round runs
    /// one block of each, starting one later every round, so noise spreads over all of them alike.
    /// </summary>
    public static Samples[] RoundRobin(IReadOnlyList<IContender> contenders, MeasurementSettings settings)
    {
        var estimates = new double[contenders.Count];
        for (int slice = 0; slice < 2; slice++)
        {
            for (int c = 0; c < contenders.Count; c++)
            {
                estimates[c] = WarmUp(contenders[c], settings.WarmupSeconds / 2);
            }
        }

        int[] operations = estimates.Select(e => OperationsPerBlock(e, settings.BlockSeconds)).ToArray();
        var times = contenders.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < settings.Rounds; round++)
        {
            for (int k = 0; k < contenders.Count; k++)
            {
                int c = (round + k) % contenders.Count;
                times[c].Add(Timed(contenders[c], operations[c]));
            }
        }

        return contenders.Select((c, i) => new Samples(c.Name, times[i], operations[i])).ToArray();
    }

    /// <summary>Times one contender alone (no peer available) with the same warm-up and rounds.</summary>
    public static Samples Measure(IContender contender, MeasurementSettings settings)
    {
        double estimate = WarmUp(contender, settings.WarmupSeconds);
        int operations = OperationsPerBlock(estimate, settings.BlockSeconds);
        var times = new List<double>(settings.Rounds);
        for (int round = 0; round < settings.Rounds; round++)
        {
            times.Add(contender.Run(operations) / operations);
        }

        return new Samples(contender.Name, times, operations);
    }

    /// <summary>Runs growing blocks for about <paramref name="seconds"/>; returns the last block's seconds per operation.</summary>
    private static double WarmUp(IContender contender, double seconds)
    {
        int operations = 1;
        double spent = 0, perOperation = double.NaN;
        while (spent < seconds)
        {
            double elapsed = contender.Run(operations);
            spent += elapsed;
            perOperation = elapsed / operations;
            if (elapsed < 0.05)
            {
                operations = (int)Math.Min(operations * 2L, int.MaxValue / 2);
            }
        }

        return perOperation;
    }

    private static int OperationsPerBlock(double secondsPerOperation, double blockSeconds) =>
        (int)Math.Clamp(Math.Round(blockSeconds / secondsPerOperation), 1, int.MaxValue / 2);

    /// <summary>Seconds per operation of one block, after the settle pause.</summary>
    private static double Timed(IContender contender, int operations)
    {
        System.Threading.Thread.Sleep(SettlePause);
        return contender.Run(operations) / operations;
    }
}
