using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NetDsl.Kernels;

namespace NetDsl.Training;

/// <summary>
/// Stochastic gradient descent, optionally with (Nesterov) momentum, with Keras's update rule:
/// without momentum <c>w -= lr * g</c>; with momentum <c>v = momentum * v - lr * g</c>, then <c>w += v</c>,
/// or with Nesterov <c>w += momentum * v - lr * g</c>. The velocity <c>v</c> starts at zero.
/// </summary>
public sealed class Sgd : Optimizer
{
    private float[]? _velocity;

    /// <summary>Creates the optimizer; the defaults are Keras's (<c>keras.optimizers.SGD()</c>).</summary>
    /// <param name="learningRate">Step size, finite and greater than 0.</param>
    /// <param name="momentum">Velocity decay in [0, 1); 0 disables momentum (and Nesterov).</param>
    /// <param name="nesterov">Whether to apply Nesterov momentum.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public Sgd(float learningRate = 0.01f, float momentum = 0f, bool nesterov = false)
        : base(learningRate)
    {
        if (!(momentum >= 0f && momentum < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "The momentum must be in [0, 1).");
        }

        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>Velocity decay in [0, 1); 0 means plain gradient descent.</summary>
    public float Momentum { get; }

    /// <summary>Whether Nesterov momentum is applied (only has an effect when <see cref="Momentum"/> is not 0).</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    protected override void InitializeState(int parameterCount)
    {
        if (Momentum != 0f)
        {
            _velocity = ClearedState(_velocity, parameterCount);
        }
    }

    /// <inheritdoc/>
    protected override bool UpdatesRanges => true;

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients) =>
        UpdateRange(parameters, gradients, 0);

    /// <inheritdoc/>
    protected override void UpdateRange(Span<float> parameters, ReadOnlySpan<float> gradients, int offset)
    {
        if (Momentum == 0f)
        {
            VectorOps.MultiplyAdd(-LearningRate, gradients, parameters);
            return;
        }

        ref float w = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float v = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_velocity!), offset);
        float negLr = -LearningRate;
        float mu = Momentum;
        int n = parameters.Length;
        int i = 0;
        if (Nesterov)
        {
            i = NesterovCore<Simd512, Vector512<float>>(negLr, mu, ref w, ref g, ref v, i, n);
            i = NesterovCore<Simd256, Vector256<float>>(negLr, mu, ref w, ref g, ref v, i, n);
            i = NesterovCore<Simd128, Vector128<float>>(negLr, mu, ref w, ref g, ref v, i, n);
            for (; i < n; i++)
            {
                ref float vi = ref Unsafe.Add(ref v, i);
                float step = negLr * Unsafe.Add(ref g, i);
                vi = float.MultiplyAddEstimate(mu, vi, step);
                Unsafe.Add(ref w, i) += float.MultiplyAddEstimate(mu, vi, step);
            }
        }
        else
        {
            i = MomentumCore<Simd512, Vector512<float>>(negLr, mu, ref w, ref g, ref v, i, n);
            i = MomentumCore<Simd256, Vector256<float>>(negLr, mu, ref w, ref g, ref v, i, n);
            i = MomentumCore<Simd128, Vector128<float>>(negLr, mu, ref w, ref g, ref v, i, n);
            for (; i < n; i++)
            {
                ref float vi = ref Unsafe.Add(ref v, i);
                vi = float.MultiplyAddEstimate(mu, vi, negLr * Unsafe.Add(ref g, i));
                Unsafe.Add(ref w, i) += vi;
            }
        }
    }

    // The vector loops use the same fused operations as the scalar tails, so every element gets the same
    // result whichever width handles it.
    private static int MomentumCore<TS, TV>(float negLr, float mu, ref float w, ref float g, ref float v, int i, int n)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported)
        {
            return i;
        }

        TV negLrV = TS.Broadcast(negLr), muV = TS.Broadcast(mu);
        for (; i + TS.Count <= n; i += TS.Count)
        {
            TV vi = TS.MultiplyAdd(muV, TS.Load(ref v, i), TS.Multiply(negLrV, TS.Load(ref g, i)));
            TS.Store(vi, ref v, i);
            TS.Store(TS.Add(TS.Load(ref w, i), vi), ref w, i);
        }

        return i;
    }

    private static int NesterovCore<TS, TV>(float negLr, float mu, ref float w, ref float g, ref float v, int i, int n)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported)
        {
            return i;
        }

        TV negLrV = TS.Broadcast(negLr), muV = TS.Broadcast(mu);
        for (; i + TS.Count <= n; i += TS.Count)
        {
            TV step = TS.Multiply(negLrV, TS.Load(ref g, i));
            TV vi = TS.MultiplyAdd(muV, TS.Load(ref v, i), step);
            TS.Store(vi, ref v, i);
            TS.Store(TS.Add(TS.Load(ref w, i), TS.MultiplyAdd(muV, vi, step)), ref w, i);
        }

        return i;
    }
}
