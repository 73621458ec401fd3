using System;
using System.Linq;
using NetDsl.Kernels;

namespace NetDsl.Runtime.Tests.Kernels;

/// <summary>
/// <see cref="BatchNormKernels"/> against double-precision loops: batch statistics (including their numerical
/// stability for large means), the moving averages, the normalising coefficients, the affine map, the backward
/// pass (checked end to end against finite differences of a double-precision training-mode batch normalization)
/// and the inference folding into the layer before. Channel counts cross every vector width's boundary (31 = 16 +
/// 8 + 4 + 3 runs every path); samples may sit <c>stride</c> floats apart with NaN in the gaps, which must never be read.
/// </summary>
public sealed class BatchNormKernelTests
{
    private static readonly int[] ChannelCounts = { 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 70, 100 };

    // ---------------------------------------------------------------- moments

    [Theory]
    [InlineData(1, 1, 1, 0, 0f)]
    [InlineData(3, 4, 3, 0, 0f)]
    [InlineData(2, 5, 16, 0, 0f)]
    [InlineData(3, 7, 17, 5, 0f)]
    [InlineData(2, 3, 31, 0, 0f)]
    [InlineData(4, 2, 33, 3, 0f)]
    [InlineData(2, 3, 70, 1, 0f)]
    [InlineData(2, 300, 3, 1, 0f)]
    [InlineData(1, 600, 5, 0, 0f)]
    [InlineData(2, 3, 1030, 0, 0f)]
    [InlineData(3, 300, 17, 2, 1000f)]
    [InlineData(2, 100, 33, 0, 10000f)]
    [InlineData(3, 50, 3, 0, -5000f)]
    [InlineData(1, 700, 31, 0, 1000f)]
    [InlineData(2, 20000, 16, 0, 1000f)]
    public void MomentsMatchADoubleLoop(int count, int rowsPerSample, int channels, int padding, float offset)
    {
        int sampleLength = rowsPerSample * channels, stride = sampleLength + padding;
        float[] batch = Batch(count, stride, sampleLength, channels, offset, spread: 1f, seed: count + rowsPerSample + channels);
        var mean = new float[channels];
        var variance = new float[channels];
        BatchNormKernels.Moments(batch, count, stride, sampleLength, channels, mean, variance);

        (double[] m, double[] v) = ReferenceMoments(batch, count, stride, sampleLength, channels);
        for (int c = 0; c < channels; c++)
        {
            // The mean: to a few float ulps of the mean (float block sums of 256 rows, added in double).
            double meanError = Math.Abs(mean[c] - m[c]);
            Assert.True(meanError <= (1e-6 * Math.Abs(m[c])) + 1e-7, $"mean[{c}] = {mean[c]:R}, expected {m[c]:R}");

            // Two passes about the float mean: the variance is sum (x - mean_f)^2 / n = variance + (mean - mean_f)^2,
            // accurate relative to the variance itself whatever the mean (a one-pass E[x^2] - E[x]^2 in float would
            // lose every digit at a mean of 1000).
            double expected = v[c] + ((mean[c] - m[c]) * (mean[c] - m[c]));
            Assert.True(Math.Abs(variance[c] - expected) <= 1e-5 * v[c], $"variance[{c}] = {variance[c]:R}, expected {v[c]:R} (mean {m[c]:R}, float mean {mean[c]:R})");
            Assert.True(Math.Abs(variance[c] - v[c]) <= 1e-4 * v[c], $"variance[{c}] = {variance[c]:R}, expected {v[c]:R}");
        }
    }

    [Fact]
    public void MomentsOfConstantChannelsAreExactlyZeroVariance()
    {
        // Channel c holds 1000 + c everywhere (exact in float): the second pass must give 0, never a negative.
        const int count = 3, rows = 300, channels = 17;
        float[] batch = Enumerable.Range(0, count * rows * channels).Select(i => 1000f + (i % channels)).ToArray();
        var mean = new float[channels];
        var variance = new float[channels];
        BatchNormKernels.Moments(batch, count, rows * channels, rows * channels, channels, mean, variance);
        for (int c = 0; c < channels; c++)
        {
            Assert.Equal(1000f + c, mean[c]);
            Assert.Equal(0f, variance[c]);
        }
    }

    [Fact]
    public void MomentsArgumentsAreChecked()
    {
        var mean = new float[3];
        var variance = new float[3];
        Assert.Throws<ArgumentException>(() => BatchNormKernels.Moments(new float[12], 0, 12, 12, 3, mean, variance));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.Moments(new float[12], 1, 6, 12, 3, mean, variance));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.Moments(new float[23], 2, 12, 12, 3, mean, variance));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.Moments(new float[12], 1, 12, 0, 3, mean, variance));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.Moments(new float[12], 1, 12, 12, 5, new float[5], new float[5]));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.Moments(new float[12], 1, 12, 12, 0, new float[0], new float[0]));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.Moments(new float[12], 1, 12, 12, 3, new float[2], variance));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.Moments(new float[12], 1, 12, 12, 3, mean, new float[4]));

        // The last sample needs only sampleLength values, not a whole stride.
        BatchNormKernels.Moments(new float[] { 1, 2, float.NaN, 3, 4 }, 2, 3, 2, 2, mean.AsSpan(0, 2), variance.AsSpan(0, 2));
        Assert.Equal(new[] { 2f, 3f }, mean.Take(2));
        Assert.Equal(new[] { 1f, 1f }, variance.Take(2));
    }

    // ---------------------------------------------------------------- moving averages and coefficients

    [Theory]
    [InlineData(0f)]
    [InlineData(0.5f)]
    [InlineData(0.9f)]
    [InlineData(0.99f)]
    [InlineData(1f)]
    public void UpdateMovingAverageIsKerasUpdate(float momentum)
    {
        foreach (int channels in ChannelCounts)
        {
            float[] moving = Uniform(channels, -3f, 3f, channels), batch = Uniform(channels, -3f, 3f, channels + 1000);
            float[] before = moving.ToArray();
            BatchNormKernels.UpdateMovingAverage(moving, batch, momentum);
            for (int c = 0; c < channels; c++)
            {
                double expected = (before[c] * (double)momentum) + (batch[c] * (1 - (double)momentum));
                Assert.True(Math.Abs(moving[c] - expected) <= 3e-7 * (Math.Abs(before[c]) + Math.Abs(batch[c])), $"[{c}] expected {expected:R}, got {moving[c]:R}");
            }

            if (momentum == 1f)
            {
                Assert.Equal(before, moving);
            }
            else if (momentum == 0f)
            {
                Assert.Equal(batch, moving);
            }
        }

        Assert.Throws<ArgumentException>(() => BatchNormKernels.UpdateMovingAverage(new float[3], new float[4], momentum));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.UpdateMovingAverage(new float[3], default, momentum));
    }

    [Theory]
    [InlineData(true, true, true, 1e-3f)]
    [InlineData(false, true, true, 1e-3f)]
    [InlineData(true, false, true, 1e-5f)]
    [InlineData(false, false, false, 1e-3f)]
    [InlineData(true, true, false, 0.1f)]
    public void CoefficientsNormaliseWithTheStatistics(bool withGamma, bool withBeta, bool withInverseStd, float epsilon)
    {
        foreach (int channels in ChannelCounts)
        {
            float[] gamma = withGamma ? Uniform(channels, -2f, 2f, channels) : Array.Empty<float>();
            float[] beta = withBeta ? Uniform(channels, -1f, 1f, channels + 1) : Array.Empty<float>();
            float[] mean = Uniform(channels, -5f, 5f, channels + 2);
            float[] variance = Uniform(channels, 0f, 3f, channels + 3);
            variance[0] = 0f;
            var scale = new float[channels];
            var shift = new float[channels];
            float[] inverseStd = withInverseStd ? new float[channels] : Array.Empty<float>();
            BatchNormKernels.Coefficients(gamma, beta, mean, variance, epsilon, scale, shift, inverseStd);
            for (int c = 0; c < channels; c++)
            {
                double inverse = 1 / Math.Sqrt(variance[c] + (double)epsilon);
                double g = withGamma ? gamma[c] : 1, b = withBeta ? beta[c] : 0;
                double s = g * inverse;
                Assert.True(Math.Abs(scale[c] - s) <= 5e-7 * Math.Abs(s), $"scale[{c}] = {scale[c]:R}, expected {s:R}");
                Assert.True(Math.Abs(shift[c] - (b - (mean[c] * s))) <= 5e-7 * (Math.Abs(b) + Math.Abs(mean[c] * s)), $"shift[{c}] = {shift[c]:R}, expected {b - (mean[c] * s):R}");
                if (withInverseStd)
                {
                    Assert.True(Math.Abs(inverseStd[c] - inverse) <= 3e-7 * inverse, $"inverseStd[{c}] = {inverseStd[c]:R}, expected {inverse:R}");
                }

                // And they do normalise: x * scale + shift = gamma (x - mean) / sqrt(variance + epsilon) + beta.
                double x = mean[c] + 0.75;
                Assert.True(Math.Abs((x * scale[c]) + shift[c] - ((g * 0.75 * inverse) + b)) <= 2e-6 * (1 + Math.Abs(x * s)));
            }
        }

        Assert.Throws<ArgumentException>(() => BatchNormKernels.Coefficients(default, default, new float[3], new float[2], epsilon, new float[3], new float[3], default));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.Coefficients(default, default, new float[3], new float[3], epsilon, new float[4], new float[3], default));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.Coefficients(default, default, new float[3], new float[3], epsilon, new float[3], new float[2], default));
    }

    // ---------------------------------------------------------------- affine

    [Fact]
    public void AffineIsAMultiplyAndAnAddPerChannel()
    {
        const int rows = 3;
        foreach (int channels in ChannelCounts)
        {
            float[] x = Uniform(rows * channels, -4f, 4f, channels), scale = Uniform(channels, -2f, 2f, channels + 1), shift = Uniform(channels, -1f, 1f, channels + 2);
            var y = new float[x.Length];
            var unshifted = new float[x.Length];
            BatchNormKernels.Affine(x, scale, shift, y);
            BatchNormKernels.Affine(x, scale, default, unshifted);
            float[] inPlace = x.ToArray();
            BatchNormKernels.Affine(inPlace, scale, shift, inPlace);
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < channels; c++)
                {
                    int i = (r * channels) + c;

                    // Two roundings on every path (a multiply, then an add: no fused multiply-add), so exactly the scalar result.
                    Assert.Equal((x[i] * scale[c]) + shift[c], y[i]);
                    Assert.Equal(x[i] * scale[c], unshifted[i]);
                    Assert.Equal(y[i], inPlace[i]);
                }
            }
        }

        Assert.Throws<ArgumentException>(() => BatchNormKernels.Affine(new float[7], new float[3], default, new float[7]));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.Affine(new float[6], new float[3], default, new float[9]));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.Affine(new float[6], new float[3], new float[2], new float[6]));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.Affine(new float[6], default, default, new float[6]));
    }

    // ---------------------------------------------------------------- backward

    [Theory]
    [InlineData(3, 7, 17, 5, 0f)]
    [InlineData(2, 300, 3, 2, 0f)]
    [InlineData(4, 1, 33, 0, 0f)]
    [InlineData(2, 3, 70, 1, 0f)]
    [InlineData(2, 3, 1030, 0, 0f)]
    [InlineData(3, 50, 31, 0, 100f)]
    [InlineData(3, 50, 31, 0, 1000f)]
    [InlineData(2, 20, 17, 1, -10000f)]
    public void GradientSumsMatchADoubleLoop(int count, int rowsPerSample, int channels, int padding, float offset)
    {
        int sampleLength = rowsPerSample * channels, stride = sampleLength + padding;
        float[] x = Batch(count, stride, sampleLength, channels, offset, spread: 1f, seed: channels);
        float[] dy = Batch(count, stride, sampleLength, channels, 0f, spread: 1f, seed: channels + 1, shifted: false);
        var mean = new float[channels];
        var variance = new float[channels];
        var scale = new float[channels];
        var shift = new float[channels];
        var inverseStd = new float[channels];
        BatchNormKernels.Moments(x, count, stride, sampleLength, channels, mean, variance);
        BatchNormKernels.Coefficients(default, default, mean, variance, 1e-3f, scale, shift, inverseStd);
        var sumDy = new float[channels];
        var sumDyXhat = new float[channels];
        BatchNormKernels.GradientSums(x, dy, count, stride, sampleLength, mean, inverseStd, sumDy, sumDyXhat);

        for (int c = 0; c < channels; c++)
        {
            double sum = 0, absolute = 0, product = 0, absoluteProduct = 0;
            for (int n = 0; n < count; n++)
            {
                for (int r = 0; r < rowsPerSample; r++)
                {
                    int i = (n * stride) + (r * channels) + c;
                    double xhat = (x[i] - (double)mean[c]) * inverseStd[c];
                    sum += dy[i];
                    absolute += Math.Abs(dy[i]);
                    product += dy[i] * xhat;
                    absoluteProduct += Math.Abs(dy[i] * xhat);
                }
            }

            Assert.True(Math.Abs(sumDy[c] - sum) <= 1e-6 * absolute, $"sumDy[{c}] = {sumDy[c]:R}, expected {sum:R}");

            // sum dy xhat is centred on the float mean, whose own rounding (half an ulp of |mean|, 6e-8 relative)
            // shifts xhat by up to 6e-8 |mean| / std: the only error that grows with the mean.
            double allowed = (1e-6 + (6e-8 * Math.Abs(mean[c]) * inverseStd[c])) * absoluteProduct;
            Assert.True(Math.Abs(sumDyXhat[c] - product) <= allowed, $"sumDyXhat[{c}] = {sumDyXhat[c]:R}, expected {product:R} (error {Math.Abs(sumDyXhat[c] - product):G3}, allowed {allowed:G3})");
        }
    }

    [Theory]
    [InlineData(3, 4, 3, 0, true, 0f)]
    [InlineData(3, 4, 3, 0, false, 0f)]
    [InlineData(2, 3, 17, 5, true, 0f)]
    [InlineData(4, 1, 33, 0, true, 0f)]
    [InlineData(2, 2, 31, 3, false, 0f)]
    [InlineData(2, 60, 5, 1, true, 0f)]
    [InlineData(3, 4, 3, 0, true, 100f)]
    [InlineData(3, 4, 3, 0, true, 1000f)]
    [InlineData(2, 5, 17, 2, false, -10000f)]
    public void InputGradientIsTheExactBatchNormGradient(int count, int rowsPerSample, int channels, int padding, bool withGamma, float offset)
    {
        const float epsilon = 1e-3f;
        int sampleLength = rowsPerSample * channels, stride = sampleLength + padding;
        long rows = (long)count * rowsPerSample;
        float[] x = Batch(count, stride, sampleLength, channels, offset, spread: 1.5f, seed: 10 + channels);
        float[] gamma = withGamma ? Uniform(channels, -2f, 2f, 20 + channels) : Array.Empty<float>();
        float[] beta = Uniform(channels, -1f, 1f, 30 + channels);

        // The objective sum(w * y): its gradient with respect to y is w.
        float[] w = Batch(count, stride, sampleLength, channels, 0f, spread: 1f, seed: 40 + channels, shifted: false);

        // The training step's forward statistics and backward sums, then each sample's input gradient.
        var mean = new float[channels];
        var variance = new float[channels];
        var scale = new float[channels];
        var shift = new float[channels];
        var inverseStd = new float[channels];
        var sumDy = new float[channels];
        var sumDyXhat = new float[channels];
        var a = new float[channels];
        var b = new float[channels];
        var c0 = new float[channels];
        BatchNormKernels.Moments(x, count, stride, sampleLength, channels, mean, variance);
        BatchNormKernels.Coefficients(gamma, beta, mean, variance, epsilon, scale, shift, inverseStd);
        BatchNormKernels.GradientSums(x, w, count, stride, sampleLength, mean, inverseStd, sumDy, sumDyXhat);
        BatchNormKernels.InputGradientCoefficients(gamma, inverseStd, sumDy, sumDyXhat, rows, a, b, c0);
        var dx = new float[x.Length];
        float[] inPlace = w.ToArray();
        for (int n = 0; n < count; n++)
        {
            BatchNormKernels.InputGradient(x.AsSpan(n * stride, sampleLength), w.AsSpan(n * stride, sampleLength), mean, a, b, c0, dx.AsSpan(n * stride, sampleLength));
            BatchNormKernels.InputGradient(x.AsSpan(n * stride, sampleLength), inPlace.AsSpan(n * stride, sampleLength), mean, a, b, c0, inPlace.AsSpan(n * stride, sampleLength));
        }

        // Central differences of a double-precision training-mode batch normalization (batch statistics, biased
        // variance), of every input in turn.
        double[] xd = Compact(x, count, stride, sampleLength).Select(v => (double)v).ToArray();
        double[] wd = Compact(w, count, stride, sampleLength).Select(v => (double)v).ToArray();
        double[] gammaD = withGamma ? gamma.Select(v => (double)v).ToArray() : Enumerable.Repeat(1.0, channels).ToArray();
        double[] betaD = beta.Select(v => (double)v).ToArray();
        double[] numeric = new double[xd.Length];
        double largest = 0;
        for (int i = 0; i < xd.Length; i++)
        {
            double keep = xd[i];
            const double h = 1e-4;
            xd[i] = keep + h;
            double plus = Objective(xd, wd, gammaD, betaD, channels, epsilon);
            xd[i] = keep - h;
            double minus = Objective(xd, wd, gammaD, betaD, channels, epsilon);
            xd[i] = keep;
            numeric[i] = (plus - minus) / (2 * h);
            largest = Math.Max(largest, Math.Abs(numeric[i]));
        }

        // The analytic gradient in double: gamma inverseStd (dy - mean(dy) - xhat mean(dy xhat)).
        double[] analytic = AnalyticGradient(xd, wd, gammaD, channels, epsilon);
        for (int i = 0; i < xd.Length; i++)
        {
            Assert.True(Math.Abs(analytic[i] - numeric[i]) <= 1e-6 * largest, $"analytic [{i}] {analytic[i]:R}, finite difference {numeric[i]:R}");
        }

        // Float accuracy relative to the largest gradient; centred sums and dx = dy a + (x - mean) b + c leave only
        // the float mean's rounding (6e-8 |mean| / std), which shifts xhat.
        double ratio = Enumerable.Range(0, channels).Max(ch => Math.Abs(mean[ch]) * inverseStd[ch]);
        double allowed = (2e-6 + (6e-8 * ratio)) * largest;
        for (int n = 0; n < count; n++)
        {
            for (int j = 0; j < sampleLength; j++)
            {
                int i = (n * sampleLength) + j, k = (n * stride) + j;
                Assert.True(Math.Abs(dx[k] - numeric[i]) <= allowed, $"dx[{n}, {j}] = {dx[k]:R}, expected {numeric[i]:R} (analytic {analytic[i]:R}); error {Math.Abs(dx[k] - numeric[i]):G3}, allowed {allowed:G3}");
                Assert.Equal(dx[k], inPlace[k]);
            }

            // The gaps between samples are not written.
            for (int k = (n * stride) + sampleLength; k < Math.Min((n + 1) * stride, dx.Length); k++)
            {
                Assert.Equal(0f, dx[k]);
            }
        }

        // The gradient of each channel sums to zero (the batch mean is subtracted), up to the errors above.
        for (int ch = 0; ch < channels; ch++)
        {
            double total = 0;
            for (int n = 0; n < count; n++)
            {
                for (int r = 0; r < rowsPerSample; r++)
                {
                    total += dx[(n * stride) + (r * channels) + ch];
                }
            }

            Assert.True(Math.Abs(total) <= rows * allowed, $"channel {ch}: dx sums to {total}");
        }
    }

    [Fact]
    public void InputGradientArgumentsAreChecked()
    {
        var three = new float[3];
        Assert.Throws<ArgumentException>(() => BatchNormKernels.InputGradient(new float[7], new float[7], three, three, three, three, new float[7]));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.InputGradient(new float[6], new float[9], three, three, three, three, new float[6]));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.InputGradient(new float[6], new float[6], three, three, three, three, new float[3]));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.InputGradient(new float[6], new float[6], three, default, three, three, new float[6]));

        // b and c0 are read for every channel of a: shorter spans would be read past their end.
        Assert.Throws<ArgumentException>(() => BatchNormKernels.InputGradient(new float[48], new float[48], new float[16], new float[16], new float[15], new float[16], new float[48]));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.InputGradient(new float[48], new float[48], new float[16], new float[16], new float[16], default, new float[48]));
    }

    [Fact]
    public void GradientSumsArgumentsAreChecked()
    {
        var three = new float[3];
        Assert.Throws<ArgumentException>(() => BatchNormKernels.GradientSums(new float[12], new float[11], 1, 12, 12, three, three, three, three));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.GradientSums(new float[11], new float[12], 1, 12, 12, three, three, three, three));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.GradientSums(new float[24], new float[24], 2, 11, 12, three, three, three, three));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.GradientSums(new float[12], new float[12], 1, 12, 12, new float[5], three, three, three));
    }

    // ---------------------------------------------------------------- folding

    [Theory]
    [InlineData(1, true)]
    [InlineData(3, true)]
    [InlineData(17, true)]
    [InlineData(31, false)]
    [InlineData(33, true)]
    [InlineData(70, false)]
    public void FoldingIntoADenseLayerEqualsTheAffineAfterIt(int units, bool withBias)
    {
        const int inputs = 5, batch = 4;
        float[] kernel = Uniform(inputs * units, -1f, 1f, units), bias = withBias ? Uniform(units, -1f, 1f, units + 1) : Array.Empty<float>();
        float[] gamma = Uniform(units, 0.5f, 2f, units + 2), beta = Uniform(units, -1f, 1f, units + 3);
        float[] mean = Uniform(units, -2f, 2f, units + 4), variance = Uniform(units, 0.1f, 3f, units + 5);
        var scale = new float[units];
        var shift = new float[units];
        BatchNormKernels.Coefficients(gamma, beta, mean, variance, 1e-3f, scale, shift, default);
        var foldedKernel = new float[kernel.Length];
        var foldedBias = new float[units];
        BatchNormKernels.Fold(kernel, bias, scale, shift, foldedKernel, foldedBias);

        float[] x = Uniform(batch * inputs, -3f, 3f, units + 6);
        for (int n = 0; n < batch; n++)
        {
            // Dense then batch norm: (x K + b) scale + shift, in float through the kernels.
            var dense = new float[units];
            for (int u = 0; u < units; u++)
            {
                double z = withBias ? bias[u] : 0;
                for (int i = 0; i < inputs; i++)
                {
                    z += x[(n * inputs) + i] * (double)kernel[(i * units) + u];
                }

                dense[u] = (float)z;
            }

            var normalised = new float[units];
            BatchNormKernels.Affine(dense, scale, shift, normalised);

            // The folded Dense alone: x K' + b'.
            for (int u = 0; u < units; u++)
            {
                double folded = foldedBias[u], magnitude = Math.Abs(foldedBias[u]);
                for (int i = 0; i < inputs; i++)
                {
                    folded += x[(n * inputs) + i] * (double)foldedKernel[(i * units) + u];
                    magnitude += Math.Abs(x[(n * inputs) + i] * (double)foldedKernel[(i * units) + u]);
                }

                Assert.True(Math.Abs(normalised[u] - folded) <= 1e-6 * (magnitude + Math.Abs(shift[u]) + 1), $"sample {n} unit {u}: {normalised[u]:R} vs folded {folded:R}");
            }
        }

        // Exactly kernel * scale per output channel, and bias * scale + shift.
        for (int i = 0; i < inputs; i++)
        {
            for (int u = 0; u < units; u++)
            {
                Assert.Equal(kernel[(i * units) + u] * scale[u], foldedKernel[(i * units) + u]);
            }
        }

        for (int u = 0; u < units; u++)
        {
            Assert.Equal(((withBias ? bias[u] : 0f) * scale[u]) + shift[u], foldedBias[u]);
        }
    }

    [Fact]
    public void FoldingAConv2DKernelScalesItsOutputChannels()
    {
        // [kh, kw, in, out] = [3, 3, 2, 17]: output channel o of every tap is multiplied by scale[o].
        const int taps = 3 * 3 * 2, filters = 17;
        float[] kernel = Uniform(taps * filters, -1f, 1f, 1), bias = Uniform(filters, -1f, 1f, 2);
        float[] scale = Uniform(filters, -2f, 2f, 3), shift = Uniform(filters, -1f, 1f, 4);
        var foldedKernel = new float[kernel.Length];
        var foldedBias = new float[filters];
        BatchNormKernels.Fold(kernel, bias, scale, shift, foldedKernel, foldedBias);
        for (int t = 0; t < taps; t++)
        {
            for (int o = 0; o < filters; o++)
            {
                Assert.Equal(kernel[(t * filters) + o] * scale[o], foldedKernel[(t * filters) + o]);
            }
        }

        for (int o = 0; o < filters; o++)
        {
            Assert.Equal((bias[o] * scale[o]) + shift[o], foldedBias[o]);
        }

        Assert.Throws<ArgumentException>(() => BatchNormKernels.Fold(new float[10], default, scale, shift, new float[10], foldedBias));
        Assert.Throws<ArgumentException>(() => BatchNormKernels.Fold(kernel, default, scale, shift, new float[kernel.Length - filters], foldedBias));
    }

    // ---------------------------------------------------------------- references

    private static (double[] Mean, double[] Variance) ReferenceMoments(float[] batch, int count, int stride, int sampleLength, int channels)
    {
        var mean = new double[channels];
        var variance = new double[channels];
        int rowsPerSample = sampleLength / channels;
        double n = (double)count * rowsPerSample;
        for (int s = 0; s < count; s++)
        {
            for (int i = 0; i < sampleLength; i++)
            {
                mean[i % channels] += batch[(s * stride) + i];
            }
        }

        for (int c = 0; c < channels; c++)
        {
            mean[c] /= n;
        }

        for (int s = 0; s < count; s++)
        {
            for (int i = 0; i < sampleLength; i++)
            {
                double d = batch[(s * stride) + i] - mean[i % channels];
                variance[i % channels] += d * d;
            }
        }

        for (int c = 0; c < channels; c++)
        {
            variance[c] /= n;
        }

        return (mean, variance);
    }

    /// <summary><c>sum(w * y)</c> with <c>y = gamma (x - mean) / sqrt(variance + epsilon) + beta</c> over the batch (rows of <paramref name="channels"/>).</summary>
    private static double Objective(double[] x, double[] w, double[] gamma, double[] beta, int channels, double epsilon)
    {
        (double[] mean, double[] variance) = Statistics(x, channels);
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            int c = i % channels;
            total += w[i] * ((gamma[c] * (x[i] - mean[c]) / Math.Sqrt(variance[c] + epsilon)) + beta[c]);
        }

        return total;
    }

    private static double[] AnalyticGradient(double[] x, double[] dy, double[] gamma, int channels, double epsilon)
    {
        (double[] mean, double[] variance) = Statistics(x, channels);
        double rows = x.Length / channels;
        var meanDy = new double[channels];
        var meanDyXhat = new double[channels];
        for (int i = 0; i < x.Length; i++)
        {
            int c = i % channels;
            meanDy[c] += dy[i] / rows;
            meanDyXhat[c] += dy[i] * (x[i] - mean[c]) / Math.Sqrt(variance[c] + epsilon) / rows;
        }

        var dx = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int c = i % channels;
            double inverse = 1 / Math.Sqrt(variance[c] + epsilon);
            dx[i] = gamma[c] * inverse * (dy[i] - meanDy[c] - ((x[i] - mean[c]) * inverse * meanDyXhat[c]));
        }

        return dx;
    }

    private static (double[] Mean, double[] Variance) Statistics(double[] x, int channels)
    {
        var mean = new double[channels];
        var variance = new double[channels];
        double rows = x.Length / channels;
        for (int i = 0; i < x.Length; i++)
        {
            mean[i % channels] += x[i] / rows;
        }

        for (int i = 0; i < x.Length; i++)
        {
            double d = x[i] - mean[i % channels];
            variance[i % channels] += d * d / rows;
        }

        return (mean, variance);
    }

    // ---------------------------------------------------------------- helpers

    /// <summary><paramref name="count"/> samples <paramref name="stride"/> apart, uniform within
    /// <paramref name="spread"/> of <c>offset + ((c % 8) - 4) / 4</c> (channel c), or of <paramref name="offset"/> alone
    /// when not <paramref name="shifted"/>; the gaps between samples hold NaN (they must never be read).</summary>
    private static float[] Batch(int count, int stride, int sampleLength, int channels, float offset, float spread, int seed, bool shifted = true)
    {
        var random = new DeterministicRandom(seed);
        var batch = new float[((count - 1) * stride) + sampleLength];
        Array.Fill(batch, float.NaN);
        for (int n = 0; n < count; n++)
        {
            for (int i = 0; i < sampleLength; i++)
            {
                batch[(n * stride) + i] = offset + (shifted ? ((i % channels % 8) - 4) * 0.25f : 0f) + random.NextSingle(-spread, spread);
            }
        }

        return batch;
    }

    private static float[] Compact(float[] batch, int count, int stride, int sampleLength)
    {
        var compact = new float[count * sampleLength];
        for (int n = 0; n < count; n++)
        {
            Array.Copy(batch, n * stride, compact, n * sampleLength, sampleLength);
        }

        return compact;
    }

    private static float[] Uniform(int n, float low, float high, int seed)
    {
        var random = new DeterministicRandom(seed);
        return Enumerable.Range(0, n).Select(_ => random.NextSingle(low, high)).ToArray();
    }
}
