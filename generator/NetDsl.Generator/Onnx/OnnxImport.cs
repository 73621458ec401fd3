using System.Linq;
using NetDsl.Generator.Model;
using NetDsl.Generator.Polyfills;

namespace NetDsl.Generator.Onnx;

/// <summary>
/// What <see cref="OnnxImporter"/> made of an ONNX file: the network's layers, as a front end writes them (Input
/// first, every layer named), and the weights in NetDsl's layouts; or the problems that stopped it. Layers and
/// tensors are empty whenever there is a problem: a network imported in part would compute something else.
/// Compared by value, tensors included, so it can travel an incremental pipeline.
/// </summary>
/// <param name="Layers">Input first; every layer named (<c>Name</c>), and <c>Inputs</c> given where a layer does
/// not read the one before it.</param>
/// <param name="Tensors">Every layer's parameters, in the order of the network's parameter buffer (layer by layer,
/// each in Keras's order: kernel, bias; gamma, beta, moving_mean, moving_variance).</param>
/// <param name="Problems">Why the file could not be imported; empty on success.</param>
/// <param name="InputLayout">How the ONNX graph's input lies over NetDsl's (channels-last) input.</param>
/// <param name="OutputLayout">How the ONNX graph's output lies over NetDsl's output.</param>
internal sealed record OnnxImport(
    EquatableArray<LayerSpec> Layers,
    EquatableArray<ImportedTensor> Tensors,
    EquatableArray<OnnxProblem> Problems,
    OnnxTensorLayout InputLayout = OnnxTensorLayout.Features,
    OnnxTensorLayout OutputLayout = OnnxTensorLayout.Features)
{
    public bool Succeeded => Problems.Count == 0;

    public static OnnxImport Failed(params OnnxProblem[] problems) =>
        new(EquatableArray<LayerSpec>.Empty, EquatableArray<ImportedTensor>.Empty, problems.ToEquatableArray());
}

/// <summary>How an ONNX graph's input or output lies over the NetDsl tensor that holds it (batch axis aside).</summary>
internal enum OnnxTensorLayout
{
    /// <summary>ONNX <c>[n, F]</c>: the same values in the same order.</summary>
    Features,

    /// <summary>ONNX <c>[n, C, H, W]</c> (PyTorch's layout): NetDsl holds the map channels last, HxWxC, so data in
    /// the ONNX model's layout must be transposed on the way in (or out).</summary>
    ChannelsFirst,

    /// <summary>ONNX <c>[n, H, W, C]</c> (TensorFlow's): the same order as NetDsl's.</summary>
    ChannelsLast,
}

/// <summary>One parameter tensor in NetDsl's (Keras's) layout.</summary>
/// <param name="Name">The layer's name and the weight's role: <c>conv1/kernel</c>, <c>bn1/moving_mean</c>.</param>
/// <param name="Shape">Keras's shape: a Conv2D kernel is <c>[kh, kw, in, filters]</c>.</param>
/// <param name="Data">The values, row-major in <paramref name="Shape"/>.</param>
internal sealed record ImportedTensor(string Name, int[] Shape, float[] Data)
{
    public bool Equals(ImportedTensor? other) =>
        other is not null && Name == other.Name && Shape.SequenceEqual(other.Shape) && Data.SequenceEqual(other.Data);

    public override int GetHashCode()
    {
        int hash = HashCodeCombiner.Combine(HashCodeCombiner.Seed, Name.GetHashCode());
        foreach (int d in Shape)
        {
            hash = HashCodeCombiner.Combine(hash, d);
        }

        // A sample of the values: equal tensors hash alike, and a changed model almost always changes one of these.
        for (int k = 0; k < Data.Length; k += 1 + (Data.Length / 64))
        {
            hash = HashCodeCombiner.Combine(hash, Data[k].GetHashCode());
        }

        return hash;
    }

    public override string ToString() => Name + " [" + string.Join(", ", Shape) + "]";
}

/// <summary>Why a node (or the file) could not be imported.</summary>
/// <param name="NodeName">The node's name as the file gives it (empty for problems of the whole file or graph,
/// and for nodes without a name).</param>
/// <param name="OpType">The node's operator (<c>Conv</c>), or empty for problems of the whole file or graph.</param>
/// <param name="Message">What is wrong, in a sentence that names the values involved.</param>
internal sealed record OnnxProblem(string NodeName, string OpType, string Message)
{
    /// <summary>How a message names the node: <c>Conv '/conv1/Conv'</c>, or nothing for the whole file.</summary>
    public string Subject => OpType.Length == 0 ? NodeName : NodeName.Length == 0 ? OpType : OpType + " '" + NodeName + "'";

    public override string ToString() => Subject.Length == 0 ? Message : Subject + ": " + Message;
}
