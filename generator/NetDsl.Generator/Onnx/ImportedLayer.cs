using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes;

namespace NetDsl.Generator.Onnx;

/// <summary>
/// A layer while the importer builds it: later nodes may still give it an activation (a Relu after a Conv), a
/// bias (an Add after a MatMul) or reorder its outputs (a Reshape after a Dense). Printed once, at the end, as the
/// <see cref="LayerSpec"/> the text front end would write for it and its tensors.
/// </summary>
internal sealed class ImportedLayer
{
    private readonly List<(string Name, double Value)> _arguments = new();
    private readonly List<(string Role, int[] Shape, float[] Data)> _tensors = new();

    public ImportedLayer(LayerDefinition definition, string name, int index, int[] sources, Shape output)
    {
        Definition = definition;
        Name = name;
        Index = index;
        Sources = sources;
        Output = output;
    }

    public LayerDefinition Definition { get; }

    public string Name { get; }

    /// <summary>Its position among the layers after Input.</summary>
    public int Index { get; }

    /// <summary>The layers it reads, by <see cref="Index"/>; -1 is the network's input.</summary>
    public int[] Sources { get; }

    /// <summary>Its output shape, as the shape checker will compute it.</summary>
    public Shape Output { get; }

    /// <summary>The activation it applies (layers with an <c>activation</c> setting).</summary>
    public Activation Activation { get; set; }

    /// <summary>How many reads of its output the rest of the graph makes (the graph's output counts as one): an
    /// activation or bias can be folded into it only when the node folding it is the one reader.</summary>
    public int Readers { get; set; }

    /// <summary>Whether it has an activation setting (Conv2D, Dense, ...): a standalone activation can become it.</summary>
    public bool TakesActivation => Definition.Schema.Arguments.Contains(CommonSettings.ActivationArgument);

    public bool HasBias => _tensors.Any(t => t.Role == "bias");

    /// <summary>Adds a setting, in the order the text form writes it.</summary>
    public ImportedLayer With(string name, double value)
    {
        _arguments.Add((name, value));
        return this;
    }

    /// <summary>Adds a parameter tensor, in Keras's order for the kind.</summary>
    public ImportedLayer WithTensor(string role, int[] shape, float[] data)
    {
        _tensors.Add((role, shape, data));
        return this;
    }

    public float[] Tensor(string role) => _tensors.First(t => t.Role == role).Data;

    /// <summary>Replaces a tensor's values (same shape).</summary>
    public void SetTensor(string role, float[] data)
    {
        int k = _tensors.FindIndex(t => t.Role == role);
        _tensors[k] = (role, _tensors[k].Shape, data);
    }

    /// <summary>The layer as the text front end writes it: its settings in the order <c>Architecture</c> prints
    /// them, then the activation and <c>use_bias</c> when they are not the defaults; its name; the layers it
    /// reads when they are not simply the one before it (a merge names all of them).</summary>
    public LayerSpec ToSpec(IReadOnlyList<ImportedLayer> layers, string inputName, LocationInfo? location)
    {
        IEnumerable<(string Name, double Value)> arguments = _arguments;
        if (TakesActivation && Activation != Activation.None)
        {
            arguments = arguments.Append((CommonSettings.Activation, (int)Activation));
        }

        if (Definition.Schema.Arguments.Contains(CommonSettings.UseBiasArgument) && !HasBias)
        {
            arguments = arguments.Append((CommonSettings.UseBias, 0));
        }

        string NameOf(int source) => source < 0 ? inputName : layers[source].Name;
        EquatableArray<NameRef> inputs = Definition.IsMerge || Sources[0] != Index - 1
            ? Sources.Select(s => new NameRef(NameOf(s), location)).ToEquatableArray()
            : EquatableArray<NameRef>.Empty;
        return new LayerSpec(
            Definition.ClassName,
            location,
            arguments.Select(a => new LayerArgument(a.Name, new ArgumentValue(a.Value), location)).ToEquatableArray(),
            new NameRef(Name, location),
            inputs);
    }

    /// <summary>Its tensors, named <c>layer/role</c>.</summary>
    public IEnumerable<ImportedTensor> ToTensors() => _tensors.Select(t => new ImportedTensor(Name + "/" + t.Role, t.Shape, t.Data));
}
