using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using BitMiracle.LibTiff.Classic;
using SkiaSharp;

namespace NetDsl.Images.Tests;

/// <summary>Writes image files for the tests: PNG, JPEG and WebP with SkiaSharp (the formats it encodes), BMP
/// and GIF by hand (Skia does not encode them), TIFF with LibTiff.NET, netpbm by hand. Pixels are channels-last bytes.</summary>
internal static class ImageFiles
{
    public static void WritePng(string path, byte[] pixels, int height, int width, int channels) => WriteSkia(path, pixels, height, width, channels, SKEncodedImageFormat.Png, 100);

    public static void WriteJpeg(string path, byte[] pixels, int height, int width, int channels, int quality = 95) => WriteSkia(path, pixels, height, width, channels, SKEncodedImageFormat.Jpeg, quality);

    public static void WriteWebp(string path, byte[] pixels, int height, int width, int channels) => WriteSkia(path, pixels, height, width, channels, SKEncodedImageFormat.Webp, 100);

    /// <summary>Encodes with Skia; <paramref name="channels"/> 1 writes a gray image, 3 an opaque colour one.</summary>
    public static byte[] EncodeSkia(byte[] pixels, int height, int width, int channels, SKEncodedImageFormat format, int quality)
    {
        SKImageInfo info = channels == 1
            ? new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque)
            : new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        Span<byte> target = bitmap.GetPixelSpan();
        int stride = bitmap.RowBytes;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int p = (y * width) + x;
                if (channels == 1)
                {
                    target[(y * stride) + x] = pixels[p];
                }
                else
                {
                    int t = (y * stride) + (x * 4);
                    target[t] = pixels[p * 3];
                    target[t + 1] = pixels[(p * 3) + 1];
                    target[t + 2] = pixels[(p * 3) + 2];
                    target[t + 3] = 255;
                }
            }
        }

        using SKData data = bitmap.Encode(format, quality) ?? throw new InvalidOperationException($"Skia cannot encode {format}.");
        return data.ToArray();
    }

    /// <summary>A 24-bit uncompressed BMP (bottom-up rows, BGR, padded to 4 bytes).</summary>
    public static void WriteBmp(string path, byte[] rgb, int height, int width)
    {
        int rowBytes = ((width * 3) + 3) & ~3;
        int imageBytes = rowBytes * height;
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write((byte)'B');
        w.Write((byte)'M');
        w.Write(54 + imageBytes);
        w.Write(0);
        w.Write(54);
        w.Write(40);
        w.Write(width);
        w.Write(height);
        w.Write((short)1);
        w.Write((short)24);
        w.Write(0);
        w.Write(imageBytes);
        w.Write(2835);
        w.Write(2835);
        w.Write(0);
        w.Write(0);
        for (int y = height - 1; y >= 0; y--)
        {
            for (int x = 0; x < width; x++)
            {
                int p = ((y * width) + x) * 3;
                w.Write(rgb[p + 2]);
                w.Write(rgb[p + 1]);
                w.Write(rgb[p]);
            }

            for (int pad = width * 3; pad < rowBytes; pad++)
            {
                w.Write((byte)0);
            }
        }

        w.Flush();
        File.WriteAllBytes(path, stream.ToArray());
    }

    /// <summary>A GIF89a with a 256-colour global palette and one frame per entry of <paramref name="frames"/>
    /// (palette indices). The LZW stream uses 9-bit codes only: a clear code every 250 literals keeps the
    /// table from growing, which every decoder accepts.</summary>
    public static void WriteGif(string path, byte[] palette, IReadOnlyList<byte[]> frames, int height, int width)
    {
        using var stream = new MemoryStream();
        stream.Write("GIF89a"u8);
        WriteShort(stream, width);
        WriteShort(stream, height);
        stream.WriteByte(0xF7); // global colour table, 8 bits per colour, 256 entries
        stream.WriteByte(0);
        stream.WriteByte(0);
        var table = new byte[768];
        palette.CopyTo(table, 0);
        stream.Write(table);
        foreach (byte[] frame in frames)
        {
            stream.Write([0x21, 0xF9, 4, 0x04, 10, 0, 0, 0]); // graphic control: keep the frame, 0.1 s
            stream.WriteByte(0x2C);
            WriteShort(stream, 0);
            WriteShort(stream, 0);
            WriteShort(stream, width);
            WriteShort(stream, height);
            stream.WriteByte(0);
            stream.WriteByte(8); // LZW minimum code size
            byte[] lzw = Lzw9(frame);
            for (int i = 0; i < lzw.Length; i += 255)
            {
                int n = Math.Min(255, lzw.Length - i);
                stream.WriteByte((byte)n);
                stream.Write(lzw, i, n);
            }

            stream.WriteByte(0);
        }

        stream.WriteByte(0x3B);
        File.WriteAllBytes(path, stream.ToArray());
    }

    /// <summary>A strip TIFF with one page per raster. A raster holds the rows of raw samples, channels-last, each
    /// row padded to a whole byte (samples under 8 bits packed from the high bit, 16-bit samples in the machine's
    /// byte order, as LibTiff.NET takes them). <paramref name="tags"/> sets more tags on every page (a colour map,
    /// a sample format). <paramref name="bigEndian"/> writes a Motorola-order (<c>MM</c>) file.</summary>
    public static void WriteTiff(string path, IReadOnlyList<byte[]> pages, int height, int width, int samplesPerPixel, int bitsPerSample,
        Photometric photometric, Compression compression = Compression.NONE, Action<Tiff>? tags = null, bool bigEndian = false)
    {
        using Tiff tiff = Tiff.Open(path, bigEndian ? "wb" : "w") ?? throw new InvalidOperationException($"LibTiff cannot create {path}.");
        int rowBytes = ((width * samplesPerPixel * bitsPerSample) + 7) / 8;
        foreach (byte[] raster in pages)
        {
            SetPageTags(tiff, height, width, samplesPerPixel, bitsPerSample, photometric, compression);
            tiff.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
            tiff.SetField(TiffTag.ROWSPERSTRIP, 2);
            tags?.Invoke(tiff);
            for (int y = 0; y < height; y++)
            {
                tiff.WriteScanline(raster, y * rowBytes, y, 0);
            }

            tiff.WriteDirectory();
        }
    }

    /// <summary>An 8-bit RGB TIFF with its samples in three planes (PlanarConfiguration 2).</summary>
    public static void WritePlanarTiff(string path, byte[] rgb, int height, int width)
    {
        using Tiff tiff = Tiff.Open(path, "w") ?? throw new InvalidOperationException($"LibTiff cannot create {path}.");
        SetPageTags(tiff, height, width, 3, 8, Photometric.RGB, Compression.NONE);
        tiff.SetField(TiffTag.PLANARCONFIG, PlanarConfig.SEPARATE);
        tiff.SetField(TiffTag.ROWSPERSTRIP, height);
        var plane = new byte[width];
        for (short c = 0; c < 3; c++)
        {
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    plane[x] = rgb[(((y * width) + x) * 3) + c];
                }

                tiff.WriteScanline(plane, 0, y, c);
            }
        }

        tiff.WriteDirectory();
    }

    /// <summary>An 8-bit RGB TIFF in 16 x 16 tiles (edge tiles padded).</summary>
    public static void WriteTiledTiff(string path, byte[] rgb, int height, int width)
    {
        const int Tile = 16;
        using Tiff tiff = Tiff.Open(path, "w") ?? throw new InvalidOperationException($"LibTiff cannot create {path}.");
        SetPageTags(tiff, height, width, 3, 8, Photometric.RGB, Compression.NONE);
        tiff.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
        tiff.SetField(TiffTag.TILEWIDTH, Tile);
        tiff.SetField(TiffTag.TILELENGTH, Tile);
        var tile = new byte[Tile * Tile * 3];
        for (int ty = 0; ty < height; ty += Tile)
        {
            for (int tx = 0; tx < width; tx += Tile)
            {
                Array.Clear(tile);
                for (int y = ty; y < Math.Min(ty + Tile, height); y++)
                {
                    Array.Copy(rgb, ((y * width) + tx) * 3, tile, (y - ty) * Tile * 3, (Math.Min(tx + Tile, width) - tx) * 3);
                }

                tiff.WriteTile(tile, tx, ty, 0, 0);
            }
        }

        tiff.WriteDirectory();
    }

    /// <summary>16-bit samples as bytes in the machine's order.</summary>
    public static byte[] Samples16(ushort[] samples)
    {
        var bytes = new byte[samples.Length * 2];
        Buffer.BlockCopy(samples, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    private static void SetPageTags(Tiff tiff, int height, int width, int samplesPerPixel, int bitsPerSample, Photometric photometric, Compression compression)
    {
        tiff.SetField(TiffTag.IMAGEWIDTH, width);
        tiff.SetField(TiffTag.IMAGELENGTH, height);
        tiff.SetField(TiffTag.SAMPLESPERPIXEL, samplesPerPixel);
        tiff.SetField(TiffTag.BITSPERSAMPLE, bitsPerSample);
        tiff.SetField(TiffTag.PHOTOMETRIC, photometric);
        tiff.SetField(TiffTag.COMPRESSION, compression);
        if (photometric == Photometric.RGB && samplesPerPixel == 4)
        {
            tiff.SetField(TiffTag.EXTRASAMPLES, 1, new short[] { (short)ExtraSample.UNASSALPHA });
        }
    }

    public static void WriteNetpbm(string path, string header, byte[] raster)
    {
        byte[] head = Encoding.ASCII.GetBytes(header);
        var bytes = new byte[head.Length + raster.Length];
        head.CopyTo(bytes, 0);
        raster.CopyTo(bytes, head.Length);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Deterministic pseudo-random bytes.</summary>
    public static byte[] RandomBytes(int length, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static void WriteSkia(string path, byte[] pixels, int height, int width, int channels, SKEncodedImageFormat format, int quality) =>
        File.WriteAllBytes(path, EncodeSkia(pixels, height, width, channels, format, quality));

    private static byte[] Lzw9(byte[] indices)
    {
        var codes = new List<int> { 256 };
        for (int i = 0; i < indices.Length; i++)
        {
            if (i > 0 && i % 250 == 0)
            {
                codes.Add(256);
            }

            codes.Add(indices[i]);
        }

        codes.Add(257);
        var output = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (int code in codes)
        {
            buffer |= code << bits;
            bits += 9;
            while (bits >= 8)
            {
                output.Add((byte)buffer);
                buffer >>= 8;
                bits -= 8;
            }
        }

        if (bits > 0)
        {
            output.Add((byte)buffer);
        }

        return output.ToArray();
    }

    private static void WriteShort(Stream stream, int value)
    {
        stream.WriteByte((byte)value);
        stream.WriteByte((byte)(value >> 8));
    }
}

/// <summary>A temporary folder removed at the end of a test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = Directory.CreateTempSubdirectory("netdsl-images-").FullName;
    }

    public string Path { get; }

    public string File(params string[] parts)
    {
        string path = System.IO.Path.Combine([Path, .. parts]);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
