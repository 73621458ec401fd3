namespace NetDsl.Images;

/// <summary>The channels an image is converted to (Keras's <c>color_mode</c>).</summary>
public enum ColorMode
{
    /// <summary>Three channels, red, green, blue; an alpha channel is dropped, a gray image is repeated.</summary>
    Rgb,

    /// <summary>One channel; a colour image becomes <c>0.299 R + 0.587 G + 0.114 B</c> (ITU-R BT.601, as libjpeg
    /// and TensorFlow's decoders convert), rounded to a whole 8-bit value.</summary>
    Grayscale,
}

/// <summary>How an image is resampled to the target size (Keras's <c>interpolation</c>).</summary>
public enum Interpolation
{
    /// <summary>Bilinear with half-pixel centres and no antialiasing, as <c>tf.image.resize</c> (Keras's default).</summary>
    Bilinear,

    /// <summary>The nearest source pixel, with half-pixel centres, as <c>tf.image.resize(method="nearest")</c>.</summary>
    Nearest,
}

/// <summary>Which part of a split folder to load (Keras's <c>subset</c>).</summary>
public enum ImageSubset
{
    /// <summary>Every image (no validation split).</summary>
    All,

    /// <summary>The first <c>1 - ValidationSplit</c> of the shuffled files.</summary>
    Training,

    /// <summary>The last <c>ValidationSplit</c> of the shuffled files.</summary>
    Validation,
}
