namespace NetDsl;

/// <summary>How a weights file names and lays out a network's tensors.</summary>
public enum WeightLayout
{
    /// <summary>NetDsl's own, which is Keras's, as <c>Save</c> writes it: <c>conv2d/kernel</c> <c>[kh, kw, in, out]</c>,
    /// <c>dense/kernel</c> <c>[in, out]</c>, <c>batch_normalization/gamma</c>, <c>beta</c>, <c>moving_mean</c>,
    /// <c>moving_variance</c>.</summary>
    Keras = 0,

    /// <summary>
    /// The <c>state_dict()</c> of the network's generated <c>PyTorchModule</c>, as <c>safetensors.torch.save_file</c>
    /// writes it: <c>conv2d.weight</c> <c>[out, in, kh, kw]</c>, <c>dense.weight</c> <c>[out, in]</c>,
    /// <c>conv2d_transpose.weight</c> <c>[in, out, kh, kw]</c>, <c>depthwise_conv2d.weight</c>
    /// <c>[in * multiplier, 1, kh, kw]</c>, <c>separable_conv2d.depthwise.weight</c>, <c>.pointwise.weight</c> and
    /// <c>.pointwise.bias</c>, biases as <c>.bias</c>, BatchNormalization's <c>weight</c>, <c>bias</c>,
    /// <c>running_mean</c> and <c>running_var</c>. Every F32; <c>num_batches_tracked</c> is ignored.
    /// </summary>
    PyTorch = 1,
}
