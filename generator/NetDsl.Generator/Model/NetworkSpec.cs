namespace NetDsl.Generator.Model;

/// <summary>
/// What the front end read, before any shape is known: the target class and the layers in order.
/// Every host (attributes, and later text) produces this; the shape checker is the only consumer.
/// </summary>
/// <param name="Target">The class to fill in.</param>
/// <param name="Location">Where the network is declared (the <c>[Network]</c> attribute).</param>
/// <param name="Layers">The layers as written, Input included.</param>
/// <param name="Diagnostics">Problems the front end found.</param>
/// <param name="Status">Whether the layers could be read and whether a class can be emitted at all.</param>
internal sealed record NetworkSpec(
    TypeTarget Target,
    LocationInfo? Location,
    EquatableArray<LayerSpec> Layers,
    EquatableArray<DiagnosticInfo> Diagnostics,
    SpecStatus Status);

internal enum SpecStatus
{
    /// <summary>Every layer was read: check the shapes and emit.</summary>
    Readable,

    /// <summary>A layer could not be read (the compiler already reports why): emit only the public
    /// surface so code that uses the network does not drown in follow-up errors.</summary>
    Unreadable,

    /// <summary>No partial class can be emitted (not partial, generic, ...).</summary>
    NotEmittable,
}

/// <summary>One layer as written.</summary>
/// <param name="Kind">Which layer.</param>
/// <param name="Location">The attribute (or text line) that declares it.</param>
/// <param name="Arguments">The settings the user gave, each with where it was written; defaults are
/// applied by the shape checker, not here.</param>
internal sealed record LayerSpec(LayerKind Kind, LocationInfo? Location, EquatableArray<LayerArgument> Arguments)
{
    public LayerArgument? Find(ArgumentKind name)
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

/// <summary>One setting with its value and where it was written.</summary>
internal sealed record LayerArgument(ArgumentKind Name, int Value, LocationInfo? Location);

/// <summary>Where generated code goes: namespace, containing types and class name.</summary>
/// <param name="Namespace">Null for the global namespace.</param>
/// <param name="ContainingTypes">Outermost first, each as <c>"partial class Outer"</c>.</param>
/// <param name="Name">The class name.</param>
/// <param name="Modifiers">Modifiers to write before <c>partial class</c> (empty for attribute hosts,
/// whose declaration already has them).</param>
/// <param name="Origin">Which host declared the network (files get their own hint names).</param>
internal sealed record TypeTarget(string? Namespace, EquatableArray<string> ContainingTypes, string Name, string Modifiers, TargetOrigin Origin = TargetOrigin.Attribute)
{
    /// <summary>Unique, file-name-safe name for the generated file.</summary>
    public string HintName
    {
        get
        {
            string prefix = Namespace is null ? string.Empty : Namespace + ".";
            foreach (string containing in ContainingTypes)
            {
                int space = containing.LastIndexOf(' ');
                prefix += containing.Substring(space + 1) + ".";
            }

            return prefix + Name + (Origin == TargetOrigin.File ? ".netdsl.g.cs" : ".g.cs");
        }
    }
}

/// <summary>Where a network was declared.</summary>
internal enum TargetOrigin
{
    /// <summary>A class with [Network] (layer attributes or inline text).</summary>
    Attribute,

    /// <summary>A .netdsl file.</summary>
    File,
}
