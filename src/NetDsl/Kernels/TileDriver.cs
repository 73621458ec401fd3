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

/// <summary>Maps a group of 2x2 pooling windows to the offsets of their pixels: the top row's pixels first,
/// then the bottom row's, as the tiles' pooled epilogue expects.</summary>
internal interface IPooledRowMap
{
    void Offsets(int pooledRow, int pooledColumn, int windows, ref RowOffsets offsets);
}

/// <summary>
/// Runs <see cref="TileKernel"/> over a whole output: rows in tiles sized to the register file
/// (<see cref="RowsPerTile"/>), columns in blocks of up to 4 vectors (3 with 16 registers) of the widest accelerated width,
/// the remaining columns with narrower widths and finally one float at a time; cache-blocked so B stays in L1.
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

    /// <summary>Bytes of B one pass keeps hot: most of a 48 KiB L1 data cache, leaving room for A and the output.</summary>
    private const int CacheBlockBytes = 24 * 1024;

    /// <summary>
    /// Runs the product over all rows and columns. Loop order keeps B in the L1 cache: the outer reduction is
    /// cut into chunks whose B fits (later chunks add to the output; the activation is applied by the last),
    /// and within a chunk each block of columns runs over every row tile before the next block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TMap>(TMap map, int rowCount, scoped ref Operands operands)
        where TMap : struct, IRowMap
    {
        int total = operands.OuterCount;
        long chunkBytes = (long)operands.BOuter * sizeof(float);
        int chunk = total <= 1 || chunkBytes <= 0 ? Math.Max(total, 1) : (int)Math.Clamp(CacheBlockBytes / chunkBytes, 1, total);
        TileStart start = operands.Start;
        bool relu = operands.ReLU;
        ref float a = ref operands.A;
        ref float b = ref operands.B;
        for (int i0 = 0; i0 < total; i0 += chunk)
        {
            var pass = operands;
            pass.A = ref Unsafe.Add(ref a, i0 * operands.AOuter);
            pass.B = ref Unsafe.Add(ref b, i0 * operands.BOuter);
            pass.OuterCount = Math.Min(chunk, total - i0);
            pass.Start = i0 == 0 ? start : TileStart.Accumulate;
            pass.ReLU = relu && i0 + chunk >= total;
            Columns(map, rowCount, ref pass);
        }
    }

    /// <summary>
    /// A product whose rows are the pixels of 2x2 max-pooling windows (stride 2, valid) and whose output is the
    /// pooled map: each tile computes whole windows and stores only their maximum, so the unpooled map is
    /// never written (and the pixels no window covers are never computed).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunPooled2x2<TMap>(TMap map, int pooledHeight, int pooledWidth, scoped ref Operands operands)
        where TMap : struct, IPooledRowMap
    {
        int c0 = 0;
        c0 = PooledBlocks<TMap, Simd512, Vector512<float>>(map, pooledHeight, pooledWidth, ref operands, c0);
        c0 = PooledBlocks<TMap, Simd256, Vector256<float>>(map, pooledHeight, pooledWidth, ref operands, c0);
        c0 = PooledBlocks<TMap, Simd128, Vector128<float>>(map, pooledHeight, pooledWidth, ref operands, c0);
        PooledBlocks<TMap, SimdScalar, float>(map, pooledHeight, pooledWidth, ref operands, c0);
    }

    private static int PooledBlocks<TMap, TS, TV>(TMap map, int pooledHeight, int pooledWidth, scoped ref Operands o, int c0)
        where TMap : struct, IPooledRowMap
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported)
        {
            return c0;
        }

        int c = TS.Count;
        while (WideRegisterFile && c0 + (4 * c) <= o.Columns)
        {
            PooledRows<TMap, TS, TV, C4>(map, pooledHeight, pooledWidth, ref o, c0);
            c0 += 4 * c;
        }

        while (FusedMultiplyAdd && c0 + (3 * c) <= o.Columns)
        {
            PooledRows<TMap, TS, TV, C3>(map, pooledHeight, pooledWidth, ref o, c0);
            c0 += 3 * c;
        }

        while (c0 + (2 * c) <= o.Columns)
        {
            PooledRows<TMap, TS, TV, C2>(map, pooledHeight, pooledWidth, ref o, c0);
            c0 += 2 * c;
        }

        if (c0 + (3 * c) <= o.Columns)
        {
            PooledRows<TMap, TS, TV, C3>(map, pooledHeight, pooledWidth, ref o, c0);
            c0 += 3 * c;
        }
        else if (c0 + (2 * c) <= o.Columns)
        {
            PooledRows<TMap, TS, TV, C2>(map, pooledHeight, pooledWidth, ref o, c0);
            c0 += 2 * c;
        }
        else if (c0 + c <= o.Columns)
        {
            PooledRows<TMap, TS, TV, C1>(map, pooledHeight, pooledWidth, ref o, c0);
            c0 += c;
        }

        return c0;
    }

    /// <summary>Three windows (12 pixels) per tile when that fits the registers (at most 2 vectors with 32
    /// registers, 1 with 16); otherwise one window (4 pixels) per tile.</summary>
    private static void PooledRows<TMap, TS, TV, TN>(TMap map, int pooledHeight, int pooledWidth, scoped ref Operands o, int c0)
        where TMap : struct, IPooledRowMap
        where TS : ISimdWidth<TV>
        where TV : struct
        where TN : IConstant
    {
        int group = TN.Value <= (WideRegisterFile ? 2 : 1) ? 3 : 1;
        RowOffsets offsets = default;
        for (int py = 0; py < pooledHeight; py++)
        {
            for (int px = 0; px < pooledWidth;)
            {
                int windows = Math.Min(group, pooledWidth - px);
                map.Offsets(py, px, windows, ref offsets);
                nint outputOffset = ((((nint)py * pooledWidth) + px) * o.OutputRowStride) + c0;
                switch (windows)
                {
                    case 3: TallTile<TS, TV, C12, TN>(in offsets, outputOffset, ref o, c0, pool2x2: true); break;
                    case 2: TallTile<TS, TV, C8, TN>(in offsets, outputOffset, ref o, c0, pool2x2: true); break;
                    default: Tile<TS, TV, C4, TN>(in offsets, outputOffset, ref o, c0, pool2x2: true); break;
                }

                px += windows;
            }
        }
    }

    private static void Columns<TMap>(TMap map, int rowCount, scoped ref Operands o)
        where TMap : struct, IRowMap
    {
        int c0 = 0;
        c0 = Blocks<TMap, Simd512, Vector512<float>>(map, rowCount, ref o, c0);
        c0 = Blocks<TMap, Simd256, Vector256<float>>(map, rowCount, ref o, c0);
        c0 = Blocks<TMap, Simd128, Vector128<float>>(map, rowCount, ref o, c0);
        Blocks<TMap, SimdScalar, float>(map, rowCount, ref o, c0);
    }

    private static int Blocks<TMap, TS, TV>(TMap map, int rowCount, scoped ref Operands o, int c0)
        where TMap : struct, IRowMap
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported)
        {
            return c0;
        }

        int c = TS.Count;
        while (WideRegisterFile && c0 + (4 * c) <= o.Columns)
        {
            Rows<TMap, TS, TV, C4>(map, rowCount, ref o, c0);
            c0 += 4 * c;
        }

        while (c0 + (3 * c) <= o.Columns)
        {
            Rows<TMap, TS, TV, C3>(map, rowCount, ref o, c0);
            c0 += 3 * c;
        }

        if (c0 + (3 * c) <= o.Columns)
        {
            Rows<TMap, TS, TV, C3>(map, rowCount, ref o, c0);
            c0 += 3 * c;
        }
        else if (c0 + (2 * c) <= o.Columns)
        {
            Rows<TMap, TS, TV, C2>(map, rowCount, ref o, c0);
            c0 += 2 * c;
        }
        else if (c0 + c <= o.Columns)
        {
            Rows<TMap, TS, TV, C1>(map, rowCount, ref o, c0);
            c0 += c;
        }

        return c0;
    }

    /// <summary>Every row tile for one block of columns, as many rows as <see cref="RowsPerTile"/> allows.</summary>
    private static void Rows<TMap, TS, TV, TN>(TMap map, int rowCount, scoped ref Operands o, int c0)
        where TMap : struct, IRowMap
        where TS : ISimdWidth<TV>
        where TV : struct
        where TN : IConstant
    {
        int tile = RowsPerTile(TN.Value);

        // Spread the rows evenly over the tiles (121 rows: sixteen tiles of 6 and five of 5, rather than twenty
        // of 6 and a last tile of 1 that costs as much as a full one).
        int tiles = (rowCount + tile - 1) / tile;
        int smallest = tiles == 0 ? 0 : rowCount / tiles, larger = tiles == 0 ? 0 : rowCount % tiles;
        RowOffsets offsets = default;
        int r0 = 0;
        for (int t = 0; t < tiles; t++)
        {
            int rows = smallest + (t < larger ? 1 : 0);
            map.Offsets(r0, rows, ref offsets);
            nint outputOffset = (r0 * o.OutputRowStride) + c0;
            switch (rows)
            {
                case 12: TallTile<TS, TV, C12, TN>(in offsets, outputOffset, ref o, c0); break;
                case 11: TallTile<TS, TV, C11, TN>(in offsets, outputOffset, ref o, c0); break;
                case 10: TallTile<TS, TV, C10, TN>(in offsets, outputOffset, ref o, c0); break;
                case 9: TallTile<TS, TV, C9, TN>(in offsets, outputOffset, ref o, c0); break;
                case 8: TallTile<TS, TV, C8, TN>(in offsets, outputOffset, ref o, c0); break;
                case 7: TallTile<TS, TV, C7, TN>(in offsets, outputOffset, ref o, c0); break;
                case 6: Tile<TS, TV, C6, TN>(in offsets, outputOffset, ref o, c0); break;
                case 5: Tile<TS, TV, C5, TN>(in offsets, outputOffset, ref o, c0); break;
                case 4: Tile<TS, TV, C4, TN>(in offsets, outputOffset, ref o, c0); break;
                case 3: Tile<TS, TV, C3, TN>(in offsets, outputOffset, ref o, c0); break;
                case 2: Tile<TS, TV, C2, TN>(in offsets, outputOffset, ref o, c0); break;
                default: Tile<TS, TV, C1, TN>(in offsets, outputOffset, ref o, c0); break;
            }

            r0 += rows;
        }
    }

    /// <summary>
    /// Whether the machine has 32 vector registers (AVX-512, for every width) rather than 16 (AVX2, AVX, SSE).
    /// Tiles are sized to the register file: a tile whose accumulators, loaded vectors and broadcast do not
    /// all fit spills to the stack on every step.
    /// </summary>
    private static bool WideRegisterFile => Simd512.IsSupported;

    /// <summary>
    /// Rows per tile for blocks of <paramref name="vectors"/> vectors. With 32 registers: 24 accumulators, 12 rows
    /// of up to 2 vectors or 6 rows of 3 or 4. With 16 registers: 12 accumulators, 12 rows of 1 vector, 6 of 2 or
    /// 4 of 3 (blocks of 4 vectors are not used there), which leaves room for the loaded vectors and the
    /// broadcast.
    /// </summary>
    private static int RowsPerTile(int vectors) => WideRegisterFile
        ? (vectors <= 2 ? 12 : 6)
        : vectors switch { 1 => 12, 2 => 6, _ => FusedMultiplyAdd ? 4 : 3 };

    /// <summary>Whether multiply-adds are one instruction. Without FMA each needs a temporary register for the
    /// product, so tiles keep one more register free: 3 rows of 3 vectors, and pooled tiles (at least 4 rows)
    /// of at most 2 vectors. Measured on SSE (conv2d_1 of the seed model): 4 x 3 pooled tiles ran at 16 GMAC/s,
    /// 4 x 2 at 22.</summary>
    private static bool FusedMultiplyAdd => System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TallTile<TS, TV, TR, TN>(in RowOffsets offsets, nint outputOffset, scoped ref Operands o, int c0, bool pool2x2 = false)
        where TS : ISimdWidth<TV>
        where TV : struct
        where TR : IConstant
        where TN : IConstant
    {
        TileKernel.RunTall<TS, TV, TR, TN>(
            ref o.A,
            in offsets,
            o.AOuter,
            o.AInner,
            ref Unsafe.Add(ref o.B, c0),
            o.BOuter,
            o.BInner,
            o.OuterCount,
            o.InnerCount,
            ref Unsafe.Add(ref o.Output, outputOffset),
            o.OutputRowStride,
            o.Start,
            ref Unsafe.Add(ref o.Bias, c0),
            o.ReLU,
            pool2x2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile<TS, TV, TR, TN>(in RowOffsets offsets, nint outputOffset, scoped ref Operands o, int c0, bool pool2x2 = false)
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
            ref Unsafe.Add(ref o.Output, outputOffset),
            o.OutputRowStride,
            o.Start,
            ref Unsafe.Add(ref o.Bias, c0),
            o.ReLU,
            pool2x2);
    }
}
