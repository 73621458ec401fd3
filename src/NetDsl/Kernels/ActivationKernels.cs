using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Kernels;

/// <summary>
/// Every activation, forward and backward, vectorised at every width (Keras's definitions). The forward pass
/// maps <c>x</c> to <c>y</c> (the two may be the same span). The backward pass turns <c>dy</c> into <c>dx</c> in
/// place from <c>y</c>, or from <c>x</c> for <see cref="Activation.GELU"/> and <see cref="Activation.Swish"/>,
/// whose derivative the output does not determine (<see cref="NeedsInput"/>); the other span may then be empty.
/// </summary>
/// <remarks>For generated code; the signatures may change between versions.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ActivationKernels
{
    /// <summary>Keras's default negative slope of <c>keras.activations.leaky_relu</c>.</summary>
    public const float DefaultLeakyReLUSlope = 0.2f;

    /// <summary>SELU's scale (lambda), as in Keras.</summary>
    public const float SeluScale = 1.05070098735548049342f;

    /// <summary>SELU's alpha, as in Keras.</summary>
    public const float SeluAlpha = 1.67326324235437728482f;

    /// <summary>Whether the backward pass of <paramref name="activation"/> needs its input (its output is not enough).</summary>
    public static bool NeedsInput(Activation activation) => activation is Activation.GELU or Activation.Swish;

    /// <summary><c>y = activation(x)</c>, element-wise; <paramref name="x"/> and <paramref name="y"/> may be the same
    /// span. <paramref name="slope"/> is LeakyReLU's negative slope. Softmax is <see cref="Softmax(Span{float}, int)"/>.</summary>
    public static void Forward(Activation activation, ReadOnlySpan<float> x, Span<float> y, float slope = DefaultLeakyReLUSlope)
    {
        CheckSameLength(x.Length, y.Length);
        switch (activation)
        {
            case Activation.None:
                x.CopyTo(y);
                break;
            case Activation.ReLU: Map<ReLUOp>(x, y, slope); break;
            case Activation.Sigmoid: Map<SigmoidOp>(x, y, slope); break;
            case Activation.Tanh: Map<TanhOp>(x, y, slope); break;
            case Activation.LeakyReLU: Map<LeakyReLUOp>(x, y, slope); break;
            case Activation.ELU: Map<EluOp>(x, y, slope); break;
            case Activation.SELU: Map<SeluOp>(x, y, slope); break;
            case Activation.GELU: Map<GeluOp>(x, y, slope); break;
            case Activation.Swish: Map<SwishOp>(x, y, slope); break;
            case Activation.ReLU6: Map<ReLU6Op>(x, y, slope); break;
            case Activation.Softplus: Map<SoftplusOp>(x, y, slope); break;
            case Activation.Softsign: Map<SoftsignOp>(x, y, slope); break;
            case Activation.HardSigmoid: Map<HardSigmoidOp>(x, y, slope); break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Not an element-wise activation (softmax has its own kernel).");
        }
    }

    /// <summary>
    /// Turns <paramref name="gradient"/> (dy) into dx in place. <paramref name="y"/> is the forward pass's output;
    /// <paramref name="x"/> its input, read only when <see cref="NeedsInput"/> says so.
    /// </summary>
    public static void Backward(Activation activation, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> gradient, float slope = DefaultLeakyReLUSlope)
    {
        ReadOnlySpan<float> source = NeedsInput(activation) ? x : y;
        CheckSameLength(source.Length, gradient.Length);
        switch (activation)
        {
            case Activation.None: break;
            case Activation.ReLU: Map<ReLUOp>(source, gradient, slope, backward: true); break;
            case Activation.Sigmoid: Map<SigmoidOp>(source, gradient, slope, backward: true); break;
            case Activation.Tanh: Map<TanhOp>(source, gradient, slope, backward: true); break;
            case Activation.LeakyReLU: Map<LeakyReLUOp>(source, gradient, slope, backward: true); break;
            case Activation.ELU: Map<EluOp>(source, gradient, slope, backward: true); break;
            case Activation.SELU: Map<SeluOp>(source, gradient, slope, backward: true); break;
            case Activation.GELU: Map<GeluOp>(source, gradient, slope, backward: true); break;
            case Activation.Swish: Map<SwishOp>(source, gradient, slope, backward: true); break;
            case Activation.ReLU6: Map<ReLU6Op>(source, gradient, slope, backward: true); break;
            case Activation.Softplus: Map<SoftplusOp>(source, gradient, slope, backward: true); break;
            case Activation.Softsign: Map<SoftsignOp>(source, gradient, slope, backward: true); break;
            case Activation.HardSigmoid: Map<HardSigmoidOp>(source, gradient, slope, backward: true); break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Not an element-wise activation (softmax has its own kernel).");
        }
    }

    /// <summary><c>x = max(x, 0)</c> in place.</summary>
    public static void ReLU(Span<float> values) => Forward(Activation.ReLU, values, values);

    /// <summary>ReLU backward: <c>dy = y &gt; 0 ? dy : 0</c>.</summary>
    public static void ReLUBackward(ReadOnlySpan<float> output, Span<float> gradient) =>
        Backward(Activation.ReLU, default, output, gradient);

    /// <summary>Numerically stable softmax over each consecutive group of <paramref name="groupLength"/>
    /// values (the channels of each pixel, or the whole vector), in place.</summary>
    public static void Softmax(Span<float> values, int groupLength)
    {
        CheckGroups(values.Length, groupLength);
        for (int start = 0; start < values.Length; start += groupLength)
        {
            Span<float> group = values.Slice(start, groupLength);
            ref float r = ref MemoryMarshal.GetReference(group);
            float max = VectorOps.Max(group);
            int i = 0;
            float sum = SoftmaxExp<Simd512, Vector512<float>>(ref r, max, group.Length, ref i);
            sum += SoftmaxExp<Simd256, Vector256<float>>(ref r, max, group.Length, ref i);
            sum += SoftmaxExp<Simd128, Vector128<float>>(ref r, max, group.Length, ref i);
            sum += SoftmaxExp<SimdScalar, float>(ref r, max, group.Length, ref i);
            VectorOps.Scale(group, 1f / sum);
        }
    }

    /// <summary>Softmax of <paramref name="x"/> into <paramref name="y"/> (which may be the same span).</summary>
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y, int groupLength)
    {
        CheckSameLength(x.Length, y.Length);
        x.CopyTo(y);
        Softmax(y, groupLength);
    }

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
            VectorOps.AddScalar(g, -dot);
            VectorOps.Multiply(y, g);
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

    private static float SoftmaxExp<TS, TV>(ref float r, float max, int n, ref int i)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported)
        {
            return 0f;
        }

        TV m = TS.Broadcast(max);
        TV sum = TS.Zero;
        for (; i + TS.Count <= n; i += TS.Count)
        {
            TV e = VectorMath.Exp<TS, TV>(TS.Subtract(TS.Load(ref r, i), m));
            TS.Store(e, ref r, i);
            sum = TS.Add(sum, e);
        }

        return TS.Sum(sum);
    }

    /// <summary>Applies <typeparamref name="TOp"/> at every width, widest first: forward (x to y) or backward (y or x,
    /// and dy to dx in place).</summary>
    private static void Map<TOp>(ReadOnlySpan<float> source, Span<float> target, float slope, bool backward = false)
        where TOp : IActivationOperator
    {
        ref float s = ref MemoryMarshal.GetReference(source);
        ref float t = ref MemoryMarshal.GetReference(target);
        int i = 0, n = target.Length;
        if (backward)
        {
            i = BackwardCore<TOp, Simd512, Vector512<float>>(ref s, ref t, slope, i, n);
            i = BackwardCore<TOp, Simd256, Vector256<float>>(ref s, ref t, slope, i, n);
            i = BackwardCore<TOp, Simd128, Vector128<float>>(ref s, ref t, slope, i, n);
            BackwardCore<TOp, SimdScalar, float>(ref s, ref t, slope, i, n);
        }
        else
        {
            i = ForwardCore<TOp, Simd512, Vector512<float>>(ref s, ref t, slope, i, n);
            i = ForwardCore<TOp, Simd256, Vector256<float>>(ref s, ref t, slope, i, n);
            i = ForwardCore<TOp, Simd128, Vector128<float>>(ref s, ref t, slope, i, n);
            ForwardCore<TOp, SimdScalar, float>(ref s, ref t, slope, i, n);
        }
    }

    private static int ForwardCore<TOp, TS, TV>(ref float x, ref float y, float slope, int i, int n)
        where TOp : IActivationOperator
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported)
        {
            return i;
        }

        TV a = TS.Broadcast(slope);
        for (; i + TS.Count <= n; i += TS.Count)
        {
            TS.Store(TOp.Forward<TS, TV>(TS.Load(ref x, i), a), ref y, i);
        }

        return i;
    }

    private static int BackwardCore<TOp, TS, TV>(ref float source, ref float gradient, float slope, int i, int n)
        where TOp : IActivationOperator
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported)
        {
            return i;
        }

        TV a = TS.Broadcast(slope);
        for (; i + TS.Count <= n; i += TS.Count)
        {
            TS.Store(TOp.Backward<TS, TV>(TS.Load(ref source, i), TS.Load(ref gradient, i), a), ref gradient, i);
        }

        return i;
    }

    /// <summary>One activation, written once for every width. <c>Backward</c> gets the output y, or the input x
    /// when <see cref="NeedsInput"/> is true, and dy; it returns dx.</summary>
    private interface IActivationOperator
    {
        static abstract TV Forward<TS, TV>(TV x, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct;

        static abstract TV Backward<TS, TV>(TV source, TV dy, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct;
    }

    private readonly struct ReLUOp : IActivationOperator
    {
        // max(0, x): NaN stays NaN.
        public static TV Forward<TS, TV>(TV x, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct => TS.Max(x, TS.Zero);

        public static TV Backward<TS, TV>(TV y, TV dy, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct => TS.Select(TS.GreaterThan(y, TS.Zero), dy, TS.Zero);
    }

    private readonly struct SigmoidOp : IActivationOperator
    {
        public static TV Forward<TS, TV>(TV x, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct => VectorMath.Sigmoid<TS, TV>(x);

        public static TV Backward<TS, TV>(TV y, TV dy, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct => TS.Multiply(dy, TS.Subtract(y, TS.Multiply(y, y)));
    }

    private readonly struct TanhOp : IActivationOperator
    {
        public static TV Forward<TS, TV>(TV x, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct => VectorMath.Tanh<TS, TV>(x);

        public static TV Backward<TS, TV>(TV y, TV dy, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct => TS.Multiply(dy, TS.Subtract(TS.Broadcast(1f), TS.Multiply(y, y)));
    }

    private readonly struct LeakyReLUOp : IActivationOperator
    {
        public static TV Forward<TS, TV>(TV x, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct => TS.Select(TS.GreaterThan(x, TS.Zero), x, TS.Multiply(x, slope));

        // The slope is not negative, so y > 0 exactly where x > 0.
        public static TV Backward<TS, TV>(TV y, TV dy, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct => TS.Select(TS.GreaterThan(y, TS.Zero), dy, TS.Multiply(dy, slope));
    }

    private readonly struct EluOp : IActivationOperator
    {
        public static TV Forward<TS, TV>(TV x, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct =>
            TS.Select(TS.GreaterThan(x, TS.Zero), x, TS.Subtract(VectorMath.Exp<TS, TV>(x), TS.Broadcast(1f)));

        // For x <= 0: y = e^x - 1, so dy/dx = e^x = y + 1.
        public static TV Backward<TS, TV>(TV y, TV dy, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct => TS.Select(TS.GreaterThan(y, TS.Zero), dy, TS.Multiply(dy, TS.Add(y, TS.Broadcast(1f))));
    }

    private readonly struct SeluOp : IActivationOperator
    {
        public static TV Forward<TS, TV>(TV x, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct =>
            TS.Multiply(TS.Broadcast(SeluScale), TS.Select(TS.GreaterThan(x, TS.Zero), x, TS.Multiply(TS.Broadcast(SeluAlpha), TS.Subtract(VectorMath.Exp<TS, TV>(x), TS.Broadcast(1f)))));

        // For x <= 0: y = scale * alpha * (e^x - 1), so dy/dx = scale * alpha * e^x = y + scale * alpha.
        public static TV Backward<TS, TV>(TV y, TV dy, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct =>
            TS.Multiply(dy, TS.Select(TS.GreaterThan(y, TS.Zero), TS.Broadcast(SeluScale), TS.Add(y, TS.Broadcast(SeluScale * SeluAlpha))));
    }

    private readonly struct GeluOp : IActivationOperator
    {
        private const float InverseSqrt2 = 0.70710678118654752f;
        private const float InverseSqrt2Pi = 0.39894228040143268f;

        // Exact: x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)).
        public static TV Forward<TS, TV>(TV x, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct =>
            TS.Multiply(TS.Multiply(TS.Broadcast(0.5f), x), TS.Add(TS.Broadcast(1f), VectorMath.Erf<TS, TV>(TS.Multiply(x, TS.Broadcast(InverseSqrt2)))));

        // Phi(x) + x phi(x).
        public static TV Backward<TS, TV>(TV x, TV dy, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct
        {
            TV phi = TS.Multiply(TS.Broadcast(0.5f), TS.Add(TS.Broadcast(1f), VectorMath.Erf<TS, TV>(TS.Multiply(x, TS.Broadcast(InverseSqrt2)))));
            TV density = TS.Multiply(TS.Broadcast(InverseSqrt2Pi), VectorMath.Exp<TS, TV>(TS.Multiply(TS.Broadcast(-0.5f), TS.Multiply(x, x))));
            return TS.Multiply(dy, TS.MultiplyAdd(x, density, phi));
        }
    }

    private readonly struct SwishOp : IActivationOperator
    {
        public static TV Forward<TS, TV>(TV x, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct => TS.Multiply(x, VectorMath.Sigmoid<TS, TV>(x));

        // s (1 + x (1 - s)), s = sigmoid(x).
        public static TV Backward<TS, TV>(TV x, TV dy, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct
        {
            TV s = VectorMath.Sigmoid<TS, TV>(x);
            return TS.Multiply(dy, TS.Multiply(s, TS.MultiplyAdd(x, TS.Subtract(TS.Broadcast(1f), s), TS.Broadcast(1f))));
        }
    }

    private readonly struct ReLU6Op : IActivationOperator
    {
        public static TV Forward<TS, TV>(TV x, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct => TS.Min(TS.Max(x, TS.Zero), TS.Broadcast(6f));

        public static TV Backward<TS, TV>(TV y, TV dy, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct =>
            TS.Select(TS.And(TS.GreaterThan(y, TS.Zero), TS.GreaterThan(TS.Broadcast(6f), y)), dy, TS.Zero);
    }

    private readonly struct SoftplusOp : IActivationOperator
    {
        // log(1 + e^x) = max(x, 0) + log(1 + e^-|x|), exact for large |x|.
        public static TV Forward<TS, TV>(TV x, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct =>
            TS.Add(TS.Max(x, TS.Zero), VectorMath.Log1PUnit<TS, TV>(VectorMath.Exp<TS, TV>(TS.Subtract(TS.Zero, TS.Abs(x)))));

        // sigmoid(x) = 1 - e^-y.
        public static TV Backward<TS, TV>(TV y, TV dy, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct => TS.Multiply(dy, TS.Subtract(TS.Broadcast(1f), VectorMath.Exp<TS, TV>(TS.Subtract(TS.Zero, y))));
    }

    private readonly struct SoftsignOp : IActivationOperator
    {
        public static TV Forward<TS, TV>(TV x, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct => TS.Divide(x, TS.Add(TS.Abs(x), TS.Broadcast(1f)));

        // 1 / (1 + |x|)^2 = (1 - |y|)^2.
        public static TV Backward<TS, TV>(TV y, TV dy, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct
        {
            TV d = TS.Subtract(TS.Broadcast(1f), TS.Abs(y));
            return TS.Multiply(dy, TS.Multiply(d, d));
        }
    }

    private readonly struct HardSigmoidOp : IActivationOperator
    {
        // Keras 3: relu6(x + 3) / 6.
        public static TV Forward<TS, TV>(TV x, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct => TS.Divide(TS.Min(TS.Max(TS.Add(x, TS.Broadcast(3f)), TS.Zero), TS.Broadcast(6f)), TS.Broadcast(6f));

        public static TV Backward<TS, TV>(TV y, TV dy, TV slope)
            where TS : ISimdWidth<TV>
            where TV : struct =>
            TS.Select(TS.And(TS.GreaterThan(y, TS.Zero), TS.GreaterThan(TS.Broadcast(1f), y)), TS.Divide(dy, TS.Broadcast(6f)), TS.Zero);
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
