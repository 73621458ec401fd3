using System;
using System.ComponentModel;

namespace NetDsl.Engine;

/// <summary>
/// A float buffer whose first element sits on a 64-byte boundary (one cache line, one Vector512), in a pinned
/// array so it never moves. Misaligned 512-bit loads straddle two cache lines; measured on the seed model,
/// aligned buffers make a training step 15-20% faster. Generated workspaces carve every buffer out of one
/// of these at 64-byte aligned offsets.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed unsafe class AlignedBuffer
{
    /// <summary>Alignment of the first element, in floats (64 bytes).</summary>
    public const int AlignmentInFloats = 16;

    private readonly float[] _array;
    private readonly int _start;

    /// <summary>Allocates <paramref name="length"/> zeroed floats.</summary>
    public AlignedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _array = GC.AllocateArray<float>(length + AlignmentInFloats - 1, pinned: true);
        fixed (float* first = _array)
        {
            int misalignment = (int)(((nint)first & 63) / sizeof(float));
            _start = (AlignmentInFloats - misalignment) % AlignmentInFloats;
        }

        Length = length;
    }

    /// <summary>Number of floats.</summary>
    public int Length { get; }

    /// <summary>The whole buffer.</summary>
    public Span<float> Span => new(_array, _start, Length);

    /// <summary>A part of the buffer; aligned when <paramref name="offset"/> is a multiple of <see cref="AlignmentInFloats"/>.</summary>
    public Span<float> Slice(int offset, int length) => new(_array, _start + offset, length);

    /// <summary>
    /// A buffer for <paramref name="capacity"/> samples of <paramref name="samples"/> floats each and
    /// <paramref name="shared"/> more: a network's activations for a batch.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">That is more than one array can hold: use smaller batches.</exception>
    public static AlignedBuffer ForSamples(int capacity, long samples, long shared)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        long total = (capacity * samples) + shared;
        if (total > Array.MaxLength - AlignmentInFloats)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"A batch of {capacity} samples needs {total:N0} floats of activations ({samples:N0} per sample), more than one array can hold; use smaller batches.");
        }

        return new AlignedBuffer((int)total);
    }

    /// <summary>Rounds <paramref name="length"/> up to a multiple of <see cref="AlignmentInFloats"/>.</summary>
    public static int RoundUp(int length) => (length + AlignmentInFloats - 1) / AlignmentInFloats * AlignmentInFloats;
}
