using System;

namespace NetDsl;

/// <summary>
/// Repeats (or interpolates) a feature map's pixels: <see cref="SizeHeight"/> x <see cref="SizeWidth"/> times
/// larger (Keras <c>UpSampling2D</c>, default 2x2, nearest). The decoder half of an encoder-decoder.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class UpSampling2DAttribute : LayerAttribute
{
    /// <summary>Twice the height and width.</summary>
    public UpSampling2DAttribute()
        : this(2, 2)
    {
    }

    /// <summary><paramref name="size"/> times the height and the width.</summary>
    public UpSampling2DAttribute(int size)
        : this(size, size)
    {
    }

    /// <summary><paramref name="sizeHeight"/> times the height, <paramref name="sizeWidth"/> times the width.</summary>
    public UpSampling2DAttribute(int sizeHeight, int sizeWidth)
    {
        SizeHeight = sizeHeight;
        SizeWidth = sizeWidth;
    }

    /// <summary>Vertical factor.</summary>
    public int SizeHeight { get; }

    /// <summary>Horizontal factor.</summary>
    public int SizeWidth { get; }

    /// <summary><see cref="NetDsl.Interpolation.Nearest"/> (default) or <see cref="NetDsl.Interpolation.Bilinear"/>.</summary>
    public Interpolation Interpolation { get; set; }
}

/// <summary>
/// Adds rows and columns of zeros around a feature map (Keras <c>ZeroPadding2D</c>, default 1 on every side).
/// <see cref="Top"/>, <see cref="Bottom"/>, <see cref="Left"/> and <see cref="Right"/> set one side each.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ZeroPadding2DAttribute : LayerAttribute
{
    /// <summary>One row and column of zeros on every side.</summary>
    public ZeroPadding2DAttribute()
        : this(1, 1)
    {
    }

    /// <summary><paramref name="padding"/> rows and columns on every side.</summary>
    public ZeroPadding2DAttribute(int padding)
        : this(padding, padding)
    {
    }

    /// <summary><paramref name="height"/> rows above and below, <paramref name="width"/> columns left and right.</summary>
    public ZeroPadding2DAttribute(int height, int width)
    {
        Top = height;
        Bottom = height;
        Left = width;
        Right = width;
    }

    /// <summary>Rows added above.</summary>
    public int Top { get; set; }

    /// <summary>Rows added below.</summary>
    public int Bottom { get; set; }

    /// <summary>Columns added on the left.</summary>
    public int Left { get; set; }

    /// <summary>Columns added on the right.</summary>
    public int Right { get; set; }
}

/// <summary>
/// Removes rows and columns at a feature map's borders (Keras <c>Cropping2D</c>, default none).
/// <see cref="Top"/>, <see cref="Bottom"/>, <see cref="Left"/> and <see cref="Right"/> set one side each.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Cropping2DAttribute : LayerAttribute
{
    /// <summary>Nothing removed (set the sides).</summary>
    public Cropping2DAttribute()
        : this(0, 0)
    {
    }

    /// <summary><paramref name="cropping"/> rows and columns removed on every side.</summary>
    public Cropping2DAttribute(int cropping)
        : this(cropping, cropping)
    {
    }

    /// <summary><paramref name="height"/> rows removed above and below, <paramref name="width"/> columns left and right.</summary>
    public Cropping2DAttribute(int height, int width)
    {
        Top = height;
        Bottom = height;
        Left = width;
        Right = width;
    }

    /// <summary>Rows removed at the top.</summary>
    public int Top { get; set; }

    /// <summary>Rows removed at the bottom.</summary>
    public int Bottom { get; set; }

    /// <summary>Columns removed on the left.</summary>
    public int Left { get; set; }

    /// <summary>Columns removed on the right.</summary>
    public int Right { get; set; }
}

/// <summary>
/// Reads the same values in another shape (Keras <c>Reshape</c>): a vector of <see cref="Length"/>, or a map of
/// <see cref="Height"/> x <see cref="Width"/> x <see cref="Channels"/>; one size may be -1 (inferred). Free at
/// run time: the buffer is the same.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ReshapeAttribute : LayerAttribute
{
    /// <summary>A vector of <paramref name="length"/> values (-1: all of them).</summary>
    public ReshapeAttribute(int length)
    {
        Length = length;
    }

    /// <summary>A feature map of <paramref name="height"/> x <paramref name="width"/> x <paramref name="channels"/>.</summary>
    public ReshapeAttribute(int height, int width, int channels)
    {
        Height = height;
        Width = width;
        Channels = channels;
    }

    /// <summary>Rows of the map (0 for a vector).</summary>
    public int Height { get; }

    /// <summary>Columns of the map (0 for a vector).</summary>
    public int Width { get; }

    /// <summary>Channels of the map (0 for a vector).</summary>
    public int Channels { get; }

    /// <summary>Length of the vector (0 for a map).</summary>
    public int Length { get; }
}
