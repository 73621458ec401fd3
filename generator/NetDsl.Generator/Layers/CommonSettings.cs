using System.Collections.Generic;
using System.Linq;

namespace NetDsl.Generator.Layers;

/// <summary>Settings several layer kinds share, written once: strides, padding, activation, bias, trainable.</summary>
internal static class CommonSettings
{
    public const string StrideHeight = "stride_height";
    public const string StrideWidth = "stride_width";
    public const string Padding = "padding";
    public const string Activation = "activation";
    public const string UseBias = "use_bias";
    public const string DilationHeight = "dilation_height";
    public const string DilationWidth = "dilation_width";
    public const string DepthMultiplier = "depth_multiplier";
    public const string Trainable = "trainable";

    /// <summary>Keras's <c>trainable</c>: false freezes every tensor of the layer (<see cref="LayerContext.AddParameter"/>
    /// reads it).</summary>
    public static readonly Argument TrainableArgument = new(Trainable, "trainable", ArgumentType.Boolean);

    public static readonly AttributeMember TrainableMember = new(nameof(Conv2DAttribute.Trainable), new[] { Trainable });

    /// <summary><c>fixed</c>: not trainable.</summary>
    public static readonly TextOption FixedOption = new(new[] { "fixed" }, new[] { Trainable }, null, 0, "trainable");

    /// <summary>A layer's text ends in <c> fixed</c> when its tensors are frozen.</summary>
    public static string FixedSuffix(LayerModel layer) => IsFrozen(layer) ? " fixed" : string.Empty;

    /// <summary>Whether the layer was written with <c>Trainable = false</c> (it has tensors, none trainable).</summary>
    public static bool IsFrozen(LayerModel layer) =>
        layer.Definition.Schema.Find(Trainable) is not null && layer.Parameters.Count > 0 && layer.Parameters.All(p => !p.Trainable);

    public static readonly Argument[] StrideArguments =
    {
        new(StrideHeight, "vertical stride", ArgumentType.Integer, ArgumentRule.Positive),
        new(StrideWidth, "horizontal stride", ArgumentType.Integer, ArgumentRule.Positive),
    };

    public static readonly Argument[] DilationArguments =
    {
        new(DilationHeight, "vertical dilation rate", ArgumentType.Integer, ArgumentRule.Positive),
        new(DilationWidth, "horizontal dilation rate", ArgumentType.Integer, ArgumentRule.Positive),
    };

    public static readonly Argument DepthMultiplierArgument = new(DepthMultiplier, "depth multiplier", ArgumentType.Integer, ArgumentRule.Positive);

    /// <summary><c>DilationRate</c> (both, overridden by either of the other two), <c>DilationHeight</c>, <c>DilationWidth</c>.</summary>
    public static readonly AttributeMember[] DilationMembers =
    {
        new(nameof(Conv2DAttribute.DilationRate), new[] { DilationHeight, DilationWidth }, Overridable: true),
        new(nameof(Conv2DAttribute.DilationHeight), new[] { DilationHeight }),
        new(nameof(Conv2DAttribute.DilationWidth), new[] { DilationWidth }),
    };

    public static readonly AttributeMember DepthMultiplierMember = new(nameof(DepthwiseConv2DAttribute.DepthMultiplier), new[] { DepthMultiplier });

    /// <summary><c>dilation 2</c> or <c>dilation 2x1</c> (<c>dilation_rate</c> too).</summary>
    public static readonly TextOption DilationOption = new(new[] { "dilation", "dilation_rate" }, new[] { DilationHeight, DilationWidth }, TextKind.Size, 0, "dilation");

    /// <summary><c>multiplier 2</c> (<c>depth_multiplier</c> too).</summary>
    public static readonly TextOption DepthMultiplierOption = new(new[] { "multiplier", "depth_multiplier" }, new[] { DepthMultiplier }, TextKind.Integer, 0, "multiplier");

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
