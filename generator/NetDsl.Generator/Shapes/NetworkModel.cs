using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Shapes;

/// <summary>
/// A checked network: every layer's shapes and parameter tensors, or the diagnostics that say why it cannot be
/// built. What the planner and the surface emitter consume.
/// </summary>
/// <param name="Target">The class to fill in.</param>
/// <param name="Input">Shape of one input sample (default when unknown).</param>
/// <param name="Layers">The layers after Input, checked.</param>
/// <param name="ParameterCount">Floats in the parameter buffer.</param>
/// <param name="Status">What can be emitted.</param>
/// <param name="Diagnostics">Every problem found, front end included.</param>
/// <param name="Source">Where the network came from, for the generated file's header.</param>
internal sealed record NetworkModel(
    TypeTarget Target,
    Shape Input,
    EquatableArray<LayerModel> Layers,
    int ParameterCount,
    ModelStatus Status,
    EquatableArray<DiagnosticInfo> Diagnostics,
    string Source = "",
    string InputName = "input_layer")
{
    public Shape Output => Layers.Count == 0 ? Input : Layers[Layers.Count - 1].Output;

    /// <summary>The name of what a layer reads: a layer's, or the input's for -1.</summary>
    public string NameOf(int source) => source < 0 ? InputName : Layers[source].Name;

    /// <summary>Whether some layer reads another than the one before it (a skip connection or a merge): then
    /// <c>Summary</c> has Keras's Connected to column and the text form names layers.</summary>
    public bool IsGraph
    {
        get
        {
            foreach (LayerModel layer in Layers)
            {
                if (layer.Sources.Count != 1 || layer.Sources[0] != layer.Index - 1)
                {
                    return true;
                }
            }

            return false;
        }
    }
}

internal enum ModelStatus
{
    /// <summary>Nothing can be emitted (the class is not partial, a record, ...).</summary>
    None,

    /// <summary>The architecture has errors: emit only the public surface.</summary>
    SurfaceOnly,

    /// <summary>Emit everything.</summary>
    Valid,
}
