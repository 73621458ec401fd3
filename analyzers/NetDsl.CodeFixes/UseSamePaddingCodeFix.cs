using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetDsl.CodeFixes;

/// <summary>NDSL0009: switches a convolution or pooling layer whose window does not fit to <c>Padding.Same</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseSamePaddingCodeFix))]
[Shared]
public sealed class UseSamePaddingCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("NDSL0009");

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindNode(context.Span) is not { } node || node.FirstAncestorOrSelf<AttributeSyntax>() is not { } attribute)
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create(
                "Use Padding.Same",
                _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(attribute, WithSamePadding(attribute)))),
                nameof(UseSamePaddingCodeFix)),
            context.Diagnostics);
    }

    private static AttributeSyntax WithSamePadding(AttributeSyntax attribute)
    {
        ExpressionSyntax same = SyntaxFactory.ParseExpression("Padding.Same");
        AttributeArgumentListSyntax arguments = attribute.ArgumentList ?? SyntaxFactory.AttributeArgumentList();
        AttributeArgumentSyntax? existing = arguments.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "Padding");
        if (existing is not null)
        {
            return attribute.WithArgumentList(arguments.ReplaceNode(existing, existing.WithExpression(same.WithTriviaFrom(existing.Expression))));
        }

        AttributeArgumentSyntax padding = SyntaxFactory.AttributeArgument(
            SyntaxFactory.NameEquals(SyntaxFactory.IdentifierName("Padding")),
            null,
            same);
        return attribute.WithArgumentList(arguments.WithArguments(arguments.Arguments.Add(padding)));
    }
}
