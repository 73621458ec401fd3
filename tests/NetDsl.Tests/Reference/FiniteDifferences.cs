using System;
using System.Collections.Generic;
using System.Linq;

namespace NetDsl.Tests.Reference;

/// <summary>Central finite differences in double precision, with detection of points where the function has a
/// kink (ReLU at 0, a tie in a max) so they can be skipped rather than mistaken for wrong gradients.</summary>
internal static class FiniteDifferences
{
    public const double Step = 1e-5;

    /// <summary>d f / d x[i] at the current x, and whether one-sided differences disagree (a kink).</summary>
    public static (double Derivative, bool Kink) At(Func<double> f, double[] x, int i, double f0)
    {
        double saved = x[i];
        x[i] = saved + Step;
        double plus = f();
        x[i] = saved - Step;
        double minus = f();
        x[i] = saved;
        double forward = (plus - f0) / Step, backward = (f0 - minus) / Step;
        bool kink = Math.Abs(forward - backward) > 1e-3 * (Math.Abs(forward) + Math.Abs(backward)) + 1e-5;
        return ((plus - minus) / (2 * Step), kink);
    }

    /// <summary>Up to <paramref name="perTensor"/> indices of every tensor (always its first and last).</summary>
    public static IEnumerable<int> SampleIndices(IReadOnlyList<ParameterTensor> layout, int perTensor, int seed)
    {
        var random = new DeterministicRandom(seed);
        foreach (ParameterTensor tensor in layout)
        {
            var picked = new SortedSet<int> { tensor.Offset, tensor.Offset + tensor.Length - 1 };
            while (picked.Count < Math.Min(perTensor, tensor.Length))
            {
                picked.Add(tensor.Offset + random.Next(tensor.Length));
            }

            foreach (int index in picked)
            {
                yield return index;
            }
        }
    }

    public static IEnumerable<int> SampleRange(int length, int count, int seed)
    {
        var random = new DeterministicRandom(seed);
        var picked = new SortedSet<int>();
        while (picked.Count < Math.Min(count, length))
        {
            picked.Add(random.Next(length));
        }

        return picked;
    }

    /// <summary>Compares analytic gradients with finite differences; fails with every mismatch listed.</summary>
    public sealed class Checker
    {
        private readonly List<string> _mismatches = new();
        private readonly double _absolute;
        private readonly double _relative;

        public Checker(double absolute = 5e-5, double relative = 2e-3)
        {
            _absolute = absolute;
            _relative = relative;
        }

        public int Checked { get; private set; }

        public int Kinks { get; private set; }

        public void Check(string what, float analytic, (double Derivative, bool Kink) numeric)
        {
            if (numeric.Kink)
            {
                Kinks++;
                return;
            }

            Checked++;
            double tolerance = _absolute + _relative * Math.Abs(numeric.Derivative);
            if (!(Math.Abs(analytic - numeric.Derivative) <= tolerance))
            {
                _mismatches.Add($"{what}: analytic {analytic:G7}, numeric {numeric.Derivative:G7}");
            }
        }

        public void AssertAllMatch(string network)
        {
            Assert.True(_mismatches.Count == 0, $"{network}: {_mismatches.Count} of {Checked} gradients differ from finite differences:\n" + string.Join("\n", _mismatches.Take(20)));
            Assert.True(Checked > 0, $"{network}: nothing was checked");
            Assert.True(Kinks <= Math.Max(2, Checked / 20), $"{network}: {Kinks} kinks in {Checked + Kinks} checks; the test point is badly chosen");
        }
    }
}
