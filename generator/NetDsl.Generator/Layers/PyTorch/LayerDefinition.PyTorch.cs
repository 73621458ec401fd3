using System;
using System.Collections.Generic;

namespace NetDsl.Generator.Layers;

internal abstract partial class LayerDefinition
{
    /// <summary>
    /// How the layer is written in the network's PyTorch module (<c>PyTorchModule</c>, printed by
    /// <see cref="Emit.PyTorchWriter"/>), or null when it has no PyTorch form: the module's constructor then
    /// raises <c>NotImplementedError</c> naming the layer. The layer's fused activation
    /// (<see cref="LayerModel.Activation"/>) is applied by the writer after <see cref="PyTorchLayer.Forward"/>.
    /// </summary>
    public virtual PyTorchLayer? PyTorch(LayerModel layer) => null;
}

/// <summary>How one layer is written in a PyTorch module: its module (if any), its forward expression, Keras's
/// initialisation of its tensors and where each tensor lives in the module's <c>state_dict()</c>.</summary>
internal sealed class PyTorchLayer
{
    /// <summary>The module <c>__init__</c> assigns to the layer's attribute (<c>nn.Conv2d(1, 32, 3)</c>), lines after
    /// the first indented as they are to follow it; null for a step written in <c>forward</c> alone.</summary>
    public string? Module { get; init; }

    /// <summary>Statements after the module's assignment in <c>__init__</c>, given the module's reference
    /// (<c>self.conv2d</c>).</summary>
    public Func<string, IEnumerable<string>>? Setup { get; init; }

    /// <summary>The output, from the expressions of the inputs (in order) and the module's reference. A map is
    /// NCHW, a vector (N, L).</summary>
    public Func<IReadOnlyList<string>, string, string> Forward { get; init; } = (inputs, _) => inputs[0];

    /// <summary>A comment printed above the step in <c>forward</c>, or null.</summary>
    public string? Note { get; init; }

    /// <summary>The statements of <c>reset_parameters</c> (Keras's initialisation), given the module's reference.</summary>
    public Func<string, IEnumerable<string>>? Initialization { get; init; }

    /// <summary>Each of the layer's tensors: Keras's role, its key under the module, its layout there.</summary>
    public IReadOnlyList<PyTorchTensor> Tensors { get; init; } = Array.Empty<PyTorchTensor>();

    /// <summary>The module-level functions the layer's code calls (<see cref="PyTorchHelper"/>).</summary>
    public IReadOnlyList<PyTorchHelper> Helpers { get; init; } = Array.Empty<PyTorchHelper>();
}

/// <summary>One of a layer's tensors in PyTorch.</summary>
/// <param name="Role">Keras's weight name inside the layer: <c>kernel</c>, <c>moving_mean</c>.</param>
/// <param name="Key">Its key under the layer's module: <c>weight</c>, <c>running_mean</c>, <c>pointwise.weight</c>.</param>
/// <param name="Layout">How the PyTorch tensor is laid out against Keras's (<see cref="PyTorchLayouts"/>).</param>
internal sealed record PyTorchTensor(string Role, string Key, string Layout);

/// <summary>The layouts the generated <c>save_netdsl</c> and <c>load_netdsl</c> convert between (the runtime's
/// <c>WeightLayout.PyTorch</c> applies the same rules).</summary>
internal static class PyTorchLayouts
{
    /// <summary>A convolution's kernel: PyTorch <c>[out, in, kh, kw]</c>, Keras <c>[kh, kw, in, out]</c>; a
    /// transposed convolution's <c>[in, out, kh, kw]</c> and <c>[kh, kw, out, in]</c> (the same permutation).</summary>
    public const string Convolution = "conv";

    /// <summary>A Dense kernel: PyTorch <c>[out, in]</c>, Keras <c>[in, out]</c>.</summary>
    public const string Dense = "dense";

    /// <summary>A depthwise kernel: PyTorch <c>[in * multiplier, 1, kh, kw]</c>, Keras <c>[kh, kw, in, multiplier]</c>.</summary>
    public const string Depthwise = "depthwise";

    /// <summary>The same values in the same order (biases, BatchNormalization's vectors).</summary>
    public const string Same = "vector";
}

/// <summary>A module-level function of the generated source, printed once when some layer calls it.</summary>
/// <param name="Name">What the code calls.</param>
/// <param name="Source">Its definition, lines indented as at module level.</param>
internal sealed record PyTorchHelper(string Name, string Source)
{
    /// <summary>Keras's Glorot-uniform initialiser with the fans Keras counts (PyTorch's <c>xavier_uniform_</c>
    /// counts a depthwise kernel's differently).</summary>
    public static readonly PyTorchHelper GlorotUniform = new("glorot_uniform_", string.Join("\n",
        "def glorot_uniform_(weight, fan_in, fan_out):",
        "    \"\"\"Keras's Glorot-uniform initialiser, with the fans Keras counts for the tensor's NetDsl shape.\"\"\"",
        "    limit = math.sqrt(6 / (fan_in + fan_out))",
        "    return nn.init.uniform_(weight, -limit, limit)"));

    /// <summary>Average pooling over a window Keras's <c>same</c> padding pads unevenly, not counting the padding.</summary>
    public static readonly PyTorchHelper AveragePoolSame = new("average_pool_same", string.Join("\n",
        "def average_pool_same(x: torch.Tensor, kernel_size: List[int], stride: List[int], pads: List[int]) -> torch.Tensor:",
        "    \"\"\"Keras's average pooling with 'same' padding: pads (left, right, top, bottom) are not counted.\"\"\"",
        "    ones = torch.ones_like(x[:1, :1])",
        "    return F.avg_pool2d(F.pad(x, pads), kernel_size, stride) / F.avg_pool2d(F.pad(ones, pads), kernel_size, stride)"));
}
