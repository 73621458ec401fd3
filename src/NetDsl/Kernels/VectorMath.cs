using System.Runtime.CompilerServices;

namespace NetDsl.Kernels;

/// <summary>
/// The transcendental functions the activations need, written once for every vector width (and plain floats):
/// <c>exp</c> (Cephes' range reduction and polynomial, about 1 ulp), <c>log(1 + t)</c> for t in [0, 1] (an
/// atanh series, about 1e-7 relative), and <c>erf</c> (Abramowitz and Stegun 7.1.26, 1.5e-7 absolute).
/// </summary>
internal static class VectorMath
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;

    /// <summary><c>e^x</c>; x is clamped to [-87.3, 88] (0 and 1.6e38 beyond), NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Exp<TS, TV>(TV x)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        x = TS.Min(TS.Max(x, TS.Broadcast(-87.3f)), TS.Broadcast(88f));
        TV n = TS.Round(TS.Multiply(x, TS.Broadcast(Log2E)));
        TV r = TS.Subtract(x, TS.Multiply(n, TS.Broadcast(Ln2High)));
        r = TS.Subtract(r, TS.Multiply(n, TS.Broadcast(Ln2Low)));
        TV p = TS.Broadcast(1.9875691500e-4f);
        p = TS.MultiplyAdd(p, r, TS.Broadcast(1.3981999507e-3f));
        p = TS.MultiplyAdd(p, r, TS.Broadcast(8.3334519073e-3f));
        p = TS.MultiplyAdd(p, r, TS.Broadcast(4.1665795894e-2f));
        p = TS.MultiplyAdd(p, r, TS.Broadcast(1.6666665459e-1f));
        p = TS.MultiplyAdd(p, r, TS.Broadcast(5.0000001201e-1f));
        TV y = TS.Add(TS.MultiplyAdd(TS.Multiply(p, r), r, r), TS.Broadcast(1f));
        TV result = TS.Multiply(y, TS.PowerOfTwo(n));

        // Round(NaN) converts to an arbitrary integer: keep NaN explicitly.
        return TS.Select(TS.IsNaN(x), x, result);
    }

    /// <summary><c>log(1 + t)</c> for t in [0, 1]: <c>2 atanh(s)</c> with <c>s = t / (2 + t)</c> in [0, 1/3].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Log1PUnit<TS, TV>(TV t)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        TV s = TS.Divide(t, TS.Add(t, TS.Broadcast(2f)));
        TV s2 = TS.Multiply(s, s);
        TV p = TS.Broadcast(1f / 13f);
        p = TS.MultiplyAdd(p, s2, TS.Broadcast(1f / 11f));
        p = TS.MultiplyAdd(p, s2, TS.Broadcast(1f / 9f));
        p = TS.MultiplyAdd(p, s2, TS.Broadcast(1f / 7f));
        p = TS.MultiplyAdd(p, s2, TS.Broadcast(1f / 5f));
        p = TS.MultiplyAdd(p, s2, TS.Broadcast(1f / 3f));
        p = TS.MultiplyAdd(p, s2, TS.Broadcast(1f));
        return TS.Multiply(TS.Broadcast(2f), TS.Multiply(s, p));
    }

    /// <summary>The error function.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Erf<TS, TV>(TV x)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        TV a = TS.Abs(x);
        TV t = TS.Divide(TS.Broadcast(1f), TS.MultiplyAdd(a, TS.Broadcast(0.3275911f), TS.Broadcast(1f)));
        TV p = TS.Broadcast(1.061405429f);
        p = TS.MultiplyAdd(p, t, TS.Broadcast(-1.453152027f));
        p = TS.MultiplyAdd(p, t, TS.Broadcast(1.421413741f));
        p = TS.MultiplyAdd(p, t, TS.Broadcast(-0.284496736f));
        p = TS.MultiplyAdd(p, t, TS.Broadcast(0.254829592f));
        p = TS.Multiply(p, t);
        TV e = Exp<TS, TV>(TS.Subtract(TS.Zero, TS.Multiply(a, a)));
        TV magnitude = TS.Subtract(TS.Broadcast(1f), TS.Multiply(p, e));

        // Copy the sign of x.
        TV sign = TS.AndNot(x, TS.Abs(x));
        return TS.Or(magnitude, sign);
    }

    /// <summary><c>1 / (1 + e^-x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Sigmoid<TS, TV>(TV x)
        where TS : ISimdWidth<TV>
        where TV : struct =>
        TS.Divide(TS.Broadcast(1f), TS.Add(TS.Broadcast(1f), Exp<TS, TV>(TS.Subtract(TS.Zero, x))));

    /// <summary><c>tanh(x) = sign(x) (1 - 2 / (e^{2|x|} + 1))</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Tanh<TS, TV>(TV x)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        TV e = Exp<TS, TV>(TS.Multiply(TS.Broadcast(2f), TS.Abs(x)));
        TV magnitude = TS.Subtract(TS.Broadcast(1f), TS.Divide(TS.Broadcast(2f), TS.Add(e, TS.Broadcast(1f))));
        TV sign = TS.AndNot(x, TS.Abs(x));
        return TS.Or(magnitude, sign);
    }
}
