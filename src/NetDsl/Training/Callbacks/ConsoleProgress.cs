using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;

namespace NetDsl.Training;

/// <summary>
/// What <c>Fit</c> prints when asked (Keras's <c>ProgbarLogger</c>): with verbose 2, one line per epoch,
/// <c>Epoch 3/10 - 2.1s - loss: 0.1234 - accuracy: 0.9612 - val_loss: ... - 410 batches/s</c>; with verbose 1,
/// the same line, preceded on an interactive console by a live line for the batches of the epoch.
/// </summary>
internal sealed class ConsoleProgress : Callback
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly bool _live;
    private readonly Stopwatch _epochClock = new();
    private TimeSpan _trainTime;
    private TimeSpan _lastDraw;
    private int _batchesDone;
    private int _liveWidth;

    public ConsoleProgress(int verbose)
    {
        _live = verbose == 1 && !Console.IsOutputRedirected;
    }

    public override void OnEpochBegin(int epoch, TrainingLogs logs)
    {
        _batchesDone = 0;
        _lastDraw = TimeSpan.Zero;
        _trainTime = TimeSpan.Zero;
        _epochClock.Restart();
    }

    public override void OnTrainBatchEnd(int batch, TrainingLogs logs)
    {
        _batchesDone = batch + 1;
        _trainTime = _epochClock.Elapsed;
        if (!_live || (_trainTime - _lastDraw < Interval && _batchesDone < RequireContext().Steps))
        {
            return;
        }

        _lastDraw = _trainTime;
        int steps = RequireContext().Steps;
        double rate = _batchesDone / Math.Max(_trainTime.TotalSeconds, 1e-9);
        const int Bar = 20;
        int filled = steps == 0 ? Bar : _batchesDone * Bar / steps;
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{_batchesDone}/{steps} [{new string('=', filled)}{new string('.', Bar - filled)}] - ETA: {(steps - _batchesDone) / rate:0}s - {logs}");
        Draw(Console.Out, line);
    }

    public override void OnEpochEnd(int epoch, TrainingLogs logs)
    {
        TrainingContext context = RequireContext();
        double seconds = _epochClock.Elapsed.TotalSeconds;
        double train = Math.Max(_trainTime.TotalSeconds, 1e-9);
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"Epoch {epoch + 1}/{context.Epochs} - {seconds:0.0}s");
        if (logs.Count > 0)
        {
            line.Append(" - ").Append(logs);
        }

        line.Append(CultureInfo.InvariantCulture, $" - {_batchesDone / train:0} batches/s");
        TextWriter output = Console.Out;
        if (_liveWidth > 0)
        {
            Draw(output, line.ToString());
            output.WriteLine();
            _liveWidth = 0;
        }
        else
        {
            output.WriteLine(line.ToString());
        }
    }

    /// <summary>Rewrites the live line in place, padding over what was there.</summary>
    private void Draw(TextWriter output, string line)
    {
        output.Write('\r');
        output.Write(line.Length < _liveWidth ? line.PadRight(_liveWidth) : line);
        output.Flush();
        _liveWidth = line.Length;
    }
}
