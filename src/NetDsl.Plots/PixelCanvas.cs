using System;
using System.Collections.Generic;
using System.IO;
using SkiaSharp;

namespace NetDsl.Plots;

/// <summary>An RGBA image that grids paint tile by tile and then write as PNG.</summary>
internal sealed class PixelCanvas
{
    /// <summary>The colour between tiles: a dark blue that no gray tile pixel has.</summary>
    public static readonly SKColor GapColor = new(40, 60, 110);

    private readonly SKColor[] _pixels;
    private readonly List<(string Text, float X, float Y, float Size)> _captions = new();

    public PixelCanvas(int width, int height)
    {
        Width = width;
        Height = height;
        _pixels = new SKColor[width * height];
        Array.Fill(_pixels, GapColor);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Paints a gray tile (<paramref name="levels"/> is <c>height x width</c>, row-major) with its top-left
    /// corner at <paramref name="x"/>, <paramref name="y"/>, each level as a <c>scale x scale</c> block.</summary>
    public void PaintGray(ReadOnlySpan<byte> levels, int height, int width, int x, int y, int scale)
    {
        for (int r = 0; r < height; r++)
        {
            for (int c = 0; c < width; c++)
            {
                byte v = levels[r * width + c];
                Fill(x + c * scale, y + r * scale, scale, new SKColor(v, v, v));
            }
        }
    }

    /// <summary>Paints an RGB tile (<paramref name="levels"/> is <c>height x width x 3</c>, channels-last).</summary>
    public void PaintRgb(ReadOnlySpan<byte> levels, int height, int width, int x, int y, int scale)
    {
        for (int r = 0; r < height; r++)
        {
            for (int c = 0; c < width; c++)
            {
                int i = (r * width + c) * 3;
                Fill(x + c * scale, y + r * scale, scale, new SKColor(levels[i], levels[i + 1], levels[i + 2]));
            }
        }
    }

    private void Fill(int x0, int y0, int scale, SKColor color)
    {
        for (int y = y0; y < y0 + scale; y++)
        {
            _pixels.AsSpan(y * Width + x0, scale).Fill(color);
        }
    }

    /// <summary>Adds the grid's title (centred in its band) and each tile's caption (centred under the tile), as
    /// <paramref name="options"/> give them; the layout has made room for both.</summary>
    public void Annotate(GridLayout layout, GridOptions? options)
    {
        if (options is null)
        {
            return;
        }

        if (layout.TitleHeight > 0)
        {
            _captions.Add((options.Title!, Width / 2f, layout.TitleHeight - 7, 16));
        }

        if (options.Labels is { } labels)
        {
            for (int i = 0; i < labels.Count; i++)
            {
                (int x, int y) = layout.TileOrigin(i);
                _captions.Add((labels[i] ?? string.Empty, x + layout.CellWidth / 2f, y + layout.CellHeight + layout.LabelHeight - 5, 12));
            }
        }
    }

    /// <summary>Writes the image as a PNG file, creating its folder if needed.</summary>
    public void SavePng(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        bitmap.Pixels = _pixels;
        if (_captions.Count > 0)
        {
            using var canvas = new SKCanvas(bitmap);
            using var paint = new SKPaint { Color = SKColors.White, IsAntialias = true };
            foreach ((string text, float x, float y, float size) in _captions)
            {
                using var font = new SKFont(SKTypeface.Default, size);
                canvas.DrawText(text, x, y, SKTextAlign.Center, font, paint);
            }
        }

        PngFile.Write(bitmap, path);
    }
}

/// <summary>PNG encoding shared by the grids.</summary>
internal static class PngFile
{
    public static void Write(SKBitmap bitmap, string path)
    {
        EnsureFolder(path);
        using SKData data = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException($"SkiaSharp could not encode '{path}' as PNG.");
        using FileStream stream = File.Create(path);
        data.SaveTo(stream);
    }

    /// <summary>Creates the folder of <paramref name="path"/> if it does not exist.</summary>
    public static void EnsureFolder(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }
}
