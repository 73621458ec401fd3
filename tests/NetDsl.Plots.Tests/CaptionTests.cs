using System;
using SkiaSharp;

namespace NetDsl.Plots.Tests;

/// <summary>A grid's title and tile captions: drawn in bands of their own, without moving a tile's pixels onto the
/// text or the text onto a tile.</summary>
public sealed class CaptionTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Title_and_labels_get_bands_with_text_in_them()
    {
        // Three 4x4 channels: a constant 0, a constant 1 (normalised to mid-gray) and a ramp.
        const int H = 4, W = 4, C = 3;
        var map = new float[H * W * C];
        for (int p = 0; p < H * W; p++)
        {
            map[p * C + 1] = 1f;
            map[p * C + 2] = p;
        }

        string path = _temp.File("captioned.png");
        var options = new GridOptions { Title = "Feature maps", Labels = ["zero", "one", "ramp"], Columns = 3 };
        FeatureMapGrid.Save(map, H, W, C, path, options);

        using SKBitmap bitmap = Png.Decode(path);
        int scale = (GridOptions.LabeledTileWidth + W - 1) / W; // labels widen the tiles
        int cell = H * scale;
        Assert.Equal(2 + 3 * (W * scale + 2), bitmap.Width);
        Assert.Equal(GridLayout.TitleBand + 2 + cell + GridLayout.LabelBand + 2, bitmap.Height);

        // The title band and every caption band hold light text pixels on the gap colour.
        Assert.True(CountLight(bitmap, 0, 0, bitmap.Width, GridLayout.TitleBand) > 20, "The title band has no text.");
        for (int i = 0; i < C; i++)
        {
            int x0 = 2 + i * (W * scale + 2);
            int y0 = GridLayout.TitleBand + 2 + cell;
            Assert.True(CountLight(bitmap, x0, y0, W * scale, GridLayout.LabelBand) > 10, $"The caption of tile {i} has no text.");
        }

        // Tiles sit below the title: the ramp's last pixel (white) at its bottom-right corner, its first (black) at the top-left.
        int rampX = 2 + 2 * (W * scale + 2), top = GridLayout.TitleBand + 2;
        Assert.Equal(0, Png.Gray(bitmap, rampX, top));
        Assert.Equal(255, Png.Gray(bitmap, rampX + W * scale - 1, top + cell - 1));
    }

    [Fact]
    public void A_label_per_tile_is_required()
    {
        var map = new float[2 * 2 * 2];
        var error = Assert.Throws<ArgumentException>(() => FeatureMapGrid.Save(map, 2, 2, 2, _temp.File("x.png"), new GridOptions { Labels = ["only one"] }));
        Assert.Contains("1 captions for 2 tiles", error.Message, StringComparison.Ordinal);
    }

    private static int CountLight(SKBitmap bitmap, int x0, int y0, int width, int height)
    {
        int count = 0;
        for (int y = y0; y < y0 + height; y++)
        {
            for (int x = x0; x < x0 + width; x++)
            {
                SKColor c = bitmap.GetPixel(x, y);
                count += c.Red > 150 && c.Green > 150 && c.Blue > 150 ? 1 : 0;
            }
        }

        return count;
    }
}
