using System;
using NetDsl.Kernels;

namespace NetDsl.Runtime.Tests.Kernels;

public sealed class LossKernelTests
{
    [Fact]
    public void SoftmaxCrossEntropyFromLogits()
    {
        var gradient = new float[3];
        // logits (1, 2, 3): log(e + e^2 + e^3) = 3.40760596; loss of label 2 = 0.40760596.
        float loss = LossKernels.SoftmaxCrossEntropy(new float[] { 1, 2, 3 }, 2, gradient);
        Assert.Equal(0.40760596f, loss, 6);
        // softmax = (0.09003057, 0.24472847, 0.66524096), minus one-hot(2).
        Assert.Equal(0.09003057f, gradient[0], 6);
        Assert.Equal(0.24472847f, gradient[1], 6);
        Assert.Equal(0.66524096f - 1f, gradient[2], 6);
    }

    [Fact]
    public void SoftmaxCrossEntropyIsStableForHugeLogits()
    {
        Assert.Equal(2000f, LossKernels.SoftmaxCrossEntropy(new float[] { 1000, 0, -1000 }, 2, default), 2);
        Assert.Equal(0f, LossKernels.SoftmaxCrossEntropy(new float[] { 1000, 0, -1000 }, 0, default), 6);
    }

    [Fact]
    public void CrossEntropyFromProbabilitiesClipsAndNormalises()
    {
        var gradient = new float[3];
        // outputs (0.2, 0.3, 0.5) sum to 1: loss = -log(0.3); d/dy_i = 1/sum - [i == 1] / y_1.
        float loss = LossKernels.CrossEntropyFromProbabilities(new float[] { 0.2f, 0.3f, 0.5f }, 1, gradient);
        Assert.Equal(-MathF.Log(0.3f), loss, 5);
        Assert.Equal(1f, gradient[0], 5);
        Assert.Equal(1f - (1f / 0.3f), gradient[1], 4);
        Assert.Equal(1f, gradient[2], 5);

        // A zero output is clipped to 1e-7: finite loss, zero gradient for the clipped value.
        float clipped = LossKernels.CrossEntropyFromProbabilities(new float[] { 0f, 1f }, 0, gradient.AsSpan(0, 2));
        Assert.Equal(-MathF.Log(1e-7f / (1e-7f + (1f - 1e-7f))), clipped, 3);
        Assert.Equal(0f, gradient[0]);
    }

    [Fact]
    public void LabelsOutsideTheOutputsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LossKernels.SoftmaxCrossEntropy(new float[3], 3, default));
        Assert.Throws<ArgumentOutOfRangeException>(() => LossKernels.CrossEntropyFromProbabilities(new float[3], -1, default));
    }
}
