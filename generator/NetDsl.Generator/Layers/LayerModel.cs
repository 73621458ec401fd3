using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes;

namespace NetDsl.Generator.Layers;

/// <summary>
/// One checked layer: its Keras name, shapes, fused activation and parameter tensors, plus what its definition
/// needs to plan and print it (<see cref="Details"/>). Plain values only.
/// </summary>
/// <param name="Index">Position among the network's layers (Input excluded).</param>
/// <param name="Kind">The definition's Keras class name.</param>
/// <param name="Name">Keras's automatic name: <c>conv2d_1</c>.</param>
/// <param name="Input">Shape of one sample's input.</param>
/// <param name="Output">Shape of one sample's output.</param>
/// <param name="Activation">The activation applied to the layer's output (None: linear).</param>
/// <param name="Slope">LeakyReLU's negative slope, when <see cref="Activation"/> is LeakyReLU.</param>
/// <param name="Parameters">The layer's tensors, in Keras's order.</param>
/// <param name="Details">Definition-specific facts (window, units, rate, ...).</param>
/// <param name="Location">The attribute or text line that declares it.</param>
/// <param name="Sources">The layers it reads, by <see cref="Index"/>; -1 is the network's input. One for every
/// layer but the merges.</param>
/// <param name="Named">Whether the user named it (its name is not Keras's automatic one).</param>
internal sealed record LayerModel(
    int Index,
    string Kind,
    string Name,
    Shape Input,
    Shape Output,
    Activation Activation,
    double Slope,
    EquatableArray<ParameterModel> Parameters,
    LayerDetails Details,
    LocationInfo? Location,
    EquatableArray<int> Sources,
    bool Named)
{
    public LayerDefinition Definition => LayerRegistry.ByClassName(Kind)!;

    public ParameterModel? Find(string role)
    {
        foreach (ParameterModel parameter in Parameters)
        {
            if (parameter.Role == role)
            {
                return parameter;
            }
        }

        return null;
    }

    public long ParameterCount
    {
        get
        {
            long count = 0;
            foreach (ParameterModel parameter in Parameters)
            {
                count += parameter.Length;
            }

            return count;
        }
    }

    /// <summary>The layer it reads (a merge: the first), by index; -1 for the network's input.</summary>
    public int Source => Sources.Count == 0 ? Index - 1 : Sources[0];

    /// <summary>The generated code's name for the layer: <c>Conv2d1</c>.</summary>
    public string Pascal => Identifiers.Pascal(Name);
}

/// <summary>One parameter tensor of a layer.</summary>
/// <param name="Role">Keras's weight name inside the layer: <c>kernel</c>, <c>bias</c>, <c>gamma</c>, <c>moving_mean</c>.</param>
/// <param name="Shape">Keras's layout.</param>
/// <param name="Offset">Index of its first value in the network's parameter buffer.</param>
/// <param name="Length">Number of values.</param>
/// <param name="Initializer">A <c>ParameterInitializer</c> member name (<c>Constant</c> with <paramref name="Constant"/>).</param>
/// <param name="Trainable">False for tensors training never changes (moving statistics, a fixed layer's tensors).</param>
/// <param name="Constant">The values a constant tensor starts with, or null.</param>
internal sealed record ParameterModel(string Role, EquatableArray<int> Shape, int Offset, int Length, string Initializer, bool Trainable, ConstantTensor? Constant = null);

/// <summary>A constant tensor's values in its layout, and what they are for the generated code's comment
/// (<c>Sobel x, Sobel y</c>).</summary>
internal sealed record ConstantTensor(EquatableArray<float> Values, string Note);

/// <summary>Definition-specific facts about a checked layer (an equatable record per definition).</summary>
internal abstract record LayerDetails;

/// <summary>Nothing beyond the shapes (Flatten, global pooling).</summary>
internal sealed record NoDetails : LayerDetails
{
    public static NoDetails Instance { get; } = new();
}
