namespace NetDsl.Generator.Layers;

internal sealed partial class FlattenLayer
{
    /// <summary>NetDsl's (Keras's) order, height, width, channels: NCHW is made NHWC first, so a Dense after it takes
    /// Keras's kernel transposed, with no reordering of its rows.</summary>
    public override PyTorchLayer? PyTorch(LayerModel layer) => new()
    {
        Forward = (x, _) => layer.Input.IsMap ? x[0] + ".permute(0, 2, 3, 1).flatten(1)" : x[0],
        Note = layer.Input.IsMap ? layer.Name + ": in NetDsl's order (height, width, channels)" : null,
    };
}
