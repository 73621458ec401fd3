using System;

namespace NetDsl;

/// <summary>How a parameter tensor is filled when a network is created.</summary>
public enum ParameterInitializer
{
    /// <summary>All zeros (Keras's default for biases).</summary>
    Zeros = 0,

    /// <summary>All ones.</summary>
    Ones = 1,

    /// <summary>Uniform in <c>[-limit, limit]</c>, <c>limit = sqrt(6 / (fanIn + fanOut))</c>
    /// (Keras's default for kernels).</summary>
    GlorotUniform = 2,

    /// <summary>Values given with the tensor (<see cref="ParameterTensor.ConstantValues"/>; Keras's
    /// <c>Constant</c> initializer): a Conv2D's named or explicit kernel. Draws no random numbers.</summary>
    Constant = 3,
}

/// <summary>
/// One named tensor inside a network's flat <c>Parameters</c> buffer, e.g. <c>conv2d/kernel</c> of shape
/// <c>(3, 3, 1, 32)</c> at offset 0. Names and layouts are Keras's.
/// </summary>
public sealed class ParameterTensor
{
    /// <summary>Describes a tensor; <paramref name="length"/> must equal the shape's element count.</summary>
    public ParameterTensor(string name, TensorShape shape, int offset, int length, ParameterInitializer initializer = ParameterInitializer.Zeros, bool trainable = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (shape.ElementCount != length)
        {
            throw new ArgumentException($"Tensor '{name}' has shape {shape} ({shape.ElementCount} values) but length {length}.", nameof(length));
        }

        Name = name;
        Shape = shape;
        Offset = offset;
        Length = length;
        if (initializer == ParameterInitializer.Constant)
        {
            throw new ArgumentException($"Tensor '{name}': a constant tensor is created with its values.", nameof(initializer));
        }

        Initializer = initializer;
        Trainable = trainable;
    }

    /// <summary>Describes a tensor that a network's constructors fill with <paramref name="constant"/>
    /// (<see cref="ParameterInitializer.Constant"/>), in the tensor's layout.</summary>
    public ParameterTensor(string name, TensorShape shape, int offset, int length, ReadOnlyMemory<float> constant, bool trainable = true)
        : this(name, shape, offset, length, ParameterInitializer.Zeros, trainable)
    {
        if (constant.Length != length)
        {
            throw new ArgumentException($"Tensor '{name}' has {length} values but its constant has {constant.Length}.", nameof(constant));
        }

        Initializer = ParameterInitializer.Constant;
        ConstantValues = constant;
    }

    /// <summary>Keras weight name: <c>layer/kernel</c> or <c>layer/bias</c>.</summary>
    public string Name { get; }

    /// <summary>Keras layout of the tensor.</summary>
    public TensorShape Shape { get; }

    /// <summary>Index of the first value in the network's <c>Parameters</c>.</summary>
    public int Offset { get; }

    /// <summary>Number of values.</summary>
    public int Length { get; }

    /// <summary>How the network's constructors fill it.</summary>
    public ParameterInitializer Initializer { get; }

    /// <summary>The values of a <see cref="ParameterInitializer.Constant"/> tensor; empty for the others.</summary>
    public ReadOnlyMemory<float> ConstantValues { get; }

    /// <summary>False for tensors that training never changes (BatchNormalization's moving statistics, the
    /// tensors of a layer with <c>Trainable = false</c>).</summary>
    public bool Trainable { get; }

    /// <summary>The tensor's values inside a network's parameter buffer.</summary>
    public Span<float> Slice(Span<float> parameters) => parameters.Slice(Offset, Length);

    /// <summary>The tensor's values inside a network's parameter buffer.</summary>
    public ReadOnlySpan<float> Slice(ReadOnlySpan<float> parameters) => parameters.Slice(Offset, Length);

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Shape} @{Offset}";
}
