using System;

namespace NetDsl;

/// <summary>
/// The values of the <see cref="FixedKernel"/>s. This file is also compiled into the source generator, so the
/// constant kernels it writes into generated code and the values here are one table.
/// </summary>
public static class FixedKernels
{
    // Row-major 3x3 values of the kernels that exist in one size only.
    private static readonly float[] SobelX = { -1, 0, 1, -2, 0, 2, -1, 0, 1 };
    private static readonly float[] SobelY = { -1, -2, -1, 0, 0, 0, 1, 2, 1 };
    private static readonly float[] PrewittX = { -1, 0, 1, -1, 0, 1, -1, 0, 1 };
    private static readonly float[] PrewittY = { -1, -1, -1, 0, 0, 0, 1, 1, 1 };
    private static readonly float[] Laplacian = { 0, 1, 0, 1, -4, 1, 0, 1, 0 };
    private static readonly float[] Sharpen = { 0, -1, 0, -1, 5, -1, 0, -1, 0 };
    private static readonly float[] Emboss = { -2, -1, 0, -1, 1, 1, 0, 1, 2 };

    /// <summary>Whether <paramref name="kind"/> exists in every size (the blurs), not in 3x3 only.</summary>
    public static bool IsResizable(FixedKernel kind) => kind is FixedKernel.BoxBlur or FixedKernel.GaussianBlur;

    /// <summary>Whether <paramref name="kind"/> is defined for a <paramref name="height"/> x <paramref name="width"/> kernel.</summary>
    public static bool Fits(FixedKernel kind, int height, int width) =>
        height >= 1 && width >= 1 && (IsResizable(kind) || (height == 3 && width == 3));

    /// <summary>
    /// The kernel <paramref name="kind"/> of <paramref name="height"/> x <paramref name="width"/>, row-major
    /// (<c>[h, w]</c>): what Conv2D lays over each window (a cross-correlation; no flip).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a member, or it is 3x3 only and
    /// the size is another, or a size is below 1.</exception>
    public static float[] Create(FixedKernel kind, int height, int width)
    {
        if (!Enum.IsDefined(typeof(FixedKernel), kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a FixedKernel.");
        }

        if (!Fits(kind, height, width))
        {
            throw new ArgumentOutOfRangeException(height < 1 || width < 1 ? nameof(height) : nameof(kind), kind,
                height < 1 || width < 1 ? $"A kernel is at least 1x1, not {height}x{width}." : $"{kind} is a 3x3 kernel, not {height}x{width}.");
        }

        switch (kind)
        {
            case FixedKernel.BoxBlur:
                var box = new float[height * width];
                for (int i = 0; i < box.Length; i++)
                {
                    box[i] = 1f / box.Length;
                }

                return box;
            case FixedKernel.GaussianBlur:
                double[] rows = Binomial(height), columns = Binomial(width);
                var gaussian = new float[height * width];
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < width; x++)
                    {
                        gaussian[(y * width) + x] = (float)(rows[y] * columns[x]);
                    }
                }

                return gaussian;
            default:
                return (float[])Table(kind).Clone();
        }
    }

    /// <summary>The snake_case word of <paramref name="kind"/> in NetDsl's text form: <c>sobel_x</c>, <c>box_blur</c>.</summary>
    public static string Word(FixedKernel kind) => kind switch
    {
        FixedKernel.SobelX => "sobel_x",
        FixedKernel.SobelY => "sobel_y",
        FixedKernel.PrewittX => "prewitt_x",
        FixedKernel.PrewittY => "prewitt_y",
        FixedKernel.Laplacian => "laplacian",
        FixedKernel.BoxBlur => "box_blur",
        FixedKernel.GaussianBlur => "gaussian_blur",
        FixedKernel.Sharpen => "sharpen",
        FixedKernel.Emboss => "emboss",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a FixedKernel."),
    };

    private static float[] Table(FixedKernel kind) => kind switch
    {
        FixedKernel.SobelX => SobelX,
        FixedKernel.SobelY => SobelY,
        FixedKernel.PrewittX => PrewittX,
        FixedKernel.PrewittY => PrewittY,
        FixedKernel.Laplacian => Laplacian,
        FixedKernel.Sharpen => Sharpen,
        _ => Emboss,
    };

    /// <summary>Row <paramref name="n"/> - 1 of Pascal's triangle divided by its sum <c>2^(n-1)</c>: exact up to
    /// the sizes doubles hold the coefficients of, through logarithms beyond (where the edges underflow to 0).</summary>
    private static double[] Binomial(int n)
    {
        const int ExactUpTo = 1000;
        var row = new double[n];
        if (n <= ExactUpTo)
        {
            row[0] = 1;
            for (int k = 1; k < n; k++)
            {
                row[k] = row[k - 1] * (n - k) / k;
            }

            double sum = Math.Pow(2, n - 1);
            for (int k = 0; k < n; k++)
            {
                row[k] /= sum;
            }

            return row;
        }

        double log = -(n - 1) * Math.Log(2);
        for (int k = 0; k < n; k++)
        {
            log += k == 0 ? 0 : Math.Log(n - k) - Math.Log(k);
            row[k] = Math.Exp(log);
        }

        return row;
    }
}
