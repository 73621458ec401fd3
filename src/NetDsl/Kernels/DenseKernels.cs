using System;
using System.ComponentModel;

namespace NetDsl.Kernels;

/// <summary>Dense passes with Keras's kernel layout <c>[in, out]</c>.</summary>
/// <remarks>For generated code; the signatures may change between versions.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class DenseKernels
{
    /// <summary><c>output = input · kernel + bias</c> (an empty <paramref name="bias"/> means none).</summary>
    public static void Forward(ReadOnlySpan<float> input, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, Span<float> output)
    {
        Check(kernel.Length, input.Length * output.Length, nameof(kernel));
        if (bias.IsEmpty)
        {
            output.Clear();
        }
        else
        {
            bias.CopyTo(output);
        }

        VectorOps.MultiplyAccumulate(input, kernel, output);
    }

    /// <summary>
    /// Adds one sample's gradients to <paramref name="kernelGradient"/> (<c>input ⊗ dY</c>) and
    /// <paramref name="biasGradient"/> (unless empty), and writes the input gradient through the transposed kernel
    /// <c>[out, in]</c> unless <paramref name="inputGradient"/> is empty.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> transposedKernel, ReadOnlySpan<float> outputGradient, Span<float> kernelGradient, Span<float> biasGradient, Span<float> inputGradient)
    {
        Check(kernelGradient.Length, input.Length * outputGradient.Length, nameof(kernelGradient));
        if (!biasGradient.IsEmpty)
        {
            VectorOps.Add(outputGradient, biasGradient);
        }

        VectorOps.AccumulateOuterProduct(input, outputGradient, kernelGradient);
        InputGradient(transposedKernel, outputGradient, inputGradient);
    }

    /// <summary>Writes the input gradient through the transposed kernel <c>[out, in]</c> unless
    /// <paramref name="inputGradient"/> is empty: all a fixed (non-trainable) Dense computes backward.</summary>
    public static void InputGradient(ReadOnlySpan<float> transposedKernel, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        if (!inputGradient.IsEmpty)
        {
            Check(transposedKernel.Length, outputGradient.Length * inputGradient.Length, nameof(transposedKernel));
            inputGradient.Clear();
            VectorOps.MultiplyAccumulate(outputGradient, transposedKernel, inputGradient);
        }
    }

    private static void Check(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Expected {expected} values, but '{name}' has {actual}.", name);
        }
    }
}
