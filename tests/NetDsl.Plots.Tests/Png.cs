using System;
using System.IO;
using SkiaSharp;

namespace NetDsl.Plots.Tests;

/// <summary>Decodes a written file and checks that it is a PNG.</summary>
internal static class Png
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static SKBitmap Decode(string path)
    {
        Assert.True(File.Exists(path), $"'{path}' was not written.");
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.AsSpan().StartsWith(Signature), $"'{path}' does not start with the PNG signature.");
        using var codec = SKCodec.Create(new MemoryStream(bytes));
        Assert.NotNull(codec);
        Assert.Equal(SKEncodedImageFormat.Png, codec.EncodedFormat);
        SKBitmap? bitmap = SKBitmap.Decode(bytes);
        Assert.NotNull(bitmap);
        return bitmap;
    }

    public static byte Gray(SKBitmap bitmap, int x, int y)
    {
        SKColor c = bitmap.GetPixel(x, y);
        Assert.True(c.Red == c.Green && c.Green == c.Blue, $"Pixel ({x}, {y}) is {c}, not gray.");
        return c.Red;
    }
}

/// <summary>A temporary folder removed after the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "netdsl-plots-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        // Keep the images for a person to look at when NETDSL_KEEP_PLOTS is set.
        if (Environment.GetEnvironmentVariable("NETDSL_KEEP_PLOTS") is null)
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
