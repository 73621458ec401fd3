using System;
using System.Collections;
using System.Collections.Generic;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace NetDsl.Generator.Tests.Infrastructure;

/// <summary>Walks a pipeline model by reflection and fails if it reaches a symbol, syntax node, syntax
/// tree, compilation or semantic model: those would defeat caching and keep compilations alive.</summary>
internal static class ModelGraph
{
    public static void AssertOnlyPlainValues(object root)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Walk(root, "model", seen);
    }

    private static void Walk(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum
            || value is TextSpan || value is LinePositionSpan || value is LinePosition || value is DiagnosticDescriptor)
        {
            return;
        }

        if (value is ISymbol or SyntaxNode or SyntaxTree or Compilation or SemanticModel or Location or AttributeData)
        {
            throw new Xunit.Sdk.XunitException($"{path} holds a {value.GetType().Name}, which must not be in an incremental model.");
        }

        if (!value.GetType().IsValueType && !seen.Add(value))
        {
            return;
        }

        if (value is IEnumerable sequence)
        {
            int i = 0;
            foreach (object? item in sequence)
            {
                Walk(item, $"{path}[{i++}]", seen);
            }

            return;
        }

        foreach (FieldInfo field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            Walk(field.GetValue(value), path + "." + field.Name, seen);
        }
    }
}
