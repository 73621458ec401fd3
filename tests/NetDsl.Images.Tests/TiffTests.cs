using System;
using System.IO;
using System.Linq;
using BitMiracle.LibTiff.Classic;
using static NetDsl.Images.Tests.DecodingTests;

namespace NetDsl.Images.Tests;

/// <summary>TIFF files written with LibTiff.NET, read back at their own size (no resampling): 8-bit samples and
/// palette colours exactly, 16-bit samples scaled by 255 / 65535, alpha dropped, the first page of several.</summary>
public sealed class TiffTests : IDisposable
{
    private const int H = 5, W = 7;
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(Compression.NONE)]
    [InlineData(Compression.LZW)]
    [InlineData(Compression.DEFLATE)]
    [InlineData(Compression.PACKBITS)]
    public void Gray_tiff_is_exact_with_every_common_compression(Compression compression)
    {
        byte[] gray = ImageFiles.RandomBytes(H * W, 1);
        string path = _temp.File("g.tif");
        ImageFiles.WriteTiff(path, [gray], H, W, 1, 8, Photometric.MINISBLACK, compression);
        AssertExact(gray, ImageInput.Load(path, new TensorShape(H, W, 1)));
        AssertExact(gray.SelectMany(g => new[] { g, g, g }).ToArray(), ImageInput.Load(path, new TensorShape(H, W, 3)));
    }

    [Fact]
    public void Rgb_tiff_is_exact_and_grayscale_is_bt601_luma()
    {
        byte[] rgb = ImageFiles.RandomBytes(H * W * 3, 2);
        string path = _temp.File("c.tiff");
        ImageFiles.WriteTiff(path, [rgb], H, W, 3, 8, Photometric.RGB, Compression.LZW);
        AssertExact(rgb, ImageInput.Load(path, new TensorShape(H, W, 3)));
        AssertExact(Luma(rgb), ImageInput.Load(path, new TensorShape(H, W, 1)));
    }

    [Fact]
    public void Rgba_tiff_drops_alpha_without_premultiplying()
    {
        byte[] rgba = ImageFiles.RandomBytes(H * W * 4, 3);
        for (int p = 0; p < H * W; p++)
        {
            rgba[(p * 4) + 3] = (byte)(p * 7); // transparent to nearly opaque
        }

        string path = _temp.File("a.tif");
        ImageFiles.WriteTiff(path, [rgba], H, W, 4, 8, Photometric.RGB);
        byte[] rgb = Enumerable.Range(0, H * W * 3).Select(i => rgba[((i / 3) * 4) + (i % 3)]).ToArray();
        AssertExact(rgb, ImageInput.Load(path, new TensorShape(H, W, 3)));
    }

    [Fact]
    public void Palette_tiff_reads_the_high_byte_of_each_colour_map_entry()
    {
        // 16-bit colour-map entries written both ways tools write 8-bit colours: v * 257 and v << 8.
        byte[] colors = ImageFiles.RandomBytes(256 * 3, 4);
        short[][] map = [new short[256], new short[256], new short[256]];
        for (int i = 0; i < 256; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                map[c][i] = (short)(i % 2 == 0 ? colors[(i * 3) + c] * 257 : colors[(i * 3) + c] << 8);
            }
        }

        byte[] indices = ImageFiles.RandomBytes(H * W, 5);
        string path = _temp.File("p.tif");
        ImageFiles.WriteTiff(path, [indices], H, W, 1, 8, Photometric.PALETTE, tags: t => t.SetField(TiffTag.COLORMAP, map[0], map[1], map[2]));
        byte[] rgb = indices.SelectMany(i => new[] { colors[i * 3], colors[(i * 3) + 1], colors[(i * 3) + 2] }).ToArray();
        AssertExact(rgb, ImageInput.Load(path, new TensorShape(H, W, 3)));
        AssertExact(Luma(rgb), ImageInput.Load(path, new TensorShape(H, W, 1)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sixteen_bit_gray_tiff_is_scaled_by_255_over_65535(bool bigEndian)
    {
        ushort[] samples = new ushort[H * W];
        byte[] whole = ImageFiles.RandomBytes(H * W, 6);
        whole[0] = 0;
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (ushort)(i % 2 == 0 ? whole[i] * 257 : (whole[i] * 251) + i); // widened 8-bit values, and others
        }

        samples[1] = 65535;
        string path = _temp.File("g16.tif");
        ImageFiles.WriteTiff(path, [ImageFiles.Samples16(samples)], H, W, 1, 16, Photometric.MINISBLACK, Compression.DEFLATE, bigEndian: bigEndian);
        Assert.Equal(bigEndian ? (byte)'M' : (byte)'I', File.ReadAllBytes(path)[0]);
        float[] gray = ImageInput.Load(path, new TensorShape(H, W, 1));
        for (int i = 0; i < samples.Length; i++)
        {
            Assert.Equal(samples[i] * 255f / 65535f / 255f, gray[i]);
            if (i % 2 == 0)
            {
                Assert.Equal(whole[i] / 255f, gray[i]); // v * 257 reads back as exactly v
            }
        }

        Assert.Equal(0f, gray[0]);
        Assert.Equal(1f, gray[1]);
    }

    [Fact]
    public void Sixteen_bit_rgb_tiff_is_scaled_and_its_gray_is_unrounded_luma()
    {
        ushort[] samples = new ushort[H * W * 3];
        var random = new Random(7);
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (ushort)random.Next(65536);
        }

        string path = _temp.File("c16.tif");
        ImageFiles.WriteTiff(path, [ImageFiles.Samples16(samples)], H, W, 3, 16, Photometric.RGB);
        float[] rgb = ImageInput.Load(path, new TensorShape(H, W, 3));
        float[] gray = ImageInput.Load(path, new TensorShape(H, W, 1));
        for (int i = 0; i < samples.Length; i++)
        {
            Assert.Equal(samples[i] * 255f / 65535f / 255f, rgb[i]);
        }

        for (int p = 0; p < H * W; p++)
        {
            float r = samples[p * 3] * 255f / 65535f, g = samples[(p * 3) + 1] * 255f / 65535f, b = samples[(p * 3) + 2] * 255f / 65535f;
            Assert.Equal(((0.299f * r) + (0.587f * g) + (0.114f * b)) / 255f, gray[p]);
        }
    }

    [Fact]
    public void Bilevel_min_is_white_tiff_reads_bit_1_as_black()
    {
        // One row of 7 pixels packed from the high bit: 1011001 + a padding bit.
        byte[] row = [0b1011_0010];
        string path = _temp.File("fax.tif");
        ImageFiles.WriteTiff(path, [row], 1, 7, 1, 1, Photometric.MINISWHITE, Compression.PACKBITS);
        AssertExact([0, 255, 0, 0, 255, 255, 0], ImageInput.Load(path, new TensorShape(1, 7, 1)));
    }

    [Fact]
    public void Four_bit_gray_tiff_is_scaled_by_17()
    {
        byte[] packed = [0x0F, 0x5A, 0xC3, 0x70]; // 0 15 5 10 12 3 7 and a padding nibble
        string path = _temp.File("g4.tif");
        ImageFiles.WriteTiff(path, [packed], 1, 7, 1, 4, Photometric.MINISBLACK);
        AssertExact([0, 255, 85, 170, 204, 51, 119], ImageInput.Load(path, new TensorShape(1, 7, 1)));
    }

    [Fact]
    public void Multi_page_tiff_reads_the_first_page()
    {
        byte[] first = ImageFiles.RandomBytes(H * W, 8), second = ImageFiles.RandomBytes(H * W, 9);
        string path = _temp.File("pages.tif");
        ImageFiles.WriteTiff(path, [first, second], H, W, 1, 8, Photometric.MINISBLACK);
        AssertExact(first, ImageInput.Load(path, new TensorShape(H, W, 1)));
    }

    [Fact]
    public void Planar_and_tiled_rgb_tiffs_are_exact()
    {
        const int Height = 20, Width = 18; // tiles of 16: a partial tile on each edge
        byte[] rgb = ImageFiles.RandomBytes(Height * Width * 3, 10);
        string planar = _temp.File("planar.tif"), tiled = _temp.File("tiled.tif");
        ImageFiles.WritePlanarTiff(planar, rgb, Height, Width);
        ImageFiles.WriteTiledTiff(tiled, rgb, Height, Width);
        AssertExact(rgb, ImageInput.Load(planar, new TensorShape(Height, Width, 3)));
        AssertExact(rgb, ImageInput.Load(tiled, new TensorShape(Height, Width, 3)));
        AssertExact(Luma(rgb), ImageInput.Load(tiled, new TensorShape(Height, Width, 1)));
    }

    [Fact]
    public void Floating_point_tiff_is_an_unsupported_kind_of_tiff_naming_the_file()
    {
        byte[] floats = new byte[H * W * 4];
        string path = _temp.File("depth.tif");
        ImageFiles.WriteTiff(path, [floats], H, W, 1, 32, Photometric.MINISBLACK, tags: t => t.SetField(TiffTag.SAMPLEFORMAT, SampleFormat.IEEEFP));
        UnsupportedImageFormatException e = Assert.Throws<UnsupportedImageFormatException>(() => ImageInput.Load(path, new TensorShape(H, W, 1)));
        Assert.Equal(path, e.FilePath);
        Assert.Equal("TIFF", e.Format);
        Assert.StartsWith("this kind of TIFF is not supported (", e.Reason, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_tiff_is_an_invalid_image_naming_the_file()
    {
        string whole = _temp.File("whole.tif"), path = _temp.File("truncated.tif");
        ImageFiles.WriteTiff(whole, [ImageFiles.RandomBytes(64 * 64, 11)], 64, 64, 1, 8, Photometric.MINISBLACK);
        byte[] bytes = File.ReadAllBytes(whole);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]); // LibTiff writes the pixels first, the directory last
        InvalidImageException e = Assert.Throws<InvalidImageException>(() => ImageInput.Load(path, new TensorShape(64, 64, 1)));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("TIFF", e.Reason, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tiff_whose_pixels_are_cut_off_is_an_invalid_image_naming_the_file()
    {
        // The directory first, then the pixels: a file cut in the middle of its pixels.
        byte[] bytes = HandWrittenGrayTiff(width: 16, height: 16, pixelBytes: 100);
        string path = _temp.File("cut.tif");
        File.WriteAllBytes(path, bytes);
        InvalidImageException e = Assert.Throws<InvalidImageException>(() => ImageInput.Load(path, new TensorShape(16, 16, 1)));
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith("corrupt or truncated TIFF data (", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Tiff_header_with_garbage_after_it_is_an_invalid_image()
    {
        string path = _temp.File("garbage.tif");
        File.WriteAllBytes(path, [(byte)'M', (byte)'M', 0, 42, .. ImageFiles.RandomBytes(200, 12)]);
        InvalidImageException e = Assert.ThrowsAny<InvalidImageException>(() => ImageInput.Load(path, new TensorShape(4, 4, 1)));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("TIFF", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Hand_written_tiff_that_skia_cannot_decode_is_read()
    {
        byte[] tiff = HandWrittenGrayTiff(width: 1, height: 1, pixelBytes: 1, pixel: 0x80);
        using (var stream = new SkiaSharp.SKMemoryStream(tiff))
        {
            Assert.Null(SkiaSharp.SKCodec.Create(stream)); // SkiaSharp has no TIFF codec
        }

        string path = _temp.File("x.tif");
        File.WriteAllBytes(path, tiff);
        Assert.Equal([128 / 255f], ImageInput.Load(path, new TensorShape(1, 1, 1)));
    }

    [Fact]
    public void Image_folders_read_tif_and_tiff_files_beside_pngs()
    {
        byte[] a = ImageFiles.RandomBytes(H * W, 13), b = ImageFiles.RandomBytes(H * W, 14), c = ImageFiles.RandomBytes(H * W, 15);
        ImageFiles.WriteTiff(_temp.File("cats", "1.tif"), [a], H, W, 1, 8, Photometric.MINISBLACK);
        ImageFiles.WriteTiff(_temp.File("cats", "2.TIFF"), [b], H, W, 1, 8, Photometric.MINISBLACK, Compression.LZW);
        ImageFiles.WritePng(_temp.File("dogs", "3.png"), c, H, W, 1);

        ImageDataset images = ImageDataset.FromDirectory(_temp.Path, H, W, ColorMode.Grayscale, new ImageDatasetOptions { Shuffle = false });

        Assert.Equal(["cats", "dogs"], images.ClassNames);
        Assert.Equal(["1.tif", "2.TIFF", "3.png"], images.FilePaths.Select(Path.GetFileName));
        Assert.Equal([0, 0, 1], Enumerable.Range(0, 3).Select(images.Data.GetLabel));
        AssertExact(a, images.Data.GetInput(0).ToArray());
        AssertExact(b, images.Data.GetInput(1).ToArray());
        AssertExact(c, images.Data.GetInput(2).ToArray());
    }

    [Fact]
    public void Many_tiffs_decode_exactly_on_every_core_at_once()
    {
        // One library-wide libtiff error handler, a decoder per thread: a folder of TIFFs loads in parallel.
        var expected = new byte[64][];
        for (int i = 0; i < expected.Length; i++)
        {
            expected[i] = ImageFiles.RandomBytes(32 * 32, 100 + i);
            ImageFiles.WriteTiff(_temp.File($"c{i % 4}", $"{i:D2}.tif"), [expected[i]], 32, 32, 1, 8, Photometric.MINISBLACK, Compression.LZW);
        }

        File.WriteAllBytes(_temp.File("c0", "zz-bad.tif"), [(byte)'I', (byte)'I', 42, 0, 99, 0, 0, 0]);
        var options = new ImageDatasetOptions { Shuffle = false, SkipInvalidFiles = true, MaxDegreeOfParallelism = 4 };

        ImageDataset images = ImageDataset.FromDirectory(_temp.Path, 32, 32, ColorMode.Grayscale, options);

        Assert.Equal(expected.Length, images.Count);
        Assert.Equal("zz-bad.tif", Path.GetFileName(Assert.Single(images.SkippedFiles).FilePath));
        for (int i = 0; i < images.Count; i++)
        {
            int file = int.Parse(Path.GetFileNameWithoutExtension(images.FilePaths[i]), System.Globalization.CultureInfo.InvariantCulture);
            AssertExact(expected[file], images.Data.GetInput(i).ToArray());
        }
    }

    private static byte[] Luma(byte[] rgb) =>
        Enumerable.Range(0, rgb.Length / 3).Select(p => (byte)(((19595 * rgb[p * 3]) + (38470 * rgb[(p * 3) + 1]) + (7471 * rgb[(p * 3) + 2]) + 32768) >> 16)).ToArray();

    /// <summary>An uncompressed 8-bit gray little-endian TIFF of one strip, its directory before its pixels,
    /// holding <paramref name="pixelBytes"/> bytes of pixels (fewer than <c>width * height</c> cuts it off).</summary>
    private static byte[] HandWrittenGrayTiff(int width, int height, int pixelBytes, byte pixel = 0x80)
    {
        const int Entries = 8, PixelOffset = 8 + 2 + (Entries * 12) + 4;
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write("II*\0"u8);
        w.Write(8);
        w.Write((short)Entries);
        void Entry(short tag, short type, int value)
        {
            w.Write(tag);
            w.Write(type);
            w.Write(1);
            w.Write(value);
        }

        Entry(256, 3, width);            // ImageWidth
        Entry(257, 3, height);           // ImageLength
        Entry(258, 3, 8);                // BitsPerSample
        Entry(259, 3, 1);                // Compression: none
        Entry(262, 3, 1);                // PhotometricInterpretation: min-is-black
        Entry(273, 4, PixelOffset);      // StripOffsets
        Entry(278, 3, height);           // RowsPerStrip
        Entry(279, 4, width * height);   // StripByteCounts
        w.Write(0);                      // no next directory
        for (int i = 0; i < pixelBytes; i++)
        {
            w.Write(pixel);
        }

        w.Flush();
        return stream.ToArray();
    }
}
