namespace NetDsl;

/// <summary>An element-wise (or, for <see cref="Softmax"/>, last-axis) activation function.</summary>
public enum Activation
{
    /// <summary>Linear: the identity (Keras <c>None</c> / <c>"linear"</c>).</summary>
    None = 0,

    /// <summary><c>max(x, 0)</c> (Keras <c>"relu"</c>).</summary>
    ReLU = 1,

    /// <summary><c>1 / (1 + exp(-x))</c> (Keras <c>"sigmoid"</c>).</summary>
    Sigmoid = 2,

    /// <summary>Hyperbolic tangent (Keras <c>"tanh"</c>).</summary>
    Tanh = 3,

    /// <summary>Softmax over the last axis (the channels of a feature map, or the whole vector).</summary>
    Softmax = 4,
}
