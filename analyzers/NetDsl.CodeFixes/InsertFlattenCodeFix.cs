using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace NetDsl.CodeFixes;

/// <summary>NDSL0010: inserts <c>[Flatten]</c> before a <c>Dense</c> layer that is fed a feature map.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InsertFlattenCodeFix))]
[Shared]
public sealed class InsertFlattenCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("NDSL0010");

    /// <inheritdoc/>
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        if (NetworkText.TryGetLiteral(root, context.Span, out SyntaxToken literal))
        {
            // Network text: a "flatten" line above the dense statement.
            SourceText text = await context.Document.GetTextAsync(context.CancellationToken).ConfigureAwait(false);
            if (NetworkText.LineAbove(text, literal, context.Span, "flatten") is { } insertion)
            {
                NetworkText.RegisterFix(context, text, "Insert flatten before the dense layer", new TextChange(new TextSpan(context.Span.Start, 0), insertion), nameof(InsertFlattenCodeFix));
            }

            return;
        }

        if (root.FindNode(context.Span) is not { } node || NetworkText.IsInNetworkAttribute(node) || node.FirstAncestorOrSelf<AttributeSyntax>() is not { Parent: AttributeListSyntax list } dense)
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create(
                "Insert [Flatten] before the Dense layer",
                _ => Task.FromResult(context.Document.WithSyntaxRoot(InsertFlatten(root, list, dense))),
                nameof(InsertFlattenCodeFix)),
            context.Diagnostics);
    }

    private static SyntaxNode InsertFlatten(SyntaxNode root, AttributeListSyntax list, AttributeSyntax dense)
    {
        AttributeSyntax flatten = SyntaxFactory.Attribute(SyntaxFactory.IdentifierName("Flatten"));
        if (list.Attributes.Count > 1)
        {
            // [Conv2D(8, 3), Dense(10)] -> [Conv2D(8, 3), Flatten, Dense(10)]
            int index = list.Attributes.IndexOf(dense);
            return root.ReplaceNode(list, list.WithAttributes(list.Attributes.Insert(index, flatten)));
        }

        // [Dense(10)] alone on its line: a new [Flatten] line above it, with the same indentation.
        SyntaxTriviaList indentation = list.GetLeadingTrivia();
        SyntaxTrivia lineBreak = list.GetTrailingTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        AttributeListSyntax flattenList = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(flatten))
            .WithLeadingTrivia(indentation)
            .WithTrailingTrivia(lineBreak.IsKind(SyntaxKind.EndOfLineTrivia) ? lineBreak : SyntaxFactory.ElasticLineFeed);
        SyntaxNode parent = list.Parent!;
        SyntaxNode updated = parent switch
        {
            MemberDeclarationSyntax member => member.WithAttributeLists(member.AttributeLists.Insert(member.AttributeLists.IndexOf(list), flattenList)),
            _ => parent,
        };
        return root.ReplaceNode(parent, updated);
    }
}
