using System;

namespace NetDsl.Images.Decoding;

/// <summary>
/// Reads the netpbm formats: P1 (plain PBM), P2 (plain PGM), P3 (plain PPM), P4 (PBM), P5 (PGM), P6 (PPM), with a
/// maxval up to 65535 (two big-endian bytes per binary sample above 255) and <c>#</c> comments. Bitmaps read as
/// 0 for black (bit 1) and 255 for white (bit 0), as Pillow reads them. Hardened: header numbers are bounded,
/// the size is checked against the pixel limit and against the bytes the file actually holds before anything is
/// allocated, and every sample is checked against maxval.
/// </summary>
internal static class NetpbmReader
{
    /// <summary>Whether <paramref name="data"/> starts with a netpbm magic number P1..P6.</summary>
    public static bool IsNetpbm(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == (byte)'P' && data[1] >= (byte)'1' && data[1] <= (byte)'6';

    /// <summary>Decodes <paramref name="data"/> into <paramref name="pixels"/> (grown as needed) as
    /// <paramref name="channels"/> channels (1 or 3) in 0-255 units.</summary>
    /// <exception cref="InvalidImageException">The file is malformed, truncated, or too large.</exception>
    public static DecodedImage Decode(string path, ReadOnlySpan<byte> data, int channels, long maxPixels, ref float[] pixels)
    {
        if (!IsNetpbm(data))
        {
            throw new InvalidImageException(path, "not a netpbm file (expected P1 to P6).");
        }

        int kind = data[1] - '0';
        string format = kind switch { 1 or 4 => "PBM", 2 or 5 => "PGM", _ => "PPM" };
        bool plain = kind <= 3;
        int position = 2;
        int width = ReadHeaderNumber(path, format, data, ref position, "width");
        int height = ReadHeaderNumber(path, format, data, ref position, "height");
        int maxValue = 1;
        if (kind is not (1 or 4))
        {
            maxValue = ReadHeaderNumber(path, format, data, ref position, "maxval");
            if (maxValue is < 1 or > 65535)
            {
                throw new InvalidImageException(path, $"the {format} maxval is {maxValue}; expected 1 to 65535.");
            }
        }

        PixelConversion.CheckSize(path, format, width, height, maxPixels);
        int sourceChannels = kind is 3 or 6 ? 3 : 1;
        long samples = (long)width * height * sourceChannels;
        if (!plain)
        {
            // Exactly one whitespace byte separates the header from the raster.
            if (position >= data.Length || !IsWhitespace(data[position]))
            {
                throw new InvalidImageException(path, $"the {format} header does not end with a whitespace byte before the pixels.");
            }

            position++;
            long needed = kind == 4 ? (long)((width + 7) / 8) * height : samples * (maxValue > 255 ? 2 : 1);
            if (data.Length - position < needed)
            {
                throw new InvalidImageException(path, $"truncated {format}: {width} x {height} needs {needed} bytes of pixels, the file holds {data.Length - position}.");
            }
        }
        else if (data.Length - position < samples)
        {
            // Every plain sample takes at least one character.
            throw new InvalidImageException(path, $"truncated {format}: {width} x {height} needs {samples} samples, the file holds {data.Length - position} bytes after the header.");
        }

        var image = new DecodedImage(height, width, channels);
        PixelConversion.Ensure(ref pixels, image.Length);
        Span<float> output = pixels.AsSpan(0, image.Length);
        float scale = 255f / maxValue;
        bool whole = maxValue == 255;
        Span<int> rgb = stackalloc int[3];
        int pixelCount = width * height;
        for (int p = 0; p < pixelCount; p++)
        {
            for (int c = 0; c < sourceChannels; c++)
            {
                rgb[c] = kind switch
                {
                    1 => ReadPlainBit(path, data, ref position),
                    2 or 3 => ReadPlainSample(path, format, data, ref position, maxValue),
                    4 => ((data[position + ((p / width) * ((width + 7) / 8)) + ((p % width) / 8)] >> (7 - (p % width % 8))) & 1) == 1 ? 0 : 255,
                    _ => ReadBinarySample(path, format, data, ref position, maxValue),
                };
            }

            if (kind is 1 or 4)
            {
                rgb[0] = kind == 1 ? (rgb[0] == 1 ? 0 : 255) : rgb[0];
                WritePixel(output, p, channels, rgb[0], rgb[0], rgb[0], 1f, true, sourceChannels: 1);
            }
            else
            {
                WritePixel(output, p, channels, rgb[0], sourceChannels == 3 ? rgb[1] : rgb[0], sourceChannels == 3 ? rgb[2] : rgb[0], scale, whole, sourceChannels);
            }
        }

        return image;
    }

    private static void WritePixel(Span<float> output, int p, int channels, int r, int g, int b, float scale, bool whole, int sourceChannels)
    {
        if (channels == 3)
        {
            output[p * 3] = r * scale;
            output[(p * 3) + 1] = g * scale;
            output[(p * 3) + 2] = b * scale;
            return;
        }

        if (sourceChannels == 1)
        {
            output[p] = r * scale;
        }
        else
        {
            output[p] = whole ? PixelConversion.Luma(r, g, b) : PixelConversion.Luma(r * scale, g * scale, b * scale);
        }
    }

    private static int ReadBinarySample(string path, string format, ReadOnlySpan<byte> data, ref int position, int maxValue)
    {
        int value;
        if (maxValue > 255)
        {
            value = (data[position] << 8) | data[position + 1];
            position += 2;
        }
        else
        {
            value = data[position++];
        }

        if (value > maxValue)
        {
            throw new InvalidImageException(path, $"a {format} sample is {value}, above the maxval {maxValue}.");
        }

        return value;
    }

    private static int ReadPlainBit(string path, ReadOnlySpan<byte> data, ref int position)
    {
        SkipWhitespaceAndComments(data, ref position);
        if (position >= data.Length)
        {
            throw new InvalidImageException(path, "truncated PBM: the file ends before the last pixel.");
        }

        byte bit = data[position++];
        return bit switch
        {
            (byte)'0' => 0,
            (byte)'1' => 1,
            _ => throw new InvalidImageException(path, $"a plain PBM pixel is '{(char)bit}'; expected 0 or 1."),
        };
    }

    private static int ReadPlainSample(string path, string format, ReadOnlySpan<byte> data, ref int position, int maxValue)
    {
        SkipWhitespaceAndComments(data, ref position);
        if (position >= data.Length)
        {
            throw new InvalidImageException(path, $"truncated {format}: the file ends before the last sample.");
        }

        int value = ReadDigits(path, format, data, ref position, "sample");
        if (value > maxValue)
        {
            throw new InvalidImageException(path, $"a {format} sample is {value}, above the maxval {maxValue}.");
        }

        return value;
    }

    private static int ReadHeaderNumber(string path, string format, ReadOnlySpan<byte> data, ref int position, string what)
    {
        int before = position;
        SkipWhitespaceAndComments(data, ref position);
        if (position == before && what != "width")
        {
            throw new InvalidImageException(path, $"the {format} header has no whitespace before the {what}.");
        }

        if (position >= data.Length)
        {
            throw new InvalidImageException(path, $"the {format} header ends before the {what}.");
        }

        return ReadDigits(path, format, data, ref position, what);
    }

    /// <summary>A decimal number of at most 9 digits (so it always fits an int).</summary>
    private static int ReadDigits(string path, string format, ReadOnlySpan<byte> data, ref int position, string what)
    {
        int value = 0, digits = 0;
        while (position < data.Length && data[position] is >= (byte)'0' and <= (byte)'9')
        {
            if (++digits > 9)
            {
                throw new InvalidImageException(path, $"the {format} {what} has more than 9 digits.");
            }

            value = (value * 10) + (data[position++] - '0');
        }

        if (digits == 0)
        {
            throw new InvalidImageException(path, $"the {format} {what} is not a number (found '{(position < data.Length ? (char)data[position] : ' ')}').");
        }

        if (position < data.Length && !IsWhitespace(data[position]) && data[position] != (byte)'#')
        {
            throw new InvalidImageException(path, $"the {format} {what} is followed by '{(char)data[position]}'; expected whitespace.");
        }

        return value;
    }

    private static void SkipWhitespaceAndComments(ReadOnlySpan<byte> data, ref int position)
    {
        while (position < data.Length)
        {
            if (IsWhitespace(data[position]))
            {
                position++;
            }
            else if (data[position] == (byte)'#')
            {
                while (position < data.Length && data[position] is not ((byte)'\n' or (byte)'\r'))
                {
                    position++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';
}
