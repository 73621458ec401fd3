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

    /// <summary>Random parameters that make every tensor matter: uniform in [-0.5, 0.5], except BatchNormalization's
    /// gamma in [0.5, 1.5] and moving variance in [0.2, 2] (a variance must be positive).</summary>
    public static float[] RandomParameters(INetwork network, int seed)
    {
        float[] values = Uniform(network.ParameterCount, seed, -0.5f, 0.5f);
        foreach (ParameterTensor tensor in network.ParameterLayout)
        {
            (float low, float high) = tensor.Name.EndsWith("/moving_variance", StringComparison.Ordinal) ? (0.2f, 2f)
                : tensor.Name.EndsWith("/gamma", StringComparison.Ordinal) ? (0.5f, 1.5f)
                : (float.NaN, float.NaN);
            if (!float.IsNaN(low))
            {
                Uniform(tensor.Length, seed + tensor.Offset, low, high).CopyTo(tensor.Slice(values.AsSpan()));
            }
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
