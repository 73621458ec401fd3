using System;
using System.Linq;

namespace NetDsl.Tests;

/// <summary>Deterministic test data and comparison helpers.</summary>
internal static class TestData
{
    public static float[] Uniform(int length, int seed, float low = -1f, float high = 1f)
    {
        var random = new DeterministicRandom(seed);
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextSingle(low, high);
        }

        return values;
    }

    public static INetwork Create(Type networkType, int seed = 1) => (INetwork)Activator.CreateInstance(networkType, seed)!;

    /// <summary>Writes <paramref name="values"/> into the named tensor of <paramref name="network"/>.</summary>
    public static void SetTensor(INetwork network, string name, params float[] values)
    {
        ParameterTensor tensor = network.ParameterLayout.Single(t => t.Name == name);
        Assert.Equal(tensor.Length, values.Length);
        values.CopyTo(tensor.Slice(network.Parameters));
    }

    public static float[] Predict(INetwork network, float[] input)
    {
        var output = new float[network.OutputLength];
        network.Predict(input, output);
        return output;
    }

    /// <summary>Asserts element-wise closeness: |a - e| &lt;= absolute + relative * |e|.</summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double absolute = 1e-5, double relative = 1e-4, string what = "value")
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = absolute + relative * Math.Abs(expected[i]);
            if (!(Math.Abs(actual[i] - expected[i]) <= tolerance))
            {
                Assert.Fail($"{what} {i}: expected {expected[i]:R}, got {actual[i]:R} (tolerance {tolerance:G3}).");
            }
        }
    }

    public static void AssertClose(float[] expected, ReadOnlySpan<float> actual, double absolute = 1e-5, double relative = 1e-4) =>
        AssertClose(expected.Select(v => (double)v).ToArray(), actual, absolute, relative);
}
