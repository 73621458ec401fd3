namespace NetDsl.Generator.Layers;

internal partial class ActivationLayer
{
    /// <summary>The activation alone (the writer applies it, as every layer's); LeakyReLU with its slope.</summary>
    public override PyTorchLayer? PyTorch(LayerModel layer) => new();
}
