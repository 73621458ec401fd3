using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Kernels;

/// <summary>
/// The merge layers' passes (Add, Subtract, Multiply, Average, Maximum, Concatenate) and the sums of the
/// gradients of layers read by several others. Element-wise operations run the widest vector width the machine
/// accelerates and finish with scalar code; a gradient is either written or added to what other consumers of the
/// same layer already left (<c>accumulate</c>). Lengths are checked on entry.
/// </summary>
/// <remarks>For generated code; the signatures may change between versions.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class MergeKernels
{
    /// <summary><c>y = a + b</c> (<paramref name="y"/> may be <paramref name="a"/>).</summary>
    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => Binary<AddOp>(a, b, y);

    /// <summary><c>y = a - b</c>.</summary>
    public static void Subtract(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => Binary<SubtractOp>(a, b, y);

    /// <summary><c>y = a * b</c> (<paramref name="y"/> may be <paramref name="a"/>).</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => Binary<MultiplyOp>(a, b, y);

    /// <summary><c>y = b &gt; a ? b : a</c>: the first of equal values wins (<paramref name="y"/> may be
    /// <paramref name="a"/>).</summary>
    public static void Maximum(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => Binary<MaximumOp>(a, b, y);

    /// <summary>
    /// One more input of a maximum in training: where <paramref name="x"/> is greater than the running maximum
    /// <paramref name="y"/>, it becomes the maximum and <paramref name="choice"/> records <paramref name="index"/>.
    /// Start with the first input copied to <paramref name="y"/> and <paramref name="choice"/> cleared.
    /// </summary>
    public static void MaximumWithChoice(ReadOnlySpan<float> x, Span<float> y, Span<float> choice, int index)
    {
        CheckSameLength(x.Length, y.Length);
        CheckSameLength(x.Length, choice.Length);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float cr = ref MemoryMarshal.GetReference(choice);
        float k = index;
        int i = 0;
        i = MaximumWithChoiceCore<Simd512, Vector512<float>>(ref xr, ref yr, ref cr, k, i, x.Length);
        i = MaximumWithChoiceCore<Simd256, Vector256<float>>(ref xr, ref yr, ref cr, k, i, x.Length);
        i = MaximumWithChoiceCore<Simd128, Vector128<float>>(ref xr, ref yr, ref cr, k, i, x.Length);
        for (; i < x.Length; i++)
        {
            if (Unsafe.Add(ref xr, i) > Unsafe.Add(ref yr, i))
            {
                Unsafe.Add(ref yr, i) = Unsafe.Add(ref xr, i);
                Unsafe.Add(ref cr, i) = k;
            }
        }
    }

    /// <summary>The gradient of one input of a maximum: <paramref name="dy"/> where <paramref name="choice"/> is
    /// <paramref name="index"/>, else 0; written, or added to <paramref name="dx"/>.</summary>
    public static void MaximumBackward(ReadOnlySpan<float> choice, int index, ReadOnlySpan<float> dy, Span<float> dx, bool accumulate)
    {
        CheckSameLength(choice.Length, dy.Length);
        CheckSameLength(dy.Length, dx.Length);
        ref float cr = ref MemoryMarshal.GetReference(choice);
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        float k = index;
        int i = 0;
        i = MaximumBackwardCore<Simd512, Vector512<float>>(ref cr, ref dyr, ref dxr, k, accumulate, i, dy.Length);
        i = MaximumBackwardCore<Simd256, Vector256<float>>(ref cr, ref dyr, ref dxr, k, accumulate, i, dy.Length);
        i = MaximumBackwardCore<Simd128, Vector128<float>>(ref cr, ref dyr, ref dxr, k, accumulate, i, dy.Length);
        for (; i < dy.Length; i++)
        {
            float g = Unsafe.Add(ref cr, i) == k ? Unsafe.Add(ref dyr, i) : 0f;
            Unsafe.Add(ref dxr, i) = accumulate ? Unsafe.Add(ref dxr, i) + g : g;
        }
    }

    /// <summary><c>dx = s * dy</c>, or <c>dx += s * dy</c> with <paramref name="accumulate"/>: the gradient of an
    /// input of Add (1), Subtract (1 and -1) and Average (1/n), and the sum of a layer's gradients over its
    /// consumers.</summary>
    public static void Scaled(ReadOnlySpan<float> dy, float s, Span<float> dx, bool accumulate)
    {
        CheckSameLength(dy.Length, dx.Length);
        if (accumulate)
        {
            VectorOps.MultiplyAdd(s, dy, dx);
            return;
        }

        dy.CopyTo(dx);
        if (s != 1f)
        {
            VectorOps.Scale(dx, s);
        }
    }

    /// <summary><c>dx = dy * other</c>, or <c>dx += dy * other</c> with <paramref name="accumulate"/>: the
    /// gradient of one input of a product (<paramref name="other"/> is the product of the others).</summary>
    public static void MultiplyBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> other, Span<float> dx, bool accumulate)
    {
        if (!accumulate)
        {
            Multiply(dy, other, dx);
            return;
        }

        CheckSameLength(dy.Length, other.Length);
        CheckSameLength(dy.Length, dx.Length);
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float or = ref MemoryMarshal.GetReference(other);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        int i = 0;
        i = MultiplyAccumulateCore<Simd512, Vector512<float>>(ref dyr, ref or, ref dxr, i, dy.Length);
        i = MultiplyAccumulateCore<Simd256, Vector256<float>>(ref dyr, ref or, ref dxr, i, dy.Length);
        i = MultiplyAccumulateCore<Simd128, Vector128<float>>(ref dyr, ref or, ref dxr, i, dy.Length);
        for (; i < dy.Length; i++)
        {
            Unsafe.Add(ref dxr, i) = float.MultiplyAddEstimate(Unsafe.Add(ref dyr, i), Unsafe.Add(ref or, i), Unsafe.Add(ref dxr, i));
        }
    }

    /// <summary>Copies <paramref name="x"/> (<paramref name="channels"/> per pixel) into channels
    /// <paramref name="offset"/> onwards of <paramref name="y"/> (<paramref name="totalChannels"/> per pixel).</summary>
    public static void ConcatenateChannels(ReadOnlySpan<float> x, Span<float> y, int channels, int totalChannels, int offset)
    {
        int pixels = CheckChannels(x.Length, y.Length, channels, totalChannels, offset);
        if (channels == totalChannels)
        {
            x.CopyTo(y);
            return;
        }

        for (int p = 0; p < pixels; p++)
        {
            x.Slice(p * channels, channels).CopyTo(y.Slice((p * totalChannels) + offset, channels));
        }
    }

    /// <summary>The gradient of one input of a concatenation: channels <paramref name="offset"/> to
    /// <paramref name="offset"/> + <paramref name="channels"/> of <paramref name="dy"/>, written or added to
    /// <paramref name="dx"/>.</summary>
    public static void SliceChannels(ReadOnlySpan<float> dy, Span<float> dx, int channels, int totalChannels, int offset, bool accumulate)
    {
        int pixels = CheckChannels(dx.Length, dy.Length, channels, totalChannels, offset);
        if (!accumulate)
        {
            if (channels == totalChannels)
            {
                dy.CopyTo(dx);
                return;
            }

            for (int p = 0; p < pixels; p++)
            {
                dy.Slice((p * totalChannels) + offset, channels).CopyTo(dx.Slice(p * channels, channels));
            }

            return;
        }

        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        for (int p = 0; p < pixels; p++)
        {
            VectorOps.AddUnchecked(ref Unsafe.Add(ref dyr, (p * totalChannels) + offset), ref Unsafe.Add(ref dxr, p * channels), channels);
        }
    }

    private static void Binary<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
        where TOp : IBinaryOperation
    {
        CheckSameLength(a.Length, b.Length);
        CheckSameLength(a.Length, y.Length);
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float br = ref MemoryMarshal.GetReference(b);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        i = BinaryCore<TOp, Simd512, Vector512<float>>(ref ar, ref br, ref yr, i, y.Length);
        i = BinaryCore<TOp, Simd256, Vector256<float>>(ref ar, ref br, ref yr, i, y.Length);
        i = BinaryCore<TOp, Simd128, Vector128<float>>(ref ar, ref br, ref yr, i, y.Length);
        for (; i < y.Length; i++)
        {
            Unsafe.Add(ref yr, i) = TOp.Apply(Unsafe.Add(ref ar, i), Unsafe.Add(ref br, i));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int BinaryCore<TOp, TS, TV>(ref float a, ref float b, ref float y, int i, int length)
        where TOp : IBinaryOperation
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (TS.IsSupported)
        {
            for (; i + TS.Count <= length; i += TS.Count)
            {
                TS.Store(TOp.Apply<TS, TV>(TS.Load(ref a, i), TS.Load(ref b, i)), ref y, i);
            }
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int MaximumWithChoiceCore<TS, TV>(ref float x, ref float y, ref float choice, float index, int i, int length)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (TS.IsSupported)
        {
            TV k = TS.Broadcast(index);
            for (; i + TS.Count <= length; i += TS.Count)
            {
                TV xv = TS.Load(ref x, i), yv = TS.Load(ref y, i);
                TV greater = TS.GreaterThan(xv, yv);
                TS.Store(TS.Select(greater, xv, yv), ref y, i);
                TS.Store(TS.Select(greater, k, TS.Load(ref choice, i)), ref choice, i);
            }
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int MaximumBackwardCore<TS, TV>(ref float choice, ref float dy, ref float dx, float index, bool accumulate, int i, int length)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (TS.IsSupported)
        {
            TV k = TS.Broadcast(index);
            for (; i + TS.Count <= length; i += TS.Count)
            {
                TV g = TS.And(TS.Equal(TS.Load(ref choice, i), k), TS.Load(ref dy, i));
                TS.Store(accumulate ? TS.Add(TS.Load(ref dx, i), g) : g, ref dx, i);
            }
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int MultiplyAccumulateCore<TS, TV>(ref float dy, ref float other, ref float dx, int i, int length)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (TS.IsSupported)
        {
            for (; i + TS.Count <= length; i += TS.Count)
            {
                TS.Store(TS.MultiplyAdd(TS.Load(ref dy, i), TS.Load(ref other, i), TS.Load(ref dx, i)), ref dx, i);
            }
        }

        return i;
    }

    private static int CheckChannels(int inputLength, int outputLength, int channels, int totalChannels, int offset)
    {
        if (channels <= 0 || offset < 0 || offset + channels > totalChannels || inputLength % channels != 0
            || (long)inputLength / channels * totalChannels != outputLength)
        {
            throw new ArgumentException($"{inputLength} values of {channels} channels do not fit channels {offset}..{offset + channels - 1} of {outputLength} values of {totalChannels} channels.");
        }

        return inputLength / channels;
    }

    private static void CheckSameLength(int a, int b)
    {
        if (a != b)
        {
            throw new ArgumentException($"Spans differ in length: {a} and {b}.");
        }
    }

    private interface IBinaryOperation
    {
        static abstract float Apply(float a, float b);

        static abstract TV Apply<TS, TV>(TV a, TV b)
            where TS : ISimdWidth<TV>
            where TV : struct;
    }

    private readonly struct AddOp : IBinaryOperation
    {
        public static float Apply(float a, float b) => a + b;

        public static TV Apply<TS, TV>(TV a, TV b)
            where TS : ISimdWidth<TV>
            where TV : struct => TS.Add(a, b);
    }

    private readonly struct SubtractOp : IBinaryOperation
    {
        public static float Apply(float a, float b) => a - b;

        public static TV Apply<TS, TV>(TV a, TV b)
            where TS : ISimdWidth<TV>
            where TV : struct => TS.Subtract(a, b);
    }

    private readonly struct MultiplyOp : IBinaryOperation
    {
        public static float Apply(float a, float b) => a * b;

        public static TV Apply<TS, TV>(TV a, TV b)
            where TS : ISimdWidth<TV>
            where TV : struct => TS.Multiply(a, b);
    }

    private readonly struct MaximumOp : IBinaryOperation
    {
        public static float Apply(float a, float b) => b > a ? b : a;

        public static TV Apply<TS, TV>(TV a, TV b)
            where TS : ISimdWidth<TV>
            where TV : struct => TS.Select(TS.GreaterThan(b, a), b, a);
    }
}
