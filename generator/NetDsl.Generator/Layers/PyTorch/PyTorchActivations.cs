namespace NetDsl.Generator.Layers;

/// <summary>NetDsl's activations as PyTorch calls, each the same function as NetDsl's (<c>ActivationKernels</c>).</summary>
internal static class PyTorchActivations
{
    /// <summary><paramref name="activation"/> applied to the expression <paramref name="x"/> (softmax over the
    /// channels, PyTorch's dimension 1 of both maps and vectors); <paramref name="x"/> itself when linear; null for
    /// an activation this writer does not know.</summary>
    public static string? Apply(Activation activation, double slope, string x) => activation switch
    {
        Activation.None => x,
        Activation.ReLU => "F.relu(" + x + ")",
        Activation.Sigmoid => "torch.sigmoid(" + x + ")",
        Activation.Tanh => "torch.tanh(" + x + ")",
        Activation.Softmax => "F.softmax(" + x + ", dim=1)",
        Activation.LeakyReLU => "F.leaky_relu(" + x + ", negative_slope=" + PyTorchSyntax.Real(slope) + ")",
        Activation.ELU => "F.elu(" + x + ")",
        Activation.SELU => "F.selu(" + x + ")",
        Activation.GELU => "F.gelu(" + x + ")", // exact (erf), as NetDsl's and Keras's default
        Activation.Swish => "F.silu(" + x + ")",
        Activation.ReLU6 => "F.relu6(" + x + ")",
        Activation.Softplus => "F.softplus(" + x + ")",
        Activation.Softsign => "F.softsign(" + x + ")",
        Activation.HardSigmoid => "F.hardsigmoid(" + x + ")", // relu6(x + 3) / 6, Keras 3's
        _ => null,
    };

    /// <summary>Whether <c>forward(x, logits=True)</c> leaves the activation out when it is the network's last:
    /// softmax (train with <c>F.cross_entropy</c>) and sigmoid (<c>F.binary_cross_entropy_with_logits</c>).</summary>
    public static bool IsLogitsActivation(Activation activation) => activation is Activation.Softmax or Activation.Sigmoid;
}
