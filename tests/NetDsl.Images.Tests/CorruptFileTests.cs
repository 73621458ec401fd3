using System;
using System.IO;
using System.Linq;

namespace NetDsl.Images.Tests;

/// <summary>Unreadable files: an error naming the file, or skipped and counted.</summary>
public sealed class CorruptFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string, string, string> MalformedNetpbm => new()
    {
        { "P5 100000 100000 255\n", "more than the limit", "huge.pgm" },
        { "P5 4 4\n", "ends before the maxval", "nomax.pgm" },
        { "P5 4 4 0\n", "maxval is 0", "max0.pgm" },
        { "P5 4 4 70000\n", "maxval is 70000", "max70000.pgm" },
        { "P5 4 1234567890 255\n", "more than 9 digits", "digits.pgm" },
        { "P5 -4 4 255\n", "not a number", "negative.pgm" },
        { "P5 0 4 255\n", "empty image", "zero.pgm" },
        { "P5 4 4 255\n" + "abc", "truncated PGM", "short.pgm" },
        { "P6 4x4 255\n", "followed by 'x'", "junk.ppm" },
        { "P2 2 1 10\n5 11\n", "above the maxval 10", "sample.pgm" },
        { "P1 2 1\n1 2\n", "expected 0 or 1", "bit.pbm" },
        { "P3 1 1 255\n1 2", "truncated PPM", "plain.ppm" },
        { "P4 9000 9000\n", "truncated PBM", "bitmap.pbm" },
    };

    [Theory]
    [MemberData(nameof(MalformedNetpbm))]
    public void Malformed_netpbm_headers_are_errors_naming_the_file(string content, string reason, string name)
    {
        string path = _temp.File(name);
        File.WriteAllText(path, content);
        InvalidImageException e = Assert.Throws<InvalidImageException>(() => ImageInput.Load(path, new TensorShape(4, 4, 1)));
        Assert.Equal(path, e.FilePath);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_png_garbage_and_empty_files_are_errors_naming_the_file()
    {
        byte[] png = ImageFiles.EncodeSkia(ImageFiles.RandomBytes(64 * 64 * 3, 1), 64, 64, 3, SkiaSharp.SKEncodedImageFormat.Png, 100);
        string truncated = _temp.File("truncated.png");
        File.WriteAllBytes(truncated, png[..(png.Length / 2)]);
        string garbage = _temp.File("garbage.png");
        File.WriteAllBytes(garbage, ImageFiles.RandomBytes(1000, 2));
        string empty = _temp.File("empty.jpg");
        File.WriteAllBytes(empty, []);
        string missing = _temp.File("missing.png");
        foreach (string path in new[] { truncated, garbage, empty, missing })
        {
            InvalidImageException e = Assert.Throws<InvalidImageException>(() => ImageInput.Load(path, new TensorShape(8, 8, 3)));
            Assert.Equal(path, e.FilePath);
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
        }

        Assert.Contains("truncated", Assert.Throws<InvalidImageException>(() => ImageInput.Load(truncated, new TensorShape(8, 8, 3))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_png_declaring_more_pixels_than_the_limit_is_refused_before_decoding()
    {
        string path = _temp.File("big.png");
        ImageFiles.WritePng(path, new byte[300 * 200], 300, 200, 1);
        var strict = new ImagePreprocessing { MaxPixels = 50_000 };
        InvalidImageException e = Assert.Throws<InvalidImageException>(() => ImageInput.Load(path, new TensorShape(8, 8, 1), strict));
        Assert.Contains("more than the limit of 50000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_with_bad_files_throws_for_the_first_or_skips_and_counts_them()
    {
        for (int i = 0; i < 5; i++)
        {
            ImageFiles.WritePng(_temp.File("good", $"{i}.png"), [(byte)i], 1, 1, 1);
        }

        byte[] png = ImageFiles.EncodeSkia(ImageFiles.RandomBytes(32 * 32, 1), 32, 32, 1, SkiaSharp.SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(_temp.File("bad", "truncated.png"), png[..(png.Length / 2)]);
        File.WriteAllBytes(_temp.File("bad", "garbage.jpg"), ImageFiles.RandomBytes(500, 3));
        File.WriteAllText(_temp.File("bad", "huge.pgm"), "P5 100000 100000 255\n");
        File.WriteAllBytes(_temp.File("bad", "scan.tiff"), [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0]);
        ImageFiles.WritePng(_temp.File("bad", "ok.png"), [200], 1, 1, 1);

        var options = new ImageDatasetOptions { Shuffle = false };
        InvalidImageException error = Assert.ThrowsAny<InvalidImageException>(() => ImageDataset.FromDirectory(_temp.Path, 1, 1, ColorMode.Grayscale, options));
        Assert.Equal(_temp.File("bad", "garbage.jpg"), error.FilePath); // the first bad file in list order

        ImageDataset images = ImageDataset.FromDirectory(_temp.Path, 1, 1, ColorMode.Grayscale, options with { SkipInvalidFiles = true });
        Assert.Equal(6, images.Count);
        Assert.Equal(4, images.SkippedFiles.Count);
        Assert.Equal(new[] { "garbage.jpg", "huge.pgm", "scan.tiff", "truncated.png" }, images.SkippedFiles.Select(s => Path.GetFileName(s.FilePath)));
        Assert.StartsWith("corrupt TIFF data (", images.SkippedFiles[2].Reason, StringComparison.Ordinal); // a header and no directory
        Assert.DoesNotContain(images.FilePaths, p => images.SkippedFiles.Any(s => s.FilePath == p));
        Assert.Equal(200 / 255f, images.Data.GetInput(0)[0]); // bad/ok.png survives, label 0
        Assert.Equal(0, images.Data.GetLabel(0));
    }
}
