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
    public static void MaxBackward(in Pool2DGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        Check(in g, input.Length, output.Length);
        Check(in g, inputGradient.Length, outputGradient.Length);
        inputGradient.Clear();
        var buffers = new Buffers(input, output, outputGradient, inputGradient);
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

        var window = new Window { Channels = g.Channels, RowStride = (nint)g.InputWidth * g.Channels };
        for (int oy = 0, p = 0; oy < g.OutputHeight; oy++)
        {
            int iy = (oy * g.StrideHeight) - g.PadTop;
            int ky0 = Math.Max(0, -iy), ky1 = Math.Min(g.PoolHeight, g.InputHeight - iy);
            for (int ox = 0; ox < g.OutputWidth; ox++, p++)
            {
                int ix = (ox * g.StrideWidth) - g.PadLeft;
                int kx0 = Math.Max(0, -ix), kx1 = Math.Min(g.PoolWidth, g.InputWidth - ix);
                window.First = ((((nint)(iy + ky0) * g.InputWidth) + ix + kx0) * g.Channels);
                window.Rows = ky1 - ky0;
                window.Columns = kx1 - kx0;
                window.Output = (nint)p * g.Channels;
                for (int c = c0; c < end; c += TS.Count)
                {
                    TOp.Apply<TS, TV>(in window, ref buffers, c);
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
        static abstract void Apply<TS, TV>(in Window w, ref Buffers b, int c)
            where TS : ISimdWidth<TV>
            where TV : struct;
    }

    private readonly struct MaxForwardOperation : IPoolOperation
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply<TS, TV>(in Window w, ref Buffers b, int c)
            where TS : ISimdWidth<TV>
            where TV : struct
        {
            TV max = TS.Load(ref b.Input, w.First + c);
            for (int y = 0; y < w.Rows; y++)
            {
                for (int x = 0; x < w.Columns; x++)
                {
                    max = TS.Max(max, TS.Load(ref b.Input, w.Cell(y, x) + c));
                }
            }

            TS.Store(max, ref b.Output, w.Output + c);
        }
    }

    private readonly struct AverageForwardOperation : IPoolOperation
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply<TS, TV>(in Window w, ref Buffers b, int c)
            where TS : ISimdWidth<TV>
            where TV : struct
        {
            TV sum = TS.Zero;
            for (int y = 0; y < w.Rows; y++)
            {
                for (int x = 0; x < w.Columns; x++)
                {
                    sum = TS.Add(sum, TS.Load(ref b.Input, w.Cell(y, x) + c));
                }
            }

            TS.Store(TS.Multiply(sum, TS.Broadcast(1f / (w.Rows * w.Columns))), ref b.Output, w.Output + c);
        }
    }

    private readonly struct MaxBackwardOperation : IPoolOperation
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply<TS, TV>(in Window w, ref Buffers b, int c)
            where TS : ISimdWidth<TV>
            where TV : struct
        {
            TV max = TS.Load(ref b.Output, w.Output + c);
            TV gradient = TS.Load(ref b.OutputGradient, w.Output + c);
            TV taken = TS.Zero;
            for (int y = 0; y < w.Rows; y++)
            {
                for (int x = 0; x < w.Columns; x++)
                {
                    nint cell = w.Cell(y, x) + c;
                    TV first = TS.AndNot(TS.Equal(TS.Load(ref b.Input, cell), max), taken);
                    taken = TS.Or(taken, first);
                    TS.Store(TS.Add(TS.Load(ref b.InputGradient, cell), TS.Select(first, gradient, TS.Zero)), ref b.InputGradient, cell);
                }
            }
        }
    }

    private readonly struct AverageBackwardOperation : IPoolOperation
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply<TS, TV>(in Window w, ref Buffers b, int c)
            where TS : ISimdWidth<TV>
            where TV : struct
        {
            TV share = TS.Multiply(TS.Load(ref b.OutputGradient, w.Output + c), TS.Broadcast(1f / (w.Rows * w.Columns)));
            for (int y = 0; y < w.Rows; y++)
            {
                for (int x = 0; x < w.Columns; x++)
                {
                    nint cell = w.Cell(y, x) + c;
                    TS.Store(TS.Add(TS.Load(ref b.InputGradient, cell), share), ref b.InputGradient, cell);
                }
            }
        }
    }
}
