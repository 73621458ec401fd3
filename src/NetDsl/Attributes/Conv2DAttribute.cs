using System;

namespace NetDsl;

/// <summary>
/// 2-D convolution (Keras <c>Conv2D</c>): <see cref="Filters"/> kernels of
/// <see cref="KernelHeight"/> x <see cref="KernelWidth"/> slide over a channels-last feature map.
/// The kernel is stored as <c>[kernelHeight, kernelWidth, inputChannels, filters]</c>, as in Keras.
/// Like Keras's (and every deep-learning library's) convolution, it computes a cross-correlation: each output is
/// the sum of the window times the kernel as written, without flipping the kernel as the convolution of signal
/// processing does (see docs/kernels.md).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv2DAttribute : LayerAttribute
{
    /// <summary>A square kernel: <c>[Conv2D(32, 3)]</c> is 32 filters of 3x3.</summary>
    public Conv2DAttribute(int filters, int kernelSize)
        : this(filters, kernelSize, kernelSize)
    {
    }

    /// <summary>A rectangular kernel of <paramref name="kernelHeight"/> x <paramref name="kernelWidth"/>.</summary>
    public Conv2DAttribute(int filters, int kernelHeight, int kernelWidth)
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

    /// <summary>Step of the window in both directions (default 1).</summary>
    public int Strides { get; set; } = 1;

    /// <summary>Vertical step of the window; overrides <see cref="Strides"/> when set.</summary>
    public int StrideHeight { get; set; }

    /// <summary>Horizontal step of the window; overrides <see cref="Strides"/> when set.</summary>
    public int StrideWidth { get; set; }

    /// <summary><see cref="NetDsl.Padding.Valid"/> (default) or <see cref="NetDsl.Padding.Same"/>.</summary>
    public Padding Padding { get; set; }

    /// <summary>Activation applied to the output (default: linear).</summary>
    public Activation Activation { get; set; }

    /// <summary>Whether the layer adds a bias per filter (default true).</summary>
    public bool UseBias { get; set; } = true;

    /// <summary>Spacing of the kernel's taps in both directions (Keras <c>dilation_rate</c>, default 1): a 3x3
    /// kernel with rate 2 covers 5x5 pixels. Strides must then be 1, as in Keras.</summary>
    public int DilationRate { get; set; } = 1;

    /// <summary>Whether training changes the layer's kernel and bias (Keras <c>trainable</c>, default true).
    /// With false the layer is fixed: <c>Summary</c> counts its tensors as non-trainable and optimizers leave them
    /// as they are. DSL: <c>fixed</c>.</summary>
    public bool Trainable { get; set; } = true;

    /// <summary>A named kernel for every filter (Keras <c>kernel_initializer=Constant</c>): <c>Kernel =
    /// FixedKernel.SobelX</c>. Not set: Glorot-uniform. With several input channels each channel gets the kernel
    /// divided by their number, so the filter sees their mean. It sets the initial values only; add
    /// <see cref="Trainable"/> = false to keep them. DSL: <c>kernel sobel_x</c> (or <c>fixed sobel_x</c>).</summary>
    public FixedKernel Kernel { get; set; }

    /// <summary>One named kernel per filter, as many as <see cref="Filters"/>: <c>Kernels = new[] {
    /// FixedKernel.SobelX, FixedKernel.SobelY }</c>. DSL: <c>fixed sobel_x sobel_y</c>.</summary>
    public FixedKernel[]? Kernels { get; set; }

    /// <summary>An explicit constant kernel: <c>KernelHeight * KernelWidth</c> values row by row, used for every
    /// filter (and, divided by their number, every input channel), or every value of the kernel in Keras's layout
    /// <c>[kernelHeight, kernelWidth, inputChannels, filters]</c>. DSL: <c>kernel_values 0 1 0 1 -4 1 0 1 0</c>.</summary>
    public float[]? KernelValues { get; set; }

    /// <summary>Vertical dilation rate; overrides <see cref="DilationRate"/> when set.</summary>
    public int DilationHeight { get; set; }

    /// <summary>Horizontal dilation rate; overrides <see cref="DilationRate"/> when set.</summary>
    public int DilationWidth { get; set; }
}
