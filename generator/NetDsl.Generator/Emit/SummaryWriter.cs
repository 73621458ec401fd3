using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>
/// Keras's <c>model.summary()</c> for a Sequential model, column for column (positions 29/55/65 of a
/// 65-character line), with Keras's split of trainable and non-trainable parameters. Unlike Keras, a layer name
/// too long for the first column widens the table instead of being cut off.
/// </summary>
internal static class SummaryWriter
{
    public static string Write(string modelName, EquatableArray<LayerModel> layers)
    {
        var rows = new List<string[]>();
        long total = 0, trainable = 0;
        foreach (LayerModel layer in layers)
        {
            rows.Add(new[] { $"{layer.Name} ({layer.Kind})", layer.Output.ToKerasString(), layer.ParameterCount.ToString(CultureInfo.InvariantCulture) });
            foreach (ParameterModel parameter in layer.Parameters)
            {
                total += parameter.Length;
                trainable += parameter.Trainable ? parameter.Length : 0;
            }
        }

        int first = 29;
        int second = 26;
        foreach (string[] row in rows)
        {
            first = Math.Max(first, row[0].Length + 1);
            second = Math.Max(second, row[1].Length + 1);
        }

        int[] positions = { first, first + second, first + second + 10 };
        int lineLength = positions[2];
        var text = new StringBuilder();
        text.Append("Model: \"").Append(modelName).Append("\"\n");
        text.Append('_', lineLength).Append('\n');
        text.Append(Row(new[] { "Layer (type)", "Output Shape", "Param #" }, positions)).Append('\n');
        text.Append('=', lineLength).Append('\n');
        for (int i = 0; i < rows.Count; i++)
        {
            text.Append(Row(rows[i], positions)).Append('\n');
            text.Append(i == rows.Count - 1 ? '=' : '_', lineLength).Append('\n');
        }

        if (rows.Count == 0)
        {
            text.Append('=', lineLength).Append('\n');
        }

        text.Append("Total params: ").Append(Format(total)).Append('\n');
        text.Append("Trainable params: ").Append(Format(trainable)).Append('\n');
        text.Append("Non-trainable params: ").Append(Format(total - trainable)).Append('\n');
        text.Append('_', lineLength);
        return text.ToString();
    }

    private static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Keras's <c>print_row</c>: each field cut and padded to its column's end.</summary>
    private static string Row(string[] fields, int[] positions)
    {
        var line = new StringBuilder();
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                line.Length--;
                line.Append(' ');
            }

            line.Append(fields[i]);
            if (line.Length > positions[i])
            {
                line.Length = positions[i];
            }

            line.Append(' ', positions[i] - line.Length);
        }

        return line.ToString();
    }
}
