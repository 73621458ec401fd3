using System;

namespace NetDsl.Runtime.Tests.Engine;

/// <summary><see cref="ParameterInitializer.Constant"/>: a tensor created with its values, copied in by
/// <see cref="NetworkInitializer.Initialize"/> without drawing a random number.</summary>
public sealed class ConstantInitializerTests
{
    [Fact]
    public void InitializeCopiesTheConstantAndDrawsNothingForIt()
    {
        float[] sobel = FixedKernels.Create(FixedKernel.SobelX, 3, 3);
        var constant = new ParameterTensor("conv2d/kernel", new TensorShape(3, 3, 1, 1), 0, 9, sobel, trainable: false);
        var glorot = new ParameterTensor("dense/kernel", new TensorShape(4, 2), 9, 8, ParameterInitializer.GlorotUniform);
        Assert.Equal(ParameterInitializer.Constant, constant.Initializer);
        Assert.False(constant.Trainable);
        Assert.Equal(sobel, constant.ConstantValues.ToArray());
        Assert.True(glorot.ConstantValues.IsEmpty);

        var withConstant = new float[17];
        NetworkInitializer.Initialize(withConstant, new[] { constant, glorot }, seed: 7);
        var alone = new float[17];
        NetworkInitializer.Initialize(alone, new[] { glorot }, seed: 7);

        Assert.Equal(sobel, withConstant[..9]);
        Assert.Equal(alone[9..], withConstant[9..]);
    }

    [Fact]
    public void AConstantMustHaveTheTensorsLengthAndComeWithItsValues()
    {
        var error = Assert.Throws<ArgumentException>(() => new ParameterTensor("conv2d/kernel", new TensorShape(3, 3), 0, 9, new float[4]));
        Assert.Contains("'conv2d/kernel' has 9 values but its constant has 4", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new ParameterTensor("conv2d/kernel", new TensorShape(3, 3), 0, 9, ParameterInitializer.Constant));
    }
}
