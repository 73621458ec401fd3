using System;
using System.Globalization;

namespace NetDsl.Training;

/// <summary>Formats metric values as Keras's progress bar does, and decides which way a monitored metric improves.</summary>
internal static class MetricFormat
{
    /// <summary>Keras's progress bar: <c>%.4f</c> above 1e-3 in magnitude, <c>%.4e</c> below.</summary>
    public static string Format(double value) =>
        Math.Abs(value) > 1e-3
            ? value.ToString("0.0000", CultureInfo.InvariantCulture)
            : value.ToString("0.0000e+00", CultureInfo.InvariantCulture);

    /// <summary>Whether a larger value of <paramref name="monitor"/> is better under <paramref name="mode"/>: with
    /// <see cref="MonitorMode.Auto"/>, for accuracy-like names (accuracy, binary_accuracy, val_accuracy, auc,
    /// precision, recall), as Keras infers from the metric's direction; the losses and errors decrease.</summary>
    public static bool Increases(string monitor, MonitorMode mode) => mode switch
    {
        MonitorMode.Max => true,
        MonitorMode.Min => false,
        _ => IsAccuracyLike(monitor),
    };

    /// <summary>Keras 2's rule, which Keras 3's metric directions agree with for NetDsl's metrics.</summary>
    public static bool IsAccuracyLike(string monitor)
    {
        string name = monitor.StartsWith("val_", StringComparison.Ordinal) ? monitor[4..] : monitor;
        return name.Contains("acc", StringComparison.Ordinal)
            || name.Contains("auc", StringComparison.Ordinal)
            || name.Contains("precision", StringComparison.Ordinal)
            || name.Contains("recall", StringComparison.Ordinal)
            || name.StartsWith("fmeasure", StringComparison.Ordinal);
    }

    /// <summary>The monitored value, or an error naming what the logs have.</summary>
    public static double Monitored(TrainingLogs logs, string monitor, string callback)
    {
        if (logs.Find(monitor) is double value)
        {
            return value;
        }

        string hint = monitor.StartsWith("val_", StringComparison.Ordinal) && !logs.ContainsKey(TrainingLogs.ValidationLossKey)
            ? " Give FitOptions.ValidationData, or monitor a training metric."
            : string.Empty;
        throw new InvalidOperationException($"{callback} monitors '{monitor}', which the epoch's logs do not have (they have: {string.Join(", ", logs.Keys)}).{hint}");
    }
}

/// <summary>Whether a monitored quantity improves by falling or rising (Keras's <c>mode</c>).</summary>
public enum MonitorMode
{
    /// <summary>Inferred from the name, as Keras: accuracy-like names rise, losses and errors fall.</summary>
    Auto,

    /// <summary>Lower is better.</summary>
    Min,

    /// <summary>Higher is better.</summary>
    Max,
}
