using System;

namespace NetDsl;

/// <summary>
/// The shape of one input sample: the first layer of every network (Keras <c>Input(shape=...)</c>).
/// Images are channels-last: <c>[Input(28, 28, 1)]</c> is a 28x28 grayscale image, <c>[Input(32, 32, 3)]</c>
/// an RGB one. <c>[Input(784)]</c> is a flat vector.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class InputAttribute : LayerAttribute
{
    /// <summary>A feature map of <paramref name="height"/> x <paramref name="width"/> x <paramref name="channels"/>.</summary>
    public InputAttribute(int height, int width, int channels)
    {
        Height = height;
        Width = width;
        Channels = channels;
    }

    /// <summary>A flat vector of <paramref name="length"/> values.</summary>
    public InputAttribute(int length)
    {
        Length = length;
    }

    /// <summary>Rows of the image (0 for a vector input).</summary>
    public int Height { get; }

    /// <summary>Columns of the image (0 for a vector input).</summary>
    public int Width { get; }

    /// <summary>Channels of the image: 1 for grayscale, 3 for RGB (0 for a vector input).</summary>
    public int Channels { get; }

    /// <summary>Length of a vector input (0 for an image input).</summary>
    public int Length { get; }
}
