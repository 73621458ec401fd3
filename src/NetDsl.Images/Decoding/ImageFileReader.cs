using System;
using System.IO;

namespace NetDsl.Images.Decoding;

/// <summary>
/// Reads one image file and decodes it by its content (not its extension): netpbm by its own reader, TIFF by
/// LibTiff.NET, everything else by Skia. Keeps its buffers between calls: one per thread.
/// </summary>
internal sealed class ImageFileReader
{
    /// <summary>The largest file read (1 GiB): larger files are rejected before reading.</summary>
    internal const long MaxFileBytes = 1L << 30;

    private readonly SkiaImageDecoder _skia = new();
    private byte[] _file = Array.Empty<byte>();

    /// <summary>Reads and decodes <paramref name="path"/> into <paramref name="pixels"/>.</summary>
    /// <exception cref="InvalidImageException">The file is missing, unreadable, corrupt, too large or unsupported.</exception>
    public DecodedImage Read(string path, int channels, long maxPixels, ref float[] pixels)
    {
        int length = ReadFile(path);
        ReadOnlySpan<byte> data = _file.AsSpan(0, length);
        if (length == 0)
        {
            throw new InvalidImageException(path, "the file is empty.");
        }

        if (NetpbmReader.IsNetpbm(data))
        {
            return NetpbmReader.Decode(path, data, channels, maxPixels, ref pixels);
        }

        if (TiffImageDecoder.IsTiff(data))
        {
            return TiffImageDecoder.Decode(path, _file, length, channels, maxPixels, ref pixels);
        }

        return _skia.Decode(path, _file, length, channels, maxPixels, ref pixels);
    }

    private int ReadFile(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            long size = stream.Length;
            if (size > MaxFileBytes)
            {
                throw new InvalidImageException(path, $"the file holds {size} bytes, more than the {MaxFileBytes} an image may have.");
            }

            PixelConversion.Ensure(ref _file, (int)size);
            int read = 0;
            while (read < size)
            {
                int n = stream.Read(_file, read, (int)size - read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            return read;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidImageException(path, $"the file cannot be read ({e.Message})", e);
        }
    }
}
