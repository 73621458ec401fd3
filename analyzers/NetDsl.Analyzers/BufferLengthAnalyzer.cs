using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace NetDsl.Analyzers;

/// <summary>
/// Warns when a buffer whose length is known at build time (<c>new float[100]</c>, <c>stackalloc float[100]</c>,
/// an array initializer, or a local initialised with one and never reassigned) is passed to a network's
/// <c>Predict</c>, <c>Classify</c>, <c>ComputeGradients</c>, <c>Backpropagate</c> or <c>Evaluate</c> with a
/// length the network cannot accept. At run time the call would throw; here it is a squiggle, with a fix.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BufferLengthAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Key of the diagnostic property holding the C# expression of the expected length.</summary>
    public const string ExpectedLengthProperty = "ExpectedLength";

    /// <summary>Key of the diagnostic property holding the position of the size expression to replace.</summary>
    public const string SizeSpanStartProperty = "SizeSpanStart";

    /// <summary>NDSL0100.</summary>
    public static readonly DiagnosticDescriptor WrongBufferLength = new(
        "NDSL0100",
        "Buffer of the wrong length",
        "'{0}' has {1} elements, but {2}.{3} needs {4} for '{5}'",
        "NetDsl",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    private static readonly HashSet<string> Methods = new() { "Predict", "Classify", "ComputeGradients", "Backpropagate", "Evaluate" };

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(WrongBufferLength);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName("NetDsl.NetworkAttribute") is { } networkAttribute)
            {
                start.RegisterOperationAction(operation => AnalyzeInvocation(operation, networkAttribute), OperationKind.Invocation);
            }
        });
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, INamedTypeSymbol networkAttribute)
    {
        var invocation = (IInvocationOperation)context.Operation;
        IMethodSymbol method = invocation.TargetMethod;
        INamedTypeSymbol network = method.ContainingType;
        if (!Methods.Contains(method.Name) || !network.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, networkAttribute)))
        {
            return;
        }

        int? inputLength = Constant(network, "InputLength"), outputLength = Constant(network, "OutputLength"), parameterCount = Constant(network, "ParameterCount");
        if (inputLength is not > 0 || outputLength is not > 0 || parameterCount is null)
        {
            return; // a broken network (its own errors are reported) or not a generated one
        }

        var arguments = new Dictionary<string, (IArgumentOperation Argument, Known? Length)>();
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            if (argument.Parameter is { } parameter)
            {
                arguments[parameter.Name] = (argument, KnownLength(argument.Value, context.Operation.SemanticModel!, context.CancellationToken));
            }
        }

        // The batch size, when the call fixes it: an explicit constant, the labels or classes, or the inputs.
        int? batch = null;
        if (arguments.TryGetValue("batchSize", out var batchArgument) && batchArgument.Argument.Value.ConstantValue is { HasValue: true, Value: int constantBatch })
        {
            batch = constantBatch;
        }
        else if (Length(arguments, "labels") is int labels)
        {
            batch = labels;
        }
        else if (Length(arguments, "classes") is int classes)
        {
            batch = classes;
        }
        else if (method.Name == "Backpropagate" && Length(arguments, "inputs") is int inputs && inputs % inputLength.Value == 0)
        {
            batch = inputs / inputLength.Value;
        }

        string type = network.Name;
        Check(context, arguments, "input", inputLength.Value, type + ".InputLength", type, method.Name);
        Check(context, arguments, "output", outputLength.Value, type + ".OutputLength", type, method.Name);
        Check(context, arguments, "gradients", parameterCount.Value, type + ".ParameterCount", type, method.Name);
        CheckBatch(context, arguments, "inputs", inputLength.Value, type + ".InputLength", batch, type, method.Name, allowEmpty: false);
        CheckBatch(context, arguments, "inputGradients", inputLength.Value, type + ".InputLength", batch, type, method.Name, allowEmpty: true);
        CheckBatch(context, arguments, "outputs", outputLength.Value, type + ".OutputLength", batch, type, method.Name, allowEmpty: false);
        CheckBatch(context, arguments, "outputGradients", outputLength.Value, type + ".OutputLength", batch, type, method.Name, allowEmpty: false);
    }

    private static void Check(OperationAnalysisContext context, Dictionary<string, (IArgumentOperation Argument, Known? Length)> arguments, string parameter, int expected, string expectedExpression, string type, string method)
    {
        if (arguments.TryGetValue(parameter, out var entry) && entry.Length is { } known && known.Value != expected)
        {
            Report(context, entry.Argument, known, expected.ToString(System.Globalization.CultureInfo.InvariantCulture), expectedExpression, type, method, parameter);
        }
    }

    private static void CheckBatch(OperationAnalysisContext context, Dictionary<string, (IArgumentOperation Argument, Known? Length)> arguments, string parameter, int sampleLength, string sampleExpression, int? batch, string type, string method, bool allowEmpty)
    {
        if (!arguments.TryGetValue(parameter, out var entry) || entry.Length is not { } known || (allowEmpty && known.Value == 0))
        {
            return;
        }

        if (batch is int n)
        {
            if (n < 0)
            {
                return; // the call throws for the batch size itself
            }

            if (known.Value != (long)n * sampleLength)
            {
                string count = ((long)n * sampleLength).ToString(System.Globalization.CultureInfo.InvariantCulture);
                Report(context, entry.Argument, known, $"{count} ({n} x {sampleExpression})", n == 1 ? sampleExpression : $"{n} * {sampleExpression}", type, method, parameter);
            }
        }
        else if (known.Value % sampleLength != 0)
        {
            Report(context, entry.Argument, known, $"a multiple of {sampleLength} ({sampleExpression})", null, type, method, parameter);
        }
    }

    private static void Report(OperationAnalysisContext context, IArgumentOperation argument, Known known, string expected, string? expectedExpression, string type, string method, string parameter)
    {
        SyntaxNode syntax = argument.Syntax is ArgumentSyntax a ? a.Expression : argument.Syntax;
        var properties = ImmutableDictionary<string, string?>.Empty;
        if (expectedExpression is not null && known.Size is { } size)
        {
            properties = properties
                .Add(ExpectedLengthProperty, expectedExpression)
                .Add(SizeSpanStartProperty, size.SpanStart.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        context.ReportDiagnostic(Diagnostic.Create(
            WrongBufferLength,
            syntax.GetLocation(),
            additionalLocations: known.Size is { } s ? new[] { s.GetLocation() } : null,
            properties,
            syntax.ToString(),
            known.Value,
            type,
            method,
            expected,
            parameter));
    }

    private static int? Length(Dictionary<string, (IArgumentOperation Argument, Known? Length)> arguments, string name) =>
        arguments.TryGetValue(name, out var entry) ? entry.Length?.Value : null;

    private static int? Constant(INamedTypeSymbol type, string name) =>
        type.GetMembers(name).OfType<IFieldSymbol>().FirstOrDefault(f => f.IsConst)?.ConstantValue as int?;

    /// <summary>A length known at build time, and the size expression that set it (null for an initializer).</summary>
    private sealed class Known
    {
        public Known(int value, ExpressionSyntax? size)
        {
            Value = value;
            Size = size;
        }

        public int Value { get; }

        public ExpressionSyntax? Size { get; }
    }

    private static Known? KnownLength(IOperation operation, SemanticModel model, System.Threading.CancellationToken cancellationToken, int depth = 0)
    {
        while (operation is IConversionOperation { IsImplicit: true } conversion)
        {
            operation = conversion.Operand;
        }

        switch (operation)
        {
            case IArrayCreationOperation array when array.DimensionSizes.Length == 1:
                if (array.DimensionSizes[0].ConstantValue is { HasValue: true, Value: int size })
                {
                    return new Known(size, array.Initializer is null && array.Syntax is ArrayCreationExpressionSyntax creation ? creation.Type.RankSpecifiers[0].Sizes[0] : null);
                }

                return array.Initializer is { } initializer ? new Known(initializer.ElementValues.Length, null) : null;

            case ILocalReferenceOperation local when depth == 0:
                return LocalLength(local.Local, model, cancellationToken);
        }

        // stackalloc float[N] (with or without an initializer)
        if (operation.Syntax is StackAllocArrayCreationExpressionSyntax { Type: ArrayTypeSyntax arrayType } stackAllocation)
        {
            ExpressionSyntax sizeExpression = arrayType.RankSpecifiers[0].Sizes[0];
            if (model.GetConstantValue(sizeExpression, cancellationToken) is { HasValue: true, Value: int size })
            {
                return new Known(size, sizeExpression);
            }

            return stackAllocation.Initializer is { } init ? new Known(init.Expressions.Count, null) : null;
        }

        return null;
    }

    /// <summary>A local's length when it is initialised with a known-length buffer and never written again.</summary>
    private static Known? LocalLength(ILocalSymbol local, SemanticModel model, System.Threading.CancellationToken cancellationToken)
    {
        if (local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is not VariableDeclaratorSyntax { Initializer.Value: { } value } declarator
            || declarator.SyntaxTree != model.SyntaxTree)
        {
            return null;
        }

        SyntaxNode? scope = declarator.FirstAncestorOrSelf<SyntaxNode>(n => n is BlockSyntax or ArrowExpressionClauseSyntax or GlobalStatementSyntax or CompilationUnitSyntax);
        if (scope is null)
        {
            return null;
        }

        foreach (SyntaxNode node in scope.DescendantNodes())
        {
            bool writes = node switch
            {
                AssignmentExpressionSyntax assignment => IsLocal(assignment.Left),
                ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None) && !argument.RefKindKeyword.IsKind(SyntaxKind.InKeyword) && IsLocal(argument.Expression),
                PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.AddressOfExpression } address => IsLocal(address.Operand),
                _ => false,
            };
            if (writes)
            {
                return null;
            }
        }

        return model.GetOperation(value, cancellationToken) is { } initializer ? KnownLength(initializer, model, cancellationToken, depth: 1) : null;

        bool IsLocal(ExpressionSyntax expression) =>
            expression is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == local.Name
            && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, local);
    }
}
