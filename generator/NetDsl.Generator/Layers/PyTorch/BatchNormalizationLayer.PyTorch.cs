using System.Collections.Generic;
using static NetDsl.Generator.Layers.PyTorchSyntax;

namespace NetDsl.Generator.Layers;

internal sealed partial class BatchNormalizationLayer
{
    /// <summary>
    /// <c>nn.BatchNorm2d</c> over the channels of a map (<c>nn.BatchNorm1d</c> on a vector) with Keras's epsilon and
    /// PyTorch's momentum <c>1 - momentum</c>. PyTorch's <c>affine</c> is gamma and beta together: a layer with one
    /// of them (<c>center</c> or <c>scale</c> off) is built without and given the one it has. PyTorch updates
    /// <c>running_var</c> with the unbiased batch variance where NetDsl and Keras use the biased one.
    /// </summary>
    public override PyTorchLayer? PyTorch(LayerModel layer)
    {
        var d = (BatchNormDetails)layer.Details;
        string channels = Int(d.Channels);
        bool affine = d.Center && d.Scale;
        var tensors = new List<PyTorchTensor>();
        if (d.Scale)
        {
            tensors.Add(new PyTorchTensor("gamma", "weight", PyTorchLayouts.Same));
        }

        if (d.Center)
        {
            tensors.Add(new PyTorchTensor("beta", "bias", PyTorchLayouts.Same));
        }

        tensors.Add(new PyTorchTensor("moving_mean", "running_mean", PyTorchLayouts.Same));
        tensors.Add(new PyTorchTensor("moving_variance", "running_var", PyTorchLayouts.Same));
        return new PyTorchLayer
        {
            Module = (layer.Input.IsMap ? "nn.BatchNorm2d(" : "nn.BatchNorm1d(") + channels + ", eps=" + Real(d.Epsilon) + ", momentum=" + ComplementReal(d.Momentum)
                + (affine ? string.Empty : ", affine=False") + ")",
            Setup = m => d.Center == d.Scale
                ? System.Array.Empty<string>()
                : new[]
                {
                    m + (d.Scale ? ".weight" : ".bias") + " = nn.Parameter(torch." + (d.Scale ? "ones(" : "zeros(") + channels + "))  # "
                        + (d.Scale ? "gamma without beta" : "beta without gamma") + ": affine=True would add both",
                },
            Forward = (x, m) => m + "(" + x[0] + ")",
            Initialization = m =>
            {
                var lines = new List<string> { m + ".reset_running_stats()" };
                if (d.Scale)
                {
                    lines.Add("nn.init.ones_(" + m + ".weight)");
                }

                if (d.Center)
                {
                    lines.Add("nn.init.zeros_(" + m + ".bias)");
                }

                return lines;
            },
            Tensors = tensors,
        };
    }
}
