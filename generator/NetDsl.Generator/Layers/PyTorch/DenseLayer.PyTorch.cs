using static NetDsl.Generator.Layers.PyTorchSyntax;

namespace NetDsl.Generator.Layers;

internal sealed partial class DenseLayer
{
    /// <summary><c>nn.Linear</c>: its weight is Keras's kernel transposed.</summary>
    public override PyTorchLayer? PyTorch(LayerModel layer)
    {
        var d = (DenseDetails)layer.Details;
        return new PyTorchLayer
        {
            Module = "nn.Linear(" + Int(layer.Input.Length) + ", " + Int(d.Units) + (d.UseBias ? string.Empty : ", bias=False") + ")",
            Forward = (x, m) => m + "(" + x[0] + ")",
            Initialization = m => Conv2DLayer.KernelAndBiasInitialization(m, d.UseBias),
            Tensors = d.UseBias
                ? new[] { new PyTorchTensor("kernel", "weight", PyTorchLayouts.Dense), new PyTorchTensor("bias", "bias", PyTorchLayouts.Same) }
                : new[] { new PyTorchTensor("kernel", "weight", PyTorchLayouts.Dense) },
        };
    }
}
