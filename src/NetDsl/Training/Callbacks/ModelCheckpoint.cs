using System;
using System.IO;

namespace NetDsl.Training;

/// <summary>
/// Keras's <c>ModelCheckpoint</c>: saves the network (<see cref="INetwork.Save"/>: a safetensors file, written to the
/// side and moved into place once complete) at the end of every epoch, or with <see cref="SaveBestOnly"/> only when
/// <see cref="Monitor"/> improved on the best value so far.
/// </summary>
/// <remarks>
/// The path may hold Python format fields, filled as Keras fills them: <c>{epoch}</c> is the 1-based epoch
/// (<c>{epoch:02d}</c> pads it), and any name of the epoch's logs gives its value (<c>{val_loss:.4f}</c>,
/// <c>{accuracy:.2%}</c>). As in Keras, an improvement is strictly better than the best so far (no minimum
/// change). Deviation: with <see cref="SaveBestOnly"/>, a monitor the logs lack is an
/// <see cref="InvalidOperationException"/> (Keras warns and skips the save).
/// </remarks>
public sealed class ModelCheckpoint : Callback
{
    private readonly PathTemplate _template;
    private bool _increases;

    /// <summary>Saves to <paramref name="path"/> (Keras <c>filepath</c>), which may hold format fields.</summary>
    /// <exception cref="ArgumentException">The path is empty, or a format field is malformed.</exception>
    public ModelCheckpoint(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _template = new PathTemplate(path);
        Path = path;
    }

    /// <summary>The path as given, fields unfilled.</summary>
    public string Path { get; }

    /// <summary>The quantity that decides what is best (Keras <c>monitor</c>, default <c>val_loss</c>).</summary>
    public string Monitor { get; init; } = TrainingLogs.ValidationLossKey;

    /// <summary>Whether to save only when <see cref="Monitor"/> improved (Keras <c>save_best_only</c>, default false:
    /// every epoch, the same file overwritten unless the path has fields).</summary>
    public bool SaveBestOnly { get; init; }

    /// <summary>Whether <see cref="Monitor"/> improves by falling or rising (default: inferred from its name).</summary>
    public MonitorMode Mode { get; init; }

    /// <summary>The value the first save must beat (Keras <c>initial_value_threshold</c>; default null: any).</summary>
    public double? InitialValueThreshold { get; init; }

    /// <summary>The best value of <see cref="Monitor"/> saved so far (Keras <c>best</c>).</summary>
    public double? Best { get; private set; }

    /// <summary>The file written last, or null.</summary>
    public string? LastSavedPath { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin(TrainingLogs logs)
    {
        ArgumentException.ThrowIfNullOrEmpty(Monitor, nameof(Monitor));
        _increases = MetricFormat.Increases(Monitor, Mode);
        Best = InitialValueThreshold;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, TrainingLogs logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        TrainingContext context = RequireContext();
        string path = _template.Fill(epoch + 1, logs);
        if (SaveBestOnly)
        {
            double current = MetricFormat.Monitored(logs, Monitor, nameof(ModelCheckpoint));
            bool improved = Best is not double best || (_increases ? current > best : current < best);
            if (!improved)
            {
                return;
            }

            Best = current;
        }

        string? directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        context.Network.Save(path);
        LastSavedPath = path;
    }
}
