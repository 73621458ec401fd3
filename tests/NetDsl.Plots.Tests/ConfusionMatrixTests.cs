using System;
using SkiaSharp;

namespace NetDsl.Plots.Tests;

/// <summary>ConfusionMatrix: counts by (true, predicted), and a PNG of the chosen size.</summary>
public sealed class ConfusionMatrixTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Count_puts_true_labels_in_rows_and_predictions_in_columns()
    {
        int[] truth = [0, 0, 0, 1, 1, 2, 2, 2, 2];
        int[] predicted = [0, 0, 1, 1, 2, 2, 2, 0, 2];
        int[,] counts = ConfusionMatrix.Count(truth, predicted, 3);
        Assert.Equal(new[,] { { 2, 1, 0 }, { 0, 1, 1 }, { 1, 0, 3 } }, counts);
        int total = 0;
        foreach (int c in counts)
        {
            total += c;
        }

        Assert.Equal(truth.Length, total);
    }

    [Fact]
    public void Count_rejects_labels_out_of_range_and_length_mismatch()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ConfusionMatrix.Count([0, 3], [0, 1], 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConfusionMatrix.Count([0, -1], [0, 1], 3));
        Assert.Throws<ArgumentException>(() => ConfusionMatrix.Count([0, 1], [0], 3));
    }

    [Fact]
    public void Save_writes_a_square_png_with_a_dark_cell_for_the_largest_count()
    {
        var random = new Random(7);
        var truth = new int[500];
        var predicted = new int[500];
        for (int i = 0; i < truth.Length; i++)
        {
            truth[i] = random.Next(10);
            predicted[i] = random.NextDouble() < 0.8 ? truth[i] : random.Next(10);
        }

        string[] names = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
        string path = _temp.File("confusion.png");
        ConfusionMatrix.Save(truth, predicted, names, path);
        using SKBitmap bitmap = Png.Decode(path);
        Assert.Equal(600, bitmap.Width);
        Assert.Equal(600, bitmap.Height);
        // The diagonal holds the large counts: some pixels are the deep blue end of the scale.
        bool dark = false;
        for (int y = 0; y < bitmap.Height && !dark; y += 2)
        {
            for (int x = 0; x < bitmap.Width && !dark; x += 2)
            {
                SKColor c = bitmap.GetPixel(x, y);
                dark = c.Blue > 90 && c.Red < 40;
            }
        }

        Assert.True(dark);
    }

    [Fact]
    public void Save_checks_the_names_against_the_counts()
    {
        Assert.Throws<ArgumentException>(() => ConfusionMatrix.Save(new int[2, 2], ["a", "b", "c"], _temp.File("x.png")));
    }
}
