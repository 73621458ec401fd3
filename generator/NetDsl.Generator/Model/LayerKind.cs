namespace NetDsl.Generator.Model;

/// <summary>The layer types NetDsl understands, named as in Keras.</summary>
internal enum LayerKind
{
    Input,
    Conv2D,
    MaxPooling2D,
    AveragePooling2D,
    GlobalAveragePooling2D,
    GlobalMaxPooling2D,
    Flatten,
    Dense,
    Activation,
}

/// <summary>Mirrors <c>NetDsl.Padding</c> (same values).</summary>
internal enum PaddingKind
{
    Valid = 0,
    Same = 1,
}

/// <summary>Mirrors <c>NetDsl.Activation</c> (same values).</summary>
internal enum ActivationKind
{
    None = 0,
    ReLU = 1,
    Sigmoid = 2,
    Tanh = 3,
    Softmax = 4,
}

/// <summary>The settings a layer can be given, in any host (attributes or text).</summary>
internal enum ArgumentKind
{
    Height,
    Width,
    Channels,
    Length,
    Filters,
    Units,
    KernelHeight,
    KernelWidth,
    PoolHeight,
    PoolWidth,
    StrideHeight,
    StrideWidth,
    Padding,
    Activation,
    UseBias,
}

internal static class LayerKindFacts
{
    /// <summary>Keras's class name, as printed in <c>summary()</c>.</summary>
    public static string KerasClassName(this LayerKind kind) => kind switch
    {
        LayerKind.Input => "InputLayer",
        _ => kind.ToString(),
    };

    /// <summary>Keras's automatic layer name prefix: <c>conv2d</c>, <c>max_pooling2d</c>, ...</summary>
    public static string KerasNamePrefix(this LayerKind kind) => kind switch
    {
        LayerKind.Input => "input",
        LayerKind.Conv2D => "conv2d",
        LayerKind.MaxPooling2D => "max_pooling2d",
        LayerKind.AveragePooling2D => "average_pooling2d",
        LayerKind.GlobalAveragePooling2D => "global_average_pooling2d",
        LayerKind.GlobalMaxPooling2D => "global_max_pooling2d",
        LayerKind.Flatten => "flatten",
        LayerKind.Dense => "dense",
        LayerKind.Activation => "activation",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Layers that need a height x width x channels input.</summary>
    public static bool IsSpatial(this LayerKind kind) => kind is LayerKind.Conv2D or LayerKind.MaxPooling2D
        or LayerKind.AveragePooling2D or LayerKind.GlobalAveragePooling2D or LayerKind.GlobalMaxPooling2D;

    /// <summary>Layers with a sliding window (kernel or pool).</summary>
    public static bool HasWindow(this LayerKind kind) => kind is LayerKind.Conv2D or LayerKind.MaxPooling2D or LayerKind.AveragePooling2D;

    /// <summary>How a user names an argument in messages.</summary>
    public static string DisplayName(this ArgumentKind kind) => kind switch
    {
        ArgumentKind.KernelHeight => "kernel height",
        ArgumentKind.KernelWidth => "kernel width",
        ArgumentKind.PoolHeight => "pool height",
        ArgumentKind.PoolWidth => "pool width",
        ArgumentKind.StrideHeight => "vertical stride",
        ArgumentKind.StrideWidth => "horizontal stride",
        ArgumentKind.UseBias => "use bias",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
