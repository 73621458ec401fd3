using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetDsl.CodeFixes;

/// <summary>NDSL0001 / NDSL0003: adds <c>partial</c> to the network class, or to every type that contains it
/// and is not partial (both diagnostics are reported on the network's name).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFix))]
[Shared]
public sealed class MakePartialCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("NDSL0001", "NDSL0003");

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindToken(context.Span.Start).Parent?.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } network)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            TypeDeclarationSyntax[] targets = diagnostic.Id == "NDSL0001"
                ? new[] { network }
                : network.Ancestors().OfType<TypeDeclarationSyntax>().ToArray();
            targets = targets.Where(t => !t.Modifiers.Any(SyntaxKind.PartialKeyword)).ToArray();
            if (targets.Length == 0)
            {
                continue;
            }

            string title = targets.Length == 1 ? $"Make '{targets[0].Identifier.ValueText}' partial" : "Make the containing types partial";
            context.RegisterCodeFix(
                CodeAction.Create(title, ct => MakePartialAsync(context.Document, root, targets, ct), nameof(MakePartialCodeFix) + diagnostic.Id),
                diagnostic);
        }
    }

    private static Task<Document> MakePartialAsync(Document document, SyntaxNode root, TypeDeclarationSyntax[] types, CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNodes(types, (original, rewritten) => WithPartial(rewritten))));
    }

    private static TypeDeclarationSyntax WithPartial(TypeDeclarationSyntax type)
    {
        SyntaxToken partial = SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
        TypeDeclarationSyntax updated;
        if (type.Modifiers.Count == 0)
        {
            // Keep the leading trivia (attributes' line breaks, indentation) on the first token.
            SyntaxToken keyword = type.Keyword;
            updated = type.WithKeyword(keyword.WithLeadingTrivia())
                .WithModifiers(SyntaxFactory.TokenList(partial.WithLeadingTrivia(keyword.LeadingTrivia)));
        }
        else
        {
            updated = type.WithModifiers(type.Modifiers.Add(partial));
        }

        return updated;
    }
}
