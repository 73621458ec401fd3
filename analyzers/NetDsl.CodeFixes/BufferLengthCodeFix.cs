using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Analyzers;

namespace NetDsl.CodeFixes;

/// <summary>NDSL0100: sizes the buffer from the network's constant (<c>new float[Net.InputLength]</c>).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BufferLengthCodeFix))]
[Shared]
public sealed class BufferLengthCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(BufferLengthAnalyzer.WrongBufferLength.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root is null
                || !diagnostic.Properties.TryGetValue(BufferLengthAnalyzer.ExpectedLengthProperty, out string? expected) || expected is null
                || !diagnostic.Properties.TryGetValue(BufferLengthAnalyzer.SizeSpanStartProperty, out string? startText)
                || !int.TryParse(startText, NumberStyles.Integer, CultureInfo.InvariantCulture, out int start)
                || root.FindToken(start).Parent?.FirstAncestorOrSelf<ExpressionSyntax>(e => e.SpanStart == start && e.Parent is ArrayRankSpecifierSyntax) is not { } size)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Use {expected}",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(size, SyntaxFactory.ParseExpression(expected).WithTriviaFrom(size)))),
                    nameof(BufferLengthCodeFix)),
                diagnostic);
        }
    }
}
