using System;

namespace NetDsl;

/// <summary>Fully connected layer (Keras <c>Dense</c>): <c>output = activation(input · kernel + bias)</c>,
/// kernel stored as <c>[inputs, units]</c>. Its input must be a vector: put <see cref="FlattenAttribute"/>
/// (or a global pooling layer) after the last spatial layer.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute : LayerAttribute
{
    /// <summary>A layer of <paramref name="units"/> outputs.</summary>
    public DenseAttribute(int units)
    {
        Units = units;
    }

    /// <summary>Number of outputs.</summary>
    public int Units { get; }

    /// <summary>Activation applied to the output (default: linear).</summary>
    public Activation Activation { get; set; }

    /// <summary>Whether the layer adds a bias per unit (default true).</summary>
    public bool UseBias { get; set; } = true;

    /// <summary>Whether training changes the layer's kernel and bias (Keras <c>trainable</c>, default true). With
    /// false <c>Summary</c> counts them as non-trainable and optimizers leave them as they are. DSL: <c>fixed</c>.</summary>
    public bool Trainable { get; set; } = true;
}
