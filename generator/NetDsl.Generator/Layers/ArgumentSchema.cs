using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NetDsl.Generator.Layers;

/// <summary>The type of a layer setting.</summary>
internal enum ArgumentType
{
    Integer,
    Real,
    Boolean,
    Padding,
    Activation,
    Interpolation,

    /// <summary>A <c>FixedKernel</c> member.</summary>
    FixedKernel,

    /// <summary>A list of <c>FixedKernel</c> members (<see cref="Model.ArgumentValue.List"/>).</summary>
    FixedKernelList,

    /// <summary>A list of finite reals (<see cref="Model.ArgumentValue.List"/>).</summary>
    RealList,
}

/// <summary>What values a setting accepts beyond its type.</summary>
internal enum ArgumentRule
{
    /// <summary>Any value of the type.</summary>
    None,

    /// <summary>An integer of at least 1 (sizes, counts, strides).</summary>
    Positive,

    /// <summary>An integer of at least 0 (borders).</summary>
    NonNegative,

    /// <summary>A real in [0, 1) (dropout rates).</summary>
    Rate,

    /// <summary>A real in [0, 1] (momentum).</summary>
    Fraction,

    /// <summary>A finite real greater than 0 (epsilon).</summary>
    PositiveReal,

    /// <summary>A finite real of at least 0 (slopes).</summary>
    NonNegativeReal,
}

/// <summary>One setting of a layer, as the shape checker sees it: both front ends produce these names.</summary>
/// <param name="Name">The setting's name (Keras's config key where there is one: <c>filters</c>, <c>momentum</c>).</param>
/// <param name="Display">How messages name it (<c>filters</c>).</param>
/// <param name="Type">Its type.</param>
/// <param name="Rule">What values it accepts.</param>
internal sealed record Argument(string Name, string Display, ArgumentType Type, ArgumentRule Rule = ArgumentRule.None)
{
    /// <summary>Whether <paramref name="value"/> satisfies <see cref="Rule"/> (and, for enums, names a member; for
    /// lists, every element does), or the first element that does not as <paramref name="rejected"/>.</summary>
    public bool Accepts(Model.ArgumentValue value, out double rejected)
    {
        rejected = value.Number;
        if (Type is not (ArgumentType.FixedKernelList or ArgumentType.RealList))
        {
            return Accepts(value.Number);
        }

        foreach (double element in value.List)
        {
            if (!Accepts(element))
            {
                rejected = element;
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="value"/> satisfies <see cref="Rule"/> (and, for enums, names a member).</summary>
    public bool Accepts(double value) => Type switch
    {
        ArgumentType.FixedKernel or ArgumentType.FixedKernelList => Enum.IsDefined(typeof(FixedKernel), (int)value) && value == Math.Floor(value),
        ArgumentType.RealList => !double.IsNaN(value) && !double.IsInfinity(value) && Math.Abs(value) <= float.MaxValue,
        ArgumentType.Padding => Enum.IsDefined(typeof(Padding), (int)value) && value == Math.Floor(value),
        ArgumentType.Activation => Enum.IsDefined(typeof(Activation), (int)value) && value == Math.Floor(value),
        ArgumentType.Interpolation => Enum.IsDefined(typeof(Interpolation), (int)value) && value == Math.Floor(value),
        _ => Rule switch
        {
            ArgumentRule.Positive => value >= 1,
            ArgumentRule.NonNegative => value >= 0 && value == Math.Floor(value),
            ArgumentRule.Rate => value >= 0 && value < 1,
            ArgumentRule.Fraction => value >= 0 && value <= 1,
            ArgumentRule.PositiveReal => value > 0 && !double.IsInfinity(value),
            ArgumentRule.NonNegativeReal => value >= 0 && !double.IsInfinity(value),
            _ => !double.IsNaN(value),
        },
    };

    /// <summary>What <see cref="Rule"/> asks for, in words.</summary>
    public string Expectation => Rule switch
    {
        ArgumentRule.Positive => "at least 1",
        ArgumentRule.NonNegative => "at least 0",
        ArgumentRule.Rate => "in [0, 1)",
        ArgumentRule.Fraction => "in [0, 1]",
        ArgumentRule.PositiveReal => "a finite number greater than 0",
        ArgumentRule.NonNegativeReal => "a finite number of at least 0",
        _ => Type == ArgumentType.RealList ? "a finite float" : "a number",
    };

    public string Format(double value) => Type is ArgumentType.Real or ArgumentType.RealList
        ? value.ToString("R", CultureInfo.InvariantCulture)
        : ((long)value).ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// How an attribute member (a constructor parameter or a property of the layer attribute) sets settings.
/// </summary>
/// <param name="Member">The constructor parameter's or property's name.</param>
/// <param name="Targets">The settings it sets (two for a square size: height and width).</param>
/// <param name="Overridable">True when a member that sets one of the targets alone wins over this one
/// (<c>Strides</c> sets both strides, <c>StrideHeight</c> overrides the first).</param>
internal sealed record AttributeMember(string Member, string[] Targets, bool Overridable = false);

/// <summary>How a value is written in network text.</summary>
internal enum TextKind
{
    /// <summary>An integer: <c>32</c>.</summary>
    Integer,

    /// <summary>A size: <c>3</c> (square) or <c>3x2</c>; sets two targets.</summary>
    Size,

    /// <summary>A real: <c>0.25</c>, <c>1e-3</c>.</summary>
    Real,

    /// <summary>An activation word: <c>relu</c>.</summary>
    Activation,

    /// <summary>The input's shape: <c>28x28x1</c> (three targets) or <c>784</c> (the fourth).</summary>
    Shape,

    /// <summary>One or more kernel names (<c>sobel_x sobel_y</c>): one sets the first target, several the second
    /// (a list).</summary>
    KernelNames,

    /// <summary>One or more reals (<c>0 1 0 1 -4 1 0 1 0</c>), a list.</summary>
    Reals,
}

/// <summary>A value given by position after the layer word.</summary>
/// <param name="Kind">How it is written.</param>
/// <param name="Targets">The settings it sets.</param>
/// <param name="Optional">Whether it may be left out (it must then not look like a value of its kind).</param>
/// <param name="Example">A sample value for messages (<c>32</c>, <c>3x3</c>).</param>
internal sealed record TextPositional(TextKind Kind, string[] Targets, bool Optional, string Example);

/// <summary>
/// An option after the positional values: a word alone that sets a fixed value (<c>same</c>, <c>nobias</c>), or
/// a word and a value (<c>stride 2</c>, <c>momentum 0.9</c>). Activation words are options of every layer with an
/// activation setting.
/// </summary>
/// <param name="Words">The option's words (<c>stride</c>, <c>strides</c>).</param>
/// <param name="Targets">The settings it sets.</param>
/// <param name="Value">How its value is written, or null for a word alone.</param>
/// <param name="Fixed">The value a word alone sets.</param>
/// <param name="Group">Options of one group exclude each other (<c>same</c> and <c>valid</c>).</param>
/// <param name="Continues">For a word alone: another option (by its first word) whose values may follow the word
/// directly (<c>fixed sobel_x</c> is <c>fixed kernel sobel_x</c>).</param>
internal sealed record TextOption(string[] Words, string[] Targets, TextKind? Value, double Fixed, string Group, string? Continues = null);

/// <summary>
/// Everything about a layer's settings: their types and rules, how attributes and text write them. The front
/// ends read settings generically from this; a member or word that is not here is a diagnostic, never ignored.
/// </summary>
internal sealed class ArgumentSchema
{
    public ArgumentSchema(IReadOnlyList<Argument> arguments, IReadOnlyList<AttributeMember> attribute, IReadOnlyList<TextPositional> positionals, IReadOnlyList<TextOption> options)
    {
        Arguments = arguments;
        AttributeMembers = attribute;
        Positionals = positionals;
        Options = options;
    }

    public static ArgumentSchema Empty { get; } = new(Array.Empty<Argument>(), Array.Empty<AttributeMember>(), Array.Empty<TextPositional>(), Array.Empty<TextOption>());

    public IReadOnlyList<Argument> Arguments { get; }

    public IReadOnlyList<AttributeMember> AttributeMembers { get; }

    public IReadOnlyList<TextPositional> Positionals { get; }

    public IReadOnlyList<TextOption> Options { get; }

    public Argument? Find(string name) => Arguments.FirstOrDefault(a => a.Name == name);

    public AttributeMember? FindMember(string member) => AttributeMembers.FirstOrDefault(m => m.Member == member);

    /// <summary>A short description of the text form for messages: <c>conv2d FILTERS KERNEL [stride S] [same|valid] ...</c>.</summary>
    public string Usage(string word)
    {
        var parts = new List<string> { word };
        foreach (TextPositional positional in Positionals)
        {
            parts.Add(positional.Optional ? "[" + positional.Example + "]" : positional.Example);
        }

        foreach (IGrouping<string, TextOption> group in Options.GroupBy(o => o.Group))
        {
            if (group.Key == "activation")
            {
                parts.Add("[activation]");
                continue;
            }

            parts.Add("[" + string.Join("|", group.Select(o => o.Value is null ? o.Words[0] + (o.Continues is null ? string.Empty : " [NAME...]") : o.Words[0] + " " + ValueExample(o.Value.Value))) + "]");
        }

        return string.Join(" ", parts);
    }

    private static string ValueExample(TextKind kind) => kind switch
    {
        TextKind.Size => "N|HxW",
        TextKind.Real => "R",
        TextKind.KernelNames => "NAME...",
        TextKind.Reals => "R...",
        _ => "N",
    };
}
