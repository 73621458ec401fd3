using System;

namespace NetDsl;

/// <summary>
/// Transposed 2-D convolution (Keras <c>Conv2DTranspose</c>), the learned upsampling of decoders: the gradient of
/// a Conv2D with respect to its input. With strides s, the output is s times larger (<see cref="NetDsl.Padding.Same"/>)
/// or <c>in * s + max(k - s, 0)</c> (valid). The kernel is <c>[kernelHeight, kernelWidth, filters, inputChannels]</c>,
/// as in Keras.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv2DTransposeAttribute : LayerAttribute
{
    /// <summary><paramref name="filters"/> outputs, a square kernel.</summary>
    public Conv2DTransposeAttribute(int filters, int kernelSize)
        : this(filters, kernelSize, kernelSize)
    {
    }

    /// <summary><paramref name="filters"/> outputs, a kernel of <paramref name="kernelHeight"/> x <paramref name="kernelWidth"/>.</summary>
    public Conv2DTransposeAttribute(int filters, int kernelHeight, int kernelWidth)
    {
        Filters = filters;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
    }

    /// <summary>Number of output channels.</summary>
    public int Filters { get; }

    /// <summary>Kernel rows.</summary>
    public int KernelHeight { get; }

    /// <summary>Kernel columns.</summary>
    public int KernelWidth { get; }

    /// <summary>Upsampling factor in both directions (default 1).</summary>
    public int Strides { get; set; } = 1;

    /// <summary>Vertical factor; overrides <see cref="Strides"/> when set.</summary>
    public int StrideHeight { get; set; }

    /// <summary>Horizontal factor; overrides <see cref="Strides"/> when set.</summary>
    public int StrideWidth { get; set; }

    /// <summary><see cref="NetDsl.Padding.Valid"/> (default) or <see cref="NetDsl.Padding.Same"/>.</summary>
    public Padding Padding { get; set; }

    /// <summary>Activation applied to the output (default: linear).</summary>
    public Activation Activation { get; set; }

    /// <summary>Whether the layer adds a bias per filter (default true).</summary>
    public bool UseBias { get; set; } = true;

    /// <summary>Whether training changes the layer's tensors (Keras <c>trainable</c>, default true). DSL: <c>fixed</c>.</summary>
    public bool Trainable { get; set; } = true;
}
