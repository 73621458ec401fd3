using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using System.IO;

namespace NetDsl.Interop;

/// <summary>
/// Builds an ONNX model of a network one layer at a time, in NetDsl's terms: channels-last tensors, Keras layer
/// names and Keras weight layouts in; an ONNX graph (IR 8, opset 13) out that takes the same <c>[N, H, W, C]</c>
/// (or <c>[N, F]</c>) input as <c>Predict</c> and returns the same output. Generated code calls one method per
/// layer, in order, passing the value names earlier calls returned; <see cref="Save"/> writes the model.
/// </summary>
/// <remarks>
/// <para><b>Names.</b> Each layer method takes the layer's name and returns the name of the value it produced:
/// the layer's name itself, except for layers that are the identity at inference (Dropout, SpatialDropout2D, a
/// linear Activation, Flatten of a vector), which return their input unchanged. Steps inside a layer are named
/// <c>layer/step</c> (<c>conv2d/conv</c>), weights <c>layer/kernel</c>, <c>layer/bias</c> as in Keras. Every name
/// must be new; a repeated one throws <see cref="ArgumentException"/>. A graph output is named after the value it
/// shows unless <see cref="Output"/> is given a name; since identity layers return their input, generated code
/// passes the output layer's own name.</para>
/// <para><b>Layouts.</b> Feature maps live in NCHW inside the graph, where ONNX's convolutions and pooling want
/// them: the input is transposed once, when the first layer needs it, and values go back to channels-last only
/// where the element order matters (before Flatten and Reshape, which order features H, W, C, and for a map
/// output). Each value's layout is tracked and each transpose is made at most once per value. Element-wise
/// layers, merges, padding and cropping work in whatever layout their inputs have.</para>
/// <para>For generated code; the signatures may change between versions.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed partial class OnnxExport
{
    private readonly OnnxGraph graph;
    private readonly Dictionary<string, Value> values = new(StringComparer.Ordinal);
    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Name, Layout Layout), Value> transposed = new();
    private readonly Dictionary<uint, string> scalars = new();

    /// <summary>Starts an empty model whose graph is called <paramref name="graphName"/> (the network's name).</summary>
    public OnnxExport(string graphName = "netdsl")
    {
        ArgumentException.ThrowIfNullOrEmpty(graphName);
        graph = new OnnxGraph(graphName);
    }

    /// <summary>How a value's elements are ordered.</summary>
    private enum Layout
    {
        /// <summary><c>[N, F]</c>.</summary>
        Vector,

        /// <summary><c>[N, H, W, C]</c>, NetDsl's and Keras's order.</summary>
        ChannelsLast,

        /// <summary><c>[N, C, H, W]</c>, ONNX's order for convolutions and pooling.</summary>
        ChannelsFirst,
    }

    /// <summary>A value of the graph: its name, layout and per-sample shape (a vector's length is
    /// <see cref="Channels"/>, with height and width 1).</summary>
    private sealed record Value(string Name, Layout Layout, int Height, int Width, int Channels)
    {
        public bool IsMap => Layout != Layout.Vector;

        public long Length => (long)Height * Width * Channels;

        public string Shape => IsMap ? Height + "x" + Width + "x" + Channels : Channels.ToString(CultureInfo.InvariantCulture);

        /// <summary>The per-sample dimensions in the value's own order.</summary>
        public int[] Dims => Layout switch
        {
            Layout.ChannelsLast => new[] { Height, Width, Channels },
            Layout.ChannelsFirst => new[] { Channels, Height, Width },
            _ => new[] { Channels },
        };

        /// <summary>The axis of the channels (of a vector: its features).</summary>
        public long ChannelAxis => Layout == Layout.ChannelsLast ? 3 : 1;

        /// <summary>The axes of height and width.</summary>
        public long[] SpatialAxes => Layout == Layout.ChannelsLast ? new long[] { 1, 2 } : new long[] { 2, 3 };

        public Value With(string name, Layout layout) => this with { Name = name, Layout = layout };
    }

    /// <summary>
    /// The graph input for feature maps: a float tensor <c>[N, height, width, channels]</c> named
    /// <paramref name="name"/>, N dynamic. Returns <paramref name="name"/>.
    /// </summary>
    public string Input(string name, int height, int width, int channels)
    {
        Positive(height, nameof(height));
        Positive(width, nameof(width));
        Positive(channels, nameof(channels));
        Claim(name);
        graph.Inputs.Add(new OnnxValueInfo(name, new[] { height, width, channels }));
        return Register(new Value(name, Layout.ChannelsLast, height, width, channels));
    }

    /// <summary>The graph input for vectors: a float tensor <c>[N, length]</c> named <paramref name="name"/>,
    /// N dynamic. Returns <paramref name="name"/>.</summary>
    public string Input(string name, int length)
    {
        Positive(length, nameof(length));
        Claim(name);
        graph.Inputs.Add(new OnnxValueInfo(name, new[] { length }));
        return Register(new Value(name, Layout.Vector, 1, 1, length));
    }

    /// <summary>
    /// Makes <paramref name="value"/> a graph output: <c>[N, H, W, C]</c> for a feature map (transposed back to
    /// channels-last if it is not), <c>[N, F]</c> for a vector. The output is named <paramref name="name"/>, by
    /// default the value's own name (the output layer's, as in Keras); when that value is NCHW inside the graph it
    /// is renamed <c>name/nchw</c> and the transpose back takes the name. Later layers may still read the value
    /// by that name. Returns the output's name.
    /// </summary>
    public string Output(string value, string? name = null)
    {
        Value v = Get(value);
        name ??= v.Name;
        if (graph.Outputs.Exists(o => o.Name == name))
        {
            throw new ArgumentException($"'{name}' is already an output of this ONNX graph.", nameof(name));
        }

        if (name != v.Name)
        {
            Claim(name);
            Finish(ChannelsLast(v), name);
        }
        else if (graph.Inputs.Exists(i => i.Name == name))
        {
            throw new ArgumentException($"The graph input '{name}' cannot also be an output under the same name; name the output.", nameof(name));
        }
        else if (v.Layout == Layout.ChannelsFirst)
        {
            string inner = name + "/nchw";
            Claim(inner);
            Rename(name, inner);
            Finish(transposed.TryGetValue((inner, Layout.ChannelsLast), out Value? last) ? last : values[inner], name);
        }

        graph.Outputs.Add(new OnnxValueInfo(name, values[name].Dims));
        return name;
    }

    /// <summary>The node that makes a graph output <paramref name="name"/> (claimed) of <paramref name="v"/>: a
    /// transpose back to channels-last, or a copy.</summary>
    private void Finish(Value v, string name)
    {
        if (v.Layout == Layout.ChannelsFirst)
        {
            Add(name, "Transpose", new[] { v.Name }, OnnxAttribute.OfInts("perm", 0L, 2L, 3L, 1L));
            Value output = v.With(name, Layout.ChannelsLast);
            Register(output);
            transposed[(v.Name, Layout.ChannelsLast)] = output;
        }
        else
        {
            Add(name, "Identity", new[] { v.Name });
            Register(v with { Name = name });
        }
    }

    /// <summary>Renames value <paramref name="from"/> to <paramref name="to"/> (claimed) everywhere it appears.</summary>
    private void Rename(string from, string to)
    {
        for (int k = 0; k < graph.Nodes.Count; k++)
        {
            OnnxNode node = graph.Nodes[k];
            Array.ForEach(new[] { node.Inputs, node.Outputs }, names =>
            {
                for (int i = 0; i < names.Length; i++)
                {
                    names[i] = names[i] == from ? to : names[i];
                }
            });
            if (node.Name == from)
            {
                graph.Nodes[k] = node with { Name = to };
            }
        }

        Value renamed = values[from] with { Name = to };
        values.Remove(from);
        Register(renamed);
        foreach (Layout layout in new[] { Layout.ChannelsFirst, Layout.ChannelsLast })
        {
            if (transposed.Remove((from, layout), out Value? result))
            {
                transposed[(to, layout)] = result;
            }
        }
    }

    /// <summary>
    /// Writes the model to <paramref name="path"/> atomically: to a temporary file in the same directory, flushed
    /// to disk, then renamed over <paramref name="path"/>, so a failure never leaves a half-written model.
    /// </summary>
    /// <exception cref="InvalidOperationException">The graph has no input or no output yet.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ProtoWriter model = Serialize();
        string full = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(full) ?? ".", "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                model.CopyTo(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>Writes the model's bytes to <paramref name="stream"/> from its current position; the stream is
    /// neither flushed nor closed.</summary>
    /// <exception cref="InvalidOperationException">The graph has no input or no output yet.</exception>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Serialize().CopyTo(stream);
    }

    /// <summary>The model's bytes (an ONNX <c>ModelProto</c>).</summary>
    /// <exception cref="InvalidOperationException">The graph has no input or no output yet.</exception>
    public byte[] ToArray() => Serialize().ToArray();

    private ProtoWriter Serialize()
    {
        if (graph.Inputs.Count == 0 || graph.Outputs.Count == 0)
        {
            throw new InvalidOperationException("The ONNX graph needs an input (Input) and an output (Output) before it is written.");
        }

        return OnnxModelWriter.Write(graph);
    }

    // ------------------------------------------------------------------ values and layouts

    private Value Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return values.TryGetValue(name, out Value? value)
            ? value
            : throw new ArgumentException($"'{name}' is not a value of this ONNX graph: pass a name that Input or a layer method returned.", nameof(name));
    }

    private Value GetMap(string name, string layer)
    {
        Value v = Get(name);
        return v.IsMap ? v : throw new ArgumentException($"{layer} needs a feature map; '{name}' is a vector of {v.Channels}.", nameof(name));
    }

    private Value GetVector(string name, string layer)
    {
        Value v = Get(name);
        return v.IsMap ? throw new ArgumentException($"{layer} needs a vector; '{name}' is a {v.Shape} feature map (flatten it first).", nameof(name)) : v;
    }

    private string Register(Value value)
    {
        values.Add(value.Name, value);
        return value.Name;
    }

    /// <summary>Reserves a new value, node or initializer name.</summary>
    private void Claim(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!names.Add(name))
        {
            throw new ArgumentException($"The ONNX graph already has a value named '{name}'; every layer needs its own name.", nameof(name));
        }
    }

    /// <summary><paramref name="v"/> in NCHW, transposed once (and remembered) if it is channels-last.</summary>
    private Value ChannelsFirst(Value v)
    {
        if (v.Layout == Layout.ChannelsFirst)
        {
            return v;
        }

        if (v.Layout == Layout.Vector)
        {
            throw new InvalidOperationException($"'{v.Name}' is a vector, not a feature map.");
        }

        return Transpose(v, Layout.ChannelsFirst, "/nchw", 0L, 3L, 1L, 2L);
    }

    /// <summary><paramref name="v"/> channels-last (vectors as they are), transposed once if it is NCHW.</summary>
    private Value ChannelsLast(Value v) =>
        v.Layout == Layout.ChannelsFirst ? Transpose(v, Layout.ChannelsLast, "/nhwc", 0L, 2L, 3L, 1L) : v;

    private Value Transpose(Value v, Layout layout, string suffix, params long[] perm)
    {
        if (transposed.TryGetValue((v.Name, layout), out Value? done))
        {
            return done;
        }

        string name = v.Name + suffix;
        Claim(name);
        Add(name, "Transpose", new[] { v.Name }, OnnxAttribute.OfInts("perm", perm));
        Value result = v.With(name, layout);
        Register(result);
        transposed.Add((v.Name, layout), result);
        return result;
    }

    /// <summary>Brings maps to one layout: theirs if they share one, NCHW otherwise.</summary>
    private Value[] SameLayout(Value[] inputs)
    {
        Layout layout = inputs[0].Layout;
        foreach (Value v in inputs)
        {
            if (v.Layout != layout)
            {
                return Array.ConvertAll(inputs, ChannelsFirst);
            }
        }

        return inputs;
    }

    // ------------------------------------------------------------------ nodes and initializers

    /// <summary>Adds a node whose single output, <paramref name="output"/> (already claimed), names it.</summary>
    private void Add(string output, string opType, string[] inputs, params OnnxAttribute[] attributes) =>
        graph.Nodes.Add(new OnnxNode(output, opType, inputs, new[] { output }, attributes));

    /// <summary>Claims <paramref name="output"/>, adds the node and registers its value.</summary>
    private Value Node(Value shape, string output, string opType, string[] inputs, params OnnxAttribute[] attributes)
    {
        Claim(output);
        Add(output, opType, inputs, attributes);
        Value result = shape with { Name = output };
        Register(result);
        return result;
    }

    private string Initializer(string name, long[] dims, float[] data)
    {
        Claim(name);
        graph.Initializers.Add(new OnnxTensor(name, dims, Floats: data));
        return name;
    }

    private string Int64Initializer(string name, params long[] data)
    {
        Claim(name);
        graph.Initializers.Add(new OnnxTensor(name, new long[] { data.Length }, Int64s: data));
        return name;
    }

    /// <summary>A float scalar (rank 0), shared by every node that uses the same value.</summary>
    private string Scalar(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (!scalars.TryGetValue(bits, out string? name))
        {
            name = "constant/" + value.ToString("R", CultureInfo.InvariantCulture);
            Claim(name);
            graph.Initializers.Add(new OnnxTensor(name, Array.Empty<long>(), Floats: new[] { value }));
            scalars.Add(bits, name);
        }

        return name;
    }

    private static void Positive(int value, string parameter)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(parameter, value, "Must be at least 1.");
        }
    }

    private static void NonNegative(int value, string parameter)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(parameter, value, "Must not be negative.");
        }
    }

    private static void Length(ReadOnlySpan<float> span, long expected, string parameter, string what)
    {
        if (span.Length != expected)
        {
            throw new ArgumentException($"{what} needs {expected} values; got {span.Length}.", parameter);
        }
    }
}
