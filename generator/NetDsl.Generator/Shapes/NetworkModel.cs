using NetDsl.Generator.Model;

namespace NetDsl.Generator.Shapes;

/// <summary>
/// A checked network, ready to emit: every layer with its resolved settings, shapes and parameter offsets.
/// Produced only by <see cref="ShapeChecker"/>; consumed only by the emitter.
/// </summary>
/// <param name="Target">The class to fill in.</param>
/// <param name="Input">Shape of one input sample.</param>
/// <param name="Layers">Every layer after Input, in order.</param>
/// <param name="ParameterCount">Total parameters.</param>
/// <param name="Status">Emit everything, only the public surface, or nothing.</param>
/// <param name="Diagnostics">Everything the front end and the checker found.</param>
internal sealed record NetworkModel(
    TypeTarget Target,
    Shape Input,
    EquatableArray<LayerPlan> Layers,
    int ParameterCount,
    ModelStatus Status,
    EquatableArray<DiagnosticInfo> Diagnostics)
{
    public Shape Output => Layers.Count == 0 ? Input : Layers[Layers.Count - 1].Output;
}

internal enum ModelStatus
{
    /// <summary>Valid: emit the full implementation.</summary>
    Valid,

    /// <summary>Invalid architecture: emit the public surface only (the build fails on the diagnostics,
    /// but code that uses the network compiles without follow-up errors).</summary>
    SurfaceOnly,

    /// <summary>No class can be emitted.</summary>
    None,
}

/// <summary>One layer, resolved.</summary>
/// <param name="Index">Position among the layers after Input.</param>
/// <param name="Kind">Layer type.</param>
/// <param name="Name">Keras name: <c>conv2d</c>, <c>conv2d_1</c>, ...</param>
/// <param name="Input">Incoming shape.</param>
/// <param name="Output">Outgoing shape.</param>
/// <param name="Units">Filters of a Conv2D, units of a Dense; 0 otherwise.</param>
/// <param name="Window">Kernel or pool geometry; default for other layers.</param>
/// <param name="Padding">Padding mode of windowed layers.</param>
/// <param name="Activation">Activation applied to the output (the standalone Activation layer's kind).</param>
/// <param name="UseBias">Whether a bias is added.</param>
/// <param name="Parameters">The layer's tensors in the flat buffer (kernel, then bias).</param>
internal sealed record LayerPlan(
    int Index,
    LayerKind Kind,
    string Name,
    Shape Input,
    Shape Output,
    int Units,
    Window Window,
    PaddingKind Padding,
    ActivationKind Activation,
    bool UseBias,
    EquatableArray<ParameterPlan> Parameters)
{
    public int ParameterCount
    {
        get
        {
            int count = 0;
            foreach (ParameterPlan p in Parameters)
            {
                count += p.Length;
            }

            return count;
        }
    }

    /// <summary>The tensor called <paramref name="role"/> (<c>kernel</c> or <c>bias</c>), if any.</summary>
    public ParameterPlan? Find(string role)
    {
        foreach (ParameterPlan p in Parameters)
        {
            if (p.Role == role)
            {
                return p;
            }
        }

        return null;
    }
}

/// <summary>One tensor of a layer inside the flat parameter buffer.</summary>
/// <param name="Role"><c>kernel</c> or <c>bias</c>.</param>
/// <param name="Shape">Keras layout.</param>
/// <param name="Offset">First index in the flat buffer.</param>
/// <param name="Length">Number of values.</param>
/// <param name="Initializer">Name of the <c>NetDsl.ParameterInitializer</c> member.</param>
internal sealed record ParameterPlan(string Role, EquatableArray<int> Shape, int Offset, int Length, string Initializer);
