using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace NetDsl.Training;

/// <summary>
/// Keras's <c>CSVLogger</c>: writes one row per epoch to a CSV file, as Keras writes it: a header <c>epoch</c>
/// followed by the first epoch's log names in sorted order (<c>accuracy,learning_rate,loss,val_accuracy,val_loss</c>),
/// then rows of the 0-based epoch and the values (shortest round-trip form, <c>NA</c> for a name an epoch lacks),
/// lines ended by CRLF (Python's <c>csv.excel</c> dialect).
/// </summary>
/// <remarks>The file is opened for each row and closed again, so it is complete after every epoch, also when
/// training is cancelled. With <see cref="Append"/>, the rows follow an existing file and the header is written only
/// if the file is empty.</remarks>
public sealed class CsvLogger : Callback
{
    private string[]? _keys;
    private bool _writeHeader;

    /// <summary>Logs to <paramref name="path"/> (Keras <c>filename</c>).</summary>
    public CsvLogger(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
    }

    /// <summary>The CSV file.</summary>
    public string Path { get; }

    /// <summary>The field separator (Keras <c>separator</c>, default <c>,</c>).</summary>
    public string Separator { get; init; } = ",";

    /// <summary>Whether to append to an existing file (Keras <c>append</c>, default false: overwrite it).</summary>
    public bool Append { get; init; }

    /// <inheritdoc/>
    public override void OnTrainBegin(TrainingLogs logs)
    {
        ArgumentException.ThrowIfNullOrEmpty(Separator, nameof(Separator));
        _keys = null;
        string? directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        if (Append && File.Exists(Path))
        {
            _writeHeader = new FileInfo(Path).Length == 0;
            return;
        }

        File.WriteAllBytes(Path, Array.Empty<byte>());
        _writeHeader = true;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, TrainingLogs logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var text = new StringBuilder();
        if (_keys is null)
        {
            _keys = logs.Keys.Order(StringComparer.Ordinal).ToArray();
            if (_writeHeader)
            {
                text.Append(string.Join(Separator, new[] { "epoch" }.Concat(_keys).Select(Quote))).Append("\r\n");
            }
        }

        text.Append(epoch.ToString(CultureInfo.InvariantCulture));
        foreach (string key in _keys)
        {
            text.Append(Separator).Append(logs.Find(key) is double value ? value.ToString("R", CultureInfo.InvariantCulture) : "NA");
        }

        text.Append("\r\n");
        File.AppendAllText(Path, text.ToString());
    }

    /// <summary>Quotes a field that holds the separator, a quote or a line break (Python's <c>QUOTE_MINIMAL</c>).</summary>
    private string Quote(string field) =>
        field.Contains(Separator, StringComparison.Ordinal) || field.AsSpan().IndexOfAny("\"\r\n") >= 0
            ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : field;
}
