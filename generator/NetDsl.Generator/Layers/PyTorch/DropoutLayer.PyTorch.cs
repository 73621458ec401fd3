using static NetDsl.Generator.Layers.PyTorchSyntax;

namespace NetDsl.Generator.Layers;

internal partial class DropoutLayer
{
    /// <summary><c>nn.Dropout</c>, or <c>nn.Dropout2d</c> for SpatialDropout2D (whole channels): the identity in
    /// <c>eval()</c>, as NetDsl's inference.</summary>
    public override PyTorchLayer? PyTorch(LayerModel layer) => new()
    {
        Module = (Spatial ? "nn.Dropout2d(" : "nn.Dropout(") + Real(((DropoutDetails)layer.Details).Rate) + ")",
        Forward = (x, m) => m + "(" + x[0] + ")",
    };
}
