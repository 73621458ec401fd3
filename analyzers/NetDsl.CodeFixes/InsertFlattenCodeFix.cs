using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace NetDsl.CodeFixes;

/// <summary>
/// NDSL0010: inserts <c>[Flatten]</c> before a <c>Dense</c> layer that is fed a feature map (a <c>flatten</c>
/// line in network text). Every fix is one insertion, so Fix All applies them all to a document at once.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InsertFlattenCodeFix))]
[Shared]
public sealed class InsertFlattenCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("NDSL0010");

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        SourceText text = await context.Document.GetTextAsync(context.CancellationToken).ConfigureAwait(false);
        if (Insertion(root, text, context.Span) is not { } insertion)
        {
            return;
        }

        string title = NetworkText.TryGetLiteral(root, context.Span, out _) ? "Insert flatten before the dense layer" : "Insert [Flatten] before the Dense layer";
        NetworkText.RegisterFix(context, text, title, insertion, nameof(InsertFlattenCodeFix));
    }

    private static async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        SyntaxNode? root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        SourceText text = await document.GetTextAsync(context.CancellationToken).ConfigureAwait(false);
        var changes = new List<TextChange>();
        foreach (Diagnostic diagnostic in diagnostics)
        {
            if (Insertion(root, text, diagnostic.Location.SourceSpan) is { } change && !changes.Any(c => c.Span.Start == change.Span.Start))
            {
                changes.Add(change);
            }
        }

        return changes.Count == 0 ? document : document.WithText(text.WithChanges(changes.OrderBy(c => c.Span.Start)));
    }

    /// <summary>The text that puts a Flatten before the Dense layer at <paramref name="span"/>, or null where none
    /// can go (text the fix cannot edit).</summary>
    private static TextChange? Insertion(SyntaxNode root, SourceText text, TextSpan span)
    {
        if (NetworkText.TryGetLiteral(root, span, out SyntaxToken literal))
        {
            // Network text: a "flatten" line above the dense statement.
            return NetworkText.LineAbove(text, literal, span, "flatten") is { } above ? new TextChange(new TextSpan(span.Start, 0), above) : null;
        }

        if (root.FindNode(span) is not { } node || NetworkText.IsInNetworkAttribute(node) || node.FirstAncestorOrSelf<AttributeSyntax>() is not { Parent: AttributeListSyntax list } dense)
        {
            return null;
        }

        if (list.Attributes.Count > 1)
        {
            // [Conv2D(8, 3), Dense(10)] -> [Conv2D(8, 3), Flatten, Dense(10)]
            return new TextChange(new TextSpan(dense.SpanStart, 0), "Flatten, ");
        }

        // [Dense(10)] alone on its line: a new [Flatten] line above it, with the same indentation; after other
        // attributes on its line: [Flatten] just before it.
        TextLine line = text.Lines.GetLineFromPosition(list.SpanStart);
        string before = text.ToString(TextSpan.FromBounds(line.Start, list.SpanStart));
        if (!before.All(c => c == ' ' || c == '\t'))
        {
            return new TextChange(new TextSpan(list.SpanStart, 0), "[Flatten] ");
        }

        string lineBreak = line.EndIncludingLineBreak > line.End ? text.ToString(TextSpan.FromBounds(line.End, line.EndIncludingLineBreak)) : "\n";
        return new TextChange(new TextSpan(list.SpanStart, 0), "[Flatten]" + lineBreak + before);
    }
}
