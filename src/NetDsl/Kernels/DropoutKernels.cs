using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDsl.Kernels;

/// <summary>
/// Inverted dropout with masks drawn from a counter-based generator: the mask of value <c>i</c> is a hash of
/// (<c>stream</c>, <c>i</c>), so the backward pass regenerates the forward pass's mask instead of storing it, and
/// a sample's mask does not depend on which thread runs it. Each value is kept when its uniform draw in [0, 1) is
/// at least <c>rate</c>, and then scaled by <c>1 / (1 - rate)</c>, as Keras does. The draw of value <c>i</c> is
/// 24 bits of a 32-bit integer hash (lowbias32) of a Weyl sequence, <c>key + i * 0x9E3779B9</c>, so whole vectors
/// of draws take a few integer instructions on every instruction set, and every path draws the same bits.
/// </summary>
/// <remarks>For generated code; the signatures may change between versions.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class DropoutKernels
{
    /// <summary>The masks' seed of a network created with <paramref name="networkSeed"/>.</summary>
    public static ulong Seed(int networkSeed) => (ulong)(uint)networkSeed * 0x9E3779B97F4A7C15UL;

    /// <summary>The stream of one layer of one sample in one training step of a network with <paramref name="seed"/>.</summary>
    public static ulong Stream(ulong seed, long step, int sample, int layer) =>
        Mix(Mix(Mix(seed ^ 0x6A09E667F3BCC909UL) + (ulong)step) + ((ulong)(uint)sample << 20) + (uint)layer);

    /// <summary><c>y = keep ? x / (1 - rate) : 0</c> per value (<paramref name="x"/> may be <paramref name="y"/>).</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, float rate, ulong stream) =>
        Apply(x, y, 1, rate, stream);

    /// <summary>The backward pass of <see cref="Forward"/> with the same stream: <c>dx = keep ? dy / (1 - rate) : 0</c>.</summary>
    public static void Backward(Span<float> gradient, float rate, ulong stream) =>
        Apply(gradient, gradient, 1, rate, stream);

    /// <summary>Spatial dropout of channels-last data with <paramref name="channels"/> channels: one draw per
    /// channel, applied to every pixel.</summary>
    public static void SpatialForward(ReadOnlySpan<float> x, Span<float> y, int channels, float rate, ulong stream) =>
        Apply(x, y, channels, rate, stream, spatial: true);

    /// <summary>The backward pass of <see cref="SpatialForward"/> with the same stream.</summary>
    public static void SpatialBackward(Span<float> gradient, int channels, float rate, ulong stream) =>
        Apply(gradient, gradient, channels, rate, stream, spatial: true);

    /// <summary>Whether value (or channel) <paramref name="index"/> of <paramref name="stream"/> is kept.</summary>
    public static bool Keeps(ulong stream, long index, float rate) =>
        Draw(Key(stream), (uint)index) >= Threshold(rate);

    /// <summary>The 32-bit key of a stream.</summary>
    private static uint Key(ulong stream) => (uint)stream ^ (uint)(stream >> 32);

    /// <summary>Draw <paramref name="index"/>, 24 bits: the value is kept when the draw is at least
    /// <see cref="Threshold"/>, i.e. when draw / 2^24, uniform in [0, 1), is at least the rate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Draw(uint key, uint index) => Hash(key + (index * Weyl)) >> 8;

    /// <summary>The smallest 24-bit draw that is kept: draw / 2^24 >= rate exactly when draw >= ceil(rate 2^24).</summary>
    private static uint Threshold(float rate) => (uint)Math.Ceiling(rate * 16777216.0);

    private const uint Weyl = 0x9E3779B9;

    /// <summary>lowbias32 (Wellons' hash prospector): a 32-bit integer hash with very low bias.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(uint h)
    {
        h ^= h >> 16;
        h *= 0x7FEB352D;
        h ^= h >> 15;
        h *= 0x846CA68B;
        return h ^ (h >> 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<uint> Hash(Vector<uint> h)
    {
        h ^= Vector.ShiftRightLogical(h, 16);
        h *= new Vector<uint>(0x7FEB352D);
        h ^= Vector.ShiftRightLogical(h, 15);
        h *= new Vector<uint>(0x846CA68B);
        return h ^ Vector.ShiftRightLogical(h, 16);
    }

    private static void Apply(ReadOnlySpan<float> x, Span<float> y, int channels, float rate, ulong stream, bool spatial = false)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"Spans differ in length: {x.Length} and {y.Length}.");
        }

        if (!(rate >= 0f && rate < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "The dropout rate must be in [0, 1).");
        }

        if (channels <= 0 || x.Length % channels != 0)
        {
            throw new ArgumentException($"{x.Length} values are not rows of {channels} channels.");
        }

        float scale = 1f / (1f - rate);
        uint key = Key(stream), threshold = Threshold(rate);
        if (!spatial)
        {
            ApplyMask(x, y, key, threshold, scale);
            return;
        }

        Span<float> factors = channels <= 4096 ? stackalloc float[channels] : new float[channels];
        for (int c = 0; c < channels; c++)
        {
            factors[c] = Draw(key, (uint)c) >= threshold ? scale : 0f;
        }

        for (int row = 0; row < x.Length; row += channels)
        {
            x.Slice(row, channels).CopyTo(y.Slice(row, channels));
            VectorOps.Multiply(factors, y.Slice(row, channels));
        }
    }

    /// <summary><c>y[i] = draw(i) >= threshold ? x[i] * scale : 0</c>, a vector of draws at a time.</summary>
    private static void ApplyMask(ReadOnlySpan<float> x, Span<float> y, uint key, uint threshold, float scale)
    {
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var thresholds = new Vector<uint>(threshold);
            var scales = new Vector<float>(scale);
            var step = new Vector<uint>((uint)Vector<uint>.Count * Weyl);
            Vector<uint> h = new Vector<uint>(key) + (Vector<uint>.Indices * new Vector<uint>(Weyl));
            for (; i + Vector<float>.Count <= x.Length; i += Vector<float>.Count)
            {
                Vector<uint> keep = Vector.GreaterThanOrEqual(Vector.ShiftRightLogical(Hash(h), 8), thresholds);
                Vector<float> kept = Vector.LoadUnsafe(ref xr, (nuint)i) * scales;
                Vector.ConditionalSelect(keep.As<uint, float>(), kept, Vector<float>.Zero).StoreUnsafe(ref yr, (nuint)i);
                h += step;
            }
        }

        for (; i < x.Length; i++)
        {
            Unsafe.Add(ref yr, i) = Draw(key, (uint)i) >= threshold ? Unsafe.Add(ref xr, i) * scale : 0f;
        }
    }

    /// <summary>SplitMix64's finaliser: a strong 64-bit mix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
