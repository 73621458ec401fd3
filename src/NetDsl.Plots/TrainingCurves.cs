using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Training;
using ScottPlot;

namespace NetDsl.Plots;

/// <summary>
/// A <see cref="TrainingHistory"/> as one PNG of two panels side by side: the loss by epoch (training and, when
/// <c>Fit</c> had validation data, validation) and the metric by epoch (accuracy, or the loss's own metric named as
/// Keras names it), each with labelled axes, a legend and a title. Epochs are numbered from 1, as Fit numbers them.
/// </summary>
public static class TrainingCurves
{
    /// <summary>Width of the whole image in pixels (two panels).</summary>
    public const int DefaultWidth = 1200;

    /// <summary>Height of the image in pixels.</summary>
    public const int DefaultHeight = 450;

    /// <summary>Writes the two panels to <paramref name="path"/>; <paramref name="title"/> starts each panel's title.</summary>
    public static void Save(TrainingHistory history, string path, string title = "Training", int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (history.Epochs.Count == 0)
        {
            throw new ArgumentException("The history has no epochs to plot.", nameof(history));
        }

        TrainingSeries series = TrainingSeries.From(history);
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        Plot loss = multiplot.GetPlot(0);
        Plot metric = multiplot.GetPlot(1);
        // Losses fall, so their legend goes top right; accuracies rise, so theirs goes bottom right.
        Panel(loss, $"{title}: loss", "Loss", series.Epochs, series.Loss, series.ValidationLoss, Alignment.UpperRight);
        Alignment metricLegend = series.MetricName.EndsWith("accuracy", StringComparison.Ordinal) ? Alignment.LowerRight : Alignment.UpperRight;
        Panel(metric, $"{title}: {series.MetricName}", series.MetricName, series.Epochs, series.Metric, series.ValidationMetric, metricLegend);
        PngFile.EnsureFolder(path);
        multiplot.SavePng(path, width, height);
    }

    private static void Panel(Plot plot, string title, string valueLabel, double[] epochs, double[] training, double[]? validation, Alignment legend)
    {
        var trainingLine = plot.Add.Scatter(epochs, training);
        trainingLine.LegendText = "training";
        trainingLine.LineWidth = 2;
        trainingLine.MarkerSize = 6;
        if (validation is not null)
        {
            var validationLine = plot.Add.Scatter(epochs, validation);
            validationLine.LegendText = "validation";
            validationLine.LineWidth = 2;
            validationLine.MarkerSize = 6;
            validationLine.LinePattern = LinePattern.Dashed;
        }

        plot.Title(title);
        plot.XLabel("Epoch");
        plot.YLabel(valueLabel);
        plot.ShowLegend(legend);
        // Whole epochs only on the x axis.
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.Margins(0.05, 0.1);
    }
}

/// <summary>The numbers <see cref="TrainingCurves"/> draws, taken out of a history so that they can be tested
/// without pixels.</summary>
internal sealed record TrainingSeries(double[] Epochs, double[] Loss, double[]? ValidationLoss, string MetricName, double[] Metric, double[]? ValidationMetric)
{
    public static TrainingSeries From(TrainingHistory history)
    {
        IReadOnlyList<EpochResult> epochs = history.Epochs;
        double[] x = epochs.Select(e => (double)e.Epoch).ToArray();
        double[] loss = epochs.Select(e => (double)e.Loss).ToArray();
        double[]? validationLoss = epochs.All(e => e.ValidationLoss.HasValue) ? epochs.Select(e => (double)e.ValidationLoss!.Value).ToArray() : null;

        // A loss with its own metric (binary_accuracy, mean_absolute_error) reports it in Metric; the default loss
        // reports accuracy only.
        bool ownMetric = epochs.All(e => e.Metric.HasValue);
        string metricName = ownMetric ? epochs[0].MetricName : "accuracy";
        double[] metric = ownMetric ? epochs.Select(e => e.Metric!.Value).ToArray() : epochs.Select(e => e.Accuracy).ToArray();
        double[]? validationMetric = ownMetric
            ? (epochs.All(e => e.ValidationMetric.HasValue) ? epochs.Select(e => e.ValidationMetric!.Value).ToArray() : null)
            : (epochs.All(e => e.ValidationAccuracy.HasValue) ? epochs.Select(e => e.ValidationAccuracy!.Value).ToArray() : null);
        return new TrainingSeries(x, loss, validationLoss, metricName, metric, validationMetric);
    }
}
