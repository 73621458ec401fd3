namespace NetDsl;

/// <summary>How <see cref="UpSampling2DAttribute"/> fills the new pixels, and how <see cref="Data.AffineTransform"/>
/// samples between pixels (Keras <c>interpolation</c>).</summary>
public enum Interpolation
{
    /// <summary>Each pixel repeated (Keras <c>"nearest"</c>, the default).</summary>
    Nearest = 0,

    /// <summary>Linear in both directions between the nearest input pixels, with half-pixel centres and the
    /// border repeated, as TensorFlow's and Keras's <c>"bilinear"</c>.</summary>
    Bilinear = 1,
}
