using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;
using NetDsl.Generator.Weights;

namespace NetDsl.Generator.Parsing;

/// <summary>
/// Front end for attribute-defined networks: reads the class that carries <c>[Network]</c> and its layer
/// attributes (in source order) into a <see cref="NetworkSpec"/>, each attribute's arguments through its layer
/// definition's <see cref="ArgumentSchema"/>. Also checks that the class can take the generated members. Only
/// plain values leave this class.
/// </summary>
internal static class AttributeNetworkReader
{
    public const string NetworkAttributeName = "NetDsl." + nameof(NetworkAttribute);

    private const string LayerAttributeName = "NetDsl." + nameof(LayerAttribute);

    /// <summary>Reads one network for the generator. Returns null when another declaration of the same class
    /// is the one that owns the network (so each class is generated once).</summary>
    public static NetworkSpec? Read(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax declaration)
        {
            return null;
        }

        return IsOwningDeclaration(type, declaration, cancellationToken) ? Read(type, declaration, cancellationToken) : null;
    }

    /// <summary>Reads the network declared by <paramref name="declaration"/> (which must carry [Network]):
    /// from its layer attributes, or from the text given to [Network("...")].</summary>
    public static NetworkSpec Read(INamedTypeSymbol type, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        AttributeSyntax? networkSyntax = declaration.AttributeLists.SelectMany(list => list.Attributes)
            .FirstOrDefault(a => FindAttributeData(type, a)?.AttributeClass?.ToDisplayString() == NetworkAttributeName);
        AttributeData? networkAttribute = networkSyntax is null ? null : FindAttributeData(type, networkSyntax);
        LocationInfo? networkLocation = LocationInfo.From(networkSyntax);
        var diagnostics = new List<DiagnosticInfo>();
        TypeTarget target = ReadTarget(type, declaration, diagnostics, cancellationToken);
        if (diagnostics.Count > 0)
        {
            return new NetworkSpec(target, networkLocation, EquatableArray<LayerSpec>.Empty, diagnostics.ToEquatableArray(), SpecStatus.NotEmittable);
        }

        WeightsReference? weights = ReadWeightsReference(networkAttribute, networkSyntax, declaration, diagnostics);
        NetworkSpec spec;
        if (weights?.Format == WeightsFormat.Onnx)
        {
            spec = ReadOnnxHost(type, declaration, target, networkAttribute!, weights, networkLocation, diagnostics, cancellationToken);
        }
        else if (networkAttribute is { AttributeConstructor.Parameters.Length: 1 } && networkSyntax is not null)
        {
            spec = ReadText(type, declaration, target, networkAttribute, networkSyntax, networkLocation, cancellationToken);
        }
        else
        {
            spec = ReadAttributes(type, declaration, target, networkLocation, cancellationToken);
        }

        return diagnostics.Count == 0
            ? spec with { Weights = weights }
            : spec with { Weights = weights, Diagnostics = diagnostics.Concat(spec.Diagnostics).ToEquatableArray(), Status = spec.Status == SpecStatus.NotEmittable ? spec.Status : SpecStatus.Unreadable };
    }

    /// <summary><c>Weights = "..."</c> or <c>Onnx = "..."</c> on [Network], with the literal's location.</summary>
    private static WeightsReference? ReadWeightsReference(AttributeData? networkAttribute, AttributeSyntax? networkSyntax, TypeDeclarationSyntax declaration, List<DiagnosticInfo> diagnostics)
    {
        if (networkAttribute is null || networkSyntax is null)
        {
            return null;
        }

        WeightsReference? found = null;
        foreach (KeyValuePair<string, TypedConstant> named in networkAttribute.NamedArguments)
        {
            WeightsFormat format;
            if (named.Key == nameof(NetworkAttribute.Weights))
            {
                format = WeightsFormat.Safetensors;
            }
            else if (named.Key == nameof(NetworkAttribute.Onnx))
            {
                format = WeightsFormat.Onnx;
            }
            else
            {
                continue;
            }

            ExpressionSyntax? expression = networkSyntax.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == named.Key)?.Expression;
            LocationInfo? location = LocationInfo.From(expression) ?? LocationInfo.From(networkSyntax);
            if (named.Value.Value is not string path || path.Trim().Length == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileNotFound, location, named.Value.Value as string ?? "null"));
                continue;
            }

            if (found is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OnnxUnsupported, location, path, "an ONNX model brings its own weights; set Weights or Onnx, not both"));
                continue;
            }

            found = new WeightsReference(path.Trim(), format, location, declaration.SyntaxTree.FilePath);
        }

        return found;
    }

    /// <summary><c>[Network(Onnx = "...")]</c>: the layers come from the model, so the class declares none.</summary>
    private static NetworkSpec ReadOnnxHost(INamedTypeSymbol type, TypeDeclarationSyntax declaration, TypeTarget target, AttributeData networkAttribute, WeightsReference onnx, LocationInfo? networkLocation, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        AttributeSyntax? layer = declaration.AttributeLists.SelectMany(list => list.Attributes)
            .Where(a => IsLayerAttribute(FindAttributeData(type, a)?.AttributeClass))
            .Concat(LayerAttributesElsewhere(type, declaration, cancellationToken).Select(a => a.Syntax))
            .FirstOrDefault();
        if (layer is not null || networkAttribute.AttributeConstructor?.Parameters.Length == 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OnnxUnsupported, onnx.Location, onnx.Path, "the layers come from the model; remove the network's " + (layer is not null ? "layer attributes" : "text")));
        }

        return new NetworkSpec(target, networkLocation, EquatableArray<LayerSpec>.Empty, EquatableArray<DiagnosticInfo>.Empty, SpecStatus.Readable);
    }

    /// <summary>Whether <paramref name="attributeClass"/> is one of NetDsl's layer attributes.</summary>
    public static bool IsLayerAttribute(INamedTypeSymbol? attributeClass)
    {
        for (INamedTypeSymbol? t = attributeClass; t is not null; t = t.BaseType)
        {
            if (t.ToDisplayString() == LayerAttributeName)
            {
                return true;
            }
        }

        return false;
    }

    private static NetworkSpec ReadAttributes(INamedTypeSymbol type, TypeDeclarationSyntax declaration, TypeTarget target, LocationInfo? networkLocation, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var layers = new List<LayerSpec>();
        bool readable = true;
        foreach (AttributeSyntax attributeSyntax in declaration.AttributeLists.SelectMany(list => list.Attributes))
        {
            cancellationToken.ThrowIfCancellationRequested();
            AttributeData? data = FindAttributeData(type, attributeSyntax);
            if (data is null || data.AttributeClass is null || data.AttributeClass.TypeKind == TypeKind.Error)
            {
                // The compiler reports an attribute it cannot bind. If it may have been a layer, the architecture
                // is unknown: emit only the surface, report nothing more.
                readable = false;
                continue;
            }

            if (!IsLayerAttribute(data.AttributeClass))
            {
                continue;
            }

            LayerDefinition? definition = data.AttributeClass.ContainingNamespace?.ToDisplayString() == "NetDsl"
                ? LayerRegistry.ByAttributeName(data.AttributeClass.Name)
                : null;
            if (definition is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownLayerAttribute, LocationInfo.From(attributeSyntax), data.AttributeClass.Name));
                readable = false;
                continue;
            }

            LayerSpec? layer = ReadLayer(definition, data, attributeSyntax, diagnostics);
            if (layer is null)
            {
                readable = false;
                continue;
            }

            layers.Add(layer);
        }

        // Layer attributes on other partial declarations of the class: their order relative to these is
        // undefined, so they are an error.
        foreach ((AttributeSyntax attributeSyntax, string name) in LayerAttributesElsewhere(type, declaration, cancellationToken))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayersSplitAcrossDeclarations, LocationInfo.From(attributeSyntax), name, type.Name));
        }

        SpecStatus status = readable && diagnostics.Count == 0 ? SpecStatus.Readable : SpecStatus.Unreadable;
        return new NetworkSpec(target, networkLocation, layers.ToEquatableArray(), diagnostics.ToEquatableArray(), status);
    }

    /// <summary>The inline text host: <c>[Network("""...""")]</c>, positions mapped back into the literal.</summary>
    private static NetworkSpec ReadText(INamedTypeSymbol type, TypeDeclarationSyntax declaration, TypeTarget target, AttributeData networkAttribute, AttributeSyntax networkSyntax, LocationInfo? networkLocation, CancellationToken cancellationToken)
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
            .Where(a => IsLayerAttribute(FindAttributeData(type, a)?.AttributeClass))
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
        return new NetworkSpec(target, networkLocation, document.Layers, document.Diagnostics, document.HasErrors ? SpecStatus.Unreadable : SpecStatus.Readable, IsText: true);
    }

    private static IEnumerable<(AttributeSyntax Syntax, string Name)> LayerAttributesElsewhere(INamedTypeSymbol type, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == declaration.SyntaxTree && reference.Span == declaration.Span)
            {
                continue;
            }

            if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax other)
            {
                continue;
            }

            foreach (AttributeSyntax attributeSyntax in other.AttributeLists.SelectMany(list => list.Attributes))
            {
                AttributeData? data = FindAttributeData(type, attributeSyntax);
                if (IsLayerAttribute(data?.AttributeClass))
                {
                    yield return (attributeSyntax, data!.AttributeClass!.Name.Replace("Attribute", string.Empty));
                }
            }
        }
    }

    /// <summary>The declaration that carries [Network] first (by file path, then position) owns the network.</summary>
    public static bool IsOwningDeclaration(INamedTypeSymbol type, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences
            .OrderBy(r => r.SyntaxTree.FilePath, StringComparer.Ordinal)
            .ThenBy(r => r.Span.Start))
        {
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax candidate && HasNetworkAttributeSyntax(type, candidate))
            {
                return candidate == declaration;
            }
        }

        return true;
    }

    private static bool HasNetworkAttributeSyntax(INamedTypeSymbol type, TypeDeclarationSyntax declaration) =>
        declaration.AttributeLists.SelectMany(list => list.Attributes)
            .Any(a => FindAttributeData(type, a)?.AttributeClass?.ToDisplayString() == NetworkAttributeName);

    /// <summary>Where the code goes, and every reason the class cannot take it.</summary>
    private static TypeTarget ReadTarget(INamedTypeSymbol type, TypeDeclarationSyntax declaration, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        LocationInfo? nameLocation = LocationInfo.From(declaration.Identifier.GetLocation());
        if (type.TypeKind != TypeKind.Class || type.IsRecord)
        {
            string kind = type.IsRecord ? (type.TypeKind == TypeKind.Struct ? "record struct" : "record") : type.TypeKind.ToString().ToLowerInvariant();
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkNotAClass, nameLocation, type.Name, kind));
        }

        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkNotPartial, nameLocation, type.Name));
        }

        if (declaration.Modifiers.Any(SyntaxKind.FileKeyword))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkFileLocal, nameLocation, type.Name));
        }

        if (type.IsStatic)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkStatic, nameLocation, type.Name));
        }
        else if (type.IsAbstract && type.TypeKind == TypeKind.Class)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkAbstract, nameLocation, type.Name));
        }

        bool generic = type.TypeParameters.Length > 0;
        var containing = new List<string>();
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            generic |= outer.TypeParameters.Length > 0;
            bool outerPartial = outer.DeclaringSyntaxReferences
                .Select(r => r.GetSyntax(cancellationToken))
                .OfType<TypeDeclarationSyntax>()
                .Any(t => t.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (!outerPartial)
            {
                // Reported on the network's own name (the fix makes the containing types partial), so the
                // diagnostic stays local to the network's declaration.
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ContainingTypeNotPartial, nameLocation, outer.Name, type.Name));
            }

            containing.Insert(0, "partial " + TypeKeyword(outer) + " " + Identifiers.Escape(outer.Name));
        }

        if (generic)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkGeneric, nameLocation, type.Name));
        }

        if (diagnostics.Count == 0)
        {
            CheckMembers(type, nameLocation, diagnostics, cancellationToken);
        }

        string? ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", string.Empty).Replace("@", string.Empty) : null;
        return new TypeTarget(ns, containing.ToEquatableArray(), type.Name, string.Empty);
    }

    /// <summary>Reports members of the user's class that the generated members would collide with: a generated
    /// member's name, a method with a generated overload's parameters, the constructors <c>()</c> and <c>(int)</c>,
    /// a primary constructor, and a base class the generated constructor cannot call.</summary>
    private static void CheckMembers(INamedTypeSymbol type, LocationInfo? nameLocation, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        if (NetworkEmitter.GeneratedMembers.Any(m => m.Name == type.Name))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkNamedLikeMember, nameLocation, type.Name));
        }

        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax { ParameterList: not null } withParameters && !IsGenerated(withParameters))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkPrimaryConstructor, LocationInfo.From(withParameters.ParameterList), type.Name));
            }
        }

        foreach (ISymbol member in type.GetMembers())
        {
            if (member.IsImplicitlyDeclared || member.DeclaringSyntaxReferences.Length == 0
                || member.DeclaringSyntaxReferences.All(r => r.GetSyntax(cancellationToken).Ancestors().OfType<TypeDeclarationSyntax>().Any(IsGenerated)))
            {
                continue;
            }

            LocationInfo? where = LocationInfo.From(member.Locations.FirstOrDefault());
            if (member is IMethodSymbol { MethodKind: MethodKind.Constructor, IsStatic: false } constructor)
            {
                if (constructor.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancellationToken) is TypeDeclarationSyntax))
                {
                    continue; // a primary constructor, reported above
                }

                string[] parameters = constructor.Parameters.Select(p => p.Type.ToDisplayString()).ToArray();
                if (parameters.Length == 0 || (parameters.Length == 1 && parameters[0] == "int"))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GeneratedMemberCollision, where, type.Name,
                        "the constructor " + type.Name + "(" + string.Join(", ", parameters) + ")", "chain your constructors to " + type.Name + "(int seed) instead"));
                }

                continue;
            }

            foreach ((string name, string[][]? overloads) in NetworkEmitter.GeneratedMembers)
            {
                if (member.Name != name)
                {
                    continue;
                }

                if (member is IMethodSymbol method && overloads is not null)
                {
                    string[] parameters = method.Parameters.Select(p => Short(p.Type)).ToArray();
                    if (!overloads.Any(o => o.SequenceEqual(parameters)))
                    {
                        continue; // another overload: fine
                    }
                }

                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GeneratedMemberCollision, where, type.Name, "'" + member.Name + "'", "rename yours"));
            }
        }

        if (type.BaseType is { SpecialType: not SpecialType.System_Object } baseType
            && !baseType.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility is Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal or Accessibility.Internal))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkBaseWithoutConstructor, nameLocation, type.Name, baseType.Name));
        }
    }

    private static string Short(ITypeSymbol type) => type.ToDisplayString()
        .Replace("System.ReadOnlySpan", "ReadOnlySpan").Replace("System.Span", "Span");

    /// <summary>A declaration NetDsl generated (its class carries the GeneratedCode attribute).</summary>
    private static bool IsGenerated(TypeDeclarationSyntax declaration) =>
        declaration.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.ToString().Contains("GeneratedCode(\"NetDsl.Generator\""));

    private static string TypeKeyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };

    private static AttributeData? FindAttributeData(INamedTypeSymbol type, AttributeSyntax syntax)
    {
        foreach (AttributeData data in type.GetAttributes())
        {
            SyntaxReference? reference = data.ApplicationSyntaxReference;
            if (reference is not null && reference.SyntaxTree == syntax.SyntaxTree && reference.Span == syntax.Span)
            {
                return data;
            }
        }

        return null;
    }

    /// <summary>Turns one bound attribute into a layer through its definition's schema, or null when its arguments
    /// are not usable (the compiler reports those: no constructor matched, a value is not a constant, ...) or a
    /// member is unknown to the schema (reported).</summary>
    private static LayerSpec? ReadLayer(LayerDefinition definition, AttributeData data, AttributeSyntax syntax, List<DiagnosticInfo> diagnostics)
    {
        IMethodSymbol? constructor = data.AttributeConstructor;
        if (constructor is null
            || data.ConstructorArguments.Length != constructor.Parameters.Length
            || data.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error)
            || data.NamedArguments.Any(a => a.Value.Kind == TypedConstantKind.Error))
        {
            return null;
        }

        var given = new List<(AttributeMember Member, ArgumentValue Value, LocationInfo? Where)>();
        var inputs = new List<NameRef>();
        NameRef? name = null;
        bool ok = true;
        for (int i = 0; i < constructor.Parameters.Length; i++)
        {
            if (constructor.Parameters[i].Name == "inputs" && data.ConstructorArguments[i].Kind == TypedConstantKind.Array)
            {
                ok &= CollectInputs(data.ConstructorArguments[i], syntax, constructor.Parameters[i].IsParams ? i : -1, inputs);
                continue;
            }

            ok &= Collect(constructor.Parameters[i].Name, data.ConstructorArguments[i], FindConstructorArgument(syntax, constructor.Parameters[i].Name, i));
        }

        foreach (KeyValuePair<string, TypedConstant> named in data.NamedArguments)
        {
            SyntaxNode? node = FindNamedArgument(syntax, named.Key);
            if (named.Key is nameof(LayerAttribute.Name) or nameof(LayerAttribute.From))
            {
                // null is the default: Keras's automatic name, the layer before.
                if (named.Value.Value is string text)
                {
                    var reference = new NameRef(text, LocationInfo.From(node is AttributeArgumentSyntax a ? a.Expression : node));
                    if (named.Key == nameof(LayerAttribute.Name))
                    {
                        name = reference;
                    }
                    else if (definition.IsMerge)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerInputs, reference.Location, definition.ClassName,
                            "names the layers it merges in its constructor; From does not apply to it"));
                        ok = false;
                    }
                    else
                    {
                        inputs.Add(reference);
                    }
                }

                continue;
            }

            ok &= Collect(named.Key, named.Value, node);
        }

        if (!ok)
        {
            return null;
        }

        // Members that set one target win over members that set several (StrideHeight over Strides).
        var explicitTargets = new HashSet<string>(given.Where(g => !g.Member.Overridable).SelectMany(g => g.Member.Targets));
        var arguments = new List<LayerArgument>();
        foreach ((AttributeMember member, ArgumentValue value, LocationInfo? where) in given)
        {
            foreach (string target in member.Targets)
            {
                if (!member.Overridable || !explicitTargets.Contains(target))
                {
                    arguments.Add(new LayerArgument(target, value, where));
                }
            }
        }

        return new LayerSpec(definition.ClassName, LocationInfo.From(syntax), arguments.ToEquatableArray(), name, inputs.ToEquatableArray());

        bool Collect(string name, TypedConstant constant, SyntaxNode? node)
        {
            LocationInfo? where = LocationInfo.From(node);
            AttributeMember? member = definition.Schema.FindMember(name);
            if (member is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownSetting, where, definition.ClassName, name));
                return false;
            }

            if (constant.Kind == TypedConstantKind.Array && constant.IsNull)
            {
                return true; // Kernels = null: as if not written
            }

            if (!TryGetValue(constant, out ArgumentValue value))
            {
                return false;
            }

            given.Add((member, value, where));
            return true;
        }
    }

    /// <summary>A merge's layer names: each written as its own argument (<c>params</c>) points at itself; an
    /// array written at once points at the array. A null name is left to the shape checker's message.</summary>
    private static bool CollectInputs(TypedConstant array, AttributeSyntax syntax, int paramsIndex, List<NameRef> inputs)
    {
        var positional = (syntax.ArgumentList?.Arguments ?? default).Where(a => a.NameEquals is null && a.NameColon is null).ToList();
        bool expanded = paramsIndex >= 0 && positional.Count - paramsIndex == array.Values.Length
            && !(positional.Count == paramsIndex + 1 && positional[paramsIndex].Expression is ArrayCreationExpressionSyntax or ImplicitArrayCreationExpressionSyntax or CollectionExpressionSyntax);
        LocationInfo? whole = LocationInfo.From(positional.Count > Math.Max(paramsIndex, 0) ? positional[Math.Max(paramsIndex, 0)] : syntax);
        for (int k = 0; k < array.Values.Length; k++)
        {
            TypedConstant value = array.Values[k];
            if (value.Kind == TypedConstantKind.Error)
            {
                return false;
            }

            inputs.Add(new NameRef(value.Value as string ?? string.Empty, expanded ? LocationInfo.From(positional[paramsIndex + k].Expression) : whole));
        }

        return true;
    }

    private static bool TryGetValue(TypedConstant constant, out ArgumentValue value)
    {
        if (constant.Kind == TypedConstantKind.Array)
        {
            // An array of numbers or enum members (Kernels, KernelValues): a list.
            var list = new List<double>(constant.Values.Length);
            foreach (TypedConstant element in constant.Values)
            {
                if (!TryGetValue(element, out ArgumentValue item) || item.Text is not null || item.List.Count > 0)
                {
                    value = default;
                    return false;
                }

                list.Add(item.Number);
            }

            value = ArgumentValue.Of(list);
            return true;
        }

        switch (constant.Value)
        {
            case int i:
                value = new ArgumentValue(i);
                return true;
            case double d:
                value = new ArgumentValue(d);
                return true;
            case float f:
                value = new ArgumentValue(f);
                return true;
            case bool b:
                value = ArgumentValue.Of(b);
                return true;
            case string s:
                value = new ArgumentValue(0, s);
                return true;
            default:
                value = default;
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
