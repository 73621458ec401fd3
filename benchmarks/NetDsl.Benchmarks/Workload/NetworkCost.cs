using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace NetDsl.Benchmarks.Workload;

/// <summary>
/// Floating-point work of a network per sample, computed from what the generated network says about itself:
/// each layer's output shape (from <see cref="INetwork.Summary"/>) and each kernel's size (from
/// <see cref="INetwork.ParameterLayout"/>). A Conv2D does <c>output pixels x kernel length</c> multiply-adds
/// (<c>OH * OW * KH * KW * Cin * Cout</c>), a Dense <c>kernel length</c> (<c>In * Out</c>); one multiply-add is
/// two FLOPs. Bias additions, pooling and activations are not counted (they are not multiply-adds).
/// </summary>
internal sealed partial class NetworkCost
{
    private NetworkCost(IReadOnlyList<LayerCost> layers, long inferenceComputedMultiplyAdds)
    {
        Layers = layers;
        InferenceComputedFlops = 2 * inferenceComputedMultiplyAdds;
    }

    /// <summary>Every layer with a kernel, in order.</summary>
    public IReadOnlyList<LayerCost> Layers { get; }

    /// <summary>Multiply-adds of one sample's forward pass.</summary>
    public long ForwardMultiplyAdds => Layers.Sum(l => l.MultiplyAdds);

    /// <summary>FLOPs of one sample's forward pass (inference).</summary>
    public long InferenceFlops => 2 * ForwardMultiplyAdds;

    /// <summary>
    /// FLOPs NetDsl's inference actually computes: a Conv2D fused with the 2x2 max pooling after it computes only
    /// the pixels a pooling window covers (the seed model's 11x11 map loses its last row and column). The measure
    /// for how close a path runs to its hardware's peak.
    /// </summary>
    public long InferenceComputedFlops { get; }

    /// <summary>
    /// FLOPs of one training sample: the forward pass, every kernel's gradient (as many multiply-adds as its
    /// forward pass), and the input gradient of every layer with a kernel except the first (as many again;
    /// nothing upstream of the first needs a gradient, so neither NetDsl nor PyTorch computes it).
    /// </summary>
    public long TrainingFlops => (2 * ForwardMultiplyAdds) + (2 * ForwardMultiplyAdds) + (2 * (ForwardMultiplyAdds - Layers[0].MultiplyAdds));

    /// <summary>The "3 x forward" convention (also counts the first layer's input gradient), for comparison with other reports.</summary>
    public long TrainingFlopsThreeTimesForward => 3 * InferenceFlops;

    /// <summary>Reads the cost of <paramref name="network"/> from its summary and parameter layout.</summary>
    /// <exception cref="InvalidOperationException">The summary does not have the expected layout.</exception>
    public static NetworkCost Of(INetwork network)
    {
        var outputShapes = new Dictionary<string, (string Type, long[] Shape)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (string line in network.Summary.Split('\n'))
        {
            Match m = SummaryRow().Match(line.TrimEnd());
            if (m.Success)
            {
                long[] shape = m.Groups["dims"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(d => long.Parse(d, CultureInfo.InvariantCulture)).ToArray();
                outputShapes[m.Groups["name"].Value] = (m.Groups["type"].Value, shape);
                order.Add(m.Groups["name"].Value);
            }
        }

        var layers = new List<LayerCost>();
        long computed = 0;
        foreach (ParameterTensor tensor in network.ParameterLayout)
        {
            if (!tensor.Name.EndsWith("/kernel", StringComparison.Ordinal))
            {
                continue;
            }

            string layer = tensor.Name[..^"/kernel".Length];
            if (!outputShapes.TryGetValue(layer, out var output))
            {
                throw new InvalidOperationException($"Layer '{layer}' has a kernel but no row in the summary; cannot count its FLOPs.");
            }

            // Output positions that each apply the whole kernel: every spatial pixel of a Conv2D, once for a Dense.
            long positions = output.Shape.Length > 1 ? output.Shape[..^1].Aggregate(1L, (a, b) => a * b) : 1;
            layers.Add(new LayerCost(layer, output.Type, positions * tensor.Length));

            int next = order.IndexOf(layer) + 1;
            bool pooled = output.Type == "Conv2D" && next < order.Count && outputShapes[order[next]] is ("MaxPooling2D", long[] pool)
                && pool[0] == output.Shape[0] / 2 && pool[1] == output.Shape[1] / 2;
            computed += (pooled ? 4 * outputShapes[order[next]].Shape[0] * outputShapes[order[next]].Shape[1] : positions) * tensor.Length;
        }

        if (layers.Count == 0)
        {
            throw new InvalidOperationException("The network has no layer with a kernel; nothing to count.");
        }

        return new NetworkCost(layers, computed);
    }

    // "conv2d_1 (Conv2D)    (None, 11, 11, 64)    18496", and in a graph's summary its first connection after that.
    [GeneratedRegex(@"^(?<name>\S+) \((?<type>\w+)\)\s+\(None(?<dims>(?:, \d+)*)\)\s+[\d,]+(?:\s+\S+)?$")]
    private static partial Regex SummaryRow();
}

/// <summary>One layer's forward multiply-adds per sample.</summary>
internal sealed record LayerCost(string Name, string Type, long MultiplyAdds);
