using System;

namespace NetDsl.Interop;

/// <summary>
/// Converts feature maps between PyTorch's and ONNX's channels-first layout (<c>[N, C, H, W]</c>) and NetDsl's
/// channels-last one (<c>[N, H, W, C]</c>, Keras's): networks imported from an NCHW model
/// (<c>[Network(Onnx = ...)]</c>) take channels-last input in <c>Predict</c>, like every NetDsl network.
/// </summary>
public static class ChannelLayout
{
    /// <summary>Writes the <c>[N, C, H, W]</c> values of <paramref name="channelsFirst"/> into
    /// <paramref name="channelsLast"/> as <c>[N, H, W, C]</c>; N is the length over <c>C * H * W</c>.</summary>
    /// <exception cref="ArgumentException">A size is not positive, the spans differ in length, their length is not
    /// a whole number of maps, or they overlap.</exception>
    public static void ToChannelsLast(ReadOnlySpan<float> channelsFirst, Span<float> channelsLast, int channels, int height, int width)
    {
        int samples = Check(channelsFirst, channelsLast, channels, height, width);
        int plane = height * width;
        for (int n = 0; n < samples; n++)
        {
            ReadOnlySpan<float> source = channelsFirst.Slice(n * channels * plane, channels * plane);
            Span<float> destination = channelsLast.Slice(n * channels * plane, channels * plane);
            for (int c = 0; c < channels; c++)
            {
                ReadOnlySpan<float> map = source.Slice(c * plane, plane);
                for (int i = 0; i < plane; i++)
                {
                    destination[(i * channels) + c] = map[i];
                }
            }
        }
    }

    /// <summary>Writes the <c>[N, H, W, C]</c> values of <paramref name="channelsLast"/> into
    /// <paramref name="channelsFirst"/> as <c>[N, C, H, W]</c>.</summary>
    /// <exception cref="ArgumentException">As <see cref="ToChannelsLast"/>.</exception>
    public static void ToChannelsFirst(ReadOnlySpan<float> channelsLast, Span<float> channelsFirst, int channels, int height, int width)
    {
        int samples = Check(channelsLast, channelsFirst, channels, height, width);
        int plane = height * width;
        for (int n = 0; n < samples; n++)
        {
            ReadOnlySpan<float> source = channelsLast.Slice(n * channels * plane, channels * plane);
            Span<float> destination = channelsFirst.Slice(n * channels * plane, channels * plane);
            for (int i = 0; i < plane; i++)
            {
                for (int c = 0; c < channels; c++)
                {
                    destination[(c * plane) + i] = source[(i * channels) + c];
                }
            }
        }
    }

    private static int Check(ReadOnlySpan<float> source, Span<float> destination, int channels, int height, int width)
    {
        if (channels <= 0 || height <= 0 || width <= 0)
        {
            throw new ArgumentException($"The map size {height}x{width}x{channels} must be positive.", nameof(channels));
        }

        long map = (long)channels * height * width;
        if (source.Length != destination.Length || source.Length % map != 0)
        {
            throw new ArgumentException($"Both spans must hold the same whole number of {height}x{width}x{channels} maps ({map} floats each); they hold {source.Length} and {destination.Length}.", nameof(destination));
        }

        if (source.Overlaps(destination))
        {
            throw new ArgumentException("The spans overlap; convert into a separate buffer.", nameof(destination));
        }

        return (int)(source.Length / map);
    }
}
