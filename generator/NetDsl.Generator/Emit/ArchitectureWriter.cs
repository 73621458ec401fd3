using System.Collections.Generic;
using System.Globalization;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes;

namespace NetDsl.Generator.Emit;

/// <summary>
/// The network in NetDsl's text form, one layer per line (<c>input 28x28x1</c>, <c>conv2d 32 3x3 relu</c>,
/// ...): printed as <c>Architecture</c> and stored in weight files' metadata.
/// </summary>
internal static class ArchitectureWriter
{
    public static string Write(Shape input, EquatableArray<LayerPlan> layers)
    {
        var lines = new List<string> { "input " + Size(input) };
        foreach (LayerPlan layer in layers)
        {
            lines.Add(Line(layer));
        }

        return string.Join("\n", lines);
    }

    private static string Line(LayerPlan layer)
    {
        Window k = layer.Window;
        string stride = k.StrideHeight == k.StrideWidth ? Int(k.StrideHeight) : Int(k.StrideHeight) + "x" + Int(k.StrideWidth);
        string padding = layer.Padding == PaddingKind.Same ? " same" : string.Empty;
        string activation = layer.Activation == ActivationKind.None ? string.Empty : " " + ActivationName(layer.Activation);
        string bias = layer.UseBias ? string.Empty : " nobias";
        string window = Int(k.Height) + "x" + Int(k.Width);
        return layer.Kind switch
        {
            LayerKind.Conv2D => "conv2d " + Int(layer.Units) + " " + window + (stride == "1" ? string.Empty : " stride " + stride) + padding + activation + bias,
            LayerKind.MaxPooling2D => "maxpool " + window + (k.StrideHeight == k.Height && k.StrideWidth == k.Width ? string.Empty : " stride " + stride) + padding,
            LayerKind.AveragePooling2D => "avgpool " + window + (k.StrideHeight == k.Height && k.StrideWidth == k.Width ? string.Empty : " stride " + stride) + padding,
            LayerKind.GlobalAveragePooling2D => "globalavgpool",
            LayerKind.GlobalMaxPooling2D => "globalmaxpool",
            LayerKind.Flatten => "flatten",
            LayerKind.Dense => "dense " + Int(layer.Units) + activation + bias,
            LayerKind.Activation => "activation " + ActivationName(layer.Activation),
            _ => layer.Kind.ToString().ToLowerInvariant(),
        };
    }

    public static string ActivationName(ActivationKind activation) => activation switch
    {
        ActivationKind.None => "linear",
        ActivationKind.ReLU => "relu",
        ActivationKind.Sigmoid => "sigmoid",
        ActivationKind.Tanh => "tanh",
        ActivationKind.Softmax => "softmax",
        _ => activation.ToString().ToLowerInvariant(),
    };

    private static string Size(Shape shape) => shape.IsMap ? Int(shape.Height) + "x" + Int(shape.Width) + "x" + Int(shape.Channels) : Int(shape.Channels);

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
