using System;
using System.Collections.Immutable;
using System.Composition;
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

/// <summary>NDSL0009: switches a convolution or pooling layer whose window does not fit to <c>Padding.Same</c>
/// (<c>same</c> in network text).</summary>
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
        if (root is null)
        {
            return;
        }

        if (NetworkText.TryGetLiteral(root, context.Span, out _))
        {
            // Network text: "conv2d 64 7x7 valid relu" -> "conv2d 64 7x7 same relu"; "conv2d 64 7x7" -> "conv2d 64 7x7 same".
            SourceText text = await context.Document.GetTextAsync(context.CancellationToken).ConfigureAwait(false);
            if (NetworkText.PlainStatement(text, context.Span) is not { } statement)
            {
                return;
            }

            string replacement = ValidWord.IsMatch(statement) ? ValidWord.Replace(statement, "same", 1) : statement + " same";
            NetworkText.RegisterFix(context, text, "Use same padding", new TextChange(context.Span, replacement), nameof(UseSamePaddingCodeFix));
            return;
        }

        if (root.FindNode(context.Span) is not { } node || NetworkText.IsInNetworkAttribute(node) || node.FirstAncestorOrSelf<AttributeSyntax>() is not { } attribute)
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

    /// <summary>The word <c>valid</c> in a layer statement (the DSL ignores case).</summary>
    private static readonly Regex ValidWord = new(@"(?<=^|\s)valid(?=\s|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

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
