using System.Linq;

namespace NetDsl.Generator.Layers;

internal sealed partial class AddLayer
{
    public override PyTorchLayer? PyTorch(LayerModel layer) => new() { Forward = (x, _) => string.Join(" + ", x) };
}

internal sealed partial class SubtractLayer
{
    public override PyTorchLayer? PyTorch(LayerModel layer) => new() { Forward = (x, _) => x[0] + " - " + x[1] };
}

internal sealed partial class MultiplyLayer
{
    public override PyTorchLayer? PyTorch(LayerModel layer) => new() { Forward = (x, _) => string.Join(" * ", x) };
}

internal sealed partial class AverageLayer
{
    public override PyTorchLayer? PyTorch(LayerModel layer) => new() { Forward = (x, _) => "(" + string.Join(" + ", x) + ") / " + PyTorchSyntax.Int(x.Count) };
}

internal sealed partial class MaximumLayer
{
    public override PyTorchLayer? PyTorch(LayerModel layer) => new()
    {
        Forward = (x, _) => x.Skip(1).Aggregate(x[0], (maximum, next) => "torch.maximum(" + maximum + ", " + next + ")"),
    };
}

internal sealed partial class ConcatenateLayer
{
    /// <summary>Along the channels: PyTorch's dimension 1 of both maps and vectors.</summary>
    public override PyTorchLayer? PyTorch(LayerModel layer) => new() { Forward = (x, _) => "torch.cat([" + string.Join(", ", x) + "], dim=1)" };
}
