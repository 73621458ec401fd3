using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Kernels;

/// <summary>
/// Batch normalization over the last axis of channels-last data: a sample is <c>[rows, channels]</c>, a row being
/// one pixel (or the whole sample, for a vector). Batch-wide statistics read <c>count</c> samples stored
/// <c>stride</c> floats apart. Sums run over blocks of rows in float vectors and are added up in double, in
/// sample and row order, so the statistics are accurate and the same whatever the threads.
/// </summary>
/// <remarks>For generated code; the signatures may change between versions.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class BatchNormKernels
{
    /// <summary>Rows summed in float before the block's sum is added in double.</summary>
    private const int BlockRows = 256;

    /// <summary>The batch mean and (biased, as Keras) variance of every channel over <paramref name="count"/>
    /// samples of <paramref name="sampleLength"/> floats, <paramref name="stride"/> apart in <paramref name="batch"/>;
    /// two passes.</summary>
    public static void Moments(ReadOnlySpan<float> batch, int count, int stride, int sampleLength, int channels, Span<float> mean, Span<float> variance)
    {
        long rows = BatchRows(batch.Length, count, stride, sampleLength, channels);
        Check(mean.Length, channels, nameof(mean));
        Check(variance.Length, channels, nameof(variance));
        Span<double> sums = channels <= 1024 ? stackalloc double[channels] : new double[channels];
        Span<float> block = channels <= 1024 ? stackalloc float[channels] : new float[channels];
        sums.Clear();
        for (int n = 0; n < count; n++)
        {
            SumRows(batch.Slice(n * stride, sampleLength), channels, default, sums, block);
        }

        for (int c = 0; c < channels; c++)
        {
            mean[c] = (float)(sums[c] / rows);
        }

        sums.Clear();
        for (int n = 0; n < count; n++)
        {
            SumRows(batch.Slice(n * stride, sampleLength), channels, mean, sums, block);
        }

        for (int c = 0; c < channels; c++)
        {
            variance[c] = (float)(sums[c] / rows);
        }
    }

    /// <summary><c>moving = moving * momentum + batch * (1 - momentum)</c>, Keras's update.</summary>
    public static void UpdateMovingAverage(Span<float> moving, ReadOnlySpan<float> batch, float momentum)
    {
        Check(batch.Length, moving.Length, nameof(batch));
        for (int c = 0; c < moving.Length; c++)
        {
            moving[c] = (moving[c] * momentum) + (batch[c] * (1f - momentum));
        }
    }

    /// <summary>
    /// The per-channel <paramref name="scale"/> and <paramref name="shift"/> that normalise with
    /// <paramref name="mean"/> and <paramref name="variance"/>: <c>scale = gamma / sqrt(variance + epsilon)</c>,
    /// <c>shift = beta - mean * scale</c>; an empty <paramref name="gamma"/> means 1, an empty
    /// <paramref name="beta"/> 0. Also writes <c>1 / sqrt(variance + epsilon)</c> to
    /// <paramref name="inverseStd"/> unless it is empty (the backward pass needs it).
    /// </summary>
    public static void Coefficients(ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, float epsilon, Span<float> scale, Span<float> shift, Span<float> inverseStd)
    {
        int channels = mean.Length;
        Check(variance.Length, channels, nameof(variance));
        Check(scale.Length, channels, nameof(scale));
        Check(shift.Length, channels, nameof(shift));
        for (int c = 0; c < channels; c++)
        {
            float inverse = 1f / MathF.Sqrt(variance[c] + epsilon);
            if (!inverseStd.IsEmpty)
            {
                inverseStd[c] = inverse;
            }

            float s = (gamma.IsEmpty ? 1f : gamma[c]) * inverse;
            scale[c] = s;
            shift[c] = (beta.IsEmpty ? 0f : beta[c]) - (mean[c] * s);
        }
    }

    /// <summary><c>y[r, c] = x[r, c] * scale[c] + shift[c]</c> (<paramref name="x"/> and <paramref name="y"/> may be
    /// the same span; an empty <paramref name="shift"/> means 0).</summary>
    public static void Affine(ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, Span<float> y)
    {
        int channels = scale.Length;
        int rows = Rows(x.Length, channels);
        Check(y.Length, x.Length, nameof(y));
        if (!shift.IsEmpty)
        {
            Check(shift.Length, channels, nameof(shift));
        }

        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float s = ref MemoryMarshal.GetReference(scale);
        ref float t = ref MemoryMarshal.GetReference(shift);
        bool hasShift = !shift.IsEmpty;
        for (int r = 0; r < rows; r++)
        {
            nint row = (nint)r * channels;
            int c = 0;
            c = AffineCore<Simd512, Vector512<float>>(ref xr, ref yr, ref s, ref t, hasShift, row, c, channels);
            c = AffineCore<Simd256, Vector256<float>>(ref xr, ref yr, ref s, ref t, hasShift, row, c, channels);
            c = AffineCore<Simd128, Vector128<float>>(ref xr, ref yr, ref s, ref t, hasShift, row, c, channels);
            AffineCore<SimdScalar, float>(ref xr, ref yr, ref s, ref t, hasShift, row, c, channels);
        }
    }

    /// <summary>
    /// The backward pass's batch sums per channel over <paramref name="count"/> samples (as in
    /// <see cref="Moments"/>): <c>sum dy</c> and <c>sum dy * xhat</c>, with <c>xhat = (x - mean) * inverseStd</c>.
    /// </summary>
    public static void GradientSums(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int count, int stride, int sampleLength, ReadOnlySpan<float> mean, ReadOnlySpan<float> inverseStd, Span<float> sumDy, Span<float> sumDyXhat)
    {
        int channels = mean.Length;
        BatchRows(x.Length, count, stride, sampleLength, channels);
        BatchRows(dy.Length, count, stride, sampleLength, channels);
        Span<double> sums = channels <= 1024 ? stackalloc double[channels] : new double[channels];
        Span<double> products = channels <= 1024 ? stackalloc double[channels] : new double[channels];
        Span<float> block = channels <= 1024 ? stackalloc float[channels] : new float[channels];
        sums.Clear();
        products.Clear();
        for (int n = 0; n < count; n++)
        {
            SumRows(dy.Slice(n * stride, sampleLength), channels, default, sums, block);
            SumProducts(dy.Slice(n * stride, sampleLength), x.Slice(n * stride, sampleLength), mean, channels, products, block);
        }

        // Centred (sum dy * (x - mean), not sum dy * x - mean * sum dy): exact however large the mean.
        for (int c = 0; c < channels; c++)
        {
            sumDy[c] = (float)sums[c];
            sumDyXhat[c] = (float)(products[c] * inverseStd[c]);
        }
    }

    /// <summary>
    /// The per-channel coefficients of the input gradient of a training-mode batch normalization over
    /// <paramref name="rows"/> rows in all: <c>dx = gamma * inverseStd * (dy - sumDy / rows - xhat * sumDyXhat / rows)</c>,
    /// written as <c>dx = dy * a + (x - mean) * b + c</c> (<paramref name="gamma"/> empty means 1).
    /// </summary>
    public static void InputGradientCoefficients(ReadOnlySpan<float> gamma, ReadOnlySpan<float> inverseStd, ReadOnlySpan<float> sumDy, ReadOnlySpan<float> sumDyXhat, long rows, Span<float> a, Span<float> b, Span<float> c)
    {
        int channels = inverseStd.Length;
        Check(sumDy.Length, channels, nameof(sumDy));
        Check(sumDyXhat.Length, channels, nameof(sumDyXhat));
        Check(a.Length, channels, nameof(a));
        Check(b.Length, channels, nameof(b));
        Check(c.Length, channels, nameof(c));
        if (!gamma.IsEmpty)
        {
            Check(gamma.Length, channels, nameof(gamma));
        }

        for (int k = 0; k < channels; k++)
        {
            float ak = (gamma.IsEmpty ? 1f : gamma[k]) * inverseStd[k];
            float meanDy = (float)(sumDy[k] / (double)rows), meanDyXhat = (float)(sumDyXhat[k] / (double)rows);
            a[k] = ak;
            b[k] = -ak * inverseStd[k] * meanDyXhat;
            c[k] = -ak * meanDy;
        }
    }

    /// <summary>One sample's input gradient: <c>dx[r, c] = dy[r, c] * a[c] + (x[r, c] - mean[c]) * b[c] + c0[c]</c>
    /// (see <see cref="InputGradientCoefficients"/>; centred, so exact however large the mean);
    /// <paramref name="dx"/> may be <paramref name="dy"/>.</summary>
    public static void InputGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, ReadOnlySpan<float> mean, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c0, Span<float> dx)
    {
        int channels = a.Length;
        int rows = Rows(x.Length, channels);
        Check(dy.Length, x.Length, nameof(dy));
        Check(dx.Length, x.Length, nameof(dx));
        Check(mean.Length, channels, nameof(mean));
        Check(b.Length, channels, nameof(b));
        Check(c0.Length, channels, nameof(c0));
        ref float mr = ref MemoryMarshal.GetReference(mean);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float br = ref MemoryMarshal.GetReference(b);
        ref float cr = ref MemoryMarshal.GetReference(c0);
        for (int r = 0; r < rows; r++)
        {
            nint row = (nint)r * channels;
            int c = 0;
            c = InputGradientCore<Simd512, Vector512<float>>(ref xr, ref dyr, ref dxr, ref mr, ref ar, ref br, ref cr, row, c, channels);
            c = InputGradientCore<Simd256, Vector256<float>>(ref xr, ref dyr, ref dxr, ref mr, ref ar, ref br, ref cr, row, c, channels);
            c = InputGradientCore<Simd128, Vector128<float>>(ref xr, ref dyr, ref dxr, ref mr, ref ar, ref br, ref cr, row, c, channels);
            InputGradientCore<SimdScalar, float>(ref xr, ref dyr, ref dxr, ref mr, ref ar, ref br, ref cr, row, c, channels);
        }
    }

    /// <summary>
    /// Inference folding into the layer before: a kernel <c>[..., channels]</c> (Conv2D <c>[kh, kw, in, out]</c>,
    /// Dense <c>[in, out]</c>) and its bias (empty: none) become <c>kernel * scale</c> and
    /// <c>bias * scale + shift</c>, with the per-channel <paramref name="scale"/> and <paramref name="shift"/> of
    /// <see cref="Coefficients"/>.
    /// </summary>
    public static void Fold(ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, Span<float> foldedKernel, Span<float> foldedBias)
    {
        int channels = scale.Length;
        Affine(kernel, scale, default, foldedKernel);
        for (int c = 0; c < channels; c++)
        {
            foldedBias[c] = ((bias.IsEmpty ? 0f : bias[c]) * scale[c]) + shift[c];
        }
    }

    private static void SumRows(ReadOnlySpan<float> x, int channels, ReadOnlySpan<float> center, Span<double> sums, Span<float> block)
    {
        int rows = x.Length / channels;
        for (int r0 = 0; r0 < rows; r0 += BlockRows)
        {
            block.Clear();
            int end = Math.Min(rows, r0 + BlockRows);
            for (int r = r0; r < end; r++)
            {
                ReadOnlySpan<float> row = x.Slice(r * channels, channels);
                if (center.IsEmpty)
                {
                    VectorOps.Add(row, block);
                }
                else
                {
                    VectorOps.AddSquaredDifference(row, center, block);
                }
            }

            for (int c = 0; c < channels; c++)
            {
                sums[c] += block[c];
            }
        }
    }

    /// <summary><c>sums[c] += sum over rows of a[r, c] * (b[r, c] - center[c])</c>, in float blocks added in double.</summary>
    private static void SumProducts(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> center, int channels, Span<double> sums, Span<float> block)
    {
        int rows = a.Length / channels;
        for (int r0 = 0; r0 < rows; r0 += BlockRows)
        {
            block.Clear();
            int end = Math.Min(rows, r0 + BlockRows);
            for (int r = r0; r < end; r++)
            {
                VectorOps.AddCenteredProduct(a.Slice(r * channels, channels), b.Slice(r * channels, channels), center, block);
            }

            for (int c = 0; c < channels; c++)
            {
                sums[c] += block[c];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int AffineCore<TS, TV>(ref float x, ref float y, ref float scale, ref float shift, bool hasShift, nint row, int c, int channels)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported)
        {
            return c;
        }

        for (; c + TS.Count <= channels; c += TS.Count)
        {
            TV v = TS.Multiply(TS.Load(ref x, row + c), TS.Load(ref scale, c));
            TS.Store(hasShift ? TS.Add(v, TS.Load(ref shift, c)) : v, ref y, row + c);
        }

        return c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int InputGradientCore<TS, TV>(ref float x, ref float dy, ref float dx, ref float mean, ref float a, ref float b, ref float c0, nint row, int c, int channels)
        where TS : ISimdWidth<TV>
        where TV : struct
    {
        if (!TS.IsSupported)
        {
            return c;
        }

        for (; c + TS.Count <= channels; c += TS.Count)
        {
            TV g = TS.MultiplyAdd(TS.Load(ref dy, row + c), TS.Load(ref a, c), TS.Load(ref c0, c));
            TV centred = TS.Subtract(TS.Load(ref x, row + c), TS.Load(ref mean, c));
            TS.Store(TS.MultiplyAdd(centred, TS.Load(ref b, c), g), ref dx, row + c);
        }

        return c;
    }

    private static long BatchRows(int length, int count, int stride, int sampleLength, int channels)
    {
        if (count < 1 || sampleLength < 1 || stride < sampleLength || length < ((long)(count - 1) * stride) + sampleLength)
        {
            throw new ArgumentException($"{length} values do not hold {count} samples of {sampleLength}, {stride} apart.");
        }

        return (long)Rows(sampleLength, channels) * count;
    }

    private static int Rows(int length, int channels)
    {
        if (channels <= 0 || length % channels != 0)
        {
            throw new ArgumentException($"{length} values are not rows of {channels} channels.");
        }

        return length / channels;
    }

    private static void Check(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Expected {expected} values, but '{name}' has {actual}.", name);
        }
    }
}
