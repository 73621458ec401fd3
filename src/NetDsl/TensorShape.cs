using System;
using System.Collections;
using System.Collections.Generic;
using System.Text;

namespace NetDsl;

/// <summary>
/// The dimensions of one sample's tensor, without the batch axis: <c>(26, 26, 32)</c> for a channels-last
/// feature map, <c>(10)</c> for a vector, <c>(3, 3, 1, 32)</c> for a Conv2D kernel. Immutable.
/// </summary>
public sealed class TensorShape : IReadOnlyList<int>, IEquatable<TensorShape>
{
    private readonly int[] _dimensions;

    /// <summary>Creates a shape from its dimensions, outermost first.</summary>
    /// <exception cref="ArgumentException">A dimension is negative.</exception>
    public TensorShape(params int[] dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        long count = 1;
        foreach (int d in dimensions)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Dimensions must not be negative: ({string.Join(", ", dimensions)}).", nameof(dimensions));
            }

            count *= d;
        }

        _dimensions = (int[])dimensions.Clone();
        ElementCount = count;
    }

    /// <summary>Number of dimensions.</summary>
    public int Rank => _dimensions.Length;

    /// <summary>Product of the dimensions: the number of floats the tensor holds.</summary>
    public long ElementCount { get; }

    /// <inheritdoc/>
    public int Count => _dimensions.Length;

    /// <summary>The dimension at <paramref name="index"/> (0 = outermost).</summary>
    public int this[int index] => _dimensions[index];

    /// <summary>The dimensions as a span.</summary>
    public ReadOnlySpan<int> Dimensions => _dimensions;

    /// <summary>Keras notation: <c>(26, 26, 32)</c>; a vector prints as <c>(10,)</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("(");
        for (int i = 0; i < _dimensions.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(_dimensions[i]);
        }

        if (_dimensions.Length == 1)
        {
            sb.Append(',');
        }

        return sb.Append(')').ToString();
    }

    /// <inheritdoc/>
    public bool Equals(TensorShape? other) => other is not null && _dimensions.AsSpan().SequenceEqual(other._dimensions);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TensorShape);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (int d in _dimensions)
        {
            hash.Add(d);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)_dimensions).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _dimensions.GetEnumerator();

    /// <summary>Value equality.</summary>
    public static bool operator ==(TensorShape? left, TensorShape? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(TensorShape? left, TensorShape? right) => !(left == right);
}
