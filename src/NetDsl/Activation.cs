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

    /// <summary><c>x &gt; 0 ? x : 0.2 x</c> (Keras <c>"leaky_relu"</c>, negative slope 0.2; the
    /// <see cref="LeakyReLUAttribute"/> layer takes its own slope, 0.3 by default).</summary>
    LeakyReLU = 5,

    /// <summary><c>x &gt; 0 ? x : exp(x) - 1</c> (Keras <c>"elu"</c>, alpha 1).</summary>
    ELU = 6,

    /// <summary>Scaled ELU: <c>1.0507 * (x &gt; 0 ? x : 1.6733 * (exp(x) - 1))</c> (Keras <c>"selu"</c>).</summary>
    SELU = 7,

    /// <summary>Gaussian error linear unit, exact: <c>0.5 x (1 + erf(x / sqrt 2))</c> (Keras <c>"gelu"</c>).</summary>
    GELU = 8,

    /// <summary><c>x * sigmoid(x)</c> (Keras <c>"swish"</c>, also called <c>"silu"</c>).</summary>
    Swish = 9,

    /// <summary><c>min(max(x, 0), 6)</c> (Keras <c>"relu6"</c>).</summary>
    ReLU6 = 10,

    /// <summary><c>log(1 + exp(x))</c> (Keras <c>"softplus"</c>).</summary>
    Softplus = 11,

    /// <summary><c>x / (1 + |x|)</c> (Keras <c>"softsign"</c>).</summary>
    Softsign = 12,

    /// <summary><c>relu6(x + 3) / 6</c> (Keras 3 <c>"hard_sigmoid"</c>).</summary>
    HardSigmoid = 13,
}
