using System;

namespace NetDsl;

/// <summary>
/// Batch normalization (Keras <c>BatchNormalization</c>) over the last axis: the channels of a feature map, or
/// the values of a vector. Training normalises with the statistics of the whole batch and updates the moving
/// statistics (<c>moving = moving * momentum + batch * (1 - momentum)</c>); inference uses the moving
/// statistics, folded into the Conv2D or Dense before it where there is one. Tensors: <c>gamma</c>, <c>beta</c>,
/// <c>moving_mean</c>, <c>moving_variance</c> (the last two not trainable), each with one value per channel.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BatchNormalizationAttribute : LayerAttribute
{
    /// <summary>Momentum of the moving statistics (default 0.99, as in Keras), in [0, 1].</summary>
    public double Momentum { get; set; } = 0.99;

    /// <summary>Added to the variance before its square root (default 0.001, as in Keras), greater than 0.</summary>
    public double Epsilon { get; set; } = 0.001;

    /// <summary>Whether to add the learned offset <c>beta</c> (default true).</summary>
    public bool Center { get; set; } = true;

    /// <summary>Whether to multiply by the learned scale <c>gamma</c> (default true).</summary>
    public bool Scale { get; set; } = true;
}
