using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes;

namespace NetDsl.Generator.Emit;

/// <summary>
/// Keras's <c>model.summary()</c>, column for column: a chain as a Sequential model (positions 29/55/65 of a
/// 65-character line); a network with skip connections or merges as a functional model, with the input layer and
/// the Connected to column (32/53/65/98 of 98), one connection per line. With Keras's split of trainable and
/// non-trainable parameters. Unlike Keras, a layer name
/// too long for the first column widens the table instead of being cut off.
/// </summary>
internal static class SummaryWriter
{
    public static string Write(NetworkModel model)
    {
        EquatableArray<LayerModel> layers = model.Layers;
        bool graph = model.IsGraph;
        var rows = new List<string[]>();
        long total = 0, trainable = 0;
        if (graph)
        {
            rows.Add(new[] { $"{model.InputName} (InputLayer)", "[" + model.Input.ToKerasString() + "]", "0", string.Empty });
        }

        foreach (LayerModel layer in layers)
        {
            string[] connections = layer.Sources.Select(j => model.NameOf(j) + "[0][0]").ToArray();
            rows.Add(graph
                ? new[] { $"{layer.Name} ({layer.Kind})", layer.Output.ToKerasString(), layer.ParameterCount.ToString(CultureInfo.InvariantCulture), connections[0] }
                : new[] { $"{layer.Name} ({layer.Kind})", layer.Output.ToKerasString(), layer.ParameterCount.ToString(CultureInfo.InvariantCulture) });
            for (int k = 1; graph && k < connections.Length; k++)
            {
                rows.Add(new[] { string.Empty, string.Empty, string.Empty, connections[k] });
            }

            foreach (ParameterModel parameter in layer.Parameters)
            {
                total += parameter.Length;
                trainable += parameter.Trainable ? parameter.Length : 0;
            }
        }

        // Keras's columns: [.45, .85, 1] of 65 characters for a chain, [.33, .55, .67, 1] of 98 with connections.
        int[] widths = graph ? new[] { 32, 21, 12, 33 } : new[] { 29, 26, 10 };
        foreach (string[] row in rows)
        {
            for (int c = 0; c < widths.Length; c++)
            {
                if (c != 2)
                {
                    widths[c] = Math.Max(widths[c], row[c].Length + 1);
                }
            }
        }

        int[] positions = new int[widths.Length];
        for (int c = 0; c < widths.Length; c++)
        {
            positions[c] = (c == 0 ? 0 : positions[c - 1]) + widths[c];
        }

        int lineLength = positions[positions.Length - 1];
        string[] header = graph ? new[] { "Layer (type)", "Output Shape", "Param #", "Connected to" } : new[] { "Layer (type)", "Output Shape", "Param #" };
        var text = new StringBuilder();
        text.Append("Model: \"").Append(model.Target.Name).Append("\"\n");
        text.Append('_', lineLength).Append('\n');
        text.Append(Row(header, positions)).Append('\n');
        text.Append('=', lineLength).Append('\n');
        for (int i = 0; i < rows.Count; i++)
        {
            text.Append(Row(rows[i], positions)).Append('\n');
            bool continued = i + 1 < rows.Count && rows[i + 1][0].Length == 0;
            if (!continued)
            {
                text.Append(i == rows.Count - 1 ? '=' : '_', lineLength).Append('\n');
            }
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
