namespace NetDsl.Images.Decoding;

/// <summary>
/// A decoded image in a caller-owned buffer: <see cref="Height"/> x <see cref="Width"/> x <see cref="Channels"/>
/// floats, channels-last, in 0-255 units (an 8-bit sample keeps its exact value; a 16-bit one is scaled).
/// </summary>
internal readonly record struct DecodedImage(int Height, int Width, int Channels)
{
    public int Length => Height * Width * Channels;
}
