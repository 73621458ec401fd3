using System;
using System.Collections.Generic;

namespace NetDsl.Serialization;

/// <summary>
/// Where a network's tensors are in the <c>state_dict()</c> of its generated <c>PyTorchModule</c>
/// (<see cref="WeightLayout.PyTorch"/>): the module's attributes are the layers' names, so Keras's
/// <c>layer/role</c> is <c>layer.key</c>, with PyTorch's layout. The generated module's <c>NETDSL_TENSORS</c>
/// table lists the same correspondence; the interop tests check that the two agree on every layer kind.
/// </summary>
internal static class PyTorchStateDict
{
    /// <summary>Entries PyTorch saves that NetDsl has no use for: BatchNormalization's step counter.</summary>
    public static bool IsIgnored(string name) => name.EndsWith(".num_batches_tracked", StringComparison.Ordinal);

    /// <summary><paramref name="tensor"/> as the state dict stores it; <paramref name="layout"/> tells a
    /// SeparableConv2D (whose layer also has a <c>pointwise_kernel</c>) from a DepthwiseConv2D.</summary>
    /// <exception cref="NotSupportedException">The tensor's role has no PyTorch form.</exception>
    public static StoredTensor Store(ParameterTensor tensor, IReadOnlyList<ParameterTensor> layout)
    {
        int slash = tensor.Name.LastIndexOf('/');
        string layer = slash < 0 ? tensor.Name : tensor.Name[..slash], role = tensor.Name[(slash + 1)..];
        TensorShape s = tensor.Shape;
        bool separable = Contains(layout, layer + "/pointwise_kernel");
        return (role, s.Rank) switch
        {
            // Conv2D [kh, kw, in, out] -> [out, in, kh, kw]; Conv2DTranspose [kh, kw, out, in] -> [in, out, kh, kw];
            // a separable layer's pointwise [1, 1, in, out] -> [out, in, 1, 1].
            ("kernel" or "pointwise_kernel", 4) => new StoredTensor(tensor, layer + (separable ? ".pointwise.weight" : ".weight"),
                new long[] { s[3], s[2], s[0], s[1] }, (s[3], s[2], s[0] * s[1])),

            // Dense [in, out] -> [out, in].
            ("kernel", 2) => new StoredTensor(tensor, layer + ".weight", new long[] { s[1], s[0] }, (s[1], s[0], 1)),

            // [kh, kw, in, multiplier] -> [in * multiplier, 1, kh, kw] (one group per input channel).
            ("depthwise_kernel", 4) => new StoredTensor(tensor, layer + (separable ? ".depthwise.weight" : ".weight"),
                new long[] { (long)s[2] * s[3], 1, s[0], s[1] }, (s[2] * s[3], 1, s[0] * s[1])),

            ("bias", 1) => AsIs(tensor, layer + (separable ? ".pointwise.bias" : ".bias")),
            ("gamma", 1) => AsIs(tensor, layer + ".weight"),
            ("beta", 1) => AsIs(tensor, layer + ".bias"),
            ("moving_mean", 1) => AsIs(tensor, layer + ".running_mean"),
            ("moving_variance", 1) => AsIs(tensor, layer + ".running_var"),
            _ => throw new NotSupportedException($"Tensor '{tensor.Name}' {tensor.Shape} has no place in a PyTorch state dict."),
        };
    }

    private static StoredTensor AsIs(ParameterTensor tensor, string name) => new(tensor, name, StoredTensor.Dimensions(tensor.Shape), null);

    private static bool Contains(IReadOnlyList<ParameterTensor> layout, string name)
    {
        foreach (ParameterTensor tensor in layout)
        {
            if (tensor.Name == name)
            {
                return true;
            }
        }

        return false;
    }
}
