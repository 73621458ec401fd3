using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Kernels;

/// <summary>
/// Activation functions applied in place, and their backward passes written in terms of the activation's
/// output <c>y</c> (which is what the forward pass keeps): <c>dy</c> is turned into <c>dx</c> in place.
/// </summary>
/// <remarks>For generated code; the signatures may change between versions.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ActivationKernels
{
    /// <summary><c>x = max(x, 0)</c>.</summary>
    public static void ReLU(Span<float> values)
    {
        ref float r = ref MemoryMarshal.GetReference(values);
        int i = 0;
        i = ReLUCore<Simd512, Vector512<float>>(ref r, i, values.Length);
        i = ReLUCore<Simd256, Vector256<float>>(ref r, i, values.Length);
        i = ReLUCore<Simd128, Vector128<float>>(ref r, i, values.Length);
        for (; i < values.Length; i++)
        {
            ref float v = ref Unsafe.Add(ref r, i);
            v = MathF.Max(v, 0f); // NaN stays NaN, as in the vector paths
        }
    }

    /// <summary><c>x = 1 / (1 + exp(-x))</c>.</summary>
    public static void Sigmoid(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Sigmoid(values[i]);
        }
    }

    /// <summary><c>x = tanh(x)</c>.</summary>
    public static void Tanh(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = MathF.Tanh(values[i]);
        }
    }

    /// <summary>Numerically stable softmax over each consecutive group of <paramref name="groupLength"/>
    /// values (the channels of each pixel, or the whole vector).</summary>
    public static void Softmax(Span<float> values, int groupLength)
    {
        CheckGroups(values.Length, groupLength);
        for (int start = 0; start < values.Length; start += groupLength)
        {
            Span<float> group = values.Slice(start, groupLength);
            float max = float.NegativeInfinity;
            foreach (float v in group)
            {
                max = MathF.Max(max, v);
            }

            float sum = 0f;
            for (int i = 0; i < group.Length; i++)
            {
                float e = MathF.Exp(group[i] - max);
                group[i] = e;
                sum += e;
            }

            VectorOps.Scale(group, 1f / sum);
        }
    }

    /// <summary>ReLU backward: <c>dy = y &gt; 0 ? dy : 0</c>.</summary>
    public static void ReLUBackward(ReadOnlySpan<float> output, Span<float> gradient) =>
        Elementwise<ReLUGradient>(output, gradient);

    /// <summary>Sigmoid backward: <c>dy *= y * (1 - y)</c>.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> output, Span<float> gradient) =>
        Elementwise<SigmoidGradient>(output, gradient);

    /// <summary>Tanh backward: <c>dy *= 1 - y^2</c>.</summary>
    public static void TanhBackward(ReadOnlySpan<float> output, Span<float> gradient) =>
        Elementwise<TanhGradient>(output, gradient);

    /// <summary>Softmax backward per group: <c>dx = y * (dy - sum(dy * y))</c>.</summary>
    public static void SoftmaxBackward(ReadOnlySpan<float> output, Span<float> gradient, int groupLength)
    {
        CheckSameLength(output.Length, gradient.Length);
        CheckGroups(output.Length, groupLength);
        for (int start = 0; start < gradient.Length; start += groupLength)
        {
            ReadOnlySpan<float> y = output.Slice(start, groupLength);
            Span<float> g = gradient.Slice(start, groupLength);
            float dot = VectorOps.Dot(y, g);
            for (int i = 0; i < g.Length; i++)
            {
                g[i] = y[i] * (g[i] - dot);
            }
        }
    }

    /// <summary>The logistic function, without overflow for large |x|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x)
    {
        if (x >= 0f)
        {
            return 1f / (1f + MathF.Exp(-x));
        }

        float e = MathF.Exp(x);
        return e / (1f + e);
    }

    private static int ReLUCore<TS, TV>(ref float r, int i, int n)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported)
        {
            return i;
        }

        TV zero = TS.Zero;
        for (; i + TS.Count <= n; i += TS.Count)
        {
            TS.Store(TS.Max(TS.Load(ref r, i), zero), ref r, i);
        }

        return i;
    }

    /// <summary>Applies <typeparamref name="TOp"/> to (y, dy) pairs at every width, widest first.</summary>
    private static void Elementwise<TOp>(ReadOnlySpan<float> output, Span<float> gradient)
        where TOp : IGradientOperator
    {
        CheckSameLength(output.Length, gradient.Length);
        ref float y = ref MemoryMarshal.GetReference(output);
        ref float g = ref MemoryMarshal.GetReference(gradient);
        int i = 0, n = gradient.Length;
        i = ElementwiseCore<TOp, Simd512, Vector512<float>>(ref y, ref g, i, n);
        i = ElementwiseCore<TOp, Simd256, Vector256<float>>(ref y, ref g, i, n);
        i = ElementwiseCore<TOp, Simd128, Vector128<float>>(ref y, ref g, i, n);
        ElementwiseCore<TOp, SimdScalar, float>(ref y, ref g, i, n);
    }

    private static int ElementwiseCore<TOp, TS, TV>(ref float y, ref float g, int i, int n)
        where TOp : IGradientOperator
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported)
        {
            return i;
        }

        for (; i + TS.Count <= n; i += TS.Count)
        {
            TS.Store(TOp.Apply<TS, TV>(TS.Load(ref y, i), TS.Load(ref g, i)), ref g, i);
        }

        return i;
    }

    /// <summary>An activation's backward step written once for every width: dx from y and dy.</summary>
    private interface IGradientOperator
    {
        static abstract TV Apply<TS, TV>(TV y, TV dy)
            where TS : ISimdWidth<TV>
            where TV : struct;
    }

    private readonly struct ReLUGradient : IGradientOperator
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TS, TV>(TV y, TV dy)
            where TS : ISimdWidth<TV>
            where TV : struct => TS.Select(TS.GreaterThan(y, TS.Zero), dy, TS.Zero);
    }

    private readonly struct SigmoidGradient : IGradientOperator
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TS, TV>(TV y, TV dy)
            where TS : ISimdWidth<TV>
            where TV : struct => TS.Multiply(dy, TS.Subtract(y, TS.Multiply(y, y)));
    }

    private readonly struct TanhGradient : IGradientOperator
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TS, TV>(TV y, TV dy)
            where TS : ISimdWidth<TV>
            where TV : struct => TS.Multiply(dy, TS.Subtract(TS.Broadcast(1f), TS.Multiply(y, y)));
    }

    private static void CheckSameLength(int a, int b)
    {
        if (a != b)
        {
            throw new ArgumentException($"Spans differ in length: {a} and {b}.");
        }
    }

    private static void CheckGroups(int length, int groupLength)
    {
        if (groupLength <= 0 || length % groupLength != 0)
        {
            throw new ArgumentException($"{length} values do not split into groups of {groupLength}.");
        }
    }
}
