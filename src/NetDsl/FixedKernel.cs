namespace NetDsl;

/// <summary>
/// The named kernels of image processing, for a Conv2D's constant kernel (<c>Conv2D(Kernel = ...)</c>, DSL
/// <c>fixed sobel_x</c> or <c>kernel laplacian</c>). Conv2D computes a cross-correlation, as Keras does: the kernel
/// is laid over the image as written, not flipped. <see cref="FixedKernels.Create"/> gives the values.
/// </summary>
public enum FixedKernel
{
    /// <summary><c>[-1 0 1; -2 0 2; -1 0 1]</c>: positive where the image gets brighter from left to right
    /// (vertical edges). 3x3 only. DSL <c>sobel_x</c>.</summary>
    SobelX = 0,

    /// <summary><c>[-1 -2 -1; 0 0 0; 1 2 1]</c>, Sobel x transposed: positive where the image gets brighter from
    /// top to bottom (horizontal edges). 3x3 only. DSL <c>sobel_y</c>.</summary>
    SobelY = 1,

    /// <summary><c>[-1 0 1; -1 0 1; -1 0 1]</c>: Sobel x without the centre row's weight. 3x3 only. DSL
    /// <c>prewitt_x</c>.</summary>
    PrewittX = 2,

    /// <summary><c>[-1 -1 -1; 0 0 0; 1 1 1]</c>: Prewitt x transposed. 3x3 only. DSL <c>prewitt_y</c>.</summary>
    PrewittY = 3,

    /// <summary><c>[0 1 0; 1 -4 1; 0 1 0]</c>: the discrete Laplacian, zero on flat and linear regions, large at
    /// edges and spots. 3x3 only. DSL <c>laplacian</c>.</summary>
    Laplacian = 4,

    /// <summary>Every value <c>1 / (height * width)</c>: the mean of the window. Any size. DSL <c>box_blur</c>.</summary>
    BoxBlur = 5,

    /// <summary>Binomial coefficients, the outer product of rows of Pascal's triangle, normalised to sum 1 (3x3:
    /// <c>[1 2 1; 2 4 2; 1 2 1] / 16</c>): a blur that weighs the centre most. Any size. DSL
    /// <c>gaussian_blur</c>.</summary>
    GaussianBlur = 6,

    /// <summary><c>[0 -1 0; -1 5 -1; 0 -1 0]</c>: the image minus its Laplacian, which sharpens edges. 3x3 only.
    /// DSL <c>sharpen</c>.</summary>
    Sharpen = 7,

    /// <summary><c>[-2 -1 0; -1 1 1; 0 1 2]</c>: a relief along the diagonal, light where brightness rises towards
    /// the bottom right and dark where it falls. 3x3 only. DSL <c>emboss</c>.</summary>
    Emboss = 8,
}
