namespace NetDsl.Generator.Shapes;

/// <summary>The shape of one sample's activations: a channels-last feature map (rank 3) or a vector (rank 1).</summary>
internal readonly record struct Shape(int Rank, int Height, int Width, int Channels)
{
    public static Shape Map(int height, int width, int channels) => new(3, height, width, channels);

    public static Shape Vector(int length) => new(1, 1, 1, length);

    /// <summary>Number of floats (vectors keep their length in <see cref="Channels"/>).</summary>
    public long ElementCount => (long)Height * Width * Channels;

    public int Length => checked((int)ElementCount);

    public bool IsMap => Rank == 3;

    /// <summary>Keras notation without the batch axis: <c>26x26x32</c> or <c>576</c>.</summary>
    public override string ToString() => IsMap ? $"{Height}x{Width}x{Channels}" : Channels.ToString();

    /// <summary>Keras's <c>summary()</c> notation with the batch axis: <c>(None, 26, 26, 32)</c>.</summary>
    public string ToKerasString() => IsMap ? $"(None, {Height}, {Width}, {Channels})" : $"(None, {Channels})";

    /// <summary>Arguments for <c>new TensorShape(...)</c>.</summary>
    public string ToArgumentList() => IsMap ? $"{Height}, {Width}, {Channels}" : Channels.ToString();
}

/// <summary>Geometry of a sliding window (convolution kernel or pool), padding already resolved.</summary>
internal readonly record struct Window(
    int Height,
    int Width,
    int StrideHeight,
    int StrideWidth,
    int PadTop,
    int PadBottom,
    int PadLeft,
    int PadRight)
{
    public bool IsPadded => PadTop != 0 || PadBottom != 0 || PadLeft != 0 || PadRight != 0;

    public override string ToString() => $"{Height}x{Width}";
}
