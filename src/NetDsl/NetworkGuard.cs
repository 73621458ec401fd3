using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace NetDsl;

/// <summary>Argument checks shared by every generated network, with messages that name the expected length.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class NetworkGuard
{
    /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void CheckLength(int actual, int expected, string parameterName)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Expected a span of length {expected} (one sample), but '{parameterName}' has length {actual}.", parameterName);
        }
    }

    /// <summary>Throws unless <paramref name="actual"/> holds exactly <paramref name="batchSize"/> samples of
    /// <paramref name="sampleLength"/>.</summary>
    /// <exception cref="ArgumentException">The batch size is negative or the length is wrong.</exception>
    public static void CheckBatch(int actual, int batchSize, int sampleLength, string parameterName)
    {
        if (batchSize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must not be negative.");
        }

        long expected = (long)batchSize * sampleLength;
        if (actual != expected)
        {
            throw new ArgumentException($"Expected a span of length {expected} ({batchSize} samples of {sampleLength}), but '{parameterName}' has length {actual}.", parameterName);
        }
    }

    /// <summary>Throws unless <paramref name="actual"/> is the output length of <paramref name="layer"/>.</summary>
    /// <exception cref="ArgumentException">The lengths differ; the message names the layer and both lengths.</exception>
    public static void CheckLayerLength(int actual, LayerInfo layer, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (actual != layer.OutputLength)
        {
            throw new ArgumentException($"Layer '{layer.Name}' ({layer.Kind}) outputs {layer.OutputShape} = {layer.OutputLength} floats per sample, but '{parameterName}' has length {actual}.", parameterName);
        }
    }

    /// <summary>The exception for a layer name that <paramref name="layers"/> does not have: it lists the names
    /// there are.</summary>
    public static ArgumentException UnknownLayer(string? name, string networkName, IReadOnlyList<LayerInfo> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        const string parameterName = "layerName";
        if (name is null)
        {
            return new ArgumentNullException(parameterName, $"A layer name is required: {networkName} has layers {Names(layers)}.");
        }

        return new ArgumentException(layers.Count == 0
            ? $"{networkName} has no layer named '{name}': it has no layers besides its input."
            : $"{networkName} has no layer named '{name}'; its layers are {Names(layers)}.", parameterName);
    }

    private static string Names(IReadOnlyList<LayerInfo> layers)
    {
        var names = new string[layers.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = layers[i].Name;
        }

        return string.Join(", ", names);
    }
}
