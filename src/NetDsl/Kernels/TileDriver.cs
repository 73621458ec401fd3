using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Kernels;

/// <summary>Maps tile rows to their offsets in the broadcast operand.</summary>
internal interface IRowMap
{
    /// <summary>Writes the offsets of rows [<paramref name="first"/>, first + <paramref name="count"/>)
    /// (at most 6). Implementations divide once and step from there: divisions per row would cost more
    /// than a small tile's arithmetic.</summary>
    void Offsets(int first, int count, ref RowOffsets offsets);
}

/// <summary>
/// Runs <see cref="TileKernel"/> over a whole output: rows in tiles of 6 (3 where the widest vectors are
/// 256 bits or narrower: 16 registers), columns in blocks of up to 4 vectors of the widest accelerated width,
/// the remaining columns with narrower widths and finally one float at a time.
/// </summary>
internal static class TileDriver
{
    /// <summary>The operands of one tiled product (everything but the rows' offsets).</summary>
    internal ref struct Operands
    {
        public ref float A;
        public nint AOuter;
        public nint AInner;
        public ref float B;
        public nint BOuter;
        public nint BInner;
        public int OuterCount;
        public int InnerCount;
        public ref float Output;
        public nint OutputRowStride;
        public int Columns;
        public TileStart Start;
        public ref float Bias;
        public bool ReLU;
    }

    public static void Run<TMap>(TMap map, int rowCount, scoped ref Operands operands)
        where TMap : struct, IRowMap
    {
        if (Simd512.IsSupported)
        {
            Rows<TMap, C6>(map, rowCount, ref operands);
        }
        else
        {
            Rows<TMap, C3>(map, rowCount, ref operands);
        }
    }

    private static void Rows<TMap, TR>(TMap map, int rowCount, scoped ref Operands operands)
        where TMap : struct, IRowMap
        where TR : IConstant
    {
        int tile = TR.Value;
        RowOffsets offsets = default;
        for (int r0 = 0; r0 < rowCount; r0 += tile)
        {
            int rows = Math.Min(tile, rowCount - r0);
            map.Offsets(r0, rows, ref offsets);

            nint outputOffset = r0 * operands.OutputRowStride;
            switch (rows)
            {
                case 6: Columns<C6>(in offsets, outputOffset, ref operands); break;
                case 5: Columns<C5>(in offsets, outputOffset, ref operands); break;
                case 4: Columns<C4>(in offsets, outputOffset, ref operands); break;
                case 3: Columns<C3>(in offsets, outputOffset, ref operands); break;
                case 2: Columns<C2>(in offsets, outputOffset, ref operands); break;
                default: Columns<C1>(in offsets, outputOffset, ref operands); break;
            }
        }
    }

    private static void Columns<TR>(in RowOffsets offsets, nint outputOffset, scoped ref Operands operands)
        where TR : IConstant
    {
        int c0 = 0;
        c0 = Blocks<Simd512, Vector512<float>, TR>(in offsets, outputOffset, ref operands, c0);
        c0 = Blocks<Simd256, Vector256<float>, TR>(in offsets, outputOffset, ref operands, c0);
        c0 = Blocks<Simd128, Vector128<float>, TR>(in offsets, outputOffset, ref operands, c0);
        Blocks<SimdScalar, float, TR>(in offsets, outputOffset, ref operands, c0);
    }

    private static int Blocks<TS, TV, TR>(in RowOffsets offsets, nint outputOffset, scoped ref Operands o, int c0)
        where TS : ISimdWidth<TV>
        where TV : struct
        where TR : IConstant
    {
        if (!TS.IsSupported)
        {
            return c0;
        }

        int c = TS.Count;
        while (c0 + (4 * c) <= o.Columns)
        {
            Tile<TS, TV, TR, C4>(in offsets, outputOffset, ref o, c0);
            c0 += 4 * c;
        }

        if (c0 + (3 * c) <= o.Columns)
        {
            Tile<TS, TV, TR, C3>(in offsets, outputOffset, ref o, c0);
            c0 += 3 * c;
        }
        else if (c0 + (2 * c) <= o.Columns)
        {
            Tile<TS, TV, TR, C2>(in offsets, outputOffset, ref o, c0);
            c0 += 2 * c;
        }
        else if (c0 + c <= o.Columns)
        {
            Tile<TS, TV, TR, C1>(in offsets, outputOffset, ref o, c0);
            c0 += c;
        }

        return c0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile<TS, TV, TR, TN>(in RowOffsets offsets, nint outputOffset, scoped ref Operands o, int c0)
        where TS : ISimdWidth<TV>
        where TV : struct
        where TR : IConstant
        where TN : IConstant
    {
        TileKernel.Run<TS, TV, TR, TN>(
            ref o.A,
            in offsets,
            o.AOuter,
            o.AInner,
            ref Unsafe.Add(ref o.B, c0),
            o.BOuter,
            o.BInner,
            o.OuterCount,
            o.InnerCount,
            ref Unsafe.Add(ref o.Output, outputOffset + c0),
            o.OutputRowStride,
            o.Start,
            ref Unsafe.Add(ref o.Bias, c0),
            o.ReLU);
    }
}
