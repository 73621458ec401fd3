using System;
using System.Collections.Generic;

namespace NetDsl.Serialization;

/// <summary>
/// One of a network's tensors as a weights file stores it: its name and shape there, and, when the file's layout
/// is not Keras's, the reordering that gives Keras's. Every reordering NetDsl needs reverses three axes: the
/// file's tensor read as <c>[A, B, C]</c> is Keras's <c>[C, B, A]</c>.
/// </summary>
/// <param name="Tensor">The network's tensor (Keras's name and layout).</param>
/// <param name="Name">Its name in the file.</param>
/// <param name="Shape">Its shape in the file.</param>
/// <param name="Reversed">The axes <c>(A, B, C)</c> the file's order reverses, or null when it is Keras's.</param>
internal sealed record StoredTensor(ParameterTensor Tensor, string Name, long[] Shape, (int A, int B, int C)? Reversed)
{
    /// <summary>The tensors of <paramref name="layout"/> as a file in <paramref name="weightLayout"/> stores them.</summary>
    /// <exception cref="NotSupportedException">A tensor has no place in that layout.</exception>
    public static StoredTensor[] For(IReadOnlyList<ParameterTensor> layout, WeightLayout weightLayout)
    {
        var stored = new StoredTensor[layout.Count];
        for (int i = 0; i < stored.Length; i++)
        {
            ParameterTensor tensor = layout[i];
            stored[i] = weightLayout == WeightLayout.PyTorch
                ? PyTorchStateDict.Store(tensor, layout)
                : new StoredTensor(tensor, tensor.Name, Dimensions(tensor.Shape), null);
        }

        return stored;
    }

    /// <summary>Writes the file's values of the tensor (<paramref name="stored"/>) into <paramref name="keras"/> in
    /// Keras's order.</summary>
    public void ToKeras(ReadOnlySpan<float> stored, Span<float> keras)
    {
        if (Reversed is not (int a, int b, int c))
        {
            stored.CopyTo(keras);
            return;
        }

        for (int i = 0; i < a; i++)
        {
            for (int j = 0; j < b; j++)
            {
                ReadOnlySpan<float> row = stored.Slice(((i * b) + j) * c, c);
                for (int k = 0; k < c; k++)
                {
                    keras[(((k * b) + j) * a) + i] = row[k];
                }
            }
        }
    }

    public static long[] Dimensions(TensorShape shape)
    {
        long[] dimensions = new long[shape.Rank];
        for (int i = 0; i < dimensions.Length; i++)
        {
            dimensions[i] = shape[i];
        }

        return dimensions;
    }
}
