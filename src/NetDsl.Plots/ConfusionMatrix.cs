using System;
using System.Collections.Generic;
using System.Linq;
using ScottPlot;

namespace NetDsl.Plots;

/// <summary>
/// A confusion matrix as a PNG heatmap: one row per true class (top to bottom), one column per predicted class
/// (left to right), the count written in each cell, darker blue for larger counts, axes labelled "Predicted" and
/// "True" with the class names as ticks.
/// </summary>
public static class ConfusionMatrix
{
    /// <summary>Counts <c>counts[t, p]</c> = how many samples of true class <c>t</c> were predicted as <c>p</c>.
    /// Every label must be in <c>[0, classCount)</c>.</summary>
    public static int[,] Count(ReadOnlySpan<int> trueLabels, ReadOnlySpan<int> predictedLabels, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        if (trueLabels.Length != predictedLabels.Length)
        {
            throw new ArgumentException($"{trueLabels.Length} true labels but {predictedLabels.Length} predictions.", nameof(predictedLabels));
        }

        var counts = new int[classCount, classCount];
        for (int i = 0; i < trueLabels.Length; i++)
        {
            int t = trueLabels[i], p = predictedLabels[i];
            if ((uint)t >= (uint)classCount || (uint)p >= (uint)classCount)
            {
                throw new ArgumentOutOfRangeException(nameof(trueLabels), $"Sample {i} has true label {t} and prediction {p}; labels must be in [0, {classCount}).");
            }

            counts[t, p]++;
        }

        return counts;
    }

    /// <summary>Counts the labels and draws the matrix; <paramref name="classNames"/> gives the number of classes.</summary>
    public static void Save(ReadOnlySpan<int> trueLabels, ReadOnlySpan<int> predictedLabels, IReadOnlyList<string> classNames, string path, string title = "Confusion matrix")
    {
        ArgumentNullException.ThrowIfNull(classNames);
        Save(Count(trueLabels, predictedLabels, classNames.Count), classNames, path, title);
    }

    /// <summary>Draws counts already made (rows: true class, columns: predicted class).</summary>
    public static void Save(int[,] counts, IReadOnlyList<string> classNames, string path, string title = "Confusion matrix")
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(classNames);
        int n = classNames.Count;
        if (n == 0 || counts.GetLength(0) != n || counts.GetLength(1) != n)
        {
            throw new ArgumentException($"The counts are {counts.GetLength(0)}x{counts.GetLength(1)} but there are {n} class names.", nameof(counts));
        }

        var plot = new Plot();
        int max = Math.Max(1, counts.Cast<int>().Max());
        float fontSize = n <= 10 ? 14 : n <= 20 ? 10 : 7;
        for (int t = 0; t < n; t++)
        {
            for (int p = 0; p < n; p++)
            {
                double fraction = (double)counts[t, p] / max;
                // Row 0 (the first true class) at the top: y runs from n - 1 at the top to 0 at the bottom.
                double y = n - 1 - t;
                var cell = plot.Add.Rectangle(p - 0.5, p + 0.5, y - 0.5, y + 0.5);
                cell.FillStyle.Color = CellColor(fraction);
                cell.LineStyle.Width = 0;
                var text = plot.Add.Text(counts[t, p].ToString(System.Globalization.CultureInfo.InvariantCulture), p, y);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontSize = fontSize;
                text.LabelFontColor = fraction > 0.5 ? Colors.White : Colors.Black;
            }
        }

        double[] positions = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, classNames.ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions.Select(i => n - 1 - i).ToArray(), classNames.ToArray());
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        plot.Grid.IsVisible = false;
        plot.Title(title);
        plot.XLabel("Predicted");
        plot.YLabel("True");
        int side = Math.Clamp(120 + 48 * n, 400, 1400);
        PngFile.EnsureFolder(path);
        plot.SavePng(path, side, side);
    }

    /// <summary>White for 0, deep blue for the largest count.</summary>
    private static Color CellColor(double fraction)
    {
        fraction = Math.Clamp(fraction, 0, 1);
        byte Lerp(byte from, byte to) => (byte)Math.Round(from + (to - from) * fraction);
        return new Color(Lerp(247, 8), Lerp(251, 48), Lerp(255, 107));
    }
}
