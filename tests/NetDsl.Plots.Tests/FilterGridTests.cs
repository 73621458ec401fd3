using System;
using System.Linq;
using NetDsl;
using SkiaSharp;

namespace NetDsl.Plots.Tests;

[Network, Input(8, 8, 3), Conv2D(6, 3, Activation = Activation.ReLU), Flatten, Dense(2, Activation = Activation.Softmax)]
public partial class RgbFilterNet;

[Network, Input(12, 12, 1), Conv2D(4, 3, Activation = Activation.ReLU), Conv2D(5, 3, Activation = Activation.ReLU), Flatten, Dense(2, Activation = Activation.Softmax)]
public partial class TwoConvNet;

/// <summary>FilterGrid: one tile per filter in the grid's order, each normalised to its own range, the Keras
/// layout read correctly, and the INetwork overload finding the layer by name.</summary>
public sealed class FilterGridTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A (3, 3, 1, 2) kernel: filter 0 runs -1..1 over the taps, filter 1 is the same times 0.001 (tiny
    /// weights must still reach black and white).</summary>
    private static float[] RampKernel()
    {
        var kernel = new float[3 * 3 * 1 * 2];
        for (int t = 0; t < 9; t++)
        {
            float v = -1f + t * 0.25f;
            kernel[t * 2 + 0] = v;
            kernel[t * 2 + 1] = v * 0.001f;
        }

        return kernel;
    }

    [Fact]
    public void Kernel_from_minus_one_to_one_maps_to_0_through_255_in_each_tile()
    {
        string path = _temp.File("filters.png");
        var options = new GridOptions { Scale = 4, Gap = 2 };
        FilterGrid.Save(RampKernel(), 3, 3, 1, 2, path, options: options);

        using SKBitmap bitmap = Png.Decode(path);
        // 2 filters -> 2 columns, 1 row: width = 2 + 2 * (12 + 2) = 30, height = 2 + 12 + 2 = 16.
        Assert.Equal(30, bitmap.Width);
        Assert.Equal(16, bitmap.Height);
        for (int filter = 0; filter < 2; filter++)
        {
            int x0 = 2 + filter * 14, y0 = 2;
            for (int t = 0; t < 9; t++)
            {
                int ky = t / 3, kx = t % 3;
                byte expected = (byte)Math.Round(t * 255.0 / 8);
                // Every pixel of the 4x4 block has the tap's level (nearest-neighbour).
                for (int dy = 0; dy < 4; dy++)
                {
                    for (int dx = 0; dx < 4; dx++)
                    {
                        Assert.Equal(expected, Png.Gray(bitmap, x0 + kx * 4 + dx, y0 + ky * 4 + dy));
                    }
                }
            }
        }

        Assert.Equal(0, Png.Gray(bitmap, 2, 2));        // -1 at the top-left tap of filter 0: black
        Assert.Equal(255, Png.Gray(bitmap, 2 + 11, 2 + 11)); // 1 at the bottom-right tap: white
        Assert.Equal(PixelCanvas.GapColor, bitmap.GetPixel(0, 0));
        Assert.Equal(PixelCanvas.GapColor, bitmap.GetPixel(14, 5)); // between the tiles
    }

    [Fact]
    public void Several_input_channels_show_their_mean_or_the_first_channel()
    {
        // (1, 2, 2, 1): taps (0,0) and (0,1); channel 0 = [0, 1], channel 1 = [3, -1] -> mean [1.5, 0].
        float[] kernel = [0f, 3f, 1f, -1f];
        var options = new GridOptions { Scale = 1, Gap = 0 };
        using (SKBitmap mean = Render(kernel, FilterChannels.Mean, options))
        {
            Assert.Equal(255, Png.Gray(mean, 0, 0));
            Assert.Equal(0, Png.Gray(mean, 1, 0));
        }

        using SKBitmap first = Render(kernel, FilterChannels.First, options);
        Assert.Equal(0, Png.Gray(first, 0, 0));
        Assert.Equal(255, Png.Gray(first, 1, 0));

        SKBitmap Render(float[] k, FilterChannels channels, GridOptions o)
        {
            string path = _temp.File($"mean-{channels}.png");
            FilterGrid.Save(k, 1, 2, 2, 1, path, channels, o);
            return Png.Decode(path);
        }
    }

    [Fact]
    public void Three_input_channels_are_drawn_as_rgb_normalised_together()
    {
        // One 1x1 filter with (r, g, b) = (2, -2, 0): min -2 -> 0, max 2 -> 255, 0 -> 128.
        float[] kernel = [2f, -2f, 0f];
        string path = _temp.File("rgb.png");
        FilterGrid.Save(kernel, 1, 1, 3, 1, path, options: new GridOptions { Scale = 1, Gap = 0 });
        using SKBitmap bitmap = Png.Decode(path);
        Assert.Equal(new SKColor(255, 0, 128), bitmap.GetPixel(0, 0));
    }

    [Fact]
    public void A_constant_filter_is_mid_gray_not_blank()
    {
        string path = _temp.File("constant.png");
        FilterGrid.Save(new float[9], 3, 3, 1, 1, path, options: new GridOptions { Scale = 1, Gap = 0 });
        using SKBitmap bitmap = Png.Decode(path);
        Assert.Equal(128, Png.Gray(bitmap, 1, 1));
    }

    [Fact]
    public void Network_overload_finds_the_layer_by_name_and_draws_every_filter()
    {
        var net = new TwoConvNet();
        string path = _temp.File("conv2d_1.png");
        FilterGrid.Save(net, "conv2d_1", path, options: new GridOptions { Scale = 5, Gap = 3 });
        using SKBitmap bitmap = Png.Decode(path);
        // conv2d_1 has 5 filters of 3x3 -> 3 columns, 2 rows of 15-pixel tiles.
        Assert.Equal(3 + 3 * 18, bitmap.Width);
        Assert.Equal(3 + 2 * 18, bitmap.Height);
        // Glorot-initialised filters are not constant: each tile holds both black and white.
        for (int f = 0; f < 5; f++)
        {
            int x0 = 3 + f % 3 * 18, y0 = 3 + f / 3 * 18;
            byte[] levels = Enumerable.Range(0, 9).Select(t => Png.Gray(bitmap, x0 + t % 3 * 5, y0 + t / 3 * 5)).ToArray();
            Assert.Contains((byte)0, levels);
            Assert.Contains((byte)255, levels);
        }

        // "conv2d_1/kernel" names the same tensor.
        FilterGrid.Save(net, "conv2d_1/kernel", _temp.File("same.png"), options: new GridOptions { Scale = 5, Gap = 3 });
        Assert.Equal(System.IO.File.ReadAllBytes(path), System.IO.File.ReadAllBytes(_temp.File("same.png")));
    }

    [Fact]
    public void Unknown_layer_names_the_conv_layers_there_are()
    {
        var ex = Assert.Throws<ArgumentException>(() => FilterGrid.Save(new TwoConvNet(), "dense", _temp.File("x.png")));
        Assert.Contains("conv2d, conv2d_1", ex.Message);
    }

    [Fact]
    public void Rgb_network_writes_a_colour_grid()
    {
        var net = new RgbFilterNet();
        string path = _temp.File("rgb-net.png");
        FilterGrid.Save(net, "conv2d", path);
        using SKBitmap bitmap = Png.Decode(path);
        // 6 filters of 3x3 at the automatic scale (48 / 3 = 16) -> 3 columns, 2 rows.
        Assert.Equal(2 + 3 * (48 + 2), bitmap.Width);
        Assert.Equal(2 + 2 * (48 + 2), bitmap.Height);
        Assert.Contains(Enumerable.Range(0, 3).Select(t => bitmap.GetPixel(2 + t * 16, 2)), c => c.Red != c.Green || c.Green != c.Blue);
    }
}
