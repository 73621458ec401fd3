using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace NetDsl.CodeFixes;

/// <summary>
/// Diagnostics inside inline network text (<c>[Network("""...""")]</c>) point at a layer statement in a string
/// literal; their fixes edit that text rather than an attribute.
/// </summary>
internal static class NetworkText
{
    /// <summary>The string literal that holds <paramref name="span"/>, when the diagnostic is inside network text.</summary>
    public static bool TryGetLiteral(SyntaxNode root, TextSpan span, out SyntaxToken literal)
    {
        literal = root.FindToken(span.Start);
        return (literal.IsKind(SyntaxKind.StringLiteralToken)
                || literal.IsKind(SyntaxKind.SingleLineRawStringLiteralToken)
                || literal.IsKind(SyntaxKind.MultiLineRawStringLiteralToken))
            && literal.Span.Contains(span);
    }

    /// <summary>
    /// The statement's source text, when it reads the same in source as in the string (no escape sequences
    /// inside it), so a fix can edit it word by word.
    /// </summary>
    public static string? PlainStatement(SourceText text, TextSpan span)
    {
        string statement = text.ToString(span);
        return statement.Length > 0 && statement.All(c => c != '\\' && c != '"' && c != '\r' && c != '\n') ? statement : null;
    }

    /// <summary>
    /// The text to insert before a statement so that <paramref name="line"/> becomes a statement of its own just
    /// above it, with the same indentation; null where the literal cannot hold another line.
    /// </summary>
    public static string? LineAbove(SourceText text, SyntaxToken literal, TextSpan statement, string line)
    {
        if (literal.IsKind(SyntaxKind.SingleLineRawStringLiteralToken))
        {
            return null; // no line break fits in a single-line raw string
        }

        if (literal.IsKind(SyntaxKind.StringLiteralToken) && !literal.Text.StartsWith("@", StringComparison.Ordinal))
        {
            // A regular string: the line break is the escape \n; keep the indentation written since the last one.
            string before = text.ToString(TextSpan.FromBounds(literal.SpanStart, statement.Start));
            int lastBreak = before.LastIndexOf("\\n", StringComparison.Ordinal);
            string indentation = lastBreak < 0 ? string.Empty : before.Substring(lastBreak + 2);
            return line + "\\n" + (IsIndentation(indentation) ? indentation : string.Empty);
        }

        // A verbatim or multi-line raw string: a real line break, and the statement's own indentation.
        TextLine sourceLine = text.Lines.GetLineFromPosition(statement.Start);
        string prefix = text.ToString(TextSpan.FromBounds(Math.Max(sourceLine.Start, literal.SpanStart), statement.Start));
        string lineBreak = text.ToString(TextSpan.FromBounds(sourceLine.End, sourceLine.EndIncludingLineBreak));
        return line + (lineBreak.Length > 0 ? lineBreak : "\n") + (prefix.All(c => c == ' ' || c == '\t') ? prefix : string.Empty);
    }

    private static bool IsIndentation(string source) =>
        source.Replace("\\t", string.Empty).All(c => c == ' ');
}
