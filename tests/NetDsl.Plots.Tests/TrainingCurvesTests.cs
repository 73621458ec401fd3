using System;
using NetDsl.Data;
using NetDsl.Training;
using SkiaSharp;

namespace NetDsl.Plots.Tests;

[Network, Input(6, 6, 1), Conv2D(3, 3, Activation = Activation.ReLU), Flatten, Dense(2, Activation = Activation.Softmax)]
public partial class TinyCurveNet;

/// <summary>TrainingCurves: the series taken from a history (with and without validation, accuracy or the loss's
/// own metric) and the PNG written from them.</summary>
public sealed class TrainingCurvesTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static TrainingHistory History(bool validation, string? ownMetric = null)
    {
        var history = new TrainingHistory();
        for (int epoch = 1; epoch <= 5; epoch++)
        {
            history.Add(new EpochResult(
                epoch,
                Loss: 1f / epoch,
                Accuracy: 1 - 0.5 / epoch,
                ValidationLoss: validation ? 1.2f / epoch : null,
                ValidationAccuracy: validation ? 0.9 - 0.5 / epoch : null,
                Duration: TimeSpan.FromSeconds(1))
            {
                Metric = ownMetric is null ? null : 0.1 * epoch,
                ValidationMetric = ownMetric is null || !validation ? null : 0.2 * epoch,
                MetricName = ownMetric ?? "accuracy",
                LearningRate = 0.001f,
            });
        }

        return history;
    }

    [Fact]
    public void Series_with_validation_data()
    {
        TrainingSeries series = TrainingSeries.From(History(validation: true));
        Assert.Equal([1.0, 2, 3, 4, 5], series.Epochs);
        Assert.Equal(0.5, series.Loss[1], 6);
        Assert.NotNull(series.ValidationLoss);
        Assert.Equal(0.6, series.ValidationLoss[1], 6);
        Assert.Equal("accuracy", series.MetricName);
        Assert.Equal(0.75, series.Metric[1], 6);
        Assert.NotNull(series.ValidationMetric);
        Assert.Equal(0.65, series.ValidationMetric[1], 6);
    }

    [Fact]
    public void Series_without_validation_data_and_with_the_loss_metric()
    {
        TrainingSeries series = TrainingSeries.From(History(validation: false, ownMetric: "mean_absolute_error"));
        Assert.Null(series.ValidationLoss);
        Assert.Null(series.ValidationMetric);
        Assert.Equal("mean_absolute_error", series.MetricName);
        Assert.Equal(0.3, series.Metric[2], 6);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Save_writes_a_png_of_the_requested_size(bool validation)
    {
        string path = _temp.File($"curves-{validation}.png");
        TrainingCurves.Save(History(validation), path);
        using SKBitmap bitmap = Png.Decode(path);
        Assert.Equal(TrainingCurves.DefaultWidth, bitmap.Width);
        Assert.Equal(TrainingCurves.DefaultHeight, bitmap.Height);

        TrainingCurves.Save(History(validation), path, "Small", 640, 240);
        using SKBitmap small = Png.Decode(path);
        Assert.Equal(640, small.Width);
        Assert.Equal(240, small.Height);
    }

    [Fact]
    public void Save_rejects_an_empty_history()
    {
        Assert.Throws<ArgumentException>(() => TrainingCurves.Save(new TrainingHistory(), _temp.File("x.png")));
    }

    [Fact]
    public void History_from_a_real_fit_plots()
    {
        // Class 1 images are bright in the left half, class 0 in the right half.
        var random = new Random(11);
        (Dataset train, Dataset validation) = (Make(64), Make(32));
        var net = new TinyCurveNet();
        TrainingHistory history = net.Fit(train, new FitOptions { Epochs = 4, BatchSize = 16, Seed = 1, ValidationData = validation });
        string path = _temp.File("fit.png");
        TrainingCurves.Save(history, path, "TinyCurveNet");
        using SKBitmap bitmap = Png.Decode(path);
        Assert.Equal(TrainingCurves.DefaultWidth, bitmap.Width);

        Dataset Make(int count)
        {
            var inputs = new float[count * 36];
            var labels = new int[count];
            for (int i = 0; i < count; i++)
            {
                labels[i] = i % 2;
                for (int p = 0; p < 36; p++)
                {
                    bool left = p % 6 < 3;
                    inputs[i * 36 + p] = (left == (labels[i] == 1) ? 0.8f : 0.2f) + (float)random.NextDouble() * 0.2f;
                }
            }

            return new Dataset(inputs, labels, new TensorShape(6, 6, 1));
        }
    }
}
