using System;
using System.IO;
using System.Linq;
using System.Text;
using SkiaSharp;

namespace NetDsl.Images.Tests;

/// <summary>Pixels of each format, loaded at their own size (no resampling): exact for the lossless formats.</summary>
public sealed class DecodingTests : IDisposable
{
    private const int H = 5, W = 7;
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Gray_png_is_exact()
    {
        byte[] gray = ImageFiles.RandomBytes(H * W, 1);
        string path = _temp.File("g.png");
        ImageFiles.WritePng(path, gray, H, W, 1);
        AssertExact(gray, ImageInput.Load(path, new TensorShape(H, W, 1)));
    }

    [Fact]
    public void Rgb_png_is_exact_and_grayscale_is_bt601_luma()
    {
        byte[] rgb = ImageFiles.RandomBytes(H * W * 3, 2);
        string path = _temp.File("c.png");
        ImageFiles.WritePng(path, rgb, H, W, 3);
        AssertExact(rgb, ImageInput.Load(path, new TensorShape(H, W, 3)));
        float[] gray = ImageInput.Load(path, new TensorShape(H, W, 1));
        for (int p = 0; p < H * W; p++)
        {
            int luma = ((19595 * rgb[p * 3]) + (38470 * rgb[(p * 3) + 1]) + (7471 * rgb[(p * 3) + 2]) + 32768) >> 16;
            Assert.Equal(luma / 255f, gray[p]);
        }
    }

    [Fact]
    public void Gray_png_loaded_as_rgb_repeats_the_channel()
    {
        byte[] gray = ImageFiles.RandomBytes(H * W, 3);
        string path = _temp.File("g.png");
        ImageFiles.WritePng(path, gray, H, W, 1);
        AssertExact(gray.SelectMany(g => new[] { g, g, g }).ToArray(), ImageInput.Load(path, new TensorShape(H, W, 3)));
    }

    [Fact]
    public void Bmp_is_exact()
    {
        byte[] rgb = ImageFiles.RandomBytes(H * W * 3, 4);
        string path = _temp.File("c.bmp");
        ImageFiles.WriteBmp(path, rgb, H, W);
        AssertExact(rgb, ImageInput.Load(path, new TensorShape(H, W, 3)));
    }

    [Fact]
    public void Gif_reads_the_first_frame_exactly()
    {
        byte[] palette = ImageFiles.RandomBytes(768, 5);
        byte[] first = ImageFiles.RandomBytes(H * W, 6);
        byte[] second = ImageFiles.RandomBytes(H * W, 7);
        string path = _temp.File("a.gif");
        ImageFiles.WriteGif(path, palette, [first, second], H, W);
        byte[] expected = first.SelectMany(i => new[] { palette[i * 3], palette[(i * 3) + 1], palette[(i * 3) + 2] }).ToArray();
        AssertExact(expected, ImageInput.Load(path, new TensorShape(H, W, 3)));
    }

    [Fact]
    public void Jpeg_is_close()
    {
        // A smooth image: JPEG's loss stays small.
        var rgb = new byte[16 * 16 * 3];
        for (int y = 0; y < 16; y++)
        {
            for (int x = 0; x < 16; x++)
            {
                int p = ((y * 16) + x) * 3;
                rgb[p] = (byte)(x * 16);
                rgb[p + 1] = (byte)(y * 16);
                rgb[p + 2] = 128;
            }
        }

        string path = _temp.File("c.jpg");
        ImageFiles.WriteJpeg(path, rgb, 16, 16, 3, quality: 100);
        float[] loaded = ImageInput.Load(path, new TensorShape(16, 16, 3));
        for (int i = 0; i < rgb.Length; i++)
        {
            Assert.InRange(loaded[i] - (rgb[i] / 255f), -10 / 255f, 10 / 255f); // 4:2:0 chroma subsampling
        }
    }

    [Fact]
    public void Webp_is_close()
    {
        byte[] gray = Enumerable.Range(0, 64).Select(i => (byte)(i * 4)).ToArray();
        string path = _temp.File("g.webp");
        ImageFiles.WriteWebp(path, gray, 8, 8, 1);
        float[] loaded = ImageInput.Load(path, new TensorShape(8, 8, 1));
        for (int i = 0; i < gray.Length; i++)
        {
            Assert.InRange(loaded[i] - (gray[i] / 255f), -8 / 255f, 8 / 255f);
        }
    }

    [Fact]
    public void Binary_pgm_and_ppm_are_exact()
    {
        byte[] gray = ImageFiles.RandomBytes(H * W, 8);
        string pgm = _temp.File("g.pgm");
        ImageFiles.WriteNetpbm(pgm, $"P5\n# a comment\n{W} {H}\n255\n", gray);
        AssertExact(gray, ImageInput.Load(pgm, new TensorShape(H, W, 1)));

        byte[] rgb = ImageFiles.RandomBytes(H * W * 3, 9);
        string ppm = _temp.File("c.ppm");
        ImageFiles.WriteNetpbm(ppm, $"P6 {W}#comment\n {H} 255\n", rgb);
        AssertExact(rgb, ImageInput.Load(ppm, new TensorShape(H, W, 3)));
    }

    [Fact]
    public void Plain_pgm_and_ppm_are_exact()
    {
        byte[] gray = ImageFiles.RandomBytes(H * W, 10);
        string pgm = _temp.File("g.pgm");
        ImageFiles.WriteNetpbm(pgm, $"P2\n{W} {H}\n255\n" + string.Join("\n# comment in the raster\n", gray) + "\n", []);
        AssertExact(gray, ImageInput.Load(pgm, new TensorShape(H, W, 1)));

        byte[] rgb = ImageFiles.RandomBytes(H * W * 3, 11);
        string ppm = _temp.File("c.ppm");
        ImageFiles.WriteNetpbm(ppm, $"P3 {W} {H} 255 " + string.Join(' ', rgb), []);
        AssertExact(rgb, ImageInput.Load(ppm, new TensorShape(H, W, 3)));
    }

    [Fact]
    public void Pbm_reads_1_as_black_and_0_as_white()
    {
        // 10 x 2: row 0 is 1010101010, row 1 is 0000000001.
        string plain = _temp.File("p1.pbm");
        ImageFiles.WriteNetpbm(plain, "P1\n10 2\n1010101010\n0 0 0 0 0 0 0 0 0 1\n", []);
        string binary = _temp.File("p4.pbm");
        ImageFiles.WriteNetpbm(binary, "P4\n10 2\n", [0b10101010, 0b10000000, 0b00000000, 0b01000000]);
        byte[] expected = "1010101010" + "0000000001" is var bits ? bits.Select(b => b == '1' ? (byte)0 : (byte)255).ToArray() : [];
        AssertExact(expected, ImageInput.Load(plain, new TensorShape(2, 10, 1)));
        AssertExact(expected, ImageInput.Load(binary, new TensorShape(2, 10, 1)));
    }

    [Fact]
    public void Sixteen_bit_and_small_maxval_pgm_scale_to_unit_range()
    {
        string wide = _temp.File("w.pgm");
        ImageFiles.WriteNetpbm(wide, "P5 3 1 65535\n", [0, 0, 0x80, 0x00, 0xFF, 0xFF]);
        float[] loaded = ImageInput.Load(wide, new TensorShape(1, 3, 1));
        Assert.Equal(0f, loaded[0]);
        Assert.Equal(32768f / 65535f, loaded[1], 1e-6f);
        Assert.Equal(1f, loaded[2], 1e-6f);

        string narrow = _temp.File("n.pgm");
        ImageFiles.WriteNetpbm(narrow, "P2 3 1 4\n0 1 4\n", []);
        loaded = ImageInput.Load(narrow, new TensorShape(1, 3, 1));
        Assert.Equal([0f, 0.25f, 1f], loaded.Select(v => MathF.Round(v, 6)).ToArray());
    }

    [Fact]
    public void Load_gives_the_requested_shape()
    {
        string path = _temp.File("c.png");
        ImageFiles.WritePng(path, ImageFiles.RandomBytes(30 * 40 * 3, 12), 30, 40, 3);
        Assert.Equal(28 * 28, ImageInput.Load(path, new TensorShape(28, 28, 1)).Length);
        Assert.Equal(8 * 6 * 3, ImageInput.Load(path, new TensorShape(8, 6, 3)).Length);
        Assert.All(ImageInput.Load(path, new TensorShape(8, 6, 3)), v => Assert.InRange(v, 0f, 1f));
        Assert.Throws<ArgumentException>(() => ImageInput.Load(path, new TensorShape(28, 28)));
        Assert.Throws<ArgumentException>(() => ImageInput.Load(path, new TensorShape(28, 28, 4)));
    }

    internal static void AssertExact(byte[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] / 255f != actual[i])
            {
                Assert.Fail($"Value {i}: expected {expected[i]} / 255 = {expected[i] / 255f}, got {actual[i]} ({actual[i] * 255f} / 255).");
            }
        }
    }
}
