using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Parsing;

/// <summary>
/// Front end for attribute-defined networks: reads the class that carries <c>[Network]</c> and its layer
/// attributes (in source order) into a <see cref="NetworkSpec"/>. Only plain values leave this class.
/// </summary>
internal static class AttributeNetworkReader
{
    public const string NetworkAttributeName = "NetDsl.NetworkAttribute";

    private static readonly Dictionary<string, LayerKind> LayerAttributes = new()
    {
        ["InputAttribute"] = LayerKind.Input,
        ["Conv2DAttribute"] = LayerKind.Conv2D,
        ["MaxPooling2DAttribute"] = LayerKind.MaxPooling2D,
        ["AveragePooling2DAttribute"] = LayerKind.AveragePooling2D,
        ["GlobalAveragePooling2DAttribute"] = LayerKind.GlobalAveragePooling2D,
        ["GlobalMaxPooling2DAttribute"] = LayerKind.GlobalMaxPooling2D,
        ["FlattenAttribute"] = LayerKind.Flatten,
        ["DenseAttribute"] = LayerKind.Dense,
        ["ActivationAttribute"] = LayerKind.Activation,
    };

    /// <summary>Reads one network for the generator. Returns null when another declaration of the same class
    /// is the one that owns the network (so each class is generated once).</summary>
    public static NetworkSpec? Read(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not ClassDeclarationSyntax declaration)
        {
            return null;
        }

        return IsOwningDeclaration(type, declaration, cancellationToken) ? Read(type, declaration, cancellationToken) : null;
    }

    /// <summary>Reads the network declared by <paramref name="declaration"/> (which must carry [Network]):
    /// from its layer attributes, or from the text given to [Network("...")].</summary>
    public static NetworkSpec Read(INamedTypeSymbol type, ClassDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        AttributeSyntax? networkSyntax = declaration.AttributeLists.SelectMany(list => list.Attributes)
            .FirstOrDefault(a => FindAttributeData(type, a, cancellationToken)?.AttributeClass?.ToDisplayString() == NetworkAttributeName);
        AttributeData? networkAttribute = networkSyntax is null ? null : FindAttributeData(type, networkSyntax, cancellationToken);
        LocationInfo? networkLocation = LocationInfo.From(networkSyntax);
        var diagnostics = new List<DiagnosticInfo>();
        TypeTarget target = ReadTarget(type, declaration, diagnostics);
        if (diagnostics.Count > 0)
        {
            return new NetworkSpec(target, networkLocation, EquatableArray<LayerSpec>.Empty, diagnostics.ToEquatableArray(), SpecStatus.NotEmittable);
        }

        if (networkAttribute is { AttributeConstructor.Parameters.Length: 1 } && networkSyntax is not null)
        {
            return ReadText(type, declaration, target, networkAttribute, networkSyntax, networkLocation, cancellationToken);
        }

        return ReadAttributes(type, declaration, target, networkLocation, cancellationToken);
    }

    private static NetworkSpec ReadAttributes(INamedTypeSymbol type, ClassDeclarationSyntax declaration, TypeTarget target, LocationInfo? networkLocation, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var layers = new List<LayerSpec>();
        bool readable = true;
        foreach (AttributeSyntax attributeSyntax in declaration.AttributeLists.SelectMany(list => list.Attributes))
        {
            cancellationToken.ThrowIfCancellationRequested();
            AttributeData? data = FindAttributeData(type, attributeSyntax, cancellationToken);
            if (data is null || data.AttributeClass is null || data.AttributeClass.TypeKind == TypeKind.Error)
            {
                // The compiler reports an attribute it cannot bind. If it may have been a layer, the
                // architecture is unknown: emit only the surface, report nothing more.
                readable = false;
                continue;
            }

            if (!TryGetLayerKind(data.AttributeClass, out LayerKind kind))
            {
                continue;
            }

            LayerSpec? layer = ReadLayer(kind, data, attributeSyntax);
            if (layer is null)
            {
                readable = false;
                continue;
            }

            layers.Add(layer);
        }

        // Layer attributes on other partial declarations of the class: their order relative to these is
        // undefined, so they are an error.
        foreach ((AttributeSyntax attributeSyntax, LayerKind kind) in LayerAttributesElsewhere(type, declaration, cancellationToken))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayersSplitAcrossDeclarations, LocationInfo.From(attributeSyntax), kind.ToString(), type.Name));
        }

        SpecStatus status = readable && diagnostics.Count == 0 ? SpecStatus.Readable : SpecStatus.Unreadable;
        return new NetworkSpec(target, networkLocation, layers.ToEquatableArray(), diagnostics.ToEquatableArray(), status);
    }

    /// <summary>The inline text host: <c>[Network("""...""")]</c>, positions mapped back into the literal.</summary>
    private static NetworkSpec ReadText(INamedTypeSymbol type, ClassDeclarationSyntax declaration, TypeTarget target, AttributeData networkAttribute, AttributeSyntax networkSyntax, LocationInfo? networkLocation, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        TypedConstant argument = networkAttribute.ConstructorArguments[0];
        ExpressionSyntax? expression = networkSyntax.ArgumentList?.Arguments.FirstOrDefault()?.Expression;
        if (argument.Kind == TypedConstantKind.Error || argument.Value is not string text || expression is null)
        {
            if (argument.Kind != TypedConstantKind.Error && expression is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DslSyntax, LocationInfo.From(expression), "The network text is null"));
            }

            return new NetworkSpec(target, networkLocation, EquatableArray<LayerSpec>.Empty, diagnostics.ToEquatableArray(), SpecStatus.Unreadable);
        }

        AttributeSyntax? firstLayerAttribute = declaration.AttributeLists.SelectMany(list => list.Attributes)
            .Where(a => FindAttributeData(type, a, cancellationToken)?.AttributeClass is { } c && TryGetLayerKind(c, out _))
            .Concat(LayerAttributesElsewhere(type, declaration, cancellationToken).Select(a => a.Syntax))
            .FirstOrDefault();
        if (firstLayerAttribute is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DslAndLayerAttributes, LocationInfo.From(firstLayerAttribute), type.Name));
            return new NetworkSpec(target, networkLocation, EquatableArray<LayerSpec>.Empty, diagnostics.ToEquatableArray(), SpecStatus.Unreadable);
        }

        SyntaxTree tree = expression.SyntaxTree;
        StringLiteralMap? map = StringLiteralMap.Create(expression, text);
        LocationInfo? whole = LocationInfo.From(expression);
        LocationInfo? Locate(int start, int length)
        {
            if (map is null)
            {
                return whole;
            }

            Microsoft.CodeAnalysis.Text.TextSpan span = map.Map(start, length);
            return new LocationInfo(tree.FilePath, span, tree.GetLineSpan(span, cancellationToken).Span);
        }

        DslDocument document = DslParser.Parse(text, Locate, allowHeader: false);
        return new NetworkSpec(
            target,
            networkLocation,
            document.Layers,
            document.Diagnostics,
            document.HasErrors ? SpecStatus.Unreadable : SpecStatus.Readable);
    }

    private static IEnumerable<(AttributeSyntax Syntax, LayerKind Kind)> LayerAttributesElsewhere(INamedTypeSymbol type, ClassDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == declaration.SyntaxTree && reference.Span == declaration.Span)
            {
                continue;
            }

            if (reference.GetSyntax(cancellationToken) is not ClassDeclarationSyntax other)
            {
                continue;
            }

            foreach (AttributeSyntax attributeSyntax in other.AttributeLists.SelectMany(list => list.Attributes))
            {
                AttributeData? data = FindAttributeData(type, attributeSyntax, cancellationToken);
                if (data?.AttributeClass is { } attributeClass && TryGetLayerKind(attributeClass, out LayerKind kind))
                {
                    yield return (attributeSyntax, kind);
                }
            }
        }
    }

    /// <summary>The declaration that carries [Network] first (by file path, then position) owns the network.</summary>
    public static bool IsOwningDeclaration(INamedTypeSymbol type, ClassDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences
            .OrderBy(r => r.SyntaxTree.FilePath, StringComparer.Ordinal)
            .ThenBy(r => r.Span.Start))
        {
            if (reference.GetSyntax(cancellationToken) is ClassDeclarationSyntax candidate && HasNetworkAttributeSyntax(type, candidate, cancellationToken))
            {
                return candidate == declaration;
            }
        }

        return true;
    }

    private static bool HasNetworkAttributeSyntax(INamedTypeSymbol type, ClassDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        foreach (AttributeSyntax attributeSyntax in declaration.AttributeLists.SelectMany(list => list.Attributes))
        {
            if (FindAttributeData(type, attributeSyntax, cancellationToken)?.AttributeClass?.ToDisplayString() == NetworkAttributeName)
            {
                return true;
            }
        }

        return false;
    }

    private static TypeTarget ReadTarget(INamedTypeSymbol type, ClassDeclarationSyntax declaration, List<DiagnosticInfo> diagnostics)
    {
        LocationInfo? nameLocation = LocationInfo.From(declaration.Identifier.GetLocation());
        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkNotPartial, nameLocation, type.Name));
        }

        if (type.IsStatic)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkStatic, nameLocation, type.Name));
        }

        bool generic = type.TypeParameters.Length > 0;
        var containing = new List<string>();
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            generic |= outer.TypeParameters.Length > 0;
            bool outerPartial = outer.DeclaringSyntaxReferences
                .Select(r => r.GetSyntax())
                .OfType<TypeDeclarationSyntax>()
                .Any(t => t.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (!outerPartial)
            {
                // Reported on the network's own name (the fix makes the containing types partial), so the
                // diagnostic stays local to the network's declaration.
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ContainingTypeNotPartial, nameLocation, outer.Name, type.Name));
            }

            containing.Insert(0, "partial " + TypeKeyword(outer) + " " + outer.Name);
        }

        if (generic)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkGeneric, nameLocation, type.Name));
        }

        string? ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
        return new TypeTarget(ns, containing.ToEquatableArray(), type.Name, string.Empty);
    }

    private static string TypeKeyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };

    private static AttributeData? FindAttributeData(INamedTypeSymbol type, AttributeSyntax syntax, CancellationToken cancellationToken)
    {
        foreach (AttributeData data in type.GetAttributes())
        {
            SyntaxReference? reference = data.ApplicationSyntaxReference;
            if (reference is not null && reference.SyntaxTree == syntax.SyntaxTree && reference.Span == syntax.Span)
            {
                return data;
            }
        }

        _ = cancellationToken;
        return null;
    }

    private static bool TryGetLayerKind(INamedTypeSymbol attributeClass, out LayerKind kind)
    {
        kind = default;
        return attributeClass.ContainingNamespace?.ToDisplayString() == "NetDsl"
            && attributeClass.ContainingType is null
            && LayerAttributes.TryGetValue(attributeClass.Name, out kind);
    }

    /// <summary>Turns one bound attribute into a layer, or null when its arguments are not usable
    /// (the compiler reports those: no constructor matched, a value is not a constant, ...).</summary>
    private static LayerSpec? ReadLayer(LayerKind kind, AttributeData data, AttributeSyntax syntax)
    {
        IMethodSymbol? constructor = data.AttributeConstructor;
        if (constructor is null
            || data.ConstructorArguments.Length != constructor.Parameters.Length
            || data.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error)
            || data.NamedArguments.Any(a => a.Value.Kind == TypedConstantKind.Error))
        {
            return null;
        }

        var arguments = new List<LayerArgument>();
        for (int i = 0; i < constructor.Parameters.Length; i++)
        {
            string parameter = constructor.Parameters[i].Name;
            if (!TryGetInt(data.ConstructorArguments[i], out int value))
            {
                return null;
            }

            LocationInfo? where = LocationInfo.From(FindConstructorArgument(syntax, parameter, i));
            switch (parameter)
            {
                case "height":
                    arguments.Add(new LayerArgument(ArgumentKind.Height, value, where));
                    break;
                case "width":
                    arguments.Add(new LayerArgument(ArgumentKind.Width, value, where));
                    break;
                case "channels":
                    arguments.Add(new LayerArgument(ArgumentKind.Channels, value, where));
                    break;
                case "length":
                    arguments.Add(new LayerArgument(ArgumentKind.Length, value, where));
                    break;
                case "filters":
                    arguments.Add(new LayerArgument(ArgumentKind.Filters, value, where));
                    break;
                case "units":
                    arguments.Add(new LayerArgument(ArgumentKind.Units, value, where));
                    break;
                case "kernelSize":
                    arguments.Add(new LayerArgument(ArgumentKind.KernelHeight, value, where));
                    arguments.Add(new LayerArgument(ArgumentKind.KernelWidth, value, where));
                    break;
                case "kernelHeight":
                    arguments.Add(new LayerArgument(ArgumentKind.KernelHeight, value, where));
                    break;
                case "kernelWidth":
                    arguments.Add(new LayerArgument(ArgumentKind.KernelWidth, value, where));
                    break;
                case "poolSize":
                    arguments.Add(new LayerArgument(ArgumentKind.PoolHeight, value, where));
                    arguments.Add(new LayerArgument(ArgumentKind.PoolWidth, value, where));
                    break;
                case "poolHeight":
                    arguments.Add(new LayerArgument(ArgumentKind.PoolHeight, value, where));
                    break;
                case "poolWidth":
                    arguments.Add(new LayerArgument(ArgumentKind.PoolWidth, value, where));
                    break;
                case "activation":
                    arguments.Add(new LayerArgument(ArgumentKind.Activation, value, where));
                    break;
                default:
                    return null;
            }
        }

        bool hasStrideHeight = data.NamedArguments.Any(a => a.Key == "StrideHeight");
        bool hasStrideWidth = data.NamedArguments.Any(a => a.Key == "StrideWidth");
        foreach (KeyValuePair<string, TypedConstant> named in data.NamedArguments)
        {
            if (!TryGetInt(named.Value, out int value))
            {
                return null;
            }

            LocationInfo? where = LocationInfo.From(FindNamedArgument(syntax, named.Key));
            switch (named.Key)
            {
                case "Strides":
                    if (!hasStrideHeight)
                    {
                        arguments.Add(new LayerArgument(ArgumentKind.StrideHeight, value, where));
                    }

                    if (!hasStrideWidth)
                    {
                        arguments.Add(new LayerArgument(ArgumentKind.StrideWidth, value, where));
                    }

                    break;
                case "StrideHeight":
                    arguments.Add(new LayerArgument(ArgumentKind.StrideHeight, value, where));
                    break;
                case "StrideWidth":
                    arguments.Add(new LayerArgument(ArgumentKind.StrideWidth, value, where));
                    break;
                case "Padding":
                    arguments.Add(new LayerArgument(ArgumentKind.Padding, value, where));
                    break;
                case "Activation":
                    arguments.Add(new LayerArgument(ArgumentKind.Activation, value, where));
                    break;
                case "UseBias":
                    arguments.Add(new LayerArgument(ArgumentKind.UseBias, value, where));
                    break;
                default:
                    return null;
            }
        }

        return new LayerSpec(kind, LocationInfo.From(syntax), arguments.ToEquatableArray());
    }

    private static bool TryGetInt(TypedConstant constant, out int value)
    {
        switch (constant.Value)
        {
            case int i:
                value = i;
                return true;
            case bool b:
                value = b ? 1 : 0;
                return true;
            default:
                value = 0;
                return false;
        }
    }

    private static SyntaxNode? FindConstructorArgument(AttributeSyntax syntax, string parameterName, int index)
    {
        if (syntax.ArgumentList is null)
        {
            return syntax;
        }

        SeparatedSyntaxList<AttributeArgumentSyntax> arguments = syntax.ArgumentList.Arguments;
        foreach (AttributeArgumentSyntax argument in arguments)
        {
            if (argument.NameColon?.Name.Identifier.ValueText == parameterName)
            {
                return argument;
            }
        }

        int positional = 0;
        foreach (AttributeArgumentSyntax argument in arguments)
        {
            if (argument.NameEquals is not null || argument.NameColon is not null)
            {
                continue;
            }

            if (positional++ == index)
            {
                return argument;
            }
        }

        return syntax;
    }

    private static SyntaxNode? FindNamedArgument(AttributeSyntax syntax, string propertyName)
    {
        foreach (AttributeArgumentSyntax argument in syntax.ArgumentList?.Arguments ?? default)
        {
            if (argument.NameEquals?.Name.Identifier.ValueText == propertyName)
            {
                return argument;
            }
        }

        return syntax;
    }
}
