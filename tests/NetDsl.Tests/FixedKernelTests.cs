using System;
using System.IO;
using System.Linq;
using NetDsl.Data;
using NetDsl.Tests.Networks;
using NetDsl.Training;

namespace NetDsl.Tests;

/// <summary>
/// The primer's named kernels (<see cref="FixedKernels"/>), Conv2D with a constant kernel and <c>Trainable = false</c>:
/// the values, the generator's constants against the runtime's, the forward pass on a real digit against a double
/// reference, Conv2D as a cross-correlation, and training that leaves a fixed layer as it is.
/// </summary>
public sealed class FixedKernelTests
{
    private static readonly Lazy<(Dataset Train, Dataset Test)> Digits =
        new(() => Dataset.LoadMnist(Path.Combine(AppContext.BaseDirectory, "data", "mnist-digits")));

    [Fact]
    public void NamedKernelsHaveThePrimersValues()
    {
        Assert.Equal(new float[] { -1, 0, 1, -2, 0, 2, -1, 0, 1 }, FixedKernels.Create(FixedKernel.SobelX, 3, 3));
        Assert.Equal(new float[] { -1, -2, -1, 0, 0, 0, 1, 2, 1 }, FixedKernels.Create(FixedKernel.SobelY, 3, 3));
        Assert.Equal(new float[] { -1, 0, 1, -1, 0, 1, -1, 0, 1 }, FixedKernels.Create(FixedKernel.PrewittX, 3, 3));
        Assert.Equal(new float[] { -1, -1, -1, 0, 0, 0, 1, 1, 1 }, FixedKernels.Create(FixedKernel.PrewittY, 3, 3));
        Assert.Equal(new float[] { 0, 1, 0, 1, -4, 1, 0, 1, 0 }, FixedKernels.Create(FixedKernel.Laplacian, 3, 3));
        Assert.Equal(new float[] { 0, -1, 0, -1, 5, -1, 0, -1, 0 }, FixedKernels.Create(FixedKernel.Sharpen, 3, 3));
        Assert.Equal(new float[] { -2, -1, 0, -1, 1, 1, 0, 1, 2 }, FixedKernels.Create(FixedKernel.Emboss, 3, 3));
        Assert.Equal(new[] { 1, 2, 1, 2, 4, 2, 1, 2, 1 }.Select(v => v / 16f), FixedKernels.Create(FixedKernel.GaussianBlur, 3, 3));
        Assert.Equal(Enumerable.Repeat(1f / 9, 9), FixedKernels.Create(FixedKernel.BoxBlur, 3, 3));

        // The y kernels are the x kernels transposed.
        float[] sobelX = FixedKernels.Create(FixedKernel.SobelX, 3, 3), prewittX = FixedKernels.Create(FixedKernel.PrewittX, 3, 3);
        Assert.Equal(Transpose3x3(sobelX), FixedKernels.Create(FixedKernel.SobelY, 3, 3));
        Assert.Equal(Transpose3x3(prewittX), FixedKernels.Create(FixedKernel.PrewittY, 3, 3));
    }

    [Fact]
    public void BlursComeInEverySizeAndSumToOne()
    {
        // 5x3 Gaussian: the outer product of Pascal's rows [1 4 6 4 1] / 16 and [1 2 1] / 4.
        float[] gaussian = FixedKernels.Create(FixedKernel.GaussianBlur, 5, 3);
        int[] rows = { 1, 4, 6, 4, 1 }, columns = { 1, 2, 1 };
        for (int y = 0; y < 5; y++)
        {
            for (int x = 0; x < 3; x++)
            {
                Assert.Equal(rows[y] * columns[x] / 64f, gaussian[(y * 3) + x]);
            }
        }

        foreach ((int h, int w) in new[] { (1, 1), (2, 2), (4, 7), (7, 7), (1, 1500) })
        {
            Assert.Equal(1.0, FixedKernels.Create(FixedKernel.GaussianBlur, h, w).Sum(v => (double)v), 6);
            Assert.Equal(1.0, FixedKernels.Create(FixedKernel.BoxBlur, h, w).Sum(v => (double)v), 6);
        }
    }

    [Fact]
    public void ThreeByThreeKernelsRefuseOtherSizes()
    {
        foreach (FixedKernel kind in Enum.GetValues<FixedKernel>().Where(k => !FixedKernels.IsResizable(k)))
        {
            Assert.False(FixedKernels.Fits(kind, 5, 5));
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => FixedKernels.Create(kind, 5, 5));
            Assert.Contains("is a 3x3 kernel, not 5x5", error.Message, StringComparison.Ordinal);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => FixedKernels.Create(FixedKernel.BoxBlur, 0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedKernels.Create((FixedKernel)99, 3, 3));
    }

    [Fact]
    public void TheGeneratorsConstantsAreTheRuntimesValues()
    {
        // The generator writes the kernels at build time; a new network holds exactly FixedKernels.Create's values,
        // whatever the seed.
        FixedKernel[] kinds = Enum.GetValues<FixedKernel>();
        var net = new EveryNamedKernel(seed: 5);
        ParameterTensor kernel = EveryNamedKernel.ParameterLayout.Single(t => t.Name == "conv2d/kernel");
        Assert.Equal(ParameterInitializer.Constant, kernel.Initializer);
        Assert.True(kernel.Trainable);
        float[] values = kernel.Slice(net.Parameters).ToArray();
        Assert.Equal(values, kernel.ConstantValues.ToArray());
        for (int f = 0; f < kinds.Length; f++)
        {
            Assert.Equal(FixedKernels.Create(kinds[f], 3, 3), Enumerable.Range(0, 9).Select(k => values[(k * kinds.Length) + f]));
        }

        // Over three channels each channel holds a third: the filter sees the channels' mean.
        var blurs = new RectangularBlurs(seed: 1);
        float[] blurKernel = RectangularBlurs.ParameterLayout.Single(t => t.Name == "conv2d/kernel").Slice(blurs.Parameters).ToArray();
        float[] box = FixedKernels.Create(FixedKernel.BoxBlur, 5, 3), gaussian = FixedKernels.Create(FixedKernel.GaussianBlur, 5, 3);
        for (int k = 0; k < 15; k++)
        {
            for (int c = 0; c < 3; c++)
            {
                Assert.Equal(box[k] / 3, blurKernel[(((k * 3) + c) * 2) + 0]);
                Assert.Equal(gaussian[k] / 3, blurKernel[(((k * 3) + c) * 2) + 1]);
            }
        }
    }

    [Fact]
    public void FixedSobelOnARealDigitMatchesAHandComputedReference()
    {
        Dataset test = Digits.Value.Test;
        float[] digit = test.GetInput(0).ToArray();
        var net = new SobelEdges();
        var output = new float[SobelEdges.OutputLength];
        net.Predict(digit, output);

        double[,] sobelX = { { -1, 0, 1 }, { -2, 0, 2 }, { -1, 0, 1 } };
        double[,] sobelY = { { -1, -2, -1 }, { 0, 0, 0 }, { 1, 2, 1 } };
        double[] x = CrossCorrelate(digit, 28, 28, sobelX), y = CrossCorrelate(digit, 28, 28, sobelY);
        double largest = 0;
        for (int i = 0; i < 26 * 26; i++)
        {
            Assert.Equal(x[i], output[(2 * i) + 0], 1e-5);
            Assert.Equal(y[i], output[(2 * i) + 1], 1e-5);
            largest = Math.Max(largest, Math.Abs(x[i]));
        }

        // Strokes are edges: the responses are large (a pixel is at most 1, Sobel's weights sum to 4 a side).
        Assert.True(largest > 2, $"largest Sobel x response {largest}");

        // The text form is the same network.
        var text = new SobelEdgesText();
        var textOutput = new float[SobelEdges.OutputLength];
        text.Predict(digit, textOutput);
        Assert.Equal(output, textOutput);
        Assert.Equal(SobelEdges.Architecture, SobelEdgesText.Architecture);
    }

    [Fact]
    public void Conv2DIsACrossCorrelationThatIsConvolutionWithTheFlippedKernel()
    {
        // As in Keras (and PyTorch): y[i, j] = sum x[i + u, j + v] * k[u, v]. Signal processing's convolution
        // (scipy.signal.convolve2d, 'valid') slides the kernel flipped in both axes: conv(x, k)[i, j] =
        // sum x[i + u, j + v] * k[kh - 1 - u, kw - 1 - v]. So Conv2D(k) = conv(x, flip(k)).
        float[] digit = Digits.Value.Test.GetInput(1).ToArray();
        var output = new float[SobelEdges.OutputLength];
        new SobelEdges().Predict(digit, output);

        double[,] sobelX = { { -1, 0, 1 }, { -2, 0, 2 }, { -1, 0, 1 } };
        double[] withFlipped = Convolve(digit, 28, 28, Flip(sobelX));
        double[] withUnflipped = Convolve(digit, 28, 28, sobelX);
        double differs = 0;
        for (int i = 0; i < 26 * 26; i++)
        {
            Assert.Equal(withFlipped[i], output[2 * i], 1e-5);

            // Sobel x flipped is minus Sobel x: convolution with the kernel as written gives the opposite sign.
            Assert.Equal(-withUnflipped[i], output[2 * i], 1e-5);
            differs = Math.Max(differs, Math.Abs(withUnflipped[i] - output[2 * i]));
        }

        Assert.True(differs > 4, $"convolution with the unflipped kernel differs by at most {differs}");

        // A kernel without any symmetry: the output is convolution with the flipped kernel, not with the kernel.
        double[,] asymmetric = { { 1, 2, 0 }, { 0, -1, 3 }, { -2, 0, 0.5 } };
        var net = new AsymmetricKernel();
        var out2 = new float[AsymmetricKernel.OutputLength];
        net.Predict(digit, out2);
        double[] flipped = Convolve(digit, 28, 28, Flip(asymmetric)), unflipped = Convolve(digit, 28, 28, asymmetric);
        Assert.All(Enumerable.Range(0, 26 * 26), i => Assert.Equal(flipped[i], out2[i], 1e-5));
        Assert.Contains(Enumerable.Range(0, 26 * 26), i => Math.Abs(unflipped[i] - out2[i]) > 1);
    }

    [Fact]
    public void SummaryAndLayoutCountAFixedLayerAsNonTrainable()
    {
        // conv2d: 2 * 9 + 2 = 20 fixed; conv2d_1: 16 * 18 + 16 = 304; dense: 12 * 12 * 16 * 10 + 10 = 23,050.
        Assert.Contains("Total params: 23,374\n", FixedEdgeDigitNet.Summary, StringComparison.Ordinal);
        Assert.Contains("Trainable params: 23,354\n", FixedEdgeDigitNet.Summary, StringComparison.Ordinal);
        Assert.Contains("Non-trainable params: 20\n", FixedEdgeDigitNet.Summary, StringComparison.Ordinal);
        Assert.Equal(new[] { "conv2d/kernel", "conv2d/bias" }, FixedEdgeDigitNet.ParameterLayout.Where(t => !t.Trainable).Select(t => t.Name));
        Assert.Contains("Non-trainable params: 0\n", TrainableEdgeDigitNet.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(typeof(FixedEdgeDigitNet), typeof(TrainableEdgeDigitNet))]
    [InlineData(typeof(FrozenInTheMiddle), typeof(TrainableInTheMiddle))]
    public void AFixedLayerGetsNoGradientAndTheOthersTheSame(Type frozenType, Type trainableType)
    {
        // The frozen and the trainable twin start from the same parameters (a constant kernel draws no random
        // numbers, and freezing changes no draw); the trainable tensors' gradients agree bit for bit, and the
        // frozen ones are zero where the twin's are not. FrozenInTheMiddle freezes a dilated Conv2D, a
        // DepthwiseConv2D and a Dense between trainable layers.
        INetwork frozen = TestData.Create(frozenType, seed: 4);
        INetwork trainable = TestData.Create(trainableType, seed: 4);
        frozen.MaxDegreeOfParallelism = trainable.MaxDegreeOfParallelism = 1;
        Assert.Equal(frozen.Parameters.ToArray(), trainable.Parameters.ToArray());
        Assert.Contains(frozen.ParameterLayout, t => !t.Trainable);

        const int Batch = 8;
        float[] inputs = frozenType == typeof(FixedEdgeDigitNet) ? Digits.Value.Train.Slice(0, Batch).Inputs.ToArray() : TestData.Uniform(Batch * frozen.InputLength, seed: 9);
        int[] labels = Enumerable.Range(0, Batch).Select(n => n % frozen.OutputLength).ToArray();
        var g1 = new float[frozen.ParameterCount];
        var g2 = new float[frozen.ParameterCount];
        Assert.Equal(trainable.ComputeGradients(inputs, labels, g2), frozen.ComputeGradients(inputs, labels, g1));
        foreach (ParameterTensor tensor in frozen.ParameterLayout)
        {
            float[] a = tensor.Slice(g1.AsSpan()).ToArray(), b = tensor.Slice(g2.AsSpan()).ToArray();
            if (tensor.Trainable)
            {
                Assert.Equal(b, a);
            }
            else
            {
                Assert.All(a, v => Assert.Equal(0f, v));
                Assert.Contains(b, v => v != 0f);
            }
        }
    }

    [Fact]
    public void TrainingLearnsDigitsAndLeavesTheFixedLayerBitForBit()
    {
        Dataset train = Digits.Value.Train.Slice(0, 3000);
        Dataset test = Digits.Value.Test.Slice(0, 1000);
        var net = new FixedEdgeDigitNet(seed: 2);
        ParameterTensor[] frozen = FixedEdgeDigitNet.ParameterLayout.Where(t => !t.Trainable).ToArray();
        float[][] before = frozen.Select(t => t.Slice(net.Parameters).ToArray()).ToArray();
        float[] dense = FixedEdgeDigitNet.ParameterLayout.Single(t => t.Name == "dense/kernel").Slice(net.Parameters).ToArray();
        BatchStatistics untrained = net.Evaluate(test);

        net.Fit(train, new FitOptions { Epochs = 2, BatchSize = 32, Optimizer = new AdamW(0.003f), Seed = 1 });
        BatchStatistics trained = net.Evaluate(test);

        // From a guess to reading digits off Sobel edges alone (measured: 93.8%).
        Assert.InRange(untrained.Accuracy, 0.0, 0.3);
        Assert.True(trained.Accuracy >= 0.88, $"test accuracy {trained.Accuracy:P2}");
        for (int t = 0; t < frozen.Length; t++)
        {
            Assert.Equal(before[t], frozen[t].Slice(net.Parameters).ToArray());
        }

        Assert.NotEqual(dense, FixedEdgeDigitNet.ParameterLayout.Single(t => t.Name == "dense/kernel").Slice(net.Parameters).ToArray());
    }

    [Fact]
    public void AFixedLayerSavesAndLoadsLikeAnyOther()
    {
        // Saved weights hold the fixed tensors too (Keras saves non-trainable weights); loading them wins over the
        // constant, as loading any weights wins over the initialiser.
        var net = new FixedEdgeDigitNet(seed: 3);
        ParameterTensor kernel = FixedEdgeDigitNet.ParameterLayout.Single(t => t.Name == "conv2d/kernel");
        kernel.Slice(net.Parameters).Fill(0.5f);
        string path = Path.Combine(Path.GetTempPath(), $"netdsl-{Guid.NewGuid():N}.safetensors");
        try
        {
            net.Save(path);
            var fresh = new FixedEdgeDigitNet(seed: 4);
            Assert.Equal(kernel.ConstantValues.ToArray(), kernel.Slice(fresh.Parameters).ToArray());

            fresh.Load(path);

            Assert.Equal(net.Parameters.ToArray(), fresh.Parameters.ToArray());
            Assert.Equal("input 28x28x1\nconv2d 2 3x3 fixed sobel_x sobel_y\nconv2d 16 3x3 relu\nmaxpool 2x2\nflatten\ndense 10 softmax",
                Serialization.Safetensors.Read(path).Metadata["architecture"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static float[] Transpose3x3(float[] k) => new[] { k[0], k[3], k[6], k[1], k[4], k[7], k[2], k[5], k[8] };

    private static double[,] Flip(double[,] k)
    {
        int h = k.GetLength(0), w = k.GetLength(1);
        var flipped = new double[h, w];
        for (int u = 0; u < h; u++)
        {
            for (int v = 0; v < w; v++)
            {
                flipped[u, v] = k[h - 1 - u, w - 1 - v];
            }
        }

        return flipped;
    }

    /// <summary>Keras's Conv2D ('valid', one channel) in doubles: the kernel laid over each window as written.</summary>
    private static double[] CrossCorrelate(float[] image, int height, int width, double[,] k)
    {
        int kh = k.GetLength(0), kw = k.GetLength(1), oh = height - kh + 1, ow = width - kw + 1;
        var result = new double[oh * ow];
        for (int i = 0; i < oh; i++)
        {
            for (int j = 0; j < ow; j++)
            {
                double sum = 0;
                for (int u = 0; u < kh; u++)
                {
                    for (int v = 0; v < kw; v++)
                    {
                        sum += image[((i + u) * width) + j + v] * k[u, v];
                    }
                }

                result[(i * ow) + j] = sum;
            }
        }

        return result;
    }

    /// <summary>Signal processing's convolution ('valid', as scipy.signal.convolve2d): the kernel flipped in both
    /// axes, y[i, j] = sum over (m, n) of x[m, n] * k[i + kh - 1 - m, j + kw - 1 - n].</summary>
    private static double[] Convolve(float[] image, int height, int width, double[,] k)
    {
        int kh = k.GetLength(0), kw = k.GetLength(1), oh = height - kh + 1, ow = width - kw + 1;
        var result = new double[oh * ow];
        for (int i = 0; i < oh; i++)
        {
            for (int j = 0; j < ow; j++)
            {
                double sum = 0;
                for (int m = i; m < i + kh; m++)
                {
                    for (int n = j; n < j + kw; n++)
                    {
                        sum += image[(m * width) + n] * k[i + kh - 1 - m, j + kw - 1 - n];
                    }
                }

                result[(i * ow) + j] = sum;
            }
        }

        return result;
    }
}
