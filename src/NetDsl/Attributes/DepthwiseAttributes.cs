using System;

namespace NetDsl;

/// <summary>
/// Depthwise 2-D convolution (Keras <c>DepthwiseConv2D</c>): each input channel convolved with its own
/// <see cref="DepthMultiplier"/> kernels of <see cref="KernelHeight"/> x <see cref="KernelWidth"/>; output channel
/// <c>c * multiplier + m</c>. The kernel is <c>[kernelHeight, kernelWidth, inputChannels, depthMultiplier]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DepthwiseConv2DAttribute : LayerAttribute
{
    /// <summary>A square kernel.</summary>
    public DepthwiseConv2DAttribute(int kernelSize)
        : this(kernelSize, kernelSize)
    {
    }

    /// <summary>A rectangular kernel of <paramref name="kernelHeight"/> x <paramref name="kernelWidth"/>.</summary>
    public DepthwiseConv2DAttribute(int kernelHeight, int kernelWidth)
    {
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
    }

    /// <summary>Kernel rows.</summary>
    public int KernelHeight { get; }

    /// <summary>Kernel columns.</summary>
    public int KernelWidth { get; }

    /// <summary>Kernels per input channel (default 1).</summary>
    public int DepthMultiplier { get; set; } = 1;

    /// <summary>Step of the window in both directions (default 1).</summary>
    public int Strides { get; set; } = 1;

    /// <summary>Vertical step; overrides <see cref="Strides"/> when set.</summary>
    public int StrideHeight { get; set; }

    /// <summary>Horizontal step; overrides <see cref="Strides"/> when set.</summary>
    public int StrideWidth { get; set; }

    /// <summary><see cref="NetDsl.Padding.Valid"/> (default) or <see cref="NetDsl.Padding.Same"/>.</summary>
    public Padding Padding { get; set; }

    /// <summary>Activation applied to the output (default: linear).</summary>
    public Activation Activation { get; set; }

    /// <summary>Whether the layer adds a bias per output channel (default true).</summary>
    public bool UseBias { get; set; } = true;

    /// <summary>Whether training changes the layer's tensors (Keras <c>trainable</c>, default true). DSL: <c>fixed</c>.</summary>
    public bool Trainable { get; set; } = true;

    /// <summary>Spacing of the kernel's taps (default 1); strides must then be 1.</summary>
    public int DilationRate { get; set; } = 1;

    /// <summary>Vertical dilation rate; overrides <see cref="DilationRate"/> when set.</summary>
    public int DilationHeight { get; set; }

    /// <summary>Horizontal dilation rate; overrides <see cref="DilationRate"/> when set.</summary>
    public int DilationWidth { get; set; }
}

/// <summary>
/// Depthwise-separable 2-D convolution (Keras <c>SeparableConv2D</c>): a depthwise convolution (kernel
/// <c>depthwise_kernel [kh, kw, in, multiplier]</c>, no bias) then a pointwise one
/// (<c>pointwise_kernel [1, 1, in * multiplier, filters]</c>) with <c>bias [filters]</c>: MobileNet's block in one
/// layer, with far fewer parameters than a Conv2D.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SeparableConv2DAttribute : LayerAttribute
{
    /// <summary><paramref name="filters"/> outputs, a square kernel.</summary>
    public SeparableConv2DAttribute(int filters, int kernelSize)
        : this(filters, kernelSize, kernelSize)
    {
    }

    /// <summary><paramref name="filters"/> outputs, a kernel of <paramref name="kernelHeight"/> x <paramref name="kernelWidth"/>.</summary>
    public SeparableConv2DAttribute(int filters, int kernelHeight, int kernelWidth)
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

    /// <summary>Depthwise kernels per input channel (default 1).</summary>
    public int DepthMultiplier { get; set; } = 1;

    /// <summary>Step of the window in both directions (default 1).</summary>
    public int Strides { get; set; } = 1;

    /// <summary>Vertical step; overrides <see cref="Strides"/> when set.</summary>
    public int StrideHeight { get; set; }

    /// <summary>Horizontal step; overrides <see cref="Strides"/> when set.</summary>
    public int StrideWidth { get; set; }

    /// <summary><see cref="NetDsl.Padding.Valid"/> (default) or <see cref="NetDsl.Padding.Same"/>.</summary>
    public Padding Padding { get; set; }

    /// <summary>Activation applied to the output (default: linear).</summary>
    public Activation Activation { get; set; }

    /// <summary>Whether the layer adds a bias per filter (default true).</summary>
    public bool UseBias { get; set; } = true;

    /// <summary>Whether training changes the layer's tensors (Keras <c>trainable</c>, default true). DSL: <c>fixed</c>.</summary>
    public bool Trainable { get; set; } = true;

    /// <summary>Spacing of the depthwise kernel's taps (default 1); strides must then be 1.</summary>
    public int DilationRate { get; set; } = 1;

    /// <summary>Vertical dilation rate; overrides <see cref="DilationRate"/> when set.</summary>
    public int DilationHeight { get; set; }

    /// <summary>Horizontal dilation rate; overrides <see cref="DilationRate"/> when set.</summary>
    public int DilationWidth { get; set; }
}
