namespace NetDsl;

/// <summary>How a convolution or pooling window treats the border of its input (Keras <c>padding</c>).</summary>
public enum Padding
{
    /// <summary>No padding: the window only visits positions where it fits entirely,
    /// so the output is <c>floor((in - window) / stride) + 1</c> (Keras <c>"valid"</c>, the default).</summary>
    Valid = 0,

    /// <summary>Pads so that the output is <c>ceil(in / stride)</c>; the odd padded pixel goes to the
    /// bottom/right, as in TensorFlow (Keras <c>"same"</c>).</summary>
    Same = 1,
}
