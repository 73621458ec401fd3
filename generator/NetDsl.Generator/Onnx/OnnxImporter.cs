using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes;

namespace NetDsl.Generator.Onnx;

/// <summary>How an ONNX value's axes lie over the NetDsl activation that holds it (batch axis aside).</summary>
internal enum ValueLayout
{
    /// <summary>ONNX <c>[n, C, H, W]</c> over a channels-last HxWxC map (PyTorch's layout); over a vector of C
    /// when H = W = 1 (after a global pooling).</summary>
    ChannelsFirst,

    /// <summary>ONNX <c>[n, H, W, C]</c> over the same map (TensorFlow's layout, before tf2onnx's Transpose).</summary>
    ChannelsLast,

    /// <summary>ONNX <c>[n, F]</c> over a vector of F, in the same order.</summary>
    Features,

    /// <summary>ONNX <c>[n, C*H*W]</c>, a map flattened channel by channel, over NetDsl's Flatten of it, which
    /// runs pixel by pixel: the same features in another order (<see cref="ImportedValue.FlattenedMap"/>).</summary>
    FlattenedChannelsFirst,
}

/// <summary>An ONNX value that NetDsl computes: the layer that computes it and how its axes map.</summary>
/// <param name="Layer">The layer's index among the imported layers; -1 for the network's input.</param>
/// <param name="Shape">The NetDsl activation's shape.</param>
/// <param name="Layout">How ONNX's axes lie over it.</param>
/// <param name="FlattenedMap">For <see cref="ValueLayout.FlattenedChannelsFirst"/>: the map that was flattened.</param>
/// <param name="NonNegative">Whether every value is at least 0 (after a ReLU, a sigmoid, ...): zeros then pad a
/// max pooling as well as ONNX's negative infinity.</param>
internal sealed record ImportedValue(int Layer, Shape Shape, ValueLayout Layout, Shape FlattenedMap = default, bool NonNegative = false)
{
    /// <summary>ONNX's rank of the value.</summary>
    public int Rank => Layout is ValueLayout.ChannelsFirst or ValueLayout.ChannelsLast ? 4 : 2;

    public int Height => Shape.IsMap ? Shape.Height : 1;

    public int Width => Shape.IsMap ? Shape.Width : 1;

    public int Channels => Shape.Channels;

    /// <summary>ONNX's dimensions after the batch axis.</summary>
    public long[] Dims => Layout switch
    {
        ValueLayout.ChannelsFirst => new long[] { Channels, Height, Width },
        ValueLayout.ChannelsLast => new long[] { Height, Width, Channels },
        _ => new long[] { Shape.Length },
    };

    /// <summary>ONNX's shape of the value: <c>[n, 1, 28, 28]</c>.</summary>
    public string Describe() => "[n, " + string.Join(", ", Dims) + "]";
}

/// <summary>
/// Turns an ONNX model of a convolutional network into NetDsl layers and weights. PyTorch and tf2onnx export
/// NCHW graphs; NetDsl computes channels-last, so the importer tracks, for every ONNX value, which layer computes
/// it and how its axes lie over that layer's activation (<see cref="ValueLayout"/>): a layout change (a
/// Transpose, NCHW to NHWC) costs no layer, convolution weights are transposed to Keras's layouts, and a flatten in
/// channel-first order reorders the rows of the Dense that reads it. Nodes that only fix a shape (Shape, Gather,
/// Unsqueeze, Concat of sizes: PyTorch's <c>x.view(x.size(0), -1)</c>) are evaluated, and activations, biases and
/// pass-through nodes fold into the layer before them, so each layer is one a user would write.
/// <para>
/// Anything NetDsl cannot compute exactly as ONNX defines it is an <see cref="OnnxProblem"/> naming the node; the
/// import goes on past it (skipping what depends on it) so one pass lists every problem. <see cref="Import"/>
/// never throws.
/// </para>
/// </summary>
internal sealed partial class OnnxImporter
{
    /// <summary>The batch size in a shape the graph computes (Shape of a value): unknown until run time.</summary>
    private const long Batch = IntegerTensor.Batch;

    /// <summary>The Transpose permutations from NHWC to NCHW and back.</summary>
    private static readonly long[] ToChannelsFirst = { 0, 3, 1, 2 }, ToChannelsLast = { 0, 2, 3, 1 };

    private readonly OnnxGraph _graph;
    private readonly long _opset;
    private readonly LocationInfo? _location;
    private readonly LayerNames _names = new();
    private readonly List<ImportedLayer> _layers = new();
    private readonly List<OnnxProblem> _problems = new();

    /// <summary>The values NetDsl computes, by ONNX name.</summary>
    private readonly Dictionary<string, ImportedValue> _values = new(StringComparer.Ordinal);

    /// <summary>Initializers and Constant outputs.</summary>
    private readonly Dictionary<string, OnnxTensor> _constants = new(StringComparer.Ordinal);

    /// <summary>Integer tensors the graph computes from shapes (possibly holding <see cref="Batch"/>).</summary>
    private readonly Dictionary<string, IntegerTensor> _integers = new(StringComparer.Ordinal);

    /// <summary>Outputs of nodes that could not be imported: what reads them is skipped without a problem of its own.</summary>
    private readonly HashSet<string> _failed = new(StringComparer.Ordinal);

    /// <summary>The nodes the graph's output depends on; the others are never imported.</summary>
    private readonly HashSet<OnnxNode> _live = new();

    /// <summary>Live nodes by the values they read.</summary>
    private readonly Dictionary<string, List<OnnxNode>> _consumers = new(StringComparer.Ordinal);

    /// <summary>Reads of each value by live nodes, plus one for the graph's output.</summary>
    private readonly Dictionary<string, int> _readers = new(StringComparer.Ordinal);

    private string _inputName = "input_layer";
    private Shape _inputShape;

    private OnnxImporter(OnnxModel model, LocationInfo? location)
    {
        _graph = model.Graph;
        _opset = model.DefaultOpset;
        _location = location;
    }

    /// <summary>Imports an ONNX file (its bytes). <paramref name="location"/> is where every layer and setting of
    /// the result says it was written (the declaration that names the file).</summary>
    public static OnnxImport Import(byte[] bytes, LocationInfo? location)
    {
        OnnxModel model;
        try
        {
            model = OnnxModel.Parse(bytes);
        }
        catch (OnnxFormatException e)
        {
            return OnnxImport.Failed(new OnnxProblem(string.Empty, string.Empty, "The file is not a readable ONNX model. " + e.Message));
        }

        try
        {
            return new OnnxImporter(model, location).Run();
        }
        catch (OnnxFormatException e)
        {
            return OnnxImport.Failed(new OnnxProblem(string.Empty, string.Empty, "The file is not a readable ONNX model. " + e.Message));
        }
        catch (Exception e)
        {
            // A generator never throws: a bug here becomes a problem the user can report.
            return OnnxImport.Failed(new OnnxProblem(string.Empty, string.Empty, $"The importer failed on this model ({e.GetType().Name}: {e.Message}); please report it with the file."));
        }
    }

    private OnnxImport Run()
    {
        if (_opset == 0)
        {
            return OnnxImport.Failed(Problem("the model imports no version of the default operator set (ai.onnx)"));
        }

        foreach (OnnxTensor initializer in _graph.Initializers)
        {
            _constants[initializer.Name] = initializer;
        }

        OnnxValueInfo[] inputs = _graph.Inputs.Where(i => !_constants.ContainsKey(i.Name)).ToArray();
        if (inputs.Length != 1 || _graph.Outputs.Count != 1)
        {
            return OnnxImport.Failed(Problem($"the graph has {Count(inputs.Length, "input")} and {Count(_graph.Outputs.Count, "output")}; NetDsl imports networks with one of each"));
        }

        string output = _graph.Outputs[0].Name;
        FindLiveNodes(output);
        if (!ImportInput(inputs[0]))
        {
            return OnnxImport.Failed(_problems.ToArray());
        }

        // Constants first: a pattern matched at one node (PyTorch's GELU) looks at constants written after it.
        OnnxNode[] nodes = _graph.Nodes.Where(_live.Contains).OrderBy(n => n.OpType == "Constant" ? 0 : 1).ToArray();
        foreach (OnnxNode node in nodes)
        {
            if (node.Inputs.Any(_failed.Contains))
            {
                _failed.UnionWith(node.Outputs);
                continue;
            }

            try
            {
                ImportNode(node);
            }
            catch (UnsupportedNodeException e)
            {
                _problems.Add(new OnnxProblem(node.Name, node.OpType, e.Message));
                _failed.UnionWith(node.Outputs);
            }
        }

        if (_problems.Count == 0)
        {
            CheckOutput(output);
        }

        if (_problems.Count > 0)
        {
            return OnnxImport.Failed(_problems.ToArray());
        }

        var specs = new List<LayerSpec> { InputSpec() };
        specs.AddRange(_layers.Select(l => l.ToSpec(_layers, _inputName, _location)));
        return new OnnxImport(specs.ToEquatableArray(), _layers.SelectMany(l => l.ToTensors()).ToEquatableArray(), EquatableArray<OnnxProblem>.Empty,
            TensorLayout(_values[inputs[0].Name]), TensorLayout(_values[output]));
    }

    /// <summary>Marks the nodes the output depends on, and counts who reads each value.</summary>
    private void FindLiveNodes(string output)
    {
        var needed = new HashSet<string>(StringComparer.Ordinal) { output };
        for (int k = _graph.Nodes.Count - 1; k >= 0; k--)
        {
            OnnxNode node = _graph.Nodes[k];
            if (node.Outputs.Any(needed.Contains))
            {
                _live.Add(node);
                needed.UnionWith(node.Inputs.Where(i => i.Length > 0));
            }
        }

        _readers[output] = 1;
        foreach (OnnxNode node in _graph.Nodes.Where(_live.Contains))
        {
            foreach (string input in node.Inputs.Where(i => i.Length > 0))
            {
                _readers[input] = Readers(input) + 1;
                if (!_consumers.TryGetValue(input, out List<OnnxNode>? list))
                {
                    _consumers[input] = list = new List<OnnxNode>();
                }

                if (!list.Contains(node))
                {
                    list.Add(node);
                }
            }
        }
    }

    /// <summary>The Input layer, from the graph's input: <c>[n, C, H, W]</c> (or <c>[n, H, W, C]</c> when it is
    /// only read through a Transpose to NCHW, as tf2onnx writes) or <c>[n, F]</c>.</summary>
    private bool ImportInput(OnnxValueInfo input)
    {
        _inputName = _names.Claim(input.Name, "input_layer");
        int[]? dims = input.Dims?.Skip(1).Select(d => d.Value is > 0 and <= int.MaxValue ? (int)d.Value.Value : -1).ToArray();
        string shape = input.Dims is null ? "no shape" : "[" + string.Join(", ", input.Dims) + "]";
        if (input.ElementType is not (OnnxDataType.Float or OnnxDataType.Float16 or OnnxDataType.Double or OnnxDataType.BFloat16))
        {
            _problems.Add(new OnnxProblem(input.Name, string.Empty, $"the graph's input has elements of type {OnnxTensor.TypeName(input.ElementType)}; NetDsl networks read floats"));
            return false;
        }

        if (dims is null || dims.Length is not (1 or 3) || dims.Any(d => d < 1))
        {
            _problems.Add(new OnnxProblem(input.Name, string.Empty, $"the graph's input has {shape}; NetDsl imports an image batch [n, C, H, W] or a feature batch [n, F] with every size but the batch's fixed"));
            return false;
        }

        if (dims.Length == 1)
        {
            _inputShape = Shape.Vector(dims[0]);
            _values[input.Name] = new ImportedValue(-1, _inputShape, ValueLayout.Features);
        }
        else if (ReadsAsChannelsLast(input.Name))
        {
            _inputShape = Shape.Map(dims[0], dims[1], dims[2]);
            _values[input.Name] = new ImportedValue(-1, _inputShape, ValueLayout.ChannelsLast);
        }
        else
        {
            _inputShape = Shape.Map(dims[1], dims[2], dims[0]);
            _values[input.Name] = new ImportedValue(-1, _inputShape, ValueLayout.ChannelsFirst);
        }

        return true;
    }

    private LayerSpec InputSpec()
    {
        var arguments = _inputShape.IsMap
            ? new[] { (InputLayer.Height, _inputShape.Height), (InputLayer.Width, _inputShape.Width), (InputLayer.Channels, _inputShape.Channels) }
            : new[] { (InputLayer.Length, _inputShape.Channels) };
        return new LayerSpec(
            LayerRegistry.Input.ClassName,
            _location,
            arguments.Select(a => new LayerArgument(a.Item1, new ArgumentValue(a.Item2), _location)).ToEquatableArray(),
            new NameRef(_inputName, _location),
            EquatableArray<NameRef>.Empty);
    }

    /// <summary>The graph's output must be the last layer's, in an order NetDsl's output keeps. A problem names
    /// the node that computes the output.</summary>
    private void CheckOutput(string output)
    {
        OnnxNode? node = _graph.Nodes.LastOrDefault(n => n.Outputs.Contains(output));
        OnnxProblem Problem(string message) => new(node?.Name ?? output, node?.OpType ?? string.Empty, message);
        if (!_values.TryGetValue(output, out ImportedValue? value))
        {
            _problems.Add(Problem("the graph's output does not depend on its input"));
        }
        else if (value.Layer < 0)
        {
            _problems.Add(Problem("the graph's output is its input: there is no layer to compute"));
        }
        else if (value.Layer != _layers.Count - 1)
        {
            _problems.Add(Problem($"the graph's output is computed by '{_layers[value.Layer].Name}', but other layers come after it"));
        }
        else if (value.Layout == ValueLayout.FlattenedChannelsFirst)
        {
            _problems.Add(Problem($"the graph's output is a {value.FlattenedMap} map flattened channel by channel; NetDsl's Flatten orders it pixel by pixel, so the outputs would come in another order"));
        }
    }

    private static OnnxTensorLayout TensorLayout(ImportedValue value) => value.Layout switch
    {
        ValueLayout.ChannelsFirst => OnnxTensorLayout.ChannelsFirst,
        ValueLayout.ChannelsLast => OnnxTensorLayout.ChannelsLast,
        _ => OnnxTensorLayout.Features,
    };

    // ---- Values ----

    private int Readers(string name) => _readers.TryGetValue(name, out int count) ? count : 0;

    /// <summary>Whether every reader of a rank-4 value is a Transpose to NCHW, so the value itself is NHWC.</summary>
    private bool ReadsAsChannelsLast(string name) =>
        _consumers.TryGetValue(name, out List<OnnxNode>? readers) && readers.All(r => r.OpType == "Transpose" && (Ints(r, "perm") ?? Array.Empty<long>()).SequenceEqual(ToChannelsFirst));

    /// <summary>The value NetDsl computes for input <paramref name="slot"/>.</summary>
    private ImportedValue Value(OnnxNode node, int slot)
    {
        string name = InputName(node, slot);
        if (_values.TryGetValue(name, out ImportedValue? value))
        {
            return value;
        }

        if (_constants.ContainsKey(name) || _integers.ContainsKey(name))
        {
            throw new UnsupportedNodeException($"its input '{name}' is a constant; NetDsl imports this operator only on values computed from the network's input");
        }

        throw new UnsupportedNodeException($"its input '{name}' is neither the graph's input, an initializer nor an earlier node's output (the nodes must be in topological order)");
    }

    /// <summary>The name of input <paramref name="slot"/>, which must be given.</summary>
    private static string InputName(OnnxNode node, int slot)
    {
        if (slot >= node.Inputs.Count || node.Inputs[slot].Length == 0)
        {
            throw new UnsupportedNodeException($"it has no input {slot + 1}, which this operator needs");
        }

        return node.Inputs[slot];
    }

    private static bool HasInput(OnnxNode node, int slot) => slot < node.Inputs.Count && node.Inputs[slot].Length > 0;

    private bool IsComputed(string name) => _values.ContainsKey(name);

    /// <summary>The constant tensor at input <paramref name="slot"/> (<paramref name="role"/> names it in messages).</summary>
    private OnnxTensor Constant(OnnxNode node, int slot, string role)
    {
        string name = InputName(node, slot);
        if (!_constants.TryGetValue(name, out OnnxTensor? tensor))
        {
            throw new UnsupportedNodeException($"its {role} '{name}' is computed by the graph; NetDsl imports it only as an initializer or a Constant");
        }

        if (tensor.Unreadable is not null)
        {
            throw new UnsupportedNodeException($"its {role} '{name}' cannot be read: {tensor.Unreadable}");
        }

        return tensor;
    }

    /// <summary>The constant at <paramref name="slot"/>, or null when the optional input is not given (or empty).</summary>
    private OnnxTensor? OptionalConstant(OnnxNode node, int slot, string role)
    {
        if (!HasInput(node, slot))
        {
            return null;
        }

        OnnxTensor tensor = Constant(node, slot, role);
        return tensor.ElementCount == 0 ? null : tensor;
    }

    /// <summary>An integer tensor at <paramref name="slot"/>: a constant, or computed from shapes.</summary>
    private IntegerTensor Integers(OnnxNode node, int slot, string role)
    {
        string name = InputName(node, slot);
        if (_integers.TryGetValue(name, out IntegerTensor? integers))
        {
            return integers;
        }

        OnnxTensor tensor = Constant(node, slot, role);
        return new IntegerTensor(tensor.Dims, tensor.ToInt64s());
    }

    private bool IsInteger(string name) =>
        _integers.ContainsKey(name) || (_constants.TryGetValue(name, out OnnxTensor? t) && t.IsReadable && t.DataType is OnnxDataType.Int64 or OnnxDataType.Int32);

    /// <summary>The output value of a node that adds no layer: <paramref name="value"/> under another name (its
    /// layer gains the new name's readers and loses the <paramref name="consumed"/> reads this node made).</summary>
    private void Alias(OnnxNode node, ImportedValue value, int consumed = 1)
    {
        string output = node.Outputs[0];
        _values[output] = value;
        if (value.Layer >= 0)
        {
            _layers[value.Layer].Readers += Readers(output) - consumed;
        }
    }

    /// <summary>Adds a layer reading <paramref name="inputs"/>, named after <paramref name="node"/> (or
    /// <paramref name="name"/>, for a layer the node needs besides its own).</summary>
    private ImportedLayer AddLayer(OnnxNode node, LayerDefinition definition, ImportedValue[] inputs, Shape output, string? name = null)
    {
        var layer = new ImportedLayer(definition, _names.Claim(name ?? LayerNames.FromNode(node), definition.NamePrefix), _layers.Count, inputs.Select(i => i.Layer).ToArray(), output)
        {
            Readers = 1,
        };
        _layers.Add(layer);
        return layer;
    }

    /// <summary>Makes <paramref name="layer"/>'s output the node's output.</summary>
    private ImportedValue Produce(OnnxNode node, ImportedLayer layer, ValueLayout layout, bool nonNegative = false, Shape flattenedMap = default)
    {
        layer.Readers = Readers(node.Outputs[0]);
        var value = new ImportedValue(layer.Index, layer.Output, layout, flattenedMap, nonNegative);
        _values[node.Outputs[0]] = value;
        return value;
    }

    // ---- Attributes ----

    private static long Int(OnnxNode node, string name, long defaultValue) => node.Attribute(name)?.I ?? defaultValue;

    private static float Float(OnnxNode node, string name, float defaultValue) => node.Attribute(name)?.F ?? defaultValue;

    private static string Text(OnnxNode node, string name, string defaultValue) => node.Attribute(name)?.Text ?? defaultValue;

    private static long[]? Ints(OnnxNode node, string name) => node.Attribute(name)?.Ints.ToArray();

    /// <summary>What the exporter meant by a float: 1e-05 rather than 9.99999974737875E-06.</summary>
    private static double Real(float value) => double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Count(int count, string noun) => count + " " + noun + (count == 1 ? string.Empty : "s");

    private static OnnxProblem Problem(string message) => new(string.Empty, string.Empty, message);

    /// <summary>Ends the import of one node with a problem.</summary>
    private sealed class UnsupportedNodeException : Exception
    {
        public UnsupportedNodeException(string message)
            : base(message)
        {
        }
    }
}
