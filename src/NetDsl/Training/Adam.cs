using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NetDsl.Kernels;

namespace NetDsl.Training;

/// <summary>
/// Adam with Keras's update rule (epsilon added to <c>sqrt(v)</c>, the bias correction folded into the step
/// size). On step <c>t</c> (1 on the first): <c>m += (g - m) * (1 - beta1)</c>,
/// <c>v += (g * g - v) * (1 - beta2)</c>, <c>alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t)</c>,
/// <c>w -= alpha * m / (sqrt(v) + epsilon)</c>. Both moments start at zero.
/// </summary>
public class Adam : Optimizer
{
    private float[]? _m;
    private float[]? _v;

    /// <summary>Creates the optimizer; the defaults are Keras's (<c>keras.optimizers.Adam()</c>).</summary>
    /// <param name="learningRate">Step size, finite and greater than 0.</param>
    /// <param name="beta1">Decay of the first-moment (mean) estimate, in [0, 1).</param>
    /// <param name="beta2">Decay of the second-moment (uncentred variance) estimate, in [0, 1).</param>
    /// <param name="epsilon">Added to <c>sqrt(v)</c> for numerical stability; finite and greater than 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public Adam(float learningRate = 0.001f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f)
        : base(learningRate)
    {
        CheckBeta(beta1, nameof(beta1));
        CheckBeta(beta2, nameof(beta2));
        if (!(epsilon > 0f) || !float.IsFinite(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Epsilon must be a finite number greater than 0.");
        }

        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>Decay of the first-moment estimate, in [0, 1).</summary>
    public float Beta1 { get; }

    /// <summary>Decay of the second-moment estimate, in [0, 1).</summary>
    public float Beta2 { get; }

    /// <summary>Added to <c>sqrt(v)</c> in the denominator.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    protected override void InitializeState(int parameterCount)
    {
        _m = ClearedState(_m, parameterCount);
        _v = ClearedState(_v, parameterCount);
    }

    /// <inheritdoc/>
    protected override bool UpdatesRanges => true;

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients) =>
        UpdateRange(parameters, gradients, 0);

    /// <inheritdoc/>
    protected override void UpdateRange(Span<float> parameters, ReadOnlySpan<float> gradients, int offset)
    {
        // beta^t straight from the step count in double: no running product to drift over many steps.
        double t = Iterations;
        double alpha = LearningRate * Math.Sqrt(1d - Math.Pow(Beta2, t)) / (1d - Math.Pow(Beta1, t));
        var c = new Coefficients(1f - Beta1, 1f - Beta2, -(float)alpha, Epsilon);

        ref float w = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float m = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_m!), offset);
        ref float v = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_v!), offset);
        int n = parameters.Length;
        int i = 0;
        i = UpdateCore<Simd512, Vector512<float>>(c, ref w, ref g, ref m, ref v, i, n);
        i = UpdateCore<Simd256, Vector256<float>>(c, ref w, ref g, ref m, ref v, i, n);
        i = UpdateCore<Simd128, Vector128<float>>(c, ref w, ref g, ref m, ref v, i, n);
        for (; i < n; i++)
        {
            float gi = Unsafe.Add(ref g, i);
            ref float mi = ref Unsafe.Add(ref m, i);
            ref float vi = ref Unsafe.Add(ref v, i);
            mi = float.MultiplyAddEstimate(gi - mi, c.OneMinusBeta1, mi);
            vi = float.MultiplyAddEstimate((gi * gi) - vi, c.OneMinusBeta2, vi);
            Unsafe.Add(ref w, i) += (c.NegativeAlpha * mi) / (MathF.Sqrt(vi) + c.Epsilon);
        }
    }

    // Same operations in the same order as the scalar tail above (fused multiply-adds, correctly rounded
    // square root and division), so every element gets the same result whichever width handles it.
    private static int UpdateCore<TS, TV>(in Coefficients c, ref float w, ref float g, ref float m, ref float v, int i, int n)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported)
        {
            return i;
        }

        TV oneMinusBeta1 = TS.Broadcast(c.OneMinusBeta1);
        TV oneMinusBeta2 = TS.Broadcast(c.OneMinusBeta2);
        TV negativeAlpha = TS.Broadcast(c.NegativeAlpha);
        TV epsilon = TS.Broadcast(c.Epsilon);
        for (; i + TS.Count <= n; i += TS.Count)
        {
            TV gi = TS.Load(ref g, i);
            TV mi = TS.Load(ref m, i);
            TV vi = TS.Load(ref v, i);
            mi = TS.MultiplyAdd(TS.Subtract(gi, mi), oneMinusBeta1, mi);
            vi = TS.MultiplyAdd(TS.Subtract(TS.Multiply(gi, gi), vi), oneMinusBeta2, vi);
            TS.Store(mi, ref m, i);
            TS.Store(vi, ref v, i);
            TV delta = TS.Divide(TS.Multiply(negativeAlpha, mi), TS.Add(TS.Sqrt(vi), epsilon));
            TS.Store(TS.Add(TS.Load(ref w, i), delta), ref w, i);
        }

        return i;
    }

    private static void CheckBeta(float value, string parameterName)
    {
        if (!(value >= 0f && value < 1f))
        {
            throw new ArgumentOutOfRangeException(parameterName, value, "A beta must be in [0, 1).");
        }
    }

    /// <summary>The per-step scalars of the update, computed once per step.</summary>
    private readonly record struct Coefficients(float OneMinusBeta1, float OneMinusBeta2, float NegativeAlpha, float Epsilon);
}
