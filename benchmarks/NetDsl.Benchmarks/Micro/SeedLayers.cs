using System;
using System.Linq;
using NetDsl.Benchmarks.Workload;
using NetDsl.Kernels;

namespace NetDsl.Benchmarks.Micro;

/// <summary>The seed model's layer sizes, as the generated <see cref="MnistNet"/> passes them to the kernels.</summary>
internal static class SeedLayers
{
    public static Conv2DGeometry Conv(string layer) => layer switch
    {
        "conv2d" => new Conv2DGeometry(28, 28, 1, 32, 3, 3, 1, 1, 0, 0, 0, 0),
        "conv2d_1" => new Conv2DGeometry(13, 13, 32, 64, 3, 3, 1, 1, 0, 0, 0, 0),
        "conv2d_2" => new Conv2DGeometry(5, 5, 64, 64, 3, 3, 1, 1, 0, 0, 0, 0),
        _ => throw new ArgumentOutOfRangeException(nameof(layer), layer, "Not a Conv2D layer of the seed model."),
    };

    public static Pool2DGeometry Pool(string layer) => layer switch
    {
        "max_pooling2d" => new Pool2DGeometry(26, 26, 32, 2, 2, 2, 2, 0, 0, 0, 0),
        "max_pooling2d_1" => new Pool2DGeometry(11, 11, 64, 2, 2, 2, 2, 0, 0, 0, 0),
        _ => throw new ArgumentOutOfRangeException(nameof(layer), layer, "Not a pooling layer of the seed model."),
    };

    public static (int In, int Out) Dense(string layer) => layer switch
    {
        "dense" => (576, 64),
        "dense_1" => (64, 10),
        _ => throw new ArgumentOutOfRangeException(nameof(layer), layer, "Not a Dense layer of the seed model."),
    };

    /// <summary>Throws unless <paramref name="length"/> is the length of <paramref name="tensor"/> in the generated network.</summary>
    public static void CheckAgainstNetwork(string tensor, int length)
    {
        ParameterTensor? actual = MnistNet.ParameterLayout.FirstOrDefault(t => t.Name == tensor);
        if (actual is null || actual.Length != length)
        {
            throw new InvalidOperationException($"The benchmark's size of '{tensor}' ({length}) does not match the generated MnistNet ({actual?.Length.ToString() ?? "missing"}).");
        }
    }

    public static float[] Random(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (random.NextSingle() * 2) - 1;
        }

        return values;
    }
}
