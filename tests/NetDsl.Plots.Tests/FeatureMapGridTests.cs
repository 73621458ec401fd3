using System;
using System.Linq;
using SkiaSharp;

namespace NetDsl.Plots.Tests;

[Network, Input(8, 8, 1), Conv2D(6, 3, Activation = Activation.ReLU), MaxPooling2D, Flatten, Dense(2, Activation = Activation.Softmax)]
public partial class FeatureMapNet;

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

    [Fact]
    public void Network_overload_draws_one_tile_per_channel_of_the_named_layers_output()
    {
        var net = new FeatureMapNet(seed: 3);
        var input = new float[FeatureMapNet.InputLength];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (i * 7 % 11) / 10f;
        }

        // max_pooling2d: 3x3x6 -> 3 columns, 2 rows of 3x3 tiles.
        var map = new float[FeatureMapNet.Layers[1].OutputLength];
        net.LayerOutput("max_pooling2d", input, map);
        string path = _temp.File("net.png");
        FeatureMapGrid.Save(net, "max_pooling2d", input, path, new GridOptions { Scale = 1, Gap = 1 });

        using SKBitmap bitmap = Png.Decode(path);
        Assert.Equal(1 + 3 * (3 + 1), bitmap.Width);
        Assert.Equal(1 + 2 * (3 + 1), bitmap.Height);
        for (int c = 0; c < 6; c++)
        {
            // Each tile is its channel, normalised on its own: the channel's maximum is white (or mid-gray if constant).
            float[] channel = Enumerable.Range(0, 9).Select(p => map[p * 6 + c]).ToArray();
            int brightest = Array.IndexOf(channel, channel.Max());
            int x = 1 + c % 3 * 4 + brightest % 3, y = 1 + c / 3 * 4 + brightest / 3;
            Assert.Equal(channel.Max() > channel.Min() ? 255 : 128, Png.Gray(bitmap, x, y));
        }

        // And the whole image is the map's, drawn by the span overload.
        string direct = _temp.File("direct.png");
        FeatureMapGrid.Save(map, 3, 3, 6, direct, new GridOptions { Scale = 1, Gap = 1 });
        using SKBitmap expected = Png.Decode(direct);
        Assert.Equal(expected.Pixels, bitmap.Pixels);
    }

    [Fact]
    public void Network_overload_reports_unknown_layers_and_vectors()
    {
        var net = new FeatureMapNet(seed: 3);
        var input = new float[FeatureMapNet.InputLength];

        var unknown = Assert.Throws<ArgumentException>(() => FeatureMapGrid.Save(net, "conv9", input, _temp.File("a.png")));
        Assert.Contains("conv2d, max_pooling2d, flatten, dense", unknown.Message);
        var vector = Assert.Throws<ArgumentException>(() => FeatureMapGrid.Save(net, "dense", input, _temp.File("b.png")));
        Assert.StartsWith("Layer 'dense' (Dense) outputs (2,), not a feature map", vector.Message);
    }
}
