using System;

namespace NetDsl;

/// <summary>A standalone activation layer (Keras <c>Activation</c>), e.g. <c>[Activation(Activation.ReLU)]</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ActivationAttribute : LayerAttribute
{
    /// <summary>Applies <paramref name="activation"/> to every value (softmax: over the last axis).</summary>
    public ActivationAttribute(Activation activation)
    {
        Kind = activation;
    }

    /// <summary>The activation function.</summary>
    public Activation Kind { get; }
}
