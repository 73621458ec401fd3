using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDsl.Kernels;

/// <summary>
/// The sizes of one pooling layer, padding resolved. Global pooling is a pool of the whole image.
/// Padded cells never take part: they never win a max and are not counted in a mean (TensorFlow's rule).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Pool2DGeometry
{
    /// <summary>Describes a layer; every argument is a build-time constant in generated code.</summary>
    public Pool2DGeometry(int inputHeight, int inputWidth, int channels, int poolHeight, int poolWidth, int strideHeight, int strideWidth, int padTop, int padBottom, int padLeft, int padRight)
    {
        InputHeight = inputHeight;
        InputWidth = inputWidth;
        Channels = channels;
        PoolHeight = poolHeight;
        PoolWidth = poolWidth;
        StrideHeight = strideHeight;
        StrideWidth = strideWidth;
        PadTop = padTop;
        PadBottom = padBottom;
        PadLeft = padLeft;
        PadRight = padRight;
    }

    /// <summary>A global pool over the whole <paramref name="height"/> x <paramref name="width"/> image.</summary>
    public static Pool2DGeometry Global(int height, int width, int channels) => new(height, width, channels, height, width, 1, 1, 0, 0, 0, 0);

    /// <summary>Rows of the input.</summary>
    public int InputHeight { get; }

    /// <summary>Columns of the input.</summary>
    public int InputWidth { get; }

    /// <summary>Channels of input and output.</summary>
    public int Channels { get; }

    /// <summary>Window rows.</summary>
    public int PoolHeight { get; }

    /// <summary>Window columns.</summary>
    public int PoolWidth { get; }

    /// <summary>Vertical stride.</summary>
    public int StrideHeight { get; }

    /// <summary>Horizontal stride.</summary>
    public int StrideWidth { get; }

    /// <summary>Padding rows above.</summary>
    public int PadTop { get; }

    /// <summary>Padding rows below.</summary>
    public int PadBottom { get; }

    /// <summary>Padding columns left.</summary>
    public int PadLeft { get; }

    /// <summary>Padding columns right.</summary>
    public int PadRight { get; }

    /// <summary>Rows of the output.</summary>
    public int OutputHeight => ((InputHeight + PadTop + PadBottom - PoolHeight) / StrideHeight) + 1;

    /// <summary>Columns of the output.</summary>
    public int OutputWidth => ((InputWidth + PadLeft + PadRight - PoolWidth) / StrideWidth) + 1;

    /// <summary>Floats in the input.</summary>
    public int InputLength => InputHeight * InputWidth * Channels;

    /// <summary>Floats in the output.</summary>
    public int OutputLength => OutputHeight * OutputWidth * Channels;
}

/// <summary>
/// Max and average pooling, forward and backward, channels-last, vectorised over the channels at every
/// width (widest first, then narrower, then scalar). Max pooling's gradient goes to the first cell of the
/// window (row-major) holding the maximum, as in TensorFlow.
/// </summary>
/// <remarks>For generated code; the signatures may change between versions.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class PoolingKernels
{
    /// <summary>Maximum of each window.</summary>
    public static void MaxForward(in Pool2DGeometry g, ReadOnlySpan<float> input, Span<float> output)
    {
        Check(in g, input.Length, output.Length);
        var buffers = new Buffers(input, output, default, default);
        Run<MaxForwardOperation>(in g, ref buffers);
    }

    /// <summary>Mean of the real cells of each window.</summary>
    public static void AverageForward(in Pool2DGeometry g, ReadOnlySpan<float> input, Span<float> output)
    {
        Check(in g, input.Length, output.Length);
        var buffers = new Buffers(input, output, default, default);
        Run<AverageForwardOperation>(in g, ref buffers);
    }

    /// <summary>Writes the input gradient of a max pool: each output's gradient goes to the first cell that
    /// holds its maximum (overlapping windows add up).</summary>
    public static void MaxBackward(in Pool2DGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient) =>
        MaxBackward(in g, input, output, outputGradient, inputGradient, throughReLU: false);

    /// <summary>
    /// <see cref="MaxBackward(in Pool2DGeometry, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>;
    /// with <paramref name="throughReLU"/>, also the backward pass of a ReLU that produced <paramref name="input"/>
    /// (the gradient of a window whose maximum is not positive is dropped), which saves a pass over the input.
    /// A cell that receives a gradient holds its window's maximum, so the mask is the same as the ReLU's own.
    /// </summary>
    public static void MaxBackward(in Pool2DGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, bool throughReLU)
    {
        Check(in g, input.Length, output.Length);
        Check(in g, inputGradient.Length, outputGradient.Length);
        var buffers = new Buffers(input, output, outputGradient, inputGradient) { MaskNonPositive = throughReLU };
        if (g.PadTop == 0 && g.PadLeft == 0 && g.StrideHeight == g.PoolHeight && g.StrideWidth == g.PoolWidth)
        {
            // Windows side by side, no overlap, no gap: each covered cell is written once (gradient or zero)
            // instead of cleared and then added to; only the cells past the last window are cleared here.
            buffers.Overwrite = true;
            ClearUncovered(in g, inputGradient);
        }
        else
        {
            inputGradient.Clear();
        }

        Run<MaxBackwardOperation>(in g, ref buffers);
    }

    /// <summary>Writes the input gradient of an average pool: each real cell of a window gets an equal share.</summary>
    public static void AverageBackward(in Pool2DGeometry g, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        Check(in g, inputGradient.Length, outputGradient.Length);
        inputGradient.Clear();
        var buffers = new Buffers(default, default, outputGradient, inputGradient);
        Run<AverageBackwardOperation>(in g, ref buffers);
    }

    /// <summary>Clears the rows below and the columns right of the last window (valid padding leaves them
    /// out when the pool does not divide the input).</summary>
    private static void ClearUncovered(in Pool2DGeometry g, Span<float> inputGradient)
    {
        int coveredRows = Math.Min(g.InputHeight, g.OutputHeight * g.PoolHeight);
        int coveredColumns = Math.Min(g.InputWidth, g.OutputWidth * g.PoolWidth);
        int rowLength = g.InputWidth * g.Channels;
        if (coveredColumns < g.InputWidth)
        {
            int start = coveredColumns * g.Channels;
            for (int y = 0; y < coveredRows; y++)
            {
                inputGradient.Slice((y * rowLength) + start, rowLength - start).Clear();
            }
        }

        inputGradient.Slice(coveredRows * rowLength).Clear();
    }

    private static void Check(in Pool2DGeometry g, int inputLength, int outputLength)
    {
        if (inputLength != g.InputLength || outputLength != g.OutputLength)
        {
            throw new ArgumentException($"Pooling {g.InputHeight}x{g.InputWidth}x{g.Channels} -> {g.OutputHeight}x{g.OutputWidth}x{g.Channels} needs {g.InputLength} and {g.OutputLength} values, got {inputLength} and {outputLength}.");
        }
    }

    private static void Run<TOp>(in Pool2DGeometry g, ref Buffers buffers)
        where TOp : IPoolOperation
    {
        int c = 0;
        c = Blocks<TOp, Simd512, System.Runtime.Intrinsics.Vector512<float>>(in g, ref buffers, c);
        c = Blocks<TOp, Simd256, System.Runtime.Intrinsics.Vector256<float>>(in g, ref buffers, c);
        c = Blocks<TOp, Simd128, System.Runtime.Intrinsics.Vector128<float>>(in g, ref buffers, c);
        Blocks<TOp, SimdScalar, float>(in g, ref buffers, c);
    }

    /// <summary>Every window, for the channels [c0, end) that this width covers.</summary>
    private static int Blocks<TOp, TS, TV>(in Pool2DGeometry g, ref Buffers buffers, int c0)
        where TOp : IPoolOperation
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        int end = c0 + ((g.Channels - c0) / TS.Count * TS.Count);
        if (!TS.IsSupported || end == c0)
        {
            return c0;
        }

        // Sizes in locals: the geometry's computed properties (a division each) must not run per pixel.
        int outputHeight = g.OutputHeight, outputWidth = g.OutputWidth, channels = g.Channels;
        int inputHeight = g.InputHeight, inputWidth = g.InputWidth, poolHeight = g.PoolHeight, poolWidth = g.PoolWidth;
        int strideHeight = g.StrideHeight, strideWidth = g.StrideWidth, padTop = g.PadTop, padLeft = g.PadLeft;
        var window = new Window { Channels = channels, RowStride = (nint)inputWidth * channels };
        for (int oy = 0, p = 0; oy < outputHeight; oy++)
        {
            int iy = (oy * strideHeight) - padTop;
            int ky0 = Math.Max(0, -iy), ky1 = Math.Min(poolHeight, inputHeight - iy);
            for (int ox = 0; ox < outputWidth; ox++, p++)
            {
                int ix = (ox * strideWidth) - padLeft;
                int kx0 = Math.Max(0, -ix), kx1 = Math.Min(poolWidth, inputWidth - ix);
                window.First = (((nint)(iy + ky0) * inputWidth) + ix + kx0) * channels;
                window.Rows = ky1 - ky0;
                window.Columns = kx1 - kx0;
                window.Output = (nint)p * channels;
                // Up to four channel vectors at once: independent chains keep the max/add latency hidden.
                for (int c = c0; c < end; c += 4 * TS.Count)
                {
                    TOp.Apply<TS, TV>(in window, ref buffers, c, Math.Min(4, (end - c) / TS.Count));
                }
            }
        }

        return end;
    }

    private ref struct Buffers(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        public ref float Input = ref MemoryMarshal.GetReference(input);
        public ref float Output = ref MemoryMarshal.GetReference(output);
        public ref float OutputGradient = ref MemoryMarshal.GetReference(outputGradient);
        public ref float InputGradient = ref MemoryMarshal.GetReference(inputGradient);

        /// <summary>Max backward: windows do not overlap, so cells are stored rather than added to.</summary>
        public bool Overwrite;

        /// <summary>Max backward: drop the gradient of windows whose maximum is not positive (a ReLU before the pool).</summary>
        public bool MaskNonPositive;
    }

    /// <summary>One window clipped to the input: its first real cell, its size, and where its output is.</summary>
    private struct Window
    {
        public nint First;
        public int Rows;
        public int Columns;
        public nint Output;
        public int Channels;
        public nint RowStride;

        /// <summary>Offset of real cell (row, column) of the window, channel 0.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly nint Cell(int row, int column) => First + (row * RowStride) + ((nint)column * Channels);
    }

    private interface IPoolOperation
    {
        /// <summary>Processes <paramref name="vectors"/> (1 to 4) consecutive channel vectors from channel <paramref name="c"/>.</summary>
        static abstract void Apply<TS, TV>(in Window w, ref Buffers b, int c, int vectors)
            where TS : ISimdWidth<TV>
            where TV : struct;
    }

    private readonly struct MaxForwardOperation : IPoolOperation
    {
        /// <summary>The hardware maximum (one instruction, short dependency chains) plus a NaN flag kept off
        /// the chain, so a NaN anywhere in the window still makes the output NaN, as <c>MathF.Max</c> would.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply<TS, TV>(in Window w, ref Buffers b, int c, int vectors)
            where TS : ISimdWidth<TV>
            where TV : struct
        {
            nint n = TS.Count;
            TV m0 = TS.Load(ref b.Input, w.First + c);
            TV m1 = vectors > 1 ? TS.Load(ref b.Input, w.First + c + n) : m0;
            TV m2 = vectors > 2 ? TS.Load(ref b.Input, w.First + c + (2 * n)) : m0;
            TV m3 = vectors > 3 ? TS.Load(ref b.Input, w.First + c + (3 * n)) : m0;
            TV nan0 = TS.Zero, nan1 = TS.Zero, nan2 = TS.Zero, nan3 = TS.Zero;
            for (int y = 0; y < w.Rows; y++)
            {
                for (int x = 0; x < w.Columns; x++)
                {
                    nint cell = w.Cell(y, x) + c;
                    Step<TS, TV>(ref m0, ref nan0, TS.Load(ref b.Input, cell));
                    if (vectors > 1)
                    {
                        Step<TS, TV>(ref m1, ref nan1, TS.Load(ref b.Input, cell + n));
                    }

                    if (vectors > 2)
                    {
                        Step<TS, TV>(ref m2, ref nan2, TS.Load(ref b.Input, cell + (2 * n)));
                    }

                    if (vectors > 3)
                    {
                        Step<TS, TV>(ref m3, ref nan3, TS.Load(ref b.Input, cell + (3 * n)));
                    }
                }
            }

            TV quietNaN = TS.Broadcast(float.NaN);
            Store4<TS, TV>(ref b.Output, w.Output + c, vectors, TS.Select(nan0, quietNaN, m0), TS.Select(nan1, quietNaN, m1), TS.Select(nan2, quietNaN, m2), TS.Select(nan3, quietNaN, m3));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Step<TS, TV>(ref TV max, ref TV nan, TV value)
            where TS : ISimdWidth<TV>
            where TV : struct
        {
            nan = TS.Or(nan, TS.IsNaN(value));
            max = TS.MaxNative(value, max);
        }
    }

    private readonly struct AverageForwardOperation : IPoolOperation
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply<TS, TV>(in Window w, ref Buffers b, int c, int vectors)
            where TS : ISimdWidth<TV>
            where TV : struct
        {
            nint n = TS.Count;
            TV s0 = TS.Zero, s1 = TS.Zero, s2 = TS.Zero, s3 = TS.Zero;
            for (int y = 0; y < w.Rows; y++)
            {
                for (int x = 0; x < w.Columns; x++)
                {
                    nint cell = w.Cell(y, x) + c;
                    s0 = TS.Add(s0, TS.Load(ref b.Input, cell));
                    if (vectors > 1)
                    {
                        s1 = TS.Add(s1, TS.Load(ref b.Input, cell + n));
                    }

                    if (vectors > 2)
                    {
                        s2 = TS.Add(s2, TS.Load(ref b.Input, cell + (2 * n)));
                    }

                    if (vectors > 3)
                    {
                        s3 = TS.Add(s3, TS.Load(ref b.Input, cell + (3 * n)));
                    }
                }
            }

            TV scale = TS.Broadcast(1f / (w.Rows * w.Columns));
            Store4<TS, TV>(ref b.Output, w.Output + c, vectors, TS.Multiply(s0, scale), TS.Multiply(s1, scale), TS.Multiply(s2, scale), TS.Multiply(s3, scale));
        }
    }

    private readonly struct MaxBackwardOperation : IPoolOperation
    {
        /// <summary>Up to four channel vectors at once; per vector, a mask of the lanes already routed keeps
        /// the gradient on the first cell holding the maximum.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply<TS, TV>(in Window w, ref Buffers b, int c, int vectors)
            where TS : ISimdWidth<TV>
            where TV : struct
        {
            nint n = TS.Count;
            TV max0 = TS.Load(ref b.Output, w.Output + c), gradient0 = TS.Load(ref b.OutputGradient, w.Output + c), taken0 = TS.Zero;
            TV max1 = vectors > 1 ? TS.Load(ref b.Output, w.Output + c + n) : TS.Zero;
            TV gradient1 = vectors > 1 ? TS.Load(ref b.OutputGradient, w.Output + c + n) : TS.Zero, taken1 = TS.Zero;
            TV max2 = vectors > 2 ? TS.Load(ref b.Output, w.Output + c + (2 * n)) : TS.Zero;
            TV gradient2 = vectors > 2 ? TS.Load(ref b.OutputGradient, w.Output + c + (2 * n)) : TS.Zero, taken2 = TS.Zero;
            TV max3 = vectors > 3 ? TS.Load(ref b.Output, w.Output + c + (3 * n)) : TS.Zero;
            TV gradient3 = vectors > 3 ? TS.Load(ref b.OutputGradient, w.Output + c + (3 * n)) : TS.Zero, taken3 = TS.Zero;
            if (b.MaskNonPositive)
            {
                gradient0 = TS.Select(TS.GreaterThan(max0, TS.Zero), gradient0, TS.Zero);
                gradient1 = TS.Select(TS.GreaterThan(max1, TS.Zero), gradient1, TS.Zero);
                gradient2 = TS.Select(TS.GreaterThan(max2, TS.Zero), gradient2, TS.Zero);
                gradient3 = TS.Select(TS.GreaterThan(max3, TS.Zero), gradient3, TS.Zero);
            }

            for (int y = 0; y < w.Rows; y++)
            {
                for (int x = 0; x < w.Columns; x++)
                {
                    nint cell = w.Cell(y, x) + c;
                    Route<TS, TV>(ref b, cell, max0, gradient0, ref taken0);
                    if (vectors > 1)
                    {
                        Route<TS, TV>(ref b, cell + n, max1, gradient1, ref taken1);
                    }

                    if (vectors > 2)
                    {
                        Route<TS, TV>(ref b, cell + (2 * n), max2, gradient2, ref taken2);
                    }

                    if (vectors > 3)
                    {
                        Route<TS, TV>(ref b, cell + (3 * n), max3, gradient3, ref taken3);
                    }
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Route<TS, TV>(ref Buffers b, nint cell, TV max, TV gradient, ref TV taken)
            where TS : ISimdWidth<TV>
            where TV : struct
        {
            TV first = TS.AndNot(TS.Equal(TS.Load(ref b.Input, cell), max), taken);
            taken = TS.Or(taken, first);
            TV routed = TS.Select(first, gradient, TS.Zero);
            TS.Store(b.Overwrite ? routed : TS.Add(TS.Load(ref b.InputGradient, cell), routed), ref b.InputGradient, cell);
        }
    }

    private readonly struct AverageBackwardOperation : IPoolOperation
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply<TS, TV>(in Window w, ref Buffers b, int c, int vectors)
            where TS : ISimdWidth<TV>
            where TV : struct
        {
            TV scale = TS.Broadcast(1f / (w.Rows * w.Columns));
            for (int v = 0; v < vectors; v++)
            {
                nint channel = c + (v * (nint)TS.Count);
                TV share = TS.Multiply(TS.Load(ref b.OutputGradient, w.Output + channel), scale);
                for (int y = 0; y < w.Rows; y++)
                {
                    for (int x = 0; x < w.Columns; x++)
                    {
                        nint cell = w.Cell(y, x) + channel;
                        TS.Store(TS.Add(TS.Load(ref b.InputGradient, cell), share), ref b.InputGradient, cell);
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4<TS, TV>(ref float output, nint offset, int vectors, TV v0, TV v1, TV v2, TV v3)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        nint n = TS.Count;
        TS.Store(v0, ref output, offset);
        if (vectors > 1)
        {
            TS.Store(v1, ref output, offset + n);
        }

        if (vectors > 2)
        {
            TS.Store(v2, ref output, offset + (2 * n));
        }

        if (vectors > 3)
        {
            TS.Store(v3, ref output, offset + (3 * n));
        }
    }
}
