using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetDsl.Generator.Model;

/// <summary>
/// What a front end read, before any shape is known: the target class and the layers in order. Attributes,
/// inline text and <c>.netdsl</c> files all produce this; the shape checker is the only consumer.
/// </summary>
/// <param name="Target">The class to fill in.</param>
/// <param name="Location">Where the network is declared (the <c>[Network]</c> attribute, or the file's
/// <c>network</c> line).</param>
/// <param name="Layers">The layers as written, Input included.</param>
/// <param name="Diagnostics">Problems the front end found.</param>
/// <param name="Status">Whether the layers could be read and whether a class can be emitted at all.</param>
/// <param name="Weights">The weights file (or ONNX model) the network names, or null.</param>
/// <param name="WeightsFile">That file's bytes, once found among the AdditionalFiles.</param>
/// <param name="Imported">The tensors an importer converted (ONNX), in the layers' (Keras's) layouts.</param>
/// <param name="IsText">Written as network text (inline or a .netdsl file), even with no layer yet: messages
/// suggest DSL words (<c>same</c>, <c>flatten</c>) rather than C# (<c>Padding.Same</c>, <c>[Flatten]</c>).</param>
internal sealed record NetworkSpec(
    TypeTarget Target,
    LocationInfo? Location,
    EquatableArray<LayerSpec> Layers,
    EquatableArray<DiagnosticInfo> Diagnostics,
    SpecStatus Status,
    Weights.WeightsReference? Weights = null,
    Weights.BinaryFile? WeightsFile = null,
    EquatableArray<Onnx.ImportedTensor> Imported = default,
    bool IsText = false);

internal enum SpecStatus
{
    /// <summary>Every layer was read: check the shapes and emit.</summary>
    Readable,

    /// <summary>A layer could not be read: emit only the public surface so code that uses the network does not
    /// drown in follow-up errors.</summary>
    Unreadable,

    /// <summary>No partial class can be emitted (not partial, generic, a record, ...).</summary>
    NotEmittable,
}

/// <summary>One layer as written.</summary>
/// <param name="Kind">The layer definition's Keras class name (<c>Conv2D</c>).</param>
/// <param name="Location">The attribute (or text line) that declares it.</param>
/// <param name="Arguments">The settings the user gave, each with where it was written; defaults are applied by
/// the shape checker, not here.</param>
/// <param name="Name">The name the user gave it, or null for Keras's automatic name.</param>
/// <param name="Inputs">The earlier layers it reads, by name: a merge's inputs, or another layer's <c>From</c>;
/// empty for the layer written before it.</param>
internal sealed record LayerSpec(string Kind, LocationInfo? Location, EquatableArray<LayerArgument> Arguments, NameRef? Name = null, EquatableArray<NameRef> Inputs = default)
{
    public LayerArgument? Find(string name)
    {
        foreach (LayerArgument argument in Arguments)
        {
            if (argument.Name == name)
            {
                return argument;
            }
        }

        return null;
    }
}

/// <summary>A layer name as written, and where.</summary>
internal sealed record NameRef(string Text, LocationInfo? Location);

/// <summary>One setting with its value and where it was written.</summary>
/// <param name="Name">The layer definition's name for it (<c>filters</c>).</param>
internal sealed record LayerArgument(string Name, ArgumentValue Value, LocationInfo? Location);

/// <summary>A setting's value: a number (integers, booleans and enum values included), a text, or a list of
/// numbers (<see cref="List"/>: an array given to an attribute, several values in text).</summary>
internal readonly record struct ArgumentValue(double Number, string? Text = null, EquatableArray<double> List = default)
{
    public static ArgumentValue Of(bool value) => new(value ? 1 : 0);

    public static ArgumentValue Of(IEnumerable<double> list) => new(0, null, list.ToEquatableArray());

    public int Integer => (int)Number;

    public bool Boolean => Number != 0;

    public override string ToString() => Text ?? (List.Count > 0
        ? string.Join(" ", System.Linq.Enumerable.Select(List, v => v.ToString("R", CultureInfo.InvariantCulture)))
        : Number.ToString("R", CultureInfo.InvariantCulture));
}

/// <summary>Where generated code goes: namespace, containing types and class name.</summary>
/// <param name="Namespace">Null for the global namespace; as C# writes it, without <c>@</c> escapes.</param>
/// <param name="ContainingTypes">Outermost first, each as <c>"partial class Outer"</c> (names escaped).</param>
/// <param name="Name">The class name, without an <c>@</c> escape.</param>
/// <param name="Modifiers">Modifiers to write before <c>partial class</c> (empty for attribute hosts, whose
/// declaration already has them).</param>
/// <param name="Origin">Which host declared the network.</param>
internal sealed record TypeTarget(string? Namespace, EquatableArray<string> ContainingTypes, string Name, string Modifiers, TargetOrigin Origin = TargetOrigin.Attribute)
{
    /// <summary>The full name in C# with every identifier escaped where it is a keyword, and <c>global::</c>:
    /// <c>global::Samples.Outer.MnistNet</c>.</summary>
    public string QualifiedName
    {
        get
        {
            var name = new StringBuilder("global::");
            if (Namespace is not null)
            {
                foreach (string part in Namespace.Split('.'))
                {
                    name.Append(Identifiers.Escape(part)).Append('.');
                }
            }

            foreach (string containing in ContainingTypes)
            {
                name.Append(containing.Substring(containing.LastIndexOf(' ') + 1)).Append('.');
            }

            return name.Append(Identifiers.Escape(Name)).ToString();
        }
    }

    /// <summary>The file name for the generated source, before it is made unique among all networks:
    /// <c>Samples.Outer.MnistNet.g.cs</c>, characters a file name cannot hold replaced.</summary>
    public string PreferredHintName
    {
        get
        {
            var name = new StringBuilder();
            if (Namespace is not null)
            {
                name.Append(Namespace).Append('.');
            }

            foreach (string containing in ContainingTypes)
            {
                name.Append(containing.Substring(containing.LastIndexOf(' ') + 1).TrimStart('@')).Append('.');
            }

            name.Append(Name);
            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                if (!(char.IsLetterOrDigit(c) || c is '.' or '_' or '-'))
                {
                    name[i] = '_';
                }
            }

            return name.Append(Origin == TargetOrigin.File ? ".netdsl.g.cs" : ".g.cs").ToString();
        }
    }

    /// <summary>A stable, exact identity (case-sensitive): what tells two targets apart.</summary>
    public string Identity => (Origin == TargetOrigin.File ? "file:" : "class:") + QualifiedName;
}

/// <summary>Where a network was declared.</summary>
internal enum TargetOrigin
{
    /// <summary>A class with [Network] (layer attributes or inline text).</summary>
    Attribute,

    /// <summary>A .netdsl file.</summary>
    File,
}

/// <summary>C# identifiers in generated code.</summary>
internal static class Identifiers
{
    /// <summary><paramref name="name"/> with an <c>@</c> when it is a keyword (<c>@class</c>).</summary>
    public static string Escape(string name) =>
        Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None
        || Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetContextualKeywordKind(name) is Microsoft.CodeAnalysis.CSharp.SyntaxKind.VarKeyword
            ? "@" + name
            : name;

    /// <summary><c>max_pooling2d_1</c> becomes <c>MaxPooling2d1</c>.</summary>
    public static string Pascal(string name)
    {
        var sb = new StringBuilder();
        bool upper = true;
        foreach (char c in name)
        {
            if (c is '_' or '/' or '.' or '-')
            {
                upper = true;
                continue;
            }

            sb.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        if (sb.Length == 0 || !char.IsLetter(sb[0]))
        {
            sb.Insert(0, 'L');
        }

        return sb.ToString();
    }

    /// <summary>An integer as C# writes it.</summary>
    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A float literal that round-trips: <c>0.25f</c>.</summary>
    public static string Float(double value)
    {
        string text = ((float)value).ToString("R", CultureInfo.InvariantCulture);
        if (text.IndexOfAny(new[] { '.', 'E', 'N', 'I' }) < 0)
        {
            text += ".0";
        }

        return text + "f";
    }

    /// <summary>A C# string literal.</summary>
    public static string Literal(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085')
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }
}
