using System;
using SkiaSharp;

namespace NetDsl.Images.Decoding;

/// <summary>
/// PNG, JPEG, BMP, GIF (first frame), WebP and the other formats Skia's codecs read. Pixels are decoded without
/// colour-space conversion and without premultiplying alpha, so an 8-bit PNG or BMP keeps its exact values;
/// alpha is dropped. A gray image is decoded as gray, so its values are exact too.
/// </summary>
internal sealed class SkiaImageDecoder
{
    private byte[] _raw = Array.Empty<byte>();

    /// <summary>Decodes <paramref name="data"/> into <paramref name="pixels"/> (grown as needed) as
    /// <paramref name="channels"/> channels in 0-255 units.</summary>
    /// <exception cref="InvalidImageException">Skia does not recognise the data, or it is corrupt, truncated or too large.</exception>
    public DecodedImage Decode(string path, byte[] data, int length, int channels, long maxPixels, ref float[] pixels)
    {
        using SKData bytes = SKData.CreateCopy(data, (ulong)length);
        using var stream = new SKMemoryStream(bytes);
        using SKCodec? codec = SKCodec.Create(stream, out SKCodecResult created);
        if (codec is null)
        {
            throw new InvalidImageException(path, created == SKCodecResult.Unimplemented
                ? "the file is not an image in a format Skia decodes."
                : $"the data is not a recognised image or is corrupt ({created}).");
        }

        string format = codec.EncodedFormat.ToString().ToUpperInvariant();
        SKImageInfo info = codec.Info;
        PixelConversion.CheckSize(path, format, info.Width, info.Height, maxPixels);
        bool gray = info.ColorType == SKColorType.Gray8;
        int bytesPerPixel = gray ? 1 : 4;
        var target = new SKImageInfo(info.Width, info.Height, gray ? SKColorType.Gray8 : SKColorType.Rgba8888, gray ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
        int rowBytes = info.Width * bytesPerPixel;
        int rawLength = checked(rowBytes * info.Height);
        PixelConversion.Ensure(ref _raw, rawLength);
        SKCodecResult result;
        unsafe
        {
            fixed (byte* raw = _raw)
            {
                // Frame 0 of an animation; no colour-space conversion (the target has no colour space).
                result = codec.GetPixels(target, (IntPtr)raw, rowBytes, new SKCodecOptions(0));
            }
        }

        if (result != SKCodecResult.Success)
        {
            throw new InvalidImageException(path, result == SKCodecResult.IncompleteInput
                ? $"truncated {format} data: the file ends before the last row."
                : $"corrupt {format} data ({result}).");
        }

        var image = new DecodedImage(info.Height, info.Width, channels);
        PixelConversion.Ensure(ref pixels, image.Length);
        Convert(_raw.AsSpan(0, rawLength), gray, channels, pixels.AsSpan(0, image.Length));
        return image;
    }

    private static void Convert(ReadOnlySpan<byte> raw, bool gray, int channels, Span<float> output)
    {
        float[] table = PixelConversion.ByteToFloat;
        if (gray)
        {
            if (channels == 1)
            {
                for (int i = 0; i < raw.Length; i++)
                {
                    output[i] = table[raw[i]];
                }
            }
            else
            {
                for (int i = 0; i < raw.Length; i++)
                {
                    float v = table[raw[i]];
                    output[i * 3] = v;
                    output[(i * 3) + 1] = v;
                    output[(i * 3) + 2] = v;
                }
            }

            return;
        }

        int pixels = raw.Length / 4;
        if (channels == 3)
        {
            for (int p = 0; p < pixels; p++)
            {
                output[p * 3] = table[raw[p * 4]];
                output[(p * 3) + 1] = table[raw[(p * 4) + 1]];
                output[(p * 3) + 2] = table[raw[(p * 4) + 2]];
            }
        }
        else
        {
            for (int p = 0; p < pixels; p++)
            {
                output[p] = PixelConversion.Luma(raw[p * 4], raw[(p * 4) + 1], raw[(p * 4) + 2]);
            }
        }

    }
}
