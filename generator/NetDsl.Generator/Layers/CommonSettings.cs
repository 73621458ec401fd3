using System.Collections.Generic;
using System.Linq;

namespace NetDsl.Generator.Layers;

/// <summary>Settings several layer kinds share, written once: strides, padding, activation, bias.</summary>
internal static class CommonSettings
{
    public const string StrideHeight = "stride_height";
    public const string StrideWidth = "stride_width";
    public const string Padding = "padding";
    public const string Activation = "activation";
    public const string UseBias = "use_bias";

    public static readonly Argument[] StrideArguments =
    {
        new(StrideHeight, "vertical stride", ArgumentType.Integer, ArgumentRule.Positive),
        new(StrideWidth, "horizontal stride", ArgumentType.Integer, ArgumentRule.Positive),
    };

    public static readonly Argument PaddingArgument = new(Padding, "padding", ArgumentType.Padding);

    public static readonly Argument ActivationArgument = new(Activation, "activation", ArgumentType.Activation);

    public static readonly Argument UseBiasArgument = new(UseBias, "use bias", ArgumentType.Boolean);

    /// <summary><c>Strides</c> (both, overridden by either of the other two), <c>StrideHeight</c>, <c>StrideWidth</c>.</summary>
    public static readonly AttributeMember[] StrideMembers =
    {
        new(nameof(Conv2DAttribute.Strides), new[] { StrideHeight, StrideWidth }, Overridable: true),
        new(nameof(Conv2DAttribute.StrideHeight), new[] { StrideHeight }),
        new(nameof(Conv2DAttribute.StrideWidth), new[] { StrideWidth }),
    };

    public static readonly AttributeMember PaddingMember = new(nameof(Conv2DAttribute.Padding), new[] { Padding });

    public static readonly AttributeMember ActivationMember = new(nameof(Conv2DAttribute.Activation), new[] { Activation });

    public static readonly AttributeMember UseBiasMember = new(nameof(Conv2DAttribute.UseBias), new[] { UseBias });

    /// <summary><c>stride 2</c> or <c>stride 2x1</c> (<c>strides</c> too).</summary>
    public static readonly TextOption StrideOption = new(new[] { "stride", "strides" }, new[] { StrideHeight, StrideWidth }, TextKind.Size, 0, "stride");

    /// <summary><c>same</c> or <c>valid</c>.</summary>
    public static readonly TextOption[] PaddingOptions =
    {
        new(new[] { "valid" }, new[] { Padding }, null, (int)NetDsl.Padding.Valid, "padding"),
        new(new[] { "same" }, new[] { Padding }, null, (int)NetDsl.Padding.Same, "padding"),
    };

    /// <summary><c>nobias</c>.</summary>
    public static readonly TextOption NoBiasOption = new(new[] { "nobias" }, new[] { UseBias }, null, 0, "bias");

    /// <summary>Every activation word as an option: <c>relu</c>, <c>gelu</c>, ...</summary>
    public static readonly TextOption[] ActivationOptions =
        Activations.Words.Select(w => new TextOption(new[] { w.Word }, new[] { Activation }, null, (int)w.Value, "activation")).ToArray();

    public static IEnumerable<T> Concat<T>(params IEnumerable<T>[] parts) => parts.SelectMany(p => p);
}
