using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace NetDsl.Generator.Parsing;

/// <summary>
/// Maps each character of a string literal's value back to its position in the source, through escapes
/// (<c>"..."</c>), doubled quotes (<c>@"..."</c>) and the indentation that raw literals (<c>"""..."""</c>)
/// remove, so a mistake in network text is reported at the line and column where it was typed.
/// </summary>
internal sealed class StringLiteralMap
{
    private readonly int[] _positions;
    private readonly int _end;

    private StringLiteralMap(int[] positions, int end)
    {
        _positions = positions;
        _end = end;
    }

    /// <summary>The map of <paramref name="expression"/>'s value, or null when it is not a single string literal
    /// (a concatenation, a constant, an interpolation) or does not re-lex to <paramref name="value"/>.</summary>
    public static StringLiteralMap? Create(ExpressionSyntax expression, string value)
    {
        if (expression is not LiteralExpressionSyntax literal)
        {
            return null;
        }

        SyntaxToken token = literal.Token;
        string text = token.Text;
        List<int>? offsets = token.Kind() switch
        {
            SyntaxKind.StringLiteralToken when text.StartsWith("@", StringComparison.Ordinal) => Verbatim(text),
            SyntaxKind.StringLiteralToken => Regular(text),
            SyntaxKind.SingleLineRawStringLiteralToken => SingleLineRaw(text),
            SyntaxKind.MultiLineRawStringLiteralToken => MultiLineRaw(text),
            _ => null,
        };
        if (offsets is null || offsets.Count != value.Length)
        {
            return null;
        }

        var positions = new int[offsets.Count];
        for (int i = 0; i < positions.Length; i++)
        {
            positions[i] = token.SpanStart + offsets[i];
        }

        return new StringLiteralMap(positions, token.Span.End);
    }

    /// <summary>The source span of value characters [start, start + length).</summary>
    public TextSpan Map(int start, int length)
    {
        int from = start < _positions.Length ? _positions[start] : _end;
        if (length <= 0)
        {
            return new TextSpan(from, 0);
        }

        int last = Math.Min(start + length - 1, _positions.Length - 1);
        return TextSpan.FromBounds(from, Math.Max(from, _positions[last] + 1));
    }

    private static List<int>? Regular(string text)
    {
        var offsets = new List<int>();
        for (int i = 1; i < text.Length - 1;)
        {
            if (text[i] != '\\')
            {
                offsets.Add(i);
                i++;
                continue;
            }

            if (i + 1 >= text.Length - 1)
            {
                return null;
            }

            int length = text[i + 1] switch
            {
                'u' => 6,
                'U' => 10,
                'x' => 2 + HexDigits(text, i + 2, 4),
                _ => 2,
            };
            offsets.Add(i);
            if (text[i + 1] == 'U' && i + 10 <= text.Length && uint.TryParse(text.Substring(i + 2, 8), System.Globalization.NumberStyles.HexNumber, null, out uint code) && code > 0xFFFF)
            {
                offsets.Add(i); // a surrogate pair: two chars from one escape
            }

            i += length;
        }

        return offsets;
    }

    private static int HexDigits(string text, int start, int max)
    {
        int n = 0;
        while (n < max && start + n < text.Length - 1 && Uri.IsHexDigit(text[start + n]))
        {
            n++;
        }

        return n;
    }

    private static List<int> Verbatim(string text)
    {
        var offsets = new List<int>();
        for (int i = 2; i < text.Length - 1; i++)
        {
            offsets.Add(i);
            if (text[i] == '"')
            {
                i++; // "" is one quote
            }
        }

        return offsets;
    }

    private static List<int>? SingleLineRaw(string text)
    {
        int quotes = CountQuotes(text);
        if (text.Length < 2 * quotes)
        {
            return null;
        }

        var offsets = new List<int>();
        for (int i = quotes; i < text.Length - quotes; i++)
        {
            offsets.Add(i);
        }

        return offsets;
    }

    /// <summary>Content lines between the opening and closing lines, each without the closing line's indentation;
    /// the line breaks between content lines are part of the value.</summary>
    private static List<int>? MultiLineRaw(string text)
    {
        int quotes = CountQuotes(text);
        int contentStart = text.IndexOf('\n', quotes);
        int closing = text.Length - quotes;
        int lastBreak = text.LastIndexOf('\n', closing - 1);
        if (contentStart < 0 || lastBreak < contentStart)
        {
            return null;
        }

        int indentation = closing - (lastBreak + 1);
        int contentEnd = lastBreak > 0 && text[lastBreak - 1] == '\r' ? lastBreak - 1 : lastBreak;
        var offsets = new List<int>();
        int lineStart = contentStart + 1;
        while (lineStart <= contentEnd)
        {
            int lineEnd = text.IndexOf('\n', lineStart);
            if (lineEnd < 0 || lineEnd > contentEnd)
            {
                lineEnd = contentEnd;
            }

            int textEnd = lineEnd > lineStart && text[lineEnd - 1] == '\r' && lineEnd != contentEnd ? lineEnd - 1 : lineEnd;
            bool whitespaceOnly = true;
            for (int i = lineStart; i < textEnd; i++)
            {
                whitespaceOnly &= char.IsWhiteSpace(text[i]);
            }

            if (!whitespaceOnly)
            {
                for (int i = lineStart + indentation; i < textEnd; i++)
                {
                    offsets.Add(i);
                }
            }

            if (lineEnd < contentEnd)
            {
                for (int i = textEnd; i <= lineEnd; i++)
                {
                    offsets.Add(i); // the line break ("\n" or "\r\n")
                }
            }

            lineStart = lineEnd + 1;
        }

        return offsets;
    }

    private static int CountQuotes(string text)
    {
        int n = 0;
        while (n < text.Length && text[n] == '"')
        {
            n++;
        }

        return n;
    }
}
