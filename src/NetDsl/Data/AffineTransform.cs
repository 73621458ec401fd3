using System;

namespace NetDsl.Data;

/// <summary>
/// How <see cref="AffineTransform.Apply(ReadOnlySpan{float}, Span{float}, int, int, int, Interpolation, FillMode, float)"/>
/// fills output pixels whose source point lies outside the input (Keras's <c>fill_mode</c>). With input
/// pixels <c>a b c d</c>:
/// </summary>
public enum FillMode
{
    /// <summary><c>d c b a | a b c d | d c b a</c>: reflected about the edge of the last pixel (Keras's
    /// <c>"reflect"</c>, the default of <see cref="RandomRotation"/> and <see cref="RandomZoom"/>).</summary>
    Reflect = 0,

    /// <summary><c>a b c d | a b c d | a b c d</c>: the image repeated (Keras's <c>"wrap"</c>).</summary>
    Wrap = 1,

    /// <summary><c>k k k k | a b c d | k k k k</c>: the fill value <c>k</c> (Keras's <c>"constant"</c>).</summary>
    Constant = 2,

    /// <summary><c>a a a a | a b c d | d d d d</c>: the nearest edge pixel (Keras's <c>"nearest"</c>).</summary>
    Nearest = 3,
}

/// <summary>
/// A 2-D affine map from each <em>output</em> pixel <c>(x, y)</c> to the <em>input</em> point it is sampled from,
/// as Keras's <c>keras.ops.image.affine_transform</c> transform <c>[a0, a1, a2, b0, b1, b2, 0, 0]</c>:
/// <c>inputX = XX*x + XY*y + X0</c>, <c>inputY = YX*x + YY*y + Y0</c>. Coordinates are pixel indices (pixel
/// centres at whole numbers, x across columns, y down rows). <see cref="Apply(ReadOnlySpan{float}, Span{float}, int, int, int, Interpolation, FillMode, float)"/>
/// samples a channels-last image through it without allocating; neighbours outside the input are handled per
/// <see cref="FillMode"/> index by index, as the map_coordinates of Keras 3's NumPy and JAX backends.
/// </summary>
public readonly struct AffineTransform : IEquatable<AffineTransform>
{
    /// <summary>The map <c>inputX = xx*x + xy*y + x0</c>, <c>inputY = yx*x + yy*y + y0</c>.</summary>
    public AffineTransform(float xx, float xy, float x0, float yx, float yy, float y0)
    {
        XX = xx;
        XY = xy;
        X0 = x0;
        YX = yx;
        YY = yy;
        Y0 = y0;
    }

    /// <summary>Every output pixel reads the input pixel at the same place.</summary>
    public static AffineTransform Identity => new(1, 0, 0, 0, 1, 0);

    /// <summary>Input x per output x.</summary>
    public float XX { get; }

    /// <summary>Input x per output y.</summary>
    public float XY { get; }

    /// <summary>Input x at the output origin.</summary>
    public float X0 { get; }

    /// <summary>Input y per output x.</summary>
    public float YX { get; }

    /// <summary>Input y per output y.</summary>
    public float YY { get; }

    /// <summary>Input y at the output origin.</summary>
    public float Y0 { get; }

    /// <summary>Moves the content <paramref name="dy"/> rows down and <paramref name="dx"/> columns right.</summary>
    public static AffineTransform Translation(float dy, float dx) => new(1, 0, -dx, 0, 1, -dy);

    /// <summary>
    /// Rotates the content by <paramref name="angle"/> radians about the image centre, counter-clockwise on
    /// screen for a positive angle: Keras's rotation matrix (<c>RandomRotation</c>), so a quarter turn puts the
    /// input's last column in the output's first row.
    /// </summary>
    public static AffineTransform Rotation(double angle, int height, int width)
    {
        ValidateSize(height, width);
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        double xOffset = ((width - 1) - ((cos * (width - 1)) - (sin * (height - 1)))) / 2.0;
        double yOffset = ((height - 1) - ((sin * (width - 1)) + (cos * (height - 1)))) / 2.0;
        return new((float)cos, (float)-sin, (float)xOffset, (float)sin, (float)cos, (float)yOffset);
    }

    /// <summary>
    /// Scales about the image centre as Keras's zoom matrix (<c>RandomZoom</c>): each output pixel reads the
    /// input <paramref name="heightZoom"/> (<paramref name="widthZoom"/>) times as far from the centre, so a zoom
    /// above 1 shows more of the image (zooms out) and below 1 shows less (zooms in).
    /// </summary>
    public static AffineTransform Zoom(float heightZoom, float widthZoom, int height, int width)
    {
        ValidateSize(height, width);
        return new(widthZoom, 0, (width - 1) / 2f * (1 - widthZoom), 0, heightZoom, (height - 1) / 2f * (1 - heightZoom));
    }

    /// <summary>Mirrors left-right (<paramref name="horizontal"/>) and/or top-bottom (<paramref name="vertical"/>).</summary>
    public static AffineTransform Mirror(bool horizontal, bool vertical, int height, int width)
    {
        ValidateSize(height, width);
        return new(horizontal ? -1 : 1, 0, horizontal ? width - 1 : 0, 0, vertical ? -1 : 1, vertical ? height - 1 : 0);
    }

    /// <summary>
    /// Resizes a <paramref name="sourceHeight"/> x <paramref name="sourceWidth"/> input to
    /// <paramref name="height"/> x <paramref name="width"/> with half-pixel centres, as <c>tf.image.resize</c>
    /// and Keras's <c>Resizing</c> (apply with <see cref="FillMode.Nearest"/> for their clamped border).
    /// </summary>
    public static AffineTransform Resize(int sourceHeight, int sourceWidth, int height, int width)
    {
        ValidateSize(sourceHeight, sourceWidth);
        ValidateSize(height, width);
        float sx = (float)sourceWidth / width, sy = (float)sourceHeight / height;
        return new(sx, 0, (0.5f * sx) - 0.5f, 0, sy, (0.5f * sy) - 0.5f);
    }

    /// <summary>
    /// The transform that does this one and then <paramref name="next"/> (as one resampling, not two): output
    /// points go through <paramref name="next"/>'s map first, then this one's.
    /// </summary>
    public AffineTransform Then(AffineTransform next) => new(
        (XX * next.XX) + (XY * next.YX), (XX * next.XY) + (XY * next.YY), (XX * next.X0) + (XY * next.Y0) + X0,
        (YX * next.XX) + (YY * next.YX), (YX * next.XY) + (YY * next.YY), (YX * next.X0) + (YY * next.Y0) + Y0);

    /// <summary>The input point that output pixel (<paramref name="x"/>, <paramref name="y"/>) is sampled from.</summary>
    public (float X, float Y) MapToInput(float x, float y) => ((XX * x) + (XY * y) + X0, (YX * x) + (YY * y) + Y0);

    /// <summary>
    /// Samples a channels-last <paramref name="height"/> x <paramref name="width"/> x <paramref name="channels"/>
    /// image into <paramref name="destination"/> of the same size (which must not overlap the source).
    /// </summary>
    public void Apply(ReadOnlySpan<float> source, Span<float> destination, int height, int width, int channels,
        Interpolation interpolation = Interpolation.Bilinear, FillMode fillMode = FillMode.Constant, float fillValue = 0f) =>
        Apply(source, height, width, destination, height, width, channels, interpolation, fillMode, fillValue);

    /// <summary>
    /// Samples a channels-last <paramref name="sourceHeight"/> x <paramref name="sourceWidth"/> image into a
    /// <paramref name="height"/> x <paramref name="width"/> <paramref name="destination"/> (no overlap), with
    /// bilinear (Keras's default) or nearest interpolation (coordinates rounded half to even, as NumPy) and
    /// Keras's fill modes; allocates nothing.
    /// </summary>
    public void Apply(ReadOnlySpan<float> source, int sourceHeight, int sourceWidth, Span<float> destination, int height, int width, int channels,
        Interpolation interpolation = Interpolation.Bilinear, FillMode fillMode = FillMode.Constant, float fillValue = 0f)
    {
        ValidateSize(sourceHeight, sourceWidth);
        ValidateSize(height, width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        if (source.Length != sourceHeight * sourceWidth * channels)
        {
            throw new ArgumentException($"The source holds {source.Length} values, not {sourceHeight}x{sourceWidth}x{channels}.", nameof(source));
        }

        if (destination.Length != height * width * channels)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values, not {height}x{width}x{channels}.", nameof(destination));
        }

        if (!Enum.IsDefined(interpolation))
        {
            throw new ArgumentOutOfRangeException(nameof(interpolation), interpolation, "Use Interpolation.Bilinear or Interpolation.Nearest.");
        }

        if (!Enum.IsDefined(fillMode))
        {
            throw new ArgumentOutOfRangeException(nameof(fillMode), fillMode, "Use FillMode.Reflect, Wrap, Constant or Nearest.");
        }

        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                float sx = (XX * x) + (XY * y) + X0, sy = (YX * x) + (YY * y) + Y0;
                Span<float> pixel = destination.Slice(((y * width) + x) * channels, channels);
                if (interpolation == Interpolation.Nearest)
                {
                    int row = Fix(RoundToIndex(sy), sourceHeight, fillMode), column = Fix(RoundToIndex(sx), sourceWidth, fillMode);
                    if (row < 0 || column < 0)
                    {
                        pixel.Fill(fillValue);
                    }
                    else
                    {
                        source.Slice(((row * sourceWidth) + column) * channels, channels).CopyTo(pixel);
                    }

                    continue;
                }

                float fy = MathF.Floor(sy), fx = MathF.Floor(sx);
                float wy1 = sy - fy, wx1 = sx - fx, wy0 = 1 - wy1, wx0 = 1 - wx1;
                int y0 = ClampToInt(fy), x0 = ClampToInt(fx);
                int r0 = Fix(y0, sourceHeight, fillMode), r1 = Fix(y0 + 1, sourceHeight, fillMode);
                int c0 = Fix(x0, sourceWidth, fillMode), c1 = Fix(x0 + 1, sourceWidth, fillMode);
                for (int c = 0; c < channels; c++)
                {
                    float top = (wx0 * Read(source, r0, c0, sourceWidth, channels, c, fillValue)) + (wx1 * Read(source, r0, c1, sourceWidth, channels, c, fillValue));
                    float bottom = (wx0 * Read(source, r1, c0, sourceWidth, channels, c, fillValue)) + (wx1 * Read(source, r1, c1, sourceWidth, channels, c, fillValue));
                    pixel[c] = (wy0 * top) + (wy1 * bottom);
                }
            }
        }
    }

    /// <inheritdoc/>
    public bool Equals(AffineTransform other) =>
        XX == other.XX && XY == other.XY && X0 == other.X0 && YX == other.YX && YY == other.YY && Y0 == other.Y0;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is AffineTransform other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(XX, XY, X0, YX, YY, Y0);

    /// <inheritdoc/>
    public override string ToString() => $"x' = {XX}x + {XY}y + {X0}, y' = {YX}x + {YY}y + {Y0}";

    /// <summary>Whether two transforms are the same map.</summary>
    public static bool operator ==(AffineTransform left, AffineTransform right) => left.Equals(right);

    /// <summary>Whether two transforms differ.</summary>
    public static bool operator !=(AffineTransform left, AffineTransform right) => !left.Equals(right);

    // A source index mapped into [0, size) by the fill mode, or -1 for "use the fill value".
    private static int Fix(int index, int size, FillMode fillMode)
    {
        if ((uint)index < (uint)size)
        {
            return index;
        }

        switch (fillMode)
        {
            case FillMode.Reflect:
                int period = 2 * size;
                int m = (int)(((long)index % period + period) % period);
                return m < size ? m : period - 1 - m;
            case FillMode.Wrap:
                return (int)(((long)index % size + size) % size);
            case FillMode.Nearest:
                return index < 0 ? 0 : size - 1;
            default:
                return -1;
        }
    }

    private static float Read(ReadOnlySpan<float> source, int row, int column, int width, int channels, int channel, float fillValue) =>
        row < 0 || column < 0 ? fillValue : source[(((row * width) + column) * channels) + channel];

    private static int RoundToIndex(float value) => ClampToInt(MathF.Round(value, MidpointRounding.ToEven));

    // Far-away (or non-finite) points become an index far outside any image, which every fill mode handles.
    private static int ClampToInt(float value) => value >= 1e9f ? 1_000_000_000 : value > -1e9f ? (int)value : -1_000_000_000;

    private static void ValidateSize(int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
    }
}
