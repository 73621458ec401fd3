using static NetDsl.Generator.Layers.PyTorchSyntax;

namespace NetDsl.Generator.Layers;

internal sealed partial class UpSampling2DLayer
{
    /// <summary>Nearest: each pixel repeated (<c>repeat_interleave</c>, exact for any factor). Bilinear:
    /// TensorFlow's half-pixel sampling, PyTorch's <c>align_corners=False</c>.</summary>
    public override PyTorchLayer? PyTorch(LayerModel layer)
    {
        var d = (UpSamplingDetails)layer.Details;
        if (d.Interpolation == Interpolation.Bilinear)
        {
            return new PyTorchLayer
            {
                Forward = (x, _) => "F.interpolate(" + x[0] + ", size=" + Tuple(new[] { layer.Output.Height, layer.Output.Width }) + ", mode=\"bilinear\", align_corners=False)",
            };
        }

        return new PyTorchLayer
        {
            Forward = (x, _) => x[0] + (d.SizeHeight == 1 ? string.Empty : ".repeat_interleave(" + Int(d.SizeHeight) + ", dim=2)")
                + (d.SizeWidth == 1 ? string.Empty : ".repeat_interleave(" + Int(d.SizeWidth) + ", dim=3)"),
        };
    }
}

internal sealed partial class ZeroPadding2DLayer
{
    public override PyTorchLayer? PyTorch(LayerModel layer)
    {
        var d = (BorderDetails)layer.Details;
        return new PyTorchLayer { Forward = (x, _) => "F.pad(" + x[0] + ", " + Tuple(new[] { d.Left, d.Right, d.Top, d.Bottom }) + ")" };
    }
}

internal sealed partial class Cropping2DLayer
{
    public override PyTorchLayer? PyTorch(LayerModel layer)
    {
        var d = (BorderDetails)layer.Details;
        return new PyTorchLayer { Forward = (x, _) => x[0] + "[:, :, " + Range(d.Top, layer.Output.Height, d.Bottom) + ", " + Range(d.Left, layer.Output.Width, d.Right) + "]" };
    }

    /// <summary>A slice that drops <paramref name="before"/> and <paramref name="after"/>: <c>1:5</c>, <c>:</c>.</summary>
    private static string Range(int before, int length, int after) =>
        (before == 0 ? string.Empty : Int(before)) + ":" + (after == 0 ? string.Empty : Int(before + length));
}

internal sealed partial class ReshapeLayer
{
    /// <summary>NetDsl's order (height, width, channels): a map is made NHWC before and NCHW again after.</summary>
    public override PyTorchLayer? PyTorch(LayerModel layer) => new()
    {
        Forward = (x, _) =>
        {
            string values = layer.Input.IsMap ? x[0] + ".permute(0, 2, 3, 1)" : x[0];
            return layer.Output.IsMap
                ? values + ".reshape(-1, " + Int(layer.Output.Height) + ", " + Int(layer.Output.Width) + ", " + Int(layer.Output.Channels) + ").permute(0, 3, 1, 2)"
                : layer.Input.IsMap ? values + ".flatten(1)" : values;
        },
        Note = layer.Input.IsMap || layer.Output.IsMap ? layer.Name + ": in NetDsl's order (height, width, channels)" : null,
    };
}
