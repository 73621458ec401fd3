using System;
using System.Linq;

namespace NetDsl.Images.Tests;

/// <summary>Resampling against hand computations of tf.image.resize (half-pixel centres, no antialiasing).</summary>
public sealed class ResizeTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Bilinear_upsampling_2x2_to_3x3()
    {
        // Output x samples the source at (x + 0.5) * 2/3 - 0.5 = -1/6, 1/2, 7/6: clamped to column 0, halfway,
        // clamped to column 1. The same on y.
        string path = _temp.File("a.png");
        ImageFiles.WritePng(path, [0, 60, 120, 240], 2, 2, 1);
        float[] expected = new float[] { 0, 30, 60, 60, 105, 150, 120, 180, 240 }.Select(v => v / 255f).ToArray();
        AssertClose(expected, ImageInput.Load(path, new TensorShape(3, 3, 1)));
    }

    [Fact]
    public void Bilinear_downsampling_1x4_to_1x2_averages_pairs()
    {
        // Output x samples at (x + 0.5) * 2 - 0.5 = 0.5, 2.5.
        string path = _temp.File("a.png");
        ImageFiles.WritePng(path, [0, 100, 200, 40], 1, 4, 1);
        AssertClose([50 / 255f, 120 / 255f], ImageInput.Load(path, new TensorShape(1, 2, 1)));
    }

    [Fact]
    public void Bilinear_1x3_to_1x4()
    {
        // Scale 3/4: positions (x + 0.5) * 0.75 - 0.5 = -0.125, 0.625, 1.375, 2.125 ->
        // v0, v0 + 0.625 (v1 - v0), v1 + 0.375 (v2 - v1), v2.
        string path = _temp.File("a.png");
        ImageFiles.WritePng(path, [10, 90, 250], 1, 3, 1);
        AssertClose(new[] { 10f, 10 + (0.625f * 80), 90 + (0.375f * 160), 250 }.Select(v => v / 255f).ToArray(), ImageInput.Load(path, new TensorShape(1, 4, 1)));
    }

    [Fact]
    public void Nearest_takes_floor_of_the_scaled_centre()
    {
        string path = _temp.File("a.png");
        ImageFiles.WritePng(path, [0, 100, 200, 40], 1, 4, 1);
        // floor((x + 0.5) * 2) = 1, 3.
        AssertClose([100 / 255f, 40 / 255f], ImageInput.Load(path, new TensorShape(1, 2, 1), new ImagePreprocessing { Interpolation = Interpolation.Nearest }));
    }

    [Fact]
    public void Crop_to_aspect_ratio_takes_the_centred_window()
    {
        // 2 x 4 to 2 x 2: Keras's smart_resize crops columns 1..2, which then need no resampling.
        string path = _temp.File("a.png");
        ImageFiles.WritePng(path, [1, 2, 3, 4, 5, 6, 7, 8], 2, 4, 1);
        float[] cropped = ImageInput.Load(path, new TensorShape(2, 2, 1), new ImagePreprocessing { CropToAspectRatio = true });
        AssertClose(new[] { 2f, 3, 6, 7 }.Select(v => v / 255f).ToArray(), cropped);
        float[] stretched = ImageInput.Load(path, new TensorShape(2, 2, 1));
        AssertClose(new[] { 1.5f, 3.5f, 5.5f, 7.5f }.Select(v => v / 255f).ToArray(), stretched);
    }

    [Fact]
    public void Crop_window_matches_keras_smart_resize()
    {
        Assert.Equal(new Processing.CropWindow(0, 17, 100, 66), Processing.CropWindow.For(100, 100, 30, 20, cropToAspectRatio: true));
        Assert.Equal(new Processing.CropWindow(12, 0, 75, 100), Processing.CropWindow.For(100, 100, 3, 4, cropToAspectRatio: true));
        Assert.Equal(new Processing.CropWindow(0, 0, 7, 9), Processing.CropWindow.For(7, 9, 3, 4, cropToAspectRatio: false));
    }

    [Fact]
    public void Normalisation_subtracts_the_mean_and_divides_by_the_standard_deviation_per_channel()
    {
        string path = _temp.File("c.png");
        byte[] rgb = [10, 20, 30, 200, 100, 50];
        ImageFiles.WritePng(path, rgb, 1, 2, 3);
        var preprocessing = new ImagePreprocessing { Mean = [0.5f, 0.25f, 0f], StandardDeviation = [0.5f, 2f, 0.25f] };
        float[] loaded = ImageInput.Load(path, new TensorShape(1, 2, 3), preprocessing);
        for (int i = 0; i < rgb.Length; i++)
        {
            float expected = ((rgb[i] / 255f) - preprocessing.Mean[i % 3]) / preprocessing.StandardDeviation[i % 3];
            Assert.Equal(expected, loaded[i], 1e-6f);
        }

        Assert.Throws<ArgumentException>(() => ImageInput.Load(path, new TensorShape(1, 2, 1), preprocessing));
        Assert.Throws<ArgumentException>(() => ImageInput.Load(path, new TensorShape(1, 2, 3), preprocessing with { StandardDeviation = [1f, 0f, 1f] }));
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-6f, $"Value {i}: expected {expected[i] * 255f} / 255, got {actual[i] * 255f} / 255.");
        }
    }
}
