using System;
using System.Collections.Generic;

namespace NetDsl;

/// <summary>Fills a parameter buffer the way Keras initialises a new model.</summary>
public static class NetworkInitializer
{
    /// <summary>A seed for a network created without one (the generated parameterless constructors).</summary>
    public static int NewSeed() => Random.Shared.Next();

    /// <summary>
    /// Fills every tensor of <paramref name="layout"/> inside <paramref name="parameters"/> with its
    /// initializer, drawing from one <see cref="DeterministicRandom"/> seeded with <paramref name="seed"/>
    /// in layout order: the same seed always gives the same weights.
    /// </summary>
    public static void Initialize(Span<float> parameters, IReadOnlyList<ParameterTensor> layout, int seed)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var random = new DeterministicRandom(seed);
        foreach (ParameterTensor tensor in layout)
        {
            Span<float> values = tensor.Slice(parameters);
            switch (tensor.Initializer)
            {
                case ParameterInitializer.Zeros:
                    values.Clear();
                    break;
                case ParameterInitializer.Ones:
                    values.Fill(1f);
                    break;
                case ParameterInitializer.GlorotUniform:
                    (long fanIn, long fanOut) = ComputeFans(tensor.Shape);
                    float limit = MathF.Sqrt(6f / Math.Max(1, fanIn + fanOut));
                    for (int i = 0; i < values.Length; i++)
                    {
                        values[i] = random.NextSingle(-limit, limit);
                    }

                    break;
                case ParameterInitializer.Constant:
                    tensor.ConstantValues.Span.CopyTo(values);
                    break;
                default:
                    throw new ArgumentException($"Unknown initializer {tensor.Initializer} for '{tensor.Name}'.", nameof(layout));
            }
        }
    }

    /// <summary>Keras's fan-in and fan-out: a kernel <c>[..receptive field.., in, out]</c> has
    /// <c>fanIn = receptive * in</c> and <c>fanOut = receptive * out</c>.</summary>
    public static (long FanIn, long FanOut) ComputeFans(TensorShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        switch (shape.Rank)
        {
            case 0:
                return (1, 1);
            case 1:
                return (shape[0], shape[0]);
            case 2:
                return (shape[0], shape[1]);
            default:
                long receptive = 1;
                for (int i = 0; i < shape.Rank - 2; i++)
                {
                    receptive *= shape[i];
                }

                return (receptive * shape[shape.Rank - 2], receptive * shape[shape.Rank - 1]);
        }
    }
}
