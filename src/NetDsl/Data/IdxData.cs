using System;
using System.Collections.Generic;

namespace NetDsl.Data;

/// <summary>
/// One IDX array of unsigned bytes, as read by <see cref="IdxReader"/>: its dimensions, outermost first
/// (<c>[8000, 28, 28]</c> for MNIST images, <c>[8000]</c> for labels), and its values in row-major order.
/// </summary>
public sealed class IdxData
{
    /// <summary>Wraps <paramref name="values"/> (not copied) with a copy of <paramref name="dimensions"/>.</summary>
    /// <exception cref="ArgumentException">There are no dimensions, a dimension is negative, or the product of
    /// the dimensions differs from the number of values.</exception>
    public IdxData(IReadOnlyList<int> dimensions, byte[] values)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        ArgumentNullException.ThrowIfNull(values);
        if (dimensions.Count == 0)
        {
            throw new ArgumentException("An IDX array needs at least one dimension.", nameof(dimensions));
        }

        var copy = new int[dimensions.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = dimensions[i];
        }

        if (Array.Exists(copy, d => d < 0))
        {
            throw new ArgumentException($"Dimensions must not be negative: {Format(copy)}.", nameof(dimensions));
        }

        if (IdxReader.ElementCount(copy) != values.Length)
        {
            throw new ArgumentException($"The dimensions {Format(copy)} do not describe {values.Length} values.", nameof(values));
        }

        Dimensions = Array.AsReadOnly(copy);
        Values = values;
    }

    /// <summary>The dimensions, outermost first: <c>[8000, 28, 28]</c> or <c>[8000]</c>.</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>The values in row-major order (the last dimension varies fastest).</summary>
    public byte[] Values { get; }

    /// <summary>Number of dimensions.</summary>
    public int Rank => Dimensions.Count;

    /// <summary>The dimensions in brackets, e.g. <c>IDX ubyte [8000, 28, 28]</c>.</summary>
    public override string ToString() => $"IDX ubyte {Format(Dimensions)}";

    /// <summary>Formats dimensions for messages: <c>[8000, 28, 28]</c>.</summary>
    internal static string Format(IReadOnlyList<int> dimensions) => $"[{string.Join(", ", dimensions)}]";
}
