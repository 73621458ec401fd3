using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetDsl.Training;

/// <summary>
/// A file path with Python <c>str.format</c> fields, as Keras's <c>ModelCheckpoint</c> fills them:
/// <c>{epoch}</c>, <c>{epoch:02d}</c>, <c>{val_loss:.4f}</c>, any name of the logs; <c>{{</c> and <c>}}</c> are braces.
/// Format specs: <c>[0][width][.precision](d|f|e|g|%)</c>, or none (an integer for <c>epoch</c>, else the value's
/// shortest round-trip form, as Python's <c>str</c> of a float).
/// </summary>
internal sealed class PathTemplate
{
    private readonly List<(string? Literal, string? Name, string Spec)> _parts = new();

    public PathTemplate(string template)
    {
        var literal = new StringBuilder();
        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if (c is '{' or '}' && i + 1 < template.Length && template[i + 1] == c)
            {
                literal.Append(c);
                i++;
                continue;
            }

            if (c == '}')
            {
                throw new ArgumentException($"Single '}}' at {i} in the path '{template}'; write '}}}}' for a brace.", nameof(template));
            }

            if (c != '{')
            {
                literal.Append(c);
                continue;
            }

            int end = template.IndexOf('}', i + 1);
            if (end < 0)
            {
                throw new ArgumentException($"The field that starts at {i} in the path '{template}' has no closing '}}'; write '{{{{' for a brace.", nameof(template));
            }

            string field = template[(i + 1)..end];
            int colon = field.IndexOf(':');
            string name = colon < 0 ? field : field[..colon];
            string spec = colon < 0 ? string.Empty : field[(colon + 1)..];
            if (name.Length == 0)
            {
                throw new ArgumentException($"The field '{{{field}}}' in the path '{template}' has no name; name a log such as {{epoch}} or {{val_loss:.4f}}.", nameof(template));
            }

            Format(1, spec, isInteger: true, template); // checks the spec now rather than after an epoch
            if (literal.Length > 0)
            {
                _parts.Add((literal.ToString(), null, string.Empty));
                literal.Clear();
            }

            _parts.Add((null, name, spec));
            i = end;
        }

        if (literal.Length > 0)
        {
            _parts.Add((literal.ToString(), null, string.Empty));
        }
    }

    /// <summary>Whether the template has fields (each epoch may then write its own file).</summary>
    public bool HasFields => _parts.Exists(p => p.Name is not null);

    /// <summary>The path for the 1-based <paramref name="epoch"/> and the epoch's logs.</summary>
    /// <exception cref="KeyNotFoundException">A field names something the logs do not have.</exception>
    public string Fill(int epoch, TrainingLogs logs)
    {
        var path = new StringBuilder();
        foreach ((string? literal, string? name, string spec) in _parts)
        {
            if (literal is not null)
            {
                path.Append(literal);
            }
            else if (name == "epoch")
            {
                path.Append(Format(epoch, spec, isInteger: true, name));
            }
            else
            {
                double value = logs.Find(name!) ?? throw new KeyNotFoundException($"The checkpoint path has the field '{{{name}}}', but the epoch's logs have only: epoch, {string.Join(", ", logs.Keys)}.");
                path.Append(Format(value, spec, isInteger: false, name!));
            }
        }

        return path.ToString();
    }

    private static string Format(double value, string spec, bool isInteger, string what)
    {
        if (spec.Length == 0)
        {
            return isInteger ? ((long)value).ToString(CultureInfo.InvariantCulture) : value.ToString("R", CultureInfo.InvariantCulture);
        }

        char type = spec[^1];
        string body = char.IsAsciiLetter(type) || type == '%' ? spec[..^1] : spec;
        if (!(char.IsAsciiLetter(type) || type == '%'))
        {
            type = isInteger ? 'd' : 'g';
        }

        bool zeroPad = body.StartsWith('0');
        int dot = body.IndexOf('.');
        string widthText = dot < 0 ? body : body[..dot];
        string precisionText = dot < 0 ? string.Empty : body[(dot + 1)..];
        if (!(widthText.Length == 0 || int.TryParse(widthText, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            || !(dot < 0 || int.TryParse(precisionText, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            throw new ArgumentException($"The format '{spec}' of '{{{what}:{spec}}}' is not one the path supports: [0][width][.precision] then d, f, e, g or %.", nameof(spec));
        }

        int width = widthText.Length == 0 ? 0 : int.Parse(widthText, CultureInfo.InvariantCulture);
        int precision = dot < 0 ? 6 : int.Parse(precisionText, CultureInfo.InvariantCulture);
        string text = type switch
        {
            'd' => Math.Round(value).ToString("0", CultureInfo.InvariantCulture),
            'f' => value.ToString("F" + precision, CultureInfo.InvariantCulture),
            'e' => value.ToString((precision == 0 ? "0" : "0." + new string('0', precision)) + "e+00", CultureInfo.InvariantCulture),
            'g' => value.ToString("G" + Math.Max(1, precision), CultureInfo.InvariantCulture),
            '%' => (value * 100).ToString("F" + precision, CultureInfo.InvariantCulture) + "%",
            _ => throw new ArgumentException($"The format type '{type}' of '{{{what}:{spec}}}' is not one the path supports (d, f, e, g, %).", nameof(spec)),
        };
        if (text.Length >= width)
        {
            return text;
        }

        if (!zeroPad)
        {
            return text.PadLeft(width);
        }

        bool negative = text.StartsWith('-');
        string digits = negative ? text[1..] : text;
        return (negative ? "-" : string.Empty) + digits.PadLeft(width - (negative ? 1 : 0), '0');
    }
}
