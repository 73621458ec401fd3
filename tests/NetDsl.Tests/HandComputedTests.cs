using System;
using NetDsl.Tests.Networks;

namespace NetDsl.Tests;

/// <summary>Tiny networks whose outputs are worked out by hand (numbers in the comments).</summary>
public sealed class HandComputedTests
{
    private static readonly float[] OneToNine = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

    [Fact]
    public void Conv2x2ValidWithBias()
    {
        var net = new Tiny.Conv2x2(0);
        TestData.SetTensor(net, "conv2d/kernel", 1, 2, 3, 4); // [kh, kw, in, out] = [[1, 2], [3, 4]]
        TestData.SetTensor(net, "conv2d/bias", 0.5f);
        // (0,0): 1*1 + 2*2 + 4*3 + 5*4 = 37, (0,1): 2 + 6 + 15 + 24 = 47, (1,0): 67, (1,1): 77; plus 0.5.
        Assert.Equal(new[] { 37.5f, 47.5f, 67.5f, 77.5f }, TestData.Predict(net, OneToNine));
    }

    [Fact]
    public void Conv3x3SamePaddingSumsNeighbourhoods()
    {
        var net = new Tiny.ConvSame3x3(0);
        TestData.SetTensor(net, "conv2d/kernel", 1, 1, 1, 1, 1, 1, 1, 1, 1);
        // Each output is the sum of the 3x3 neighbourhood, zeros outside the image.
        Assert.Equal(new float[] { 12, 21, 16, 27, 45, 33, 24, 39, 28 }, TestData.Predict(net, OneToNine));
    }

    [Fact]
    public void EvenKernelSamePaddingPutsTheExtraPixelBottomRight()
    {
        var net = new Tiny.ConvSameEven(0);
        TestData.SetTensor(net, "conv2d/kernel", 1, 1, 1, 1);
        float[] input = new float[16];
        for (int i = 0; i < 16; i++)
        {
            input[i] = i + 1;
        }

        // Padding total 1 per axis goes to the bottom/right (TensorFlow): out(y, x) = sum of in[y..y+1, x..x+1].
        float[] expected =
        {
            14, 18, 22, 12,
            30, 34, 38, 20,
            46, 50, 54, 28,
            27, 29, 31, 16,
        };
        Assert.Equal(expected, TestData.Predict(net, input));
    }

    [Fact]
    public void Conv3x3Stride2()
    {
        var net = new Tiny.ConvStride2(0);
        TestData.SetTensor(net, "conv2d/kernel", 0, 0, 0, 0, 1, 0, 0, 0, 0); // picks the window's centre
        float[] input = new float[25];
        for (int i = 0; i < 25; i++)
        {
            input[i] = i;
        }

        // Windows start at rows/cols 0 and 2: centres (1,1), (1,3), (3,1), (3,3) = 6, 8, 16, 18.
        Assert.Equal(new float[] { 6, 8, 16, 18 }, TestData.Predict(net, input));
    }

    [Fact]
    public void AveragePoolingSameAveragesOnlyRealCells()
    {
        var net = new Tiny.AvgSame(0);
        // Corner (0,0): mean(1, 2, 4, 5) = 3; edge (0,1): mean(1..6) = 3.5; centre: 5.
        Assert.Equal(new[] { 3f, 3.5f, 4f, 4.5f, 5f, 5.5f, 6f, 6.5f, 7f }, TestData.Predict(net, OneToNine));
    }

    [Fact]
    public void MaxPoolingSameNeverPicksThePadding()
    {
        var net = new Tiny.MaxSame(0);
        float[] negative = Array.ConvertAll(OneToNine, v => -v);
        // 3x3 -> 2x2, padding 1 at the bottom/right; a zero pad would win every max, the real cells must.
        Assert.Equal(new float[] { -1, -3, -7, -9 }, TestData.Predict(net, negative));
    }

    [Fact]
    public void GlobalPoolingPerChannel()
    {
        float[] input = { 1, 10, 2, 20, 3, 30, 4, -40 }; // 2x2 pixels, channels interleaved (HWC)
        Assert.Equal(new[] { 2.5f, 5f }, TestData.Predict(new Tiny.GlobalAvg(0), input));
        Assert.Equal(new[] { 4f, 30f }, TestData.Predict(new Tiny.GlobalMax(0), input));
    }

    [Fact]
    public void DenseUsesKerasKernelLayout()
    {
        var net = new Tiny.Dense2x3(0);
        TestData.SetTensor(net, "dense/kernel", 1, 2, 3, 4, 5, 6); // [in, out] = [[1, 2, 3], [4, 5, 6]]
        TestData.SetTensor(net, "dense/bias", 0.5f, 0, -1);
        // [1, 2] . kernel = [9, 12, 15]; plus bias.
        Assert.Equal(new[] { 9.5f, 12f, 14f }, TestData.Predict(net, new float[] { 1, 2 }));
    }

    [Fact]
    public void Activations()
    {
        float[] x = { -1, 0, 2 };
        TestData.AssertClose(new[] { 0.09003057f, 0.24472847f, 0.66524096f }, TestData.Predict(new Tiny.Softmax3(0), new float[] { 1, 2, 3 }), 1e-7);
        TestData.AssertClose(new[] { 0.26894142f, 0.5f, 0.88079708f }, TestData.Predict(new Tiny.Sigmoid3(0), x), 1e-7);
        TestData.AssertClose(new[] { -0.76159416f, 0f, 0.96402758f }, TestData.Predict(new Tiny.Tanh3(0), x), 1e-7);
        Assert.Equal(new[] { 0f, 0f, 2f }, TestData.Predict(new Tiny.Relu3(0), x));
    }

    [Fact]
    public void SoftmaxIsStableForLargeInputs()
    {
        float[] output = TestData.Predict(new Tiny.Softmax3(0), new float[] { 1000, 1001, 1002 });
        TestData.AssertClose(new[] { 0.09003057f, 0.24472847f, 0.66524096f }, output, 1e-7);
    }

    [Fact]
    public void SoftmaxActivationOfAConvRunsOverChannels()
    {
        var net = new Tiny.PixelSoftmax(0);
        TestData.SetTensor(net, "conv2d/kernel", 1, 0, 0, 1); // 1x1 identity over 2 channels
        TestData.SetTensor(net, "conv2d/bias", 0, 0);
        TestData.AssertClose(new[] { 0.26894142f, 0.73105858f }, TestData.Predict(net, new float[] { 0, 1 }), 1e-7);
    }
}
