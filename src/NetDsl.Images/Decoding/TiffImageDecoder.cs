using System;
using System.Globalization;
using System.IO;
using BitMiracle.LibTiff.Classic;

namespace NetDsl.Images.Decoding;

/// <summary>
/// TIFF (Skia has no TIFF codec) through BitMiracle.LibTiff.NET, the first page of a multi-page file. Strip images
/// in gray (1, 2, 4, 8 or 16 bits, min-is-black or min-is-white), RGB or RGBA (8 or 16 bits) and palette (1 to 8
/// bits), chunky or planar, with any compression libtiff reads, are decoded sample by sample: an 8-bit sample keeps
/// its exact value, a sample of <c>b</c> bits <c>v</c> becomes <c>v * 255 / (2^b - 1)</c> (16 bits: <c>v / 257</c>,
/// as the netpbm reader scales maxval 65535), a palette colour keeps the high byte of its 16-bit entry (as Pillow),
/// alpha is dropped. Everything else libtiff can convert (tiles, YCbCr, CMYK, CIE Lab) goes through its 8-bit RGBA
/// reader; what it cannot convert (floating-point samples, for example) is an <see cref="UnsupportedImageFormatException"/>.
/// Other failures become <see cref="InvalidImageException"/> with libtiff's reason.
/// </summary>
internal static class TiffImageDecoder
{
    static TiffImageDecoder() => CapturingErrorHandler.Install();

    /// <summary>Whether <paramref name="data"/> starts with a TIFF header (<c>II*\0</c> or <c>MM\0*</c>).</summary>
    public static bool IsTiff(ReadOnlySpan<byte> data) =>
        data.Length >= 4 && ((data[0] == 'I' && data[1] == 'I' && data[2] == 42 && data[3] == 0) || (data[0] == 'M' && data[1] == 'M' && data[2] == 0 && data[3] == 42));

    /// <summary>Decodes the first page of <paramref name="data"/> into <paramref name="pixels"/> (grown as needed)
    /// as <paramref name="channels"/> channels (1 or 3) in 0-255 units.</summary>
    /// <exception cref="InvalidImageException">The file is corrupt, truncated, too large or a kind of TIFF libtiff does not convert.</exception>
    public static DecodedImage Decode(string path, byte[] data, int length, int channels, long maxPixels, ref float[] pixels)
    {
        using var source = new TiffSource(data, length, Path.GetFileName(path));
        try
        {
            using Tiff? tiff = Tiff.ClientOpen(source.Name, "r", source, new TiffStream());
            if (tiff is null)
            {
                throw new InvalidImageException(path, $"corrupt TIFF data ({source.Error ?? "libtiff cannot read its header"}).");
            }

            int width = Tag(tiff, TiffTag.IMAGEWIDTH), height = Tag(tiff, TiffTag.IMAGELENGTH);
            PixelConversion.CheckSize(path, "TIFF", width, height, maxPixels);
            var image = new DecodedImage(height, width, channels);
            PixelConversion.Ensure(ref pixels, image.Length);
            Span<float> output = pixels.AsSpan(0, image.Length);
            var layout = TiffLayout.Read(tiff);
            bool read = layout.IsExact ? ReadSamples(tiff, layout, width, height, channels, output) : ReadRgba(path, tiff, width, height, channels, output);
            if (!read)
            {
                throw new InvalidImageException(path, $"corrupt or truncated TIFF data ({source.Error ?? "libtiff cannot read the pixels"}).");
            }

            return image;
        }
        catch (Exception e) when (e is not InvalidImageException)
        {
            // LibTiff.NET can throw on malformed data instead of reporting an error.
            throw new InvalidImageException(path, $"corrupt TIFF data ({e.GetType().Name}: {e.Message}).", e);
        }
    }

    private static int Tag(Tiff tiff, TiffTag tag) => tiff.GetField(tag)?[0].ToInt() ?? 0;

    /// <summary>Reads the strips row by row (one scanline per plane when the samples are planar).</summary>
    private static bool ReadSamples(Tiff tiff, TiffLayout layout, int width, int height, int channels, Span<float> output)
    {
        int planes = layout.Planar ? layout.UsedSamples : 1;
        var lines = new byte[planes][];
        for (int s = 0; s < planes; s++)
        {
            lines[s] = new byte[tiff.ScanlineSize()];
        }

        Span<float> rgb = stackalloc float[3];
        for (int y = 0; y < height; y++)
        {
            for (int s = 0; s < planes; s++)
            {
                if (!tiff.ReadScanline(lines[s], y, (short)s))
                {
                    return false;
                }
            }

            Span<float> row = output.Slice(y * width * channels, width * channels);
            for (int x = 0; x < width; x++)
            {
                for (int s = 0; s < layout.UsedSamples; s++)
                {
                    rgb[s] = layout.Planar ? layout.Sample(lines[s], x) : layout.Sample(lines[0], (x * layout.SamplesPerPixel) + s);
                }

                layout.WritePixel(rgb, row.Slice(x * channels, channels));
            }
        }

        return true;
    }

    /// <summary>libtiff's own conversion to 8-bit RGBA (tiles, YCbCr, CMYK, CIE Lab, ...).</summary>
    private static bool ReadRgba(string path, Tiff tiff, int width, int height, int channels, Span<float> output)
    {
        if (!tiff.RGBAImageOK(out string reason))
        {
            throw new UnsupportedImageFormatException(path, "TIFF", reason);
        }

        var raster = new int[width * height];
        if (!tiff.ReadRGBAImageOriented(width, height, raster, Orientation.TOPLEFT, stopOnError: true))
        {
            return false;
        }

        float[] table = PixelConversion.ByteToFloat;
        for (int p = 0; p < raster.Length; p++)
        {
            int r = Tiff.GetR(raster[p]), g = Tiff.GetG(raster[p]), b = Tiff.GetB(raster[p]);
            if (channels == 3)
            {
                output[p * 3] = table[r];
                output[(p * 3) + 1] = table[g];
                output[(p * 3) + 2] = table[b];
            }
            else
            {
                output[p] = PixelConversion.Luma(r, g, b);
            }
        }

        return true;
    }

    /// <summary>How the samples of one page are laid out, and how a pixel's samples become 0-255 values.</summary>
    private sealed class TiffLayout
    {
        private Photometric _photometric;
        private int _bits;
        private int _maxValue;
        private byte[]? _palette; // r, g, b per index: the high byte of each 16-bit colour-map entry

        /// <summary>Whether the samples are read one by one (strips of a layout read exactly), not through RGBA.</summary>
        public bool IsExact { get; private set; }

        public bool Planar { get; private set; }

        public int SamplesPerPixel { get; private set; }

        /// <summary>Samples a pixel's value is made of: 3 for RGB, 1 for gray and palette (extra samples are dropped).</summary>
        public int UsedSamples { get; private set; }

        public static TiffLayout Read(Tiff tiff)
        {
            var layout = new TiffLayout
            {
                _photometric = (Photometric)(tiff.GetField(TiffTag.PHOTOMETRIC)?[0].ToInt() ?? -1),
                _bits = tiff.GetFieldDefaulted(TiffTag.BITSPERSAMPLE)[0].ToInt(),
                SamplesPerPixel = tiff.GetFieldDefaulted(TiffTag.SAMPLESPERPIXEL)[0].ToInt(),
                Planar = (PlanarConfig)tiff.GetFieldDefaulted(TiffTag.PLANARCONFIG)[0].ToInt() == PlanarConfig.SEPARATE,
            };
            layout._maxValue = (1 << layout._bits) - 1;
            var format = (SampleFormat)tiff.GetFieldDefaulted(TiffTag.SAMPLEFORMAT)[0].ToInt();
            layout.UsedSamples = layout._photometric == Photometric.RGB ? 3 : 1;
            bool exactLayout = layout._photometric switch
            {
                Photometric.MINISBLACK or Photometric.MINISWHITE => layout._bits is 1 or 2 or 4 or 8 or 16,
                Photometric.RGB => layout._bits is 8 or 16 && layout.SamplesPerPixel >= 3,
                Photometric.PALETTE => layout._bits is 1 or 2 or 4 or 8 && layout.SamplesPerPixel == 1,
                _ => false,
            };
            layout.IsExact = exactLayout && !tiff.IsTiled() && format == SampleFormat.UINT && layout.SamplesPerPixel >= 1;
            if (layout.IsExact && layout._photometric == Photometric.PALETTE)
            {
                FieldValue[]? map = tiff.GetField(TiffTag.COLORMAP);
                int entries = 1 << layout._bits;
                if (map is null || map.Length < 3)
                {
                    layout.IsExact = false; // the RGBA reader reports the missing colour map
                    return layout;
                }

                short[][] colors = [map[0].ToShortArray(), map[1].ToShortArray(), map[2].ToShortArray()];
                layout._palette = new byte[entries * 3];
                for (int i = 0; i < entries; i++)
                {
                    for (int c = 0; c < 3; c++)
                    {
                        layout._palette[(i * 3) + c] = i < colors[c].Length ? (byte)((ushort)colors[c][i] >> 8) : (byte)0;
                    }
                }
            }

            return layout;
        }

        /// <summary>The raw value of sample number <paramref name="index"/> of a decoded scanline (libtiff returns
        /// 16-bit samples in the machine's byte order, and packs samples under 8 bits from the high bit).</summary>
        public int Sample(byte[] line, int index) => _bits switch
        {
            8 => line[index],
            16 => BitConverter.ToUInt16(line, index * 2),
            _ => (line[(index * _bits) >> 3] >> (8 - _bits - ((index * _bits) & 7))) & _maxValue,
        };

        /// <summary>Writes one pixel from its raw samples as 1 or 3 channels in 0-255 units.</summary>
        public void WritePixel(Span<float> samples, Span<float> pixel)
        {
            if (_photometric == Photometric.PALETTE)
            {
                int i = (int)samples[0] * 3;
                WriteColor(_palette![i], _palette[i + 1], _palette[i + 2], pixel);
                return;
            }

            if (_photometric == Photometric.RGB)
            {
                if (_bits == 8)
                {
                    WriteColor((int)samples[0], (int)samples[1], (int)samples[2], pixel);
                    return;
                }

                float r = Scale(samples[0]), g = Scale(samples[1]), b = Scale(samples[2]);
                if (pixel.Length == 3)
                {
                    pixel[0] = r;
                    pixel[1] = g;
                    pixel[2] = b;
                }
                else
                {
                    pixel[0] = PixelConversion.Luma(r, g, b);
                }

                return;
            }

            float value = _photometric == Photometric.MINISWHITE ? Scale(_maxValue - samples[0]) : Scale(samples[0]);
            pixel.Fill(value);
        }

        /// <summary><c>v * 255 / max</c>: exact integers in, one correctly rounded division (8 bits: <c>v</c> itself;
        /// 16 bits: <c>257 k</c> gives exactly <c>k</c>).</summary>
        private float Scale(float raw) => raw * 255f / _maxValue;

        private static void WriteColor(int r, int g, int b, Span<float> pixel)
        {
            if (pixel.Length == 3)
            {
                pixel[0] = r;
                pixel[1] = g;
                pixel[2] = b;
            }
            else
            {
                pixel[0] = PixelConversion.Luma(r, g, b);
            }
        }
    }

    /// <summary>The file's bytes as the stream libtiff reads (its default <see cref="TiffStream"/> reads a
    /// <see cref="Stream"/> client object), and the first error libtiff reports while reading them.</summary>
    private sealed class TiffSource(byte[] data, int length, string name) : MemoryStream(data, 0, length, writable: false)
    {
        /// <summary>The file name libtiff knows the data by (and puts in front of some messages).</summary>
        public string Name { get; } = name;

        public string? Error { get; private set; }

        public void Report(string? method, string text)
        {
            string prefix = Name + ": ";
            text = text.StartsWith(prefix, StringComparison.Ordinal) ? text[prefix.Length..] : text;
            Error ??= string.IsNullOrEmpty(method) || method == Name ? text : $"{method}: {text}";
        }
    }

    /// <summary>
    /// libtiff reports errors and warnings to one library-wide handler (by default it writes them to the console).
    /// This handler keeps the first error of a file NetDsl reads in its <see cref="TiffSource"/>, drops the
    /// warnings of those files, and passes everything else on to the handler that was installed before.
    /// </summary>
    private sealed class CapturingErrorHandler : TiffErrorHandler
    {
        private TiffErrorHandler? _previous;

        public static void Install()
        {
            var handler = new CapturingErrorHandler();
            handler._previous = Tiff.SetErrorHandler(handler);
        }

        public override void ErrorHandler(Tiff tif, string method, string format, params object[] args)
        {
            if (tif?.Clientdata() is not TiffSource)
            {
                _previous?.ErrorHandler(tif, method, format, args);
            }
        }

        public override void ErrorHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args)
        {
            if (clientData is TiffSource source)
            {
                source.Report(method, args is { Length: > 0 } ? string.Format(CultureInfo.InvariantCulture, format, args) : format);
            }
            else
            {
                _previous?.ErrorHandlerExt(tif, clientData, method, format, args);
            }
        }

        public override void WarningHandler(Tiff tif, string method, string format, params object[] args)
        {
            if (tif?.Clientdata() is not TiffSource)
            {
                _previous?.WarningHandler(tif, method, format, args);
            }
        }

        public override void WarningHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args)
        {
            if (clientData is not TiffSource)
            {
                _previous?.WarningHandlerExt(tif, clientData, method, format, args);
            }
        }
    }
}
