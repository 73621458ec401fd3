using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace NetDsl.Kernels;

/// <summary>
/// Inverted dropout with masks drawn from a counter-based generator: the mask of value <c>i</c> is a hash of
/// (<c>stream</c>, <c>i</c>), so the backward pass regenerates the forward pass's mask instead of storing it, and
/// a sample's mask does not depend on which thread runs it. Each value is kept when its uniform draw in [0, 1) is
/// at least <c>rate</c>, and then scaled by <c>1 / (1 - rate)</c>, as Keras does.
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Keeps(ulong stream, long index, float rate) =>
        ((Mix(stream + ((ulong)index * 0x9E3779B97F4A7C15UL)) >> 40) * (1f / (1 << 24))) >= rate;

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
        if (!spatial)
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = Keeps(stream, i, rate) ? x[i] * scale : 0f;
            }

            return;
        }

        Span<float> factors = channels <= 4096 ? stackalloc float[channels] : new float[channels];
        for (int c = 0; c < channels; c++)
        {
            factors[c] = Keeps(stream, c, rate) ? scale : 0f;
        }

        for (int row = 0; row < x.Length; row += channels)
        {
            x.Slice(row, channels).CopyTo(y.Slice(row, channels));
            VectorOps.Multiply(factors, y.Slice(row, channels));
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
