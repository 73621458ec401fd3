using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDsl.Kernels;

/// <summary>How a tile's accumulators start.</summary>
internal enum TileStart
{
    /// <summary>From zero.</summary>
    Zero,

    /// <summary>From a bias vector, the same for every row.</summary>
    Bias,

    /// <summary>From the output's current values (the tile adds to it).</summary>
    Accumulate,
}

/// <summary>The row offsets of a tile into its broadcast operand (up to 12; only the first R are read). The
/// fields are sequential, so row maps write them as <c>Unsafe.Add(ref O0, r)</c> (r &lt; 12, by the tile sizes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RowOffsets
{
    public nint O0, O1, O2, O3, O4, O5, O6, O7, O8, O9, O10, O11;
}

/// <summary>
/// The register-blocked core of every convolution pass: an R x N tile of accumulators (R rows of N vectors, all
/// in registers; <see cref="TileDriver"/> sizes R and N to the register file) computing
/// <c>out[r][v] = start + sum_i sum_j A[offset_r + i * aOuter + j * aInner] * B[i * bOuter + j * bInner + v * Count]</c>.
/// Each step loads N vectors of B and broadcasts R values of A for R x N multiply-adds. R and N are JIT
/// constants (<see cref="IConstant"/>), so unused accumulators and branches vanish from the machine code. The
/// forward convolution (rows = output pixels), the kernel gradient (rows = kernel rows) and the input gradient
/// (rows = output pixels times the transposed kernel, each window's gradient then added into place) are all
/// this loop.
/// </summary>
internal static class TileKernel
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TS, TV, TR, TN>(
        ref float a,
        in RowOffsets offsets,
        nint aOuter,
        nint aInner,
        ref float b,
        nint bOuter,
        nint bInner,
        int outerCount,
        int innerCount,
        ref float output,
        nint outputRowStride,
        TileStart start,
        ref float bias,
        bool relu,
        bool pool2x2 = false)
        where TS : ISimdWidth<TV>
        where TV : struct
        where TR : IConstant
        where TN : IConstant
    {
        int rows = TR.Value, n = TN.Value;
        nint c = TS.Count;
        nint o0 = offsets.O0, o1 = offsets.O1, o2 = offsets.O2, o3 = offsets.O3, o4 = offsets.O4, o5 = offsets.O5;
        TV a00 = TS.Zero, a01 = TS.Zero, a02 = TS.Zero, a03 = TS.Zero;
        TV a10 = TS.Zero, a11 = TS.Zero, a12 = TS.Zero, a13 = TS.Zero;
        TV a20 = TS.Zero, a21 = TS.Zero, a22 = TS.Zero, a23 = TS.Zero;
        TV a30 = TS.Zero, a31 = TS.Zero, a32 = TS.Zero, a33 = TS.Zero;
        TV a40 = TS.Zero, a41 = TS.Zero, a42 = TS.Zero, a43 = TS.Zero;
        TV a50 = TS.Zero, a51 = TS.Zero, a52 = TS.Zero, a53 = TS.Zero;
        if (start == TileStart.Bias)
        {
            TV b0 = TS.Load(ref bias, 0);
            TV b1 = n > 1 ? TS.Load(ref bias, c) : TS.Zero;
            TV b2 = n > 2 ? TS.Load(ref bias, 2 * c) : TS.Zero;
            TV b3 = n > 3 ? TS.Load(ref bias, 3 * c) : TS.Zero;
            a00 = a10 = a20 = a30 = a40 = a50 = b0;
            a01 = a11 = a21 = a31 = a41 = a51 = b1;
            a02 = a12 = a22 = a32 = a42 = a52 = b2;
            a03 = a13 = a23 = a33 = a43 = a53 = b3;
        }
        else if (start == TileStart.Accumulate)
        {
            LoadRow<TS, TV, TN>(ref output, 0, out a00, out a01, out a02, out a03);
            if (rows > 1) LoadRow<TS, TV, TN>(ref output, outputRowStride, out a10, out a11, out a12, out a13);
            if (rows > 2) LoadRow<TS, TV, TN>(ref output, 2 * outputRowStride, out a20, out a21, out a22, out a23);
            if (rows > 3) LoadRow<TS, TV, TN>(ref output, 3 * outputRowStride, out a30, out a31, out a32, out a33);
            if (rows > 4) LoadRow<TS, TV, TN>(ref output, 4 * outputRowStride, out a40, out a41, out a42, out a43);
            if (rows > 5) LoadRow<TS, TV, TN>(ref output, 5 * outputRowStride, out a50, out a51, out a52, out a53);
        }

        for (int i = 0; i < outerCount; i++)
        {
            ref float pa = ref Unsafe.Add(ref a, i * aOuter);
            ref float pb = ref Unsafe.Add(ref b, i * bOuter);
            for (int j = 0; j < innerCount; j++)
            {
                TV w0 = TS.Load(ref pb, 0);
                TV w1 = n > 1 ? TS.Load(ref pb, c) : TS.Zero;
                TV w2 = n > 2 ? TS.Load(ref pb, 2 * c) : TS.Zero;
                TV w3 = n > 3 ? TS.Load(ref pb, 3 * c) : TS.Zero;
                TV x = TS.Broadcast(Unsafe.Add(ref pa, o0));
                a00 = TS.MultiplyAdd(x, w0, a00);
                if (n > 1) a01 = TS.MultiplyAdd(x, w1, a01);
                if (n > 2) a02 = TS.MultiplyAdd(x, w2, a02);
                if (n > 3) a03 = TS.MultiplyAdd(x, w3, a03);
                if (rows > 1)
                {
                    x = TS.Broadcast(Unsafe.Add(ref pa, o1));
                    a10 = TS.MultiplyAdd(x, w0, a10);
                    if (n > 1) a11 = TS.MultiplyAdd(x, w1, a11);
                    if (n > 2) a12 = TS.MultiplyAdd(x, w2, a12);
                    if (n > 3) a13 = TS.MultiplyAdd(x, w3, a13);
                }

                if (rows > 2)
                {
                    x = TS.Broadcast(Unsafe.Add(ref pa, o2));
                    a20 = TS.MultiplyAdd(x, w0, a20);
                    if (n > 1) a21 = TS.MultiplyAdd(x, w1, a21);
                    if (n > 2) a22 = TS.MultiplyAdd(x, w2, a22);
                    if (n > 3) a23 = TS.MultiplyAdd(x, w3, a23);
                }

                if (rows > 3)
                {
                    x = TS.Broadcast(Unsafe.Add(ref pa, o3));
                    a30 = TS.MultiplyAdd(x, w0, a30);
                    if (n > 1) a31 = TS.MultiplyAdd(x, w1, a31);
                    if (n > 2) a32 = TS.MultiplyAdd(x, w2, a32);
                    if (n > 3) a33 = TS.MultiplyAdd(x, w3, a33);
                }

                if (rows > 4)
                {
                    x = TS.Broadcast(Unsafe.Add(ref pa, o4));
                    a40 = TS.MultiplyAdd(x, w0, a40);
                    if (n > 1) a41 = TS.MultiplyAdd(x, w1, a41);
                    if (n > 2) a42 = TS.MultiplyAdd(x, w2, a42);
                    if (n > 3) a43 = TS.MultiplyAdd(x, w3, a43);
                }

                if (rows > 5)
                {
                    x = TS.Broadcast(Unsafe.Add(ref pa, o5));
                    a50 = TS.MultiplyAdd(x, w0, a50);
                    if (n > 1) a51 = TS.MultiplyAdd(x, w1, a51);
                    if (n > 2) a52 = TS.MultiplyAdd(x, w2, a52);
                    if (n > 3) a53 = TS.MultiplyAdd(x, w3, a53);
                }

                pa = ref Unsafe.Add(ref pa, aInner);
                pb = ref Unsafe.Add(ref pb, bInner);
            }
        }

        if (pool2x2 && rows == 4)
        {
            // Rows 0-1 are the top pixels of a 2x2 window, rows 2-3 the bottom ones: store only their maximum.
            StoreRow<TS, TV, TN>(ref output, 0, Max4<TS, TV>(a00, a10, a20, a30), Max4<TS, TV>(a01, a11, a21, a31), Max4<TS, TV>(a02, a12, a22, a32), Max4<TS, TV>(a03, a13, a23, a33), relu);
            return;
        }

        StoreRow<TS, TV, TN>(ref output, 0, a00, a01, a02, a03, relu);
        if (rows > 1) StoreRow<TS, TV, TN>(ref output, outputRowStride, a10, a11, a12, a13, relu);
        if (rows > 2) StoreRow<TS, TV, TN>(ref output, 2 * outputRowStride, a20, a21, a22, a23, relu);
        if (rows > 3) StoreRow<TS, TV, TN>(ref output, 3 * outputRowStride, a30, a31, a32, a33, relu);
        if (rows > 4) StoreRow<TS, TV, TN>(ref output, 4 * outputRowStride, a40, a41, a42, a43, relu);
        if (rows > 5) StoreRow<TS, TV, TN>(ref output, 5 * outputRowStride, a50, a51, a52, a53, relu);
    }

    /// <summary>The tall tile: 7 to 12 rows of at most 2 vectors (24 accumulators), for outputs of 32 or fewer
    /// columns, where a 6-row tile would leave half the registers idle and load as much as it computes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunTall<TS, TV, TR, TN>(
        ref float a,
        in RowOffsets offsets,
        nint aOuter,
        nint aInner,
        ref float b,
        nint bOuter,
        nint bInner,
        int outerCount,
        int innerCount,
        ref float output,
        nint outputRowStride,
        TileStart start,
        ref float bias,
        bool relu,
        bool pool2x2 = false)
        where TS : ISimdWidth<TV>
        where TV : struct
        where TR : IConstant
        where TN : IConstant
    {
        int rows = TR.Value, n = TN.Value;
        nint c = TS.Count;
        RowOffsets o = offsets;
        TV a00 = TS.Zero, a01 = TS.Zero, a10 = TS.Zero, a11 = TS.Zero, a20 = TS.Zero, a21 = TS.Zero;
        TV a30 = TS.Zero, a31 = TS.Zero, a40 = TS.Zero, a41 = TS.Zero, a50 = TS.Zero, a51 = TS.Zero;
        TV a60 = TS.Zero, a61 = TS.Zero, a70 = TS.Zero, a71 = TS.Zero, a80 = TS.Zero, a81 = TS.Zero;
        TV a90 = TS.Zero, a91 = TS.Zero, aA0 = TS.Zero, aA1 = TS.Zero, aB0 = TS.Zero, aB1 = TS.Zero;
        if (start == TileStart.Bias)
        {
            TV b0 = TS.Load(ref bias, 0);
            TV b1 = n > 1 ? TS.Load(ref bias, c) : TS.Zero;
            a00 = a10 = a20 = a30 = a40 = a50 = a60 = a70 = a80 = a90 = aA0 = aB0 = b0;
            a01 = a11 = a21 = a31 = a41 = a51 = a61 = a71 = a81 = a91 = aA1 = aB1 = b1;
        }
        else if (start == TileStart.Accumulate)
        {
            LoadPair<TS, TV, TN>(ref output, 0, out a00, out a01);
            LoadPair<TS, TV, TN>(ref output, outputRowStride, out a10, out a11);
            LoadPair<TS, TV, TN>(ref output, 2 * outputRowStride, out a20, out a21);
            LoadPair<TS, TV, TN>(ref output, 3 * outputRowStride, out a30, out a31);
            LoadPair<TS, TV, TN>(ref output, 4 * outputRowStride, out a40, out a41);
            LoadPair<TS, TV, TN>(ref output, 5 * outputRowStride, out a50, out a51);
            LoadPair<TS, TV, TN>(ref output, 6 * outputRowStride, out a60, out a61);
            if (rows > 7) LoadPair<TS, TV, TN>(ref output, 7 * outputRowStride, out a70, out a71);
            if (rows > 8) LoadPair<TS, TV, TN>(ref output, 8 * outputRowStride, out a80, out a81);
            if (rows > 9) LoadPair<TS, TV, TN>(ref output, 9 * outputRowStride, out a90, out a91);
            if (rows > 10) LoadPair<TS, TV, TN>(ref output, 10 * outputRowStride, out aA0, out aA1);
            if (rows > 11) LoadPair<TS, TV, TN>(ref output, 11 * outputRowStride, out aB0, out aB1);
        }

        for (int i = 0; i < outerCount; i++)
        {
            ref float pa = ref Unsafe.Add(ref a, i * aOuter);
            ref float pb = ref Unsafe.Add(ref b, i * bOuter);
            for (int j = 0; j < innerCount; j++)
            {
                TV w0 = TS.Load(ref pb, 0);
                TV w1 = n > 1 ? TS.Load(ref pb, c) : TS.Zero;
                Step<TS, TV, TN>(TS.Broadcast(Unsafe.Add(ref pa, o.O0)), w0, w1, ref a00, ref a01);
                Step<TS, TV, TN>(TS.Broadcast(Unsafe.Add(ref pa, o.O1)), w0, w1, ref a10, ref a11);
                Step<TS, TV, TN>(TS.Broadcast(Unsafe.Add(ref pa, o.O2)), w0, w1, ref a20, ref a21);
                Step<TS, TV, TN>(TS.Broadcast(Unsafe.Add(ref pa, o.O3)), w0, w1, ref a30, ref a31);
                Step<TS, TV, TN>(TS.Broadcast(Unsafe.Add(ref pa, o.O4)), w0, w1, ref a40, ref a41);
                Step<TS, TV, TN>(TS.Broadcast(Unsafe.Add(ref pa, o.O5)), w0, w1, ref a50, ref a51);
                Step<TS, TV, TN>(TS.Broadcast(Unsafe.Add(ref pa, o.O6)), w0, w1, ref a60, ref a61);
                if (rows > 7) Step<TS, TV, TN>(TS.Broadcast(Unsafe.Add(ref pa, o.O7)), w0, w1, ref a70, ref a71);
                if (rows > 8) Step<TS, TV, TN>(TS.Broadcast(Unsafe.Add(ref pa, o.O8)), w0, w1, ref a80, ref a81);
                if (rows > 9) Step<TS, TV, TN>(TS.Broadcast(Unsafe.Add(ref pa, o.O9)), w0, w1, ref a90, ref a91);
                if (rows > 10) Step<TS, TV, TN>(TS.Broadcast(Unsafe.Add(ref pa, o.O10)), w0, w1, ref aA0, ref aA1);
                if (rows > 11) Step<TS, TV, TN>(TS.Broadcast(Unsafe.Add(ref pa, o.O11)), w0, w1, ref aB0, ref aB1);
                pa = ref Unsafe.Add(ref pa, aInner);
                pb = ref Unsafe.Add(ref pb, bInner);
            }
        }

        if (pool2x2 && rows == 12)
        {
            // Rows 0-5 are the top row of three 2x2 windows, rows 6-11 the bottom row.
            StoreRow<TS, TV, TN>(ref output, 0, Max4<TS, TV>(a00, a10, a60, a70), Max4<TS, TV>(a01, a11, a61, a71), TS.Zero, TS.Zero, relu);
            StoreRow<TS, TV, TN>(ref output, outputRowStride, Max4<TS, TV>(a20, a30, a80, a90), Max4<TS, TV>(a21, a31, a81, a91), TS.Zero, TS.Zero, relu);
            StoreRow<TS, TV, TN>(ref output, 2 * outputRowStride, Max4<TS, TV>(a40, a50, aA0, aB0), Max4<TS, TV>(a41, a51, aA1, aB1), TS.Zero, TS.Zero, relu);
            return;
        }

        if (pool2x2 && rows == 8)
        {
            // Rows 0-3 are the top row of two 2x2 windows, rows 4-7 the bottom row.
            StoreRow<TS, TV, TN>(ref output, 0, Max4<TS, TV>(a00, a10, a40, a50), Max4<TS, TV>(a01, a11, a41, a51), TS.Zero, TS.Zero, relu);
            StoreRow<TS, TV, TN>(ref output, outputRowStride, Max4<TS, TV>(a20, a30, a60, a70), Max4<TS, TV>(a21, a31, a61, a71), TS.Zero, TS.Zero, relu);
            return;
        }

        StoreRow<TS, TV, TN>(ref output, 0, a00, a01, TS.Zero, TS.Zero, relu);
        StoreRow<TS, TV, TN>(ref output, outputRowStride, a10, a11, TS.Zero, TS.Zero, relu);
        StoreRow<TS, TV, TN>(ref output, 2 * outputRowStride, a20, a21, TS.Zero, TS.Zero, relu);
        StoreRow<TS, TV, TN>(ref output, 3 * outputRowStride, a30, a31, TS.Zero, TS.Zero, relu);
        StoreRow<TS, TV, TN>(ref output, 4 * outputRowStride, a40, a41, TS.Zero, TS.Zero, relu);
        StoreRow<TS, TV, TN>(ref output, 5 * outputRowStride, a50, a51, TS.Zero, TS.Zero, relu);
        StoreRow<TS, TV, TN>(ref output, 6 * outputRowStride, a60, a61, TS.Zero, TS.Zero, relu);
        if (rows > 7) StoreRow<TS, TV, TN>(ref output, 7 * outputRowStride, a70, a71, TS.Zero, TS.Zero, relu);
        if (rows > 8) StoreRow<TS, TV, TN>(ref output, 8 * outputRowStride, a80, a81, TS.Zero, TS.Zero, relu);
        if (rows > 9) StoreRow<TS, TV, TN>(ref output, 9 * outputRowStride, a90, a91, TS.Zero, TS.Zero, relu);
        if (rows > 10) StoreRow<TS, TV, TN>(ref output, 10 * outputRowStride, aA0, aA1, TS.Zero, TS.Zero, relu);
        if (rows > 11) StoreRow<TS, TV, TN>(ref output, 11 * outputRowStride, aB0, aB1, TS.Zero, TS.Zero, relu);
    }

    /// <summary>The maximum of four values, NaN-propagating (max pooling's semantics).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Max4<TS, TV>(TV a, TV b, TV c, TV d)
        where TS : ISimdWidth<TV>
        where TV : struct => TS.Max(TS.Max(a, b), TS.Max(c, d));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TS, TV, TN>(TV x, TV w0, TV w1, ref TV a0, ref TV a1)
        where TS : ISimdWidth<TV>
        where TV : struct
        where TN : IConstant
    {
        a0 = TS.MultiplyAdd(x, w0, a0);
        if (TN.Value > 1)
        {
            a1 = TS.MultiplyAdd(x, w1, a1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LoadPair<TS, TV, TN>(ref float output, nint offset, out TV v0, out TV v1)
        where TS : ISimdWidth<TV>
        where TV : struct
        where TN : IConstant
    {
        v0 = TS.Load(ref output, offset);
        v1 = TN.Value > 1 ? TS.Load(ref output, offset + TS.Count) : TS.Zero;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LoadRow<TS, TV, TN>(ref float output, nint offset, out TV v0, out TV v1, out TV v2, out TV v3)
        where TS : ISimdWidth<TV>
        where TV : struct
        where TN : IConstant
    {
        nint c = TS.Count;
        v0 = TS.Load(ref output, offset);
        v1 = TN.Value > 1 ? TS.Load(ref output, offset + c) : TS.Zero;
        v2 = TN.Value > 2 ? TS.Load(ref output, offset + (2 * c)) : TS.Zero;
        v3 = TN.Value > 3 ? TS.Load(ref output, offset + (3 * c)) : TS.Zero;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TS, TV, TN>(ref float output, nint offset, TV v0, TV v1, TV v2, TV v3, bool relu)
        where TS : ISimdWidth<TV>
        where TV : struct
        where TN : IConstant
    {
        nint c = TS.Count;
        if (relu)
        {
            // max(0, v) in one instruction; a NaN stays NaN (the second operand wins).
            v0 = TS.MaxNative(TS.Zero, v0);
            v1 = TS.MaxNative(TS.Zero, v1);
            v2 = TS.MaxNative(TS.Zero, v2);
            v3 = TS.MaxNative(TS.Zero, v3);
        }

        TS.Store(v0, ref output, offset);
        if (TN.Value > 1) TS.Store(v1, ref output, offset + c);
        if (TN.Value > 2) TS.Store(v2, ref output, offset + (2 * c));
        if (TN.Value > 3) TS.Store(v3, ref output, offset + (3 * c));
    }
}
