using System;
using SkiaSharp;

namespace NetDsl.Plots.Tests;

/// <summary>FeatureMapGrid: one tile per channel of a channels-last map, in channel order by rows.</summary>
public sealed class FeatureMapGridTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Five_channels_make_a_3_by_2_grid_with_each_channel_in_its_tile()
    {
        const int H = 4, W = 6, C = 5;
        // Channel c is 0 everywhere except a single peak of (c + 1) at row c % H, column c: after normalisation,
        // exactly that pixel of tile c is white and the rest black.
        var map = new float[H * W * C];
        for (int c = 0; c < C; c++)
        {
            map[((c % H) * W + c) * C + c] = c + 1;
        }

        string path = _temp.File("maps.png");
        FeatureMapGrid.Save(map, H, W, C, path, new GridOptions { Scale = 2, Gap = 1 });
        using SKBitmap bitmap = Png.Decode(path);
        // ceil(sqrt(5)) = 3 columns, 2 rows; tiles 12x8 pixels.
        Assert.Equal(1 + 3 * (12 + 1), bitmap.Width);
        Assert.Equal(1 + 2 * (8 + 1), bitmap.Height);
        for (int c = 0; c < C; c++)
        {
            int x0 = 1 + c % 3 * 13, y0 = 1 + c / 3 * 9;
            for (int y = 0; y < H; y++)
            {
                for (int x = 0; x < W; x++)
                {
                    byte expected = y == c % H && x == c ? (byte)255 : (byte)0;
                    Assert.Equal(expected, Png.Gray(bitmap, x0 + x * 2, y0 + y * 2));
                    Assert.Equal(expected, Png.Gray(bitmap, x0 + x * 2 + 1, y0 + y * 2 + 1));
                }
            }
        }

        // The sixth cell of the 3x2 grid is empty: gap colour.
        Assert.Equal(PixelCanvas.GapColor, bitmap.GetPixel(1 + 2 * 13 + 5, 1 + 9 + 4));
    }

    [Fact]
    public void Columns_option_and_a_dead_channel()
    {
        // 2x2x3, channel 1 all zero (a dead ReLU channel) -> mid-gray.
        float[] map = [1, 0, 5, 2, 0, 6, 3, 0, 7, 4, 0, 8];
        string path = _temp.File("row.png");
        FeatureMapGrid.Save(map, 2, 2, 3, path, new GridOptions { Scale = 1, Gap = 1, Columns = 3 });
        using SKBitmap bitmap = Png.Decode(path);
        Assert.Equal(1 + 3 * 3, bitmap.Width);
        Assert.Equal(1 + 3, bitmap.Height);
        Assert.Equal(0, Png.Gray(bitmap, 1, 1));
        Assert.Equal(255, Png.Gray(bitmap, 2, 2));
        Assert.Equal(128, Png.Gray(bitmap, 4, 1));
        Assert.Equal(0, Png.Gray(bitmap, 7, 1));
        Assert.Equal(255, Png.Gray(bitmap, 8, 2));
    }

    [Fact]
    public void Wrong_length_is_reported_with_the_shape()
    {
        var ex = Assert.Throws<ArgumentException>(() => FeatureMapGrid.Save(new float[10], 2, 2, 3, _temp.File("x.png")));
        Assert.Contains("2x2x3", ex.Message);
    }
}
