using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetDsl.Kernels;

/// <summary>
/// Span-based SIMD building blocks called by generated layer code. Each operation runs the widest vector
/// width the machine accelerates (512, 256, then 128 bits) and finishes the tail with narrower widths and
/// scalar code, so every width gives the same result up to float rounding. Lengths are checked on entry.
/// </summary>
/// <remarks>For generated code; the signatures may change between versions.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class VectorOps
{
    /// <summary>
    /// Vector-matrix product accumulated into <paramref name="accumulator"/>:
    /// <c>acc[j] += sum_r x[r] * matrix[r * n + j]</c> with <c>n = acc.Length</c> and <c>x.Length</c> rows.
    /// </summary>
    public static void MultiplyAccumulate(ReadOnlySpan<float> x, ReadOnlySpan<float> matrix, Span<float> accumulator)
    {
        CheckMatrix(matrix.Length, x.Length, accumulator.Length);
        int j = 0;
        j = MultiplyAccumulateColumns<Simd512, Vector512<float>>(x, matrix, accumulator, j);
        j = MultiplyAccumulateColumns<Simd256, Vector256<float>>(x, matrix, accumulator, j);
        j = MultiplyAccumulateColumns<Simd128, Vector128<float>>(x, matrix, accumulator, j);
        int n = accumulator.Length;
        for (; j < n; j++)
        {
            float sum = accumulator[j];
            for (int r = 0; r < x.Length; r++)
            {
                sum += x[r] * matrix[(r * n) + j];
            }

            accumulator[j] = sum;
        }
    }

    /// <summary>
    /// Column sums accumulated into <paramref name="accumulator"/>: <c>acc[j] += sum_r matrix[r * n + j]</c> with
    /// <c>n = acc.Length</c> (e.g. a bias gradient summed over pixels).
    /// </summary>
    public static void AccumulateColumnSums(ReadOnlySpan<float> matrix, Span<float> accumulator)
    {
        int n = accumulator.Length;
        if (n == 0 || matrix.Length % n != 0)
        {
            throw new ArgumentException($"{matrix.Length} values do not split into rows of {n}.");
        }

        int rows = matrix.Length / n;
        int j = 0;
        j = ColumnSums<Simd512, Vector512<float>>(matrix, accumulator, rows, j);
        j = ColumnSums<Simd256, Vector256<float>>(matrix, accumulator, rows, j);
        j = ColumnSums<Simd128, Vector128<float>>(matrix, accumulator, rows, j);
        for (; j < n; j++)
        {
            float sum = accumulator[j];
            for (int r = 0; r < rows; r++)
            {
                sum += matrix[(r * n) + j];
            }

            accumulator[j] = sum;
        }
    }

    /// <summary>
    /// Rank-1 update: <c>matrix[r * n + j] += x[r] * d[j]</c> with <c>n = d.Length</c> and <c>x.Length</c> rows.
    /// </summary>
    public static void AccumulateOuterProduct(ReadOnlySpan<float> x, ReadOnlySpan<float> d, Span<float> matrix)
    {
        CheckMatrix(matrix.Length, x.Length, d.Length);
        int j = 0;
        j = OuterProductColumns<Simd512, Vector512<float>>(x, d, matrix, j);
        j = OuterProductColumns<Simd256, Vector256<float>>(x, d, matrix, j);
        j = OuterProductColumns<Simd128, Vector128<float>>(x, d, matrix, j);
        OuterProductColumns<SimdScalar, float>(x, d, matrix, j);
    }

    /// <summary>Writes the <paramref name="rows"/> x <c>columns</c> matrix transposed (<c>columns</c> x rows).</summary>
    public static void Transpose(ReadOnlySpan<float> matrix, int rows, Span<float> transposed)
    {
        if (rows <= 0 || matrix.Length % rows != 0 || transposed.Length != matrix.Length)
        {
            throw new ArgumentException($"A matrix of {matrix.Length} values does not have {rows} rows, or the target has {transposed.Length} values.");
        }

        int columns = matrix.Length / rows;
        ref float source = ref MemoryMarshal.GetReference(matrix);
        ref float target = ref MemoryMarshal.GetReference(transposed);
        int r = 0;
        if (Sse.IsSupported)
        {
            // 4x4 blocks transposed in registers: four row loads, eight shuffles, four column stores.
            for (; r + 4 <= rows; r += 4)
            {
                ref float row0 = ref Unsafe.Add(ref source, (nint)r * columns);
                ref float row1 = ref Unsafe.Add(ref row0, columns);
                ref float row2 = ref Unsafe.Add(ref row1, columns);
                ref float row3 = ref Unsafe.Add(ref row2, columns);
                int c = 0;
                for (; c + 4 <= columns; c += 4)
                {
                    Vector128<float> a = Vector128.LoadUnsafe(ref row0, (nuint)c);
                    Vector128<float> b = Vector128.LoadUnsafe(ref row1, (nuint)c);
                    Vector128<float> e = Vector128.LoadUnsafe(ref row2, (nuint)c);
                    Vector128<float> f = Vector128.LoadUnsafe(ref row3, (nuint)c);
                    Vector128<float> ab0 = Sse.UnpackLow(a, b), ab1 = Sse.UnpackHigh(a, b);
                    Vector128<float> ef0 = Sse.UnpackLow(e, f), ef1 = Sse.UnpackHigh(e, f);
                    ref float column = ref Unsafe.Add(ref target, ((nint)c * rows) + r);
                    Sse.MoveLowToHigh(ab0, ef0).StoreUnsafe(ref column);
                    Sse.MoveHighToLow(ef0, ab0).StoreUnsafe(ref Unsafe.Add(ref column, rows));
                    Sse.MoveLowToHigh(ab1, ef1).StoreUnsafe(ref Unsafe.Add(ref column, 2 * (nint)rows));
                    Sse.MoveHighToLow(ef1, ab1).StoreUnsafe(ref Unsafe.Add(ref column, 3 * (nint)rows));
                }

                for (; c < columns; c++)
                {
                    ref float column = ref Unsafe.Add(ref target, ((nint)c * rows) + r);
                    column = Unsafe.Add(ref row0, c);
                    Unsafe.Add(ref column, 1) = Unsafe.Add(ref row1, c);
                    Unsafe.Add(ref column, 2) = Unsafe.Add(ref row2, c);
                    Unsafe.Add(ref column, 3) = Unsafe.Add(ref row3, c);
                }
            }
        }

        for (; r < rows; r++)
        {
            ref float row = ref Unsafe.Add(ref source, (nint)r * columns);
            for (int c = 0; c < columns; c++)
            {
                Unsafe.Add(ref target, ((nint)c * rows) + r) = Unsafe.Add(ref row, c);
            }
        }
    }

    /// <summary><c>y[i] += a * x[i]</c>.</summary>
    public static void MultiplyAdd(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        CheckSameLength(x.Length, y.Length);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        i = MultiplyAddCore<Simd512, Vector512<float>>(a, ref xr, ref yr, i, y.Length);
        i = MultiplyAddCore<Simd256, Vector256<float>>(a, ref xr, ref yr, i, y.Length);
        i = MultiplyAddCore<Simd128, Vector128<float>>(a, ref xr, ref yr, i, y.Length);
        for (; i < y.Length; i++)
        {
            Unsafe.Add(ref yr, i) += a * Unsafe.Add(ref xr, i);
        }
    }

    /// <summary><c>sum_i x[i] * y[i]</c>.</summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        CheckSameLength(x.Length, y.Length);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        float sum = 0f;
        sum += DotCore<Simd512, Vector512<float>>(ref xr, ref yr, ref i, x.Length);
        sum += DotCore<Simd256, Vector256<float>>(ref xr, ref yr, ref i, x.Length);
        sum += DotCore<Simd128, Vector128<float>>(ref xr, ref yr, ref i, x.Length);
        for (; i < x.Length; i++)
        {
            sum += Unsafe.Add(ref xr, i) * Unsafe.Add(ref yr, i);
        }

        return sum;
    }

    /// <summary>The index of the first NaN or infinite value, or -1 when every value is finite.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        // x - x is 0 for a finite x and NaN otherwise: sum it over blocks, and look closer only at a block whose
        // sum is NaN.
        const int Block = 1024;
        for (int start = 0; start < values.Length; start += Block)
        {
            ReadOnlySpan<float> block = values.Slice(start, Math.Min(Block, values.Length - start));
            ref float r = ref MemoryMarshal.GetReference(block);
            int i = 0;
            float sum = 0f;
            sum += SelfDifferenceSum<Simd512, Vector512<float>>(ref r, ref i, block.Length);
            sum += SelfDifferenceSum<Simd256, Vector256<float>>(ref r, ref i, block.Length);
            sum += SelfDifferenceSum<Simd128, Vector128<float>>(ref r, ref i, block.Length);
            for (; i < block.Length; i++)
            {
                sum += Unsafe.Add(ref r, i) - Unsafe.Add(ref r, i);
            }

            if (float.IsNaN(sum))
            {
                for (int j = 0; j < block.Length; j++)
                {
                    if (!float.IsFinite(block[j]))
                    {
                        return start + j;
                    }
                }
            }
        }

        return -1;
    }

    private static float SelfDifferenceSum<TS, TV>(ref float values, ref int i, int n)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported)
        {
            return 0f;
        }

        TV sum = TS.Zero;
        for (; i + TS.Count <= n; i += TS.Count)
        {
            TV x = TS.Load(ref values, i);
            sum = TS.Add(sum, TS.Subtract(x, x));
        }

        return TS.Sum(sum);
    }

    /// <summary>The largest value (NaN if any value is NaN; negative infinity for no values).</summary>
    public static float Max(ReadOnlySpan<float> values)
    {
        ref float r = ref MemoryMarshal.GetReference(values);
        int i = 0;
        float max = float.NegativeInfinity;
        max = MaxCore<Simd512, Vector512<float>>(ref r, ref i, values.Length, max);
        max = MaxCore<Simd256, Vector256<float>>(ref r, ref i, values.Length, max);
        max = MaxCore<Simd128, Vector128<float>>(ref r, ref i, values.Length, max);
        for (; i < values.Length; i++)
        {
            max = MathF.Max(max, Unsafe.Add(ref r, i));
        }

        return max;
    }

    /// <summary><c>y[i] += a</c>.</summary>
    public static void AddScalar(Span<float> y, float a)
    {
        ref float r = ref MemoryMarshal.GetReference(y);
        int i = 0;
        i = AddScalarCore<Simd512, Vector512<float>>(ref r, a, i, y.Length);
        i = AddScalarCore<Simd256, Vector256<float>>(ref r, a, i, y.Length);
        i = AddScalarCore<Simd128, Vector128<float>>(ref r, a, i, y.Length);
        for (; i < y.Length; i++)
        {
            Unsafe.Add(ref r, i) += a;
        }
    }

    /// <summary><c>y[i] *= x[i]</c>.</summary>
    public static void Multiply(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckSameLength(x.Length, y.Length);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        i = MultiplyCore<Simd512, Vector512<float>>(ref xr, ref yr, i, y.Length);
        i = MultiplyCore<Simd256, Vector256<float>>(ref xr, ref yr, i, y.Length);
        i = MultiplyCore<Simd128, Vector128<float>>(ref xr, ref yr, i, y.Length);
        for (; i < y.Length; i++)
        {
            Unsafe.Add(ref yr, i) *= Unsafe.Add(ref xr, i);
        }
    }

    /// <summary><c>y[i] += (x[i] - center[i])^2</c>.</summary>
    public static void AddSquaredDifference(ReadOnlySpan<float> x, ReadOnlySpan<float> center, Span<float> y)
    {
        CheckSameLength(x.Length, y.Length);
        CheckSameLength(center.Length, y.Length);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float cr = ref MemoryMarshal.GetReference(center);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        i = SquaredDifferenceCore<Simd512, Vector512<float>>(ref xr, ref cr, ref yr, i, y.Length);
        i = SquaredDifferenceCore<Simd256, Vector256<float>>(ref xr, ref cr, ref yr, i, y.Length);
        i = SquaredDifferenceCore<Simd128, Vector128<float>>(ref xr, ref cr, ref yr, i, y.Length);
        SquaredDifferenceCore<SimdScalar, float>(ref xr, ref cr, ref yr, i, y.Length);
    }

    /// <summary><c>y[i] += a[i] * (b[i] - center[i])</c>.</summary>
    public static void AddCenteredProduct(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> center, Span<float> y)
    {
        CheckSameLength(a.Length, y.Length);
        CheckSameLength(b.Length, y.Length);
        CheckSameLength(center.Length, y.Length);
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float br = ref MemoryMarshal.GetReference(b);
        ref float cr = ref MemoryMarshal.GetReference(center);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        i = CenteredProductCore<Simd512, Vector512<float>>(ref ar, ref br, ref cr, ref yr, i, y.Length);
        i = CenteredProductCore<Simd256, Vector256<float>>(ref ar, ref br, ref cr, ref yr, i, y.Length);
        i = CenteredProductCore<Simd128, Vector128<float>>(ref ar, ref br, ref cr, ref yr, i, y.Length);
        CenteredProductCore<SimdScalar, float>(ref ar, ref br, ref cr, ref yr, i, y.Length);
    }

    private static int CenteredProductCore<TS, TV>(ref float a, ref float b, ref float center, ref float y, int i, int n)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported)
        {
            return i;
        }

        for (; i + TS.Count <= n; i += TS.Count)
        {
            TV d = TS.Subtract(TS.Load(ref b, i), TS.Load(ref center, i));
            TS.Store(TS.MultiplyAdd(TS.Load(ref a, i), d, TS.Load(ref y, i)), ref y, i);
        }

        return i;
    }

    private static int SquaredDifferenceCore<TS, TV>(ref float x, ref float center, ref float y, int i, int n)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported)
        {
            return i;
        }

        for (; i + TS.Count <= n; i += TS.Count)
        {
            TV d = TS.Subtract(TS.Load(ref x, i), TS.Load(ref center, i));
            TS.Store(TS.MultiplyAdd(d, d, TS.Load(ref y, i)), ref y, i);
        }

        return i;
    }

    private static float MaxCore<TS, TV>(ref float r, ref int i, int n, float max)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported || i + TS.Count > n)
        {
            return max;
        }

        TV m = TS.Broadcast(max);
        for (; i + TS.Count <= n; i += TS.Count)
        {
            m = TS.Max(m, TS.Load(ref r, i));
        }

        return TS.MaxAcross(m);
    }

    private static int AddScalarCore<TS, TV>(ref float r, float a, int i, int n)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported)
        {
            return i;
        }

        TV v = TS.Broadcast(a);
        for (; i + TS.Count <= n; i += TS.Count)
        {
            TS.Store(TS.Add(TS.Load(ref r, i), v), ref r, i);
        }

        return i;
    }

    private static int MultiplyCore<TS, TV>(ref float x, ref float y, int i, int n)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported)
        {
            return i;
        }

        for (; i + TS.Count <= n; i += TS.Count)
        {
            TS.Store(TS.Multiply(TS.Load(ref y, i), TS.Load(ref x, i)), ref y, i);
        }

        return i;
    }

    /// <summary><c>y[i] += x[i]</c>.</summary>
    public static void Add(ReadOnlySpan<float> x, Span<float> y) => MultiplyAdd(1f, x, y);

    /// <summary><c>rows[r * n + j] += bias[j]</c> with <c>n = bias.Length</c>: a bias added to every pixel.</summary>
    public static void AddBias(ReadOnlySpan<float> bias, Span<float> rows)
    {
        int n = bias.Length;
        if (n == 0 || rows.Length % n != 0)
        {
            throw new ArgumentException($"{rows.Length} values do not split into rows of {n}.");
        }

        ref float b = ref MemoryMarshal.GetReference(bias);
        ref float r = ref MemoryMarshal.GetReference(rows);
        for (int offset = 0; offset < rows.Length; offset += n)
        {
            AddUnchecked(ref b, ref Unsafe.Add(ref r, offset), n);
        }
    }

    /// <summary><c>y[i] += x[i]</c> for <paramref name="length"/> values, no checks: for kernels that have
    /// already validated their buffers and call this in an inner loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AddUnchecked(ref float x, ref float y, int length)
    {
        int i = 0;
        if (Simd512.IsSupported)
        {
            for (; i + 16 <= length; i += 16)
            {
                Simd512.Store(Simd512.Add(Simd512.Load(ref y, i), Simd512.Load(ref x, i)), ref y, i);
            }
        }

        if (Simd256.IsSupported)
        {
            for (; i + 8 <= length; i += 8)
            {
                Simd256.Store(Simd256.Add(Simd256.Load(ref y, i), Simd256.Load(ref x, i)), ref y, i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref y, i) += Unsafe.Add(ref x, i);
        }
    }

    /// <summary><c>y[i] = max(y[i], x[i])</c>.</summary>
    public static void Max(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckSameLength(x.Length, y.Length);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        i = MaxCore<Simd512, Vector512<float>>(ref xr, ref yr, i, y.Length);
        i = MaxCore<Simd256, Vector256<float>>(ref xr, ref yr, i, y.Length);
        i = MaxCore<Simd128, Vector128<float>>(ref xr, ref yr, i, y.Length);
        for (; i < y.Length; i++)
        {
            ref float yi = ref Unsafe.Add(ref yr, i);
            yi = MathF.Max(yi, Unsafe.Add(ref xr, i));
        }
    }

    /// <summary><c>y[i] *= s</c>.</summary>
    public static void Scale(Span<float> y, float s)
    {
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        i = ScaleCore<Simd512, Vector512<float>>(s, ref yr, i, y.Length);
        i = ScaleCore<Simd256, Vector256<float>>(s, ref yr, i, y.Length);
        i = ScaleCore<Simd128, Vector128<float>>(s, ref yr, i, y.Length);
        for (; i < y.Length; i++)
        {
            Unsafe.Add(ref yr, i) *= s;
        }
    }

    /// <summary>Index of the largest value (the first one on ties); -1 for an empty span.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = values.IsEmpty ? -1 : 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static int MultiplyAccumulateColumns<TS, TV>(ReadOnlySpan<float> x, ReadOnlySpan<float> matrix, Span<float> accumulator, int j)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported)
        {
            return j;
        }

        int n = accumulator.Length;
        int rows = x.Length;
        int c = TS.Count;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float wr = ref MemoryMarshal.GetReference(matrix);
        ref float ar = ref MemoryMarshal.GetReference(accumulator);
        for (; j + (4 * c) <= n; j += 4 * c)
        {
            TV a0 = TS.Load(ref ar, j), a1 = TS.Load(ref ar, j + c), a2 = TS.Load(ref ar, j + (2 * c)), a3 = TS.Load(ref ar, j + (3 * c));
            nint o = j;
            for (int r = 0; r < rows; r++, o += n)
            {
                TV xv = TS.Broadcast(Unsafe.Add(ref xr, r));
                a0 = TS.MultiplyAdd(xv, TS.Load(ref wr, o), a0);
                a1 = TS.MultiplyAdd(xv, TS.Load(ref wr, o + c), a1);
                a2 = TS.MultiplyAdd(xv, TS.Load(ref wr, o + (2 * c)), a2);
                a3 = TS.MultiplyAdd(xv, TS.Load(ref wr, o + (3 * c)), a3);
            }

            TS.Store(a0, ref ar, j);
            TS.Store(a1, ref ar, j + c);
            TS.Store(a2, ref ar, j + (2 * c));
            TS.Store(a3, ref ar, j + (3 * c));
        }

        if (j + (2 * c) <= n)
        {
            TV a0 = TS.Load(ref ar, j), a1 = TS.Load(ref ar, j + c);
            nint o = j;
            for (int r = 0; r < rows; r++, o += n)
            {
                TV xv = TS.Broadcast(Unsafe.Add(ref xr, r));
                a0 = TS.MultiplyAdd(xv, TS.Load(ref wr, o), a0);
                a1 = TS.MultiplyAdd(xv, TS.Load(ref wr, o + c), a1);
            }

            TS.Store(a0, ref ar, j);
            TS.Store(a1, ref ar, j + c);
            j += 2 * c;
        }

        if (j + c <= n)
        {
            TV a0 = TS.Load(ref ar, j);
            nint o = j;
            for (int r = 0; r < rows; r++, o += n)
            {
                a0 = TS.MultiplyAdd(TS.Broadcast(Unsafe.Add(ref xr, r)), TS.Load(ref wr, o), a0);
            }

            TS.Store(a0, ref ar, j);
            j += c;
        }

        return j;
    }

    private static int ColumnSums<TS, TV>(ReadOnlySpan<float> matrix, Span<float> accumulator, int rows, int j)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported)
        {
            return j;
        }

        int n = accumulator.Length, c = TS.Count;
        ref float m = ref MemoryMarshal.GetReference(matrix);
        ref float acc = ref MemoryMarshal.GetReference(accumulator);
        for (; j + (2 * c) <= n; j += 2 * c)
        {
            TV s0 = TS.Load(ref acc, j), s1 = TS.Load(ref acc, j + c);
            nint o = j;
            for (int r = 0; r < rows; r++, o += n)
            {
                s0 = TS.Add(s0, TS.Load(ref m, o));
                s1 = TS.Add(s1, TS.Load(ref m, o + c));
            }

            TS.Store(s0, ref acc, j);
            TS.Store(s1, ref acc, j + c);
        }

        if (j + c <= n)
        {
            TV s0 = TS.Load(ref acc, j);
            nint o = j;
            for (int r = 0; r < rows; r++, o += n)
            {
                s0 = TS.Add(s0, TS.Load(ref m, o));
            }

            TS.Store(s0, ref acc, j);
            j += c;
        }

        return j;
    }

    /// <summary>Columns [j, ...) of a rank-1 update, four vectors of <c>d</c> held in registers across every row;
    /// rows whose <c>x</c> is zero (ReLU outputs) are skipped.</summary>
    private static int OuterProductColumns<TS, TV>(ReadOnlySpan<float> x, ReadOnlySpan<float> d, Span<float> matrix, int j)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported)
        {
            return j;
        }

        int n = d.Length, rows = x.Length, c = TS.Count;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float dr = ref MemoryMarshal.GetReference(d);
        ref float wr = ref MemoryMarshal.GetReference(matrix);
        while (j + c <= n)
        {
            int vectors = Math.Min(4, (n - j) / c);
            TV d0 = TS.Load(ref dr, j);
            TV d1 = vectors > 1 ? TS.Load(ref dr, j + c) : TS.Zero;
            TV d2 = vectors > 2 ? TS.Load(ref dr, j + (2 * c)) : TS.Zero;
            TV d3 = vectors > 3 ? TS.Load(ref dr, j + (3 * c)) : TS.Zero;
            nint o = j;
            for (int r = 0; r < rows; r++, o += n)
            {
                float xv = Unsafe.Add(ref xr, r);
                if (xv == 0f)
                {
                    continue;
                }

                TV xb = TS.Broadcast(xv);
                TS.Store(TS.MultiplyAdd(xb, d0, TS.Load(ref wr, o)), ref wr, o);
                if (vectors > 1)
                {
                    TS.Store(TS.MultiplyAdd(xb, d1, TS.Load(ref wr, o + c)), ref wr, o + c);
                }

                if (vectors > 2)
                {
                    TS.Store(TS.MultiplyAdd(xb, d2, TS.Load(ref wr, o + (2 * c))), ref wr, o + (2 * c));
                }

                if (vectors > 3)
                {
                    TS.Store(TS.MultiplyAdd(xb, d3, TS.Load(ref wr, o + (3 * c))), ref wr, o + (3 * c));
                }
            }

            j += vectors * c;
        }

        return j;
    }

    private static int MultiplyAddCore<TS, TV>(float a, ref float xr, ref float yr, int i, int n)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported)
        {
            return i;
        }

        TV av = TS.Broadcast(a);
        for (; i + TS.Count <= n; i += TS.Count)
        {
            TS.Store(TS.MultiplyAdd(av, TS.Load(ref xr, i), TS.Load(ref yr, i)), ref yr, i);
        }

        return i;
    }

    private static float DotCore<TS, TV>(ref float xr, ref float yr, ref int i, int n)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported || i + TS.Count > n)
        {
            return 0f;
        }

        TV s0 = TS.Zero, s1 = TS.Zero;
        int c = TS.Count;
        for (; i + (2 * c) <= n; i += 2 * c)
        {
            s0 = TS.MultiplyAdd(TS.Load(ref xr, i), TS.Load(ref yr, i), s0);
            s1 = TS.MultiplyAdd(TS.Load(ref xr, i + c), TS.Load(ref yr, i + c), s1);
        }

        if (i + c <= n)
        {
            s0 = TS.MultiplyAdd(TS.Load(ref xr, i), TS.Load(ref yr, i), s0);
            i += c;
        }

        return TS.Sum(TS.Add(s0, s1));
    }

    private static int MaxCore<TS, TV>(ref float xr, ref float yr, int i, int n)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported)
        {
            return i;
        }

        for (; i + TS.Count <= n; i += TS.Count)
        {
            TS.Store(TS.Max(TS.Load(ref yr, i), TS.Load(ref xr, i)), ref yr, i);
        }

        return i;
    }

    private static int ScaleCore<TS, TV>(float s, ref float yr, int i, int n)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported)
        {
            return i;
        }

        TV sv = TS.Broadcast(s);
        for (; i + TS.Count <= n; i += TS.Count)
        {
            TS.Store(TS.Multiply(TS.Load(ref yr, i), sv), ref yr, i);
        }

        return i;
    }

    private static void CheckMatrix(int matrixLength, int rows, int columns)
    {
        if ((long)rows * columns != matrixLength)
        {
            throw new ArgumentException($"A {rows} x {columns} matrix needs {(long)rows * columns} values, got {matrixLength}.");
        }
    }

    private static void CheckSameLength(int xLength, int yLength)
    {
        if (xLength != yLength)
        {
            throw new ArgumentException($"Spans differ in length: {xLength} and {yLength}.");
        }
    }
}
