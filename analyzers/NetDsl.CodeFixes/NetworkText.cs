using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace NetDsl.CodeFixes;

/// <summary>
/// Diagnostics inside inline network text (<c>[Network("""...""")]</c>) point at a layer statement in a string
/// literal; their fixes edit that text rather than an attribute.
/// </summary>
internal static class NetworkText
{
    /// <summary>The string literal that holds <paramref name="span"/> between its quotes, when the diagnostic
    /// is on a statement of network text.</summary>
    public static bool TryGetLiteral(SyntaxNode root, TextSpan span, out SyntaxToken literal)
    {
        literal = root.FindToken(span.Start);
        return (literal.IsKind(SyntaxKind.StringLiteralToken)
                || literal.IsKind(SyntaxKind.SingleLineRawStringLiteralToken)
                || literal.IsKind(SyntaxKind.MultiLineRawStringLiteralToken))
            && span.Start > literal.SpanStart
            && span.End < literal.Span.End;
    }

    /// <summary>Offers <paramref name="change"/> to the network text as the fix of the context's diagnostics.</summary>
    public static void RegisterFix(CodeFixContext context, SourceText text, string title, TextChange change, string equivalenceKey) =>
        context.RegisterCodeFix(
            CodeAction.Create(title, _ => Task.FromResult(context.Document.WithText(text.WithChanges(change))), equivalenceKey),
            context.Diagnostics);

    /// <summary>
    /// Whether <paramref name="node"/> is inside a <c>[Network(...)]</c> attribute: network text the fixes
    /// cannot edit (a concatenation, a constant, an interpolated string). Attribute fixes must leave it alone.
    /// </summary>
    public static bool IsInNetworkAttribute(SyntaxNode node) =>
        node.FirstAncestorOrSelf<AttributeSyntax>() is { } attribute
        && attribute.Name.ToString().Split('.').Last() is "Network" or "NetworkAttribute";

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
            string before = text.ToString(TextSpan.FromBounds(literal.SpanStart + 1, statement.Start));
            string indentation = before.Substring(AfterLastLineBreakEscape(before));
            return line + "\\n" + (IsIndentation(indentation) ? indentation : string.Empty);
        }

        // A verbatim or multi-line raw string: a real line break (the file's own), and the statement's indentation.
        TextLine sourceLine = text.Lines.GetLineFromPosition(statement.Start);
        string prefix = text.ToString(TextSpan.FromBounds(Math.Max(sourceLine.Start, literal.SpanStart), statement.Start));
        string lineBreak = LineBreak(text, sourceLine.LineNumber);
        return line + lineBreak + (prefix.All(c => c == ' ' || c == '\t') ? prefix : string.Empty);
    }

    /// <summary>Where the text after the last <c>\n</c> escape starts (0 if none); <c>\\n</c> is a backslash and an n.</summary>
    private static int AfterLastLineBreakEscape(string source)
    {
        int after = 0;
        for (int i = 0; i < source.Length - 1; i++)
        {
            if (source[i] == '\\')
            {
                if (source[i + 1] == 'n')
                {
                    after = i + 2;
                }

                i++; // the escaped character
            }
        }

        return after;
    }

    /// <summary>The line break that ends line <paramref name="lineNumber"/>, or the one before it at the end of the file.</summary>
    private static string LineBreak(SourceText text, int lineNumber)
    {
        for (int n = lineNumber; n >= 0; n--)
        {
            TextLine line = text.Lines[n];
            if (line.EndIncludingLineBreak > line.End)
            {
                return text.ToString(TextSpan.FromBounds(line.End, line.EndIncludingLineBreak));
            }
        }

        return "\n";
    }

    private static bool IsIndentation(string source) =>
        source.Replace("\\t", string.Empty).All(c => c == ' ' || c == '\t');
}
