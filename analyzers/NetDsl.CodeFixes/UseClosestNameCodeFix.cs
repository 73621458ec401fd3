using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace NetDsl.CodeFixes;

/// <summary>NDSL0033: replaces an unknown layer name with the closest earlier name the diagnostic suggests, in a
/// <c>From</c> or merge argument (<c>"stme"</c> becomes <c>"stem"</c>) or in network text.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseClosestNameCodeFix))]
[Shared]
public sealed class UseClosestNameCodeFix : CodeFixProvider
{
    private static readonly Regex Suggestion = new("did you mean '(?<name>[A-Za-z][A-Za-z0-9_]*)'\\?$", RegexOptions.CultureInvariant);

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("NDSL0033");

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            Match match = Suggestion.Match(diagnostic.GetMessage(CultureInfo.InvariantCulture));
            if (!match.Success)
            {
                continue;
            }

            string name = match.Groups["name"].Value;
            string title = $"Use '{name}'";
            if (NetworkText.TryGetLiteral(root, diagnostic.Location.SourceSpan, out _))
            {
                // Network text: the word itself, when the source reads as the string does.
                SourceText text = await context.Document.GetTextAsync(context.CancellationToken).ConfigureAwait(false);
                if (NetworkText.PlainStatement(text, diagnostic.Location.SourceSpan) is not null)
                {
                    NetworkText.RegisterFix(context, text, title, new TextChange(diagnostic.Location.SourceSpan, name), nameof(UseClosestNameCodeFix));
                }

                continue;
            }

            if (root.FindNode(diagnostic.Location.SourceSpan).DescendantNodesAndSelf().OfType<LiteralExpressionSyntax>().FirstOrDefault() is { } literal && literal.IsKind(SyntaxKind.StringLiteralExpression))
            {
                LiteralExpressionSyntax replacement = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(name)).WithTriviaFrom(literal);
                context.RegisterCodeFix(
                    CodeAction.Create(title, _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(literal, replacement))), nameof(UseClosestNameCodeFix)),
                    diagnostic);
            }
        }
    }
}
