using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Benchmarks.Shared;

/// <summary>
/// The loops that measure a multiply-add peak: <see cref="Chains"/> independent chains of <c>x = x * m + c</c> at
/// one width, one instruction each where the hardware has FMA and a multiply and an add where it has not (what
/// NetDsl's kernels use there; never a software-emulated fused multiply-add). x converges to
/// <c>c / (1 - m) = 1</c>, so the values stay normal. Compiled into both the benchmarks and the
/// instruction-set worker (a linked file), so <c>compare</c> and <c>isa</c> measure the same loop.
/// </summary>
internal static class MultiplyAddChains
{
    /// <summary>Independent accumulators per thread; 12 plus the two operands fit in 16 vector registers.</summary>
    public const int Chains = 12;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Run512(long iterations)
    {
        Vector512<float> m = Vector512.Create(0.999999f), c = Vector512.Create(0.000001f);
        Vector512<float> a0 = Vector512.Create(1.0f), a1 = Vector512.Create(1.01f), a2 = Vector512.Create(1.02f), a3 = Vector512.Create(1.03f);
        Vector512<float> a4 = Vector512.Create(1.04f), a5 = Vector512.Create(1.05f), a6 = Vector512.Create(1.06f), a7 = Vector512.Create(1.07f);
        Vector512<float> a8 = Vector512.Create(1.08f), a9 = Vector512.Create(1.09f), a10 = Vector512.Create(1.10f), a11 = Vector512.Create(1.11f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.MultiplyAddEstimate(a0, m, c); a1 = Vector512.MultiplyAddEstimate(a1, m, c);
            a2 = Vector512.MultiplyAddEstimate(a2, m, c); a3 = Vector512.MultiplyAddEstimate(a3, m, c);
            a4 = Vector512.MultiplyAddEstimate(a4, m, c); a5 = Vector512.MultiplyAddEstimate(a5, m, c);
            a6 = Vector512.MultiplyAddEstimate(a6, m, c); a7 = Vector512.MultiplyAddEstimate(a7, m, c);
            a8 = Vector512.MultiplyAddEstimate(a8, m, c); a9 = Vector512.MultiplyAddEstimate(a9, m, c);
            a10 = Vector512.MultiplyAddEstimate(a10, m, c); a11 = Vector512.MultiplyAddEstimate(a11, m, c);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Run256(long iterations)
    {
        Vector256<float> m = Vector256.Create(0.999999f), c = Vector256.Create(0.000001f);
        Vector256<float> a0 = Vector256.Create(1.0f), a1 = Vector256.Create(1.01f), a2 = Vector256.Create(1.02f), a3 = Vector256.Create(1.03f);
        Vector256<float> a4 = Vector256.Create(1.04f), a5 = Vector256.Create(1.05f), a6 = Vector256.Create(1.06f), a7 = Vector256.Create(1.07f);
        Vector256<float> a8 = Vector256.Create(1.08f), a9 = Vector256.Create(1.09f), a10 = Vector256.Create(1.10f), a11 = Vector256.Create(1.11f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector256.MultiplyAddEstimate(a0, m, c); a1 = Vector256.MultiplyAddEstimate(a1, m, c);
            a2 = Vector256.MultiplyAddEstimate(a2, m, c); a3 = Vector256.MultiplyAddEstimate(a3, m, c);
            a4 = Vector256.MultiplyAddEstimate(a4, m, c); a5 = Vector256.MultiplyAddEstimate(a5, m, c);
            a6 = Vector256.MultiplyAddEstimate(a6, m, c); a7 = Vector256.MultiplyAddEstimate(a7, m, c);
            a8 = Vector256.MultiplyAddEstimate(a8, m, c); a9 = Vector256.MultiplyAddEstimate(a9, m, c);
            a10 = Vector256.MultiplyAddEstimate(a10, m, c); a11 = Vector256.MultiplyAddEstimate(a11, m, c);
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Run128(long iterations)
    {
        Vector128<float> m = Vector128.Create(0.999999f), c = Vector128.Create(0.000001f);
        Vector128<float> a0 = Vector128.Create(1.0f), a1 = Vector128.Create(1.01f), a2 = Vector128.Create(1.02f), a3 = Vector128.Create(1.03f);
        Vector128<float> a4 = Vector128.Create(1.04f), a5 = Vector128.Create(1.05f), a6 = Vector128.Create(1.06f), a7 = Vector128.Create(1.07f);
        Vector128<float> a8 = Vector128.Create(1.08f), a9 = Vector128.Create(1.09f), a10 = Vector128.Create(1.10f), a11 = Vector128.Create(1.11f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector128.MultiplyAddEstimate(a0, m, c); a1 = Vector128.MultiplyAddEstimate(a1, m, c);
            a2 = Vector128.MultiplyAddEstimate(a2, m, c); a3 = Vector128.MultiplyAddEstimate(a3, m, c);
            a4 = Vector128.MultiplyAddEstimate(a4, m, c); a5 = Vector128.MultiplyAddEstimate(a5, m, c);
            a6 = Vector128.MultiplyAddEstimate(a6, m, c); a7 = Vector128.MultiplyAddEstimate(a7, m, c);
            a8 = Vector128.MultiplyAddEstimate(a8, m, c); a9 = Vector128.MultiplyAddEstimate(a9, m, c);
            a10 = Vector128.MultiplyAddEstimate(a10, m, c); a11 = Vector128.MultiplyAddEstimate(a11, m, c);
        }

        return Vector128.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    /// <summary>Plain floats (a multiply and an add each), for a machine without hardware intrinsics.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static float RunScalar(long iterations)
    {
        float m = 0.999999f, c = 0.000001f;
        float a0 = 1.0f, a1 = 1.01f, a2 = 1.02f, a3 = 1.03f, a4 = 1.04f, a5 = 1.05f, a6 = 1.06f, a7 = 1.07f, a8 = 1.08f, a9 = 1.09f, a10 = 1.10f, a11 = 1.11f;
        for (long i = 0; i < iterations; i++)
        {
            a0 = (a0 * m) + c; a1 = (a1 * m) + c; a2 = (a2 * m) + c; a3 = (a3 * m) + c;
            a4 = (a4 * m) + c; a5 = (a5 * m) + c; a6 = (a6 * m) + c; a7 = (a7 * m) + c;
            a8 = (a8 * m) + c; a9 = (a9 * m) + c; a10 = (a10 * m) + c; a11 = (a11 * m) + c;
        }

        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
    }
}
