using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Shapes;

namespace NetDsl.Generator.Onnx;

/// <summary>Operators that only change how values are indexed (Flatten, Reshape, Squeeze, Transpose, Concat), pass
/// values on, or compute shapes rather than values.</summary>
internal sealed partial class OnnxImporter
{
    // ---- Shapes and layouts ----

    private void ImportFlatten(OnnxNode node)
    {
        ImportedValue x = Value(node, 0);
        long axis = Int(node, "axis", 1);
        if (axis < 0)
        {
            axis += x.Rank;
        }

        if (axis != 1)
        {
            throw new UnsupportedNodeException($"it flattens {x.Describe()} from axis {axis}; NetDsl flattens each sample (axis 1)");
        }

        FlattenSample(node, x);
    }

    /// <summary>Each sample as a vector: nothing to do for a vector, else a Flatten layer (channel-first order
    /// remembered).</summary>
    private void FlattenSample(OnnxNode node, ImportedValue x)
    {
        if (x.Layout == ValueLayout.FlattenedChannelsFirst || x.Layout == ValueLayout.Features)
        {
            Alias(node, x);
            return;
        }

        if (!x.Shape.IsMap)
        {
            Alias(node, x with { Layout = ValueLayout.Features });
            return;
        }

        ImportedLayer layer = AddLayer(node, Flatten, new[] { x }, Shape.Vector(x.Shape.Length));
        bool sameOrder = x.Layout == ValueLayout.ChannelsLast || x.Channels == 1 || x.Height * x.Width == 1;
        Produce(node, layer, sameOrder ? ValueLayout.Features : ValueLayout.FlattenedChannelsFirst, x.NonNegative, sameOrder ? default : x.Shape);
    }

    private void ImportReshape(OnnxNode node)
    {
        ImportedValue x = Value(node, 0);
        IntegerTensor shape = Integers(node, 1, "shape");
        if (shape.Dims.Length != 1)
        {
            throw new UnsupportedNodeException("its shape is not a list of sizes");
        }

        long[] dims = x.Dims;
        long[] target = shape.Values.ToArray();
        bool allowZero = Int(node, "allowzero", 0) != 0;
        for (int k = 0; k < target.Length; k++)
        {
            if (target[k] == 0 && !allowZero)
            {
                target[k] = k == 0 ? Batch : k - 1 < dims.Length ? dims[k - 1] : 0;
            }
        }

        long total = x.Shape.Length;
        long[] sample = target.Skip(1).ToArray();
        if (target.Length == 0 || (target[0] != Batch && target[0] != -1))
        {
            throw new UnsupportedNodeException($"it reshapes to [{Describe(target)}], fixing the batch size; NetDsl networks take any batch (write x.view(x.size(0), ...) or -1 for the batch)");
        }

        int inferred = Array.IndexOf(sample, -1L);
        long known = sample.Where(d => d != -1).Aggregate(1L, (p, d) => p * d);
        if (sample.Any(d => d is < -1 or 0 || d == Batch) || sample.Count(d => d == -1) > 1 || (target[0] == -1 && inferred >= 0))
        {
            throw new UnsupportedNodeException($"it reshapes {x.Describe()} to [{Describe(target)}]; NetDsl imports a reshape of each sample to fixed sizes");
        }

        if (inferred >= 0)
        {
            sample[inferred] = known > 0 && total % known == 0 ? total / known : throw new UnsupportedNodeException($"it reshapes {x.Describe()} to [{Describe(target)}], which does not divide its {total} values");
        }

        if (sample.Aggregate(1L, (p, d) => p * d) != total)
        {
            throw new UnsupportedNodeException($"it reshapes {x.Describe()} ({total} values a sample) to [{Describe(target)}]");
        }

        if (sample.Length == 1)
        {
            if (x.Rank == 2)
            {
                Alias(node, x);
            }
            else
            {
                FlattenSample(node, x);
            }

            return;
        }

        if (sample.Length == 3 && x.Rank == 4 && sample.SequenceEqual(dims))
        {
            Alias(node, x);
            return;
        }

        if (sample.Length != 3 || x.Rank != 2)
        {
            throw new UnsupportedNodeException($"it reshapes {x.Describe()} to [{Describe(target)}]; NetDsl imports reshapes between a map and a vector");
        }

        bool channelsLast = ReadsAsChannelsLast(node.Outputs[0]);
        Shape map = channelsLast ? Shape.Map((int)sample[0], (int)sample[1], (int)sample[2]) : Shape.Map((int)sample[1], (int)sample[2], (int)sample[0]);
        bool reorder = !channelsLast && map.Channels > 1 && map.Height * map.Width > 1;
        if (x.Layout == ValueLayout.FlattenedChannelsFirst)
        {
            // The inverse of the Flatten before it: NetDsl's vector is already that map's channels-last order.
            if (channelsLast || x.FlattenedMap != map)
            {
                throw new UnsupportedNodeException($"it reshapes a {x.FlattenedMap} map flattened channel first to another map [{Describe(target)}]");
            }
        }
        else if (reorder)
        {
            ReorderDenseOutputs(node, x, map);
        }

        ImportedLayer layer = AddLayer(node, Reshape, new[] { x }, map)
            .With(InputLayer.Height, map.Height).With(InputLayer.Width, map.Width).With(InputLayer.Channels, map.Channels);
        Produce(node, layer, channelsLast ? ValueLayout.ChannelsLast : ValueLayout.ChannelsFirst, x.NonNegative);
    }

    /// <summary>A vector ONNX reads as an NCHW map, computed by a Dense that nothing else reads: the Dense's units
    /// reordered so NetDsl's channels-last Reshape reads the same map.</summary>
    private void ReorderDenseOutputs(OnnxNode node, ImportedValue x, Shape map)
    {
        ImportedLayer? dense = x.Layer >= 0 ? _layers[x.Layer] : null;
        if (dense is null || dense.Definition != Dense || dense.Readers != 1)
        {
            throw new UnsupportedNodeException($"it reshapes {x.Describe()} to an NCHW map; NetDsl's Reshape fills a map channels last, which reads the same values only when a Dense that nothing else reads computes the vector (its units are then reordered)");
        }

        float[] kernel = dense.Tensor("kernel");
        dense.SetTensor("kernel", WeightLayouts.ColumnsToChannelsLast(kernel, kernel.Length / x.Shape.Length, map));
        if (dense.HasBias)
        {
            dense.SetTensor("bias", WeightLayouts.ToChannelsLast(dense.Tensor("bias"), map));
        }
    }

    private void ImportSqueeze(OnnxNode node)
    {
        ImportedValue x = Value(node, 0);
        long[] axes = Axes(node).Select(a => a < 0 ? a + x.Rank : a).OrderBy(a => a).ToArray();
        if (x.Layout == ValueLayout.ChannelsFirst && !x.Shape.IsMap && axes.SequenceEqual(new long[] { 2, 3 }))
        {
            Alias(node, x with { Layout = ValueLayout.Features });
            return;
        }

        if (x.Layout == ValueLayout.ChannelsLast && !x.Shape.IsMap && axes.SequenceEqual(new long[] { 1, 2 }))
        {
            Alias(node, x with { Layout = ValueLayout.Features });
            return;
        }

        throw new UnsupportedNodeException($"it squeezes axes [{string.Join(", ", axes)}] of {x.Describe()}; NetDsl imports the squeeze of a pooled [n, C, 1, 1] to [n, C]");
    }

    private void ImportConcat(OnnxNode node)
    {
        string[] names = node.Inputs.Where(i => i.Length > 0).ToArray();
        if (!names.All(IsComputed))
        {
            throw new UnsupportedNodeException("it joins computed values with constants; NetDsl's Concatenate joins layers");
        }

        ImportedValue[] inputs = names.Select(n => _values[n]).ToArray();
        ImportedValue first = inputs[0];
        long axis = Int(node, "axis", 1);
        if (axis < 0)
        {
            axis += first.Rank;
        }

        long channelAxis = first.Layout == ValueLayout.ChannelsLast ? 3 : 1;
        if (first.Layout == ValueLayout.FlattenedChannelsFirst || axis != channelAxis
            || inputs.Any(i => i.Layout != first.Layout || i.Shape.IsMap != first.Shape.IsMap || i.Height != first.Height || i.Width != first.Width))
        {
            throw new UnsupportedNodeException($"it joins {string.Join(", ", inputs.Select(i => i.Describe()))} on axis {axis}; NetDsl's Concatenate joins the channels of maps of one size (axis 1 of NCHW), or vectors");
        }

        if (inputs.Length == 1)
        {
            Alias(node, first);
            return;
        }

        int channels = inputs.Sum(i => i.Channels);
        Shape shape = first.Shape.IsMap ? Shape.Map(first.Height, first.Width, channels) : Shape.Vector(channels);
        ImportedLayer layer = AddLayer(node, Concatenate, inputs, shape);
        Produce(node, layer, first.Layout, inputs.All(i => i.NonNegative));
    }

    private void ImportTranspose(OnnxNode node)
    {
        ImportedValue x = Value(node, 0);
        long[] perm = Ints(node, "perm") ?? Enumerable.Range(0, x.Rank).Reverse().Select(i => (long)i).ToArray();
        if (perm.SequenceEqual(Enumerable.Range(0, x.Rank).Select(i => (long)i)))
        {
            Alias(node, x);
        }
        else if (x.Layout == ValueLayout.ChannelsLast && perm.SequenceEqual(ToChannelsFirst))
        {
            Alias(node, x with { Layout = ValueLayout.ChannelsFirst });
        }
        else if (x.Layout == ValueLayout.ChannelsFirst && perm.SequenceEqual(ToChannelsLast))
        {
            Alias(node, x with { Layout = ValueLayout.ChannelsLast });
        }
        else
        {
            throw new UnsupportedNodeException($"it permutes {x.Describe()} by [{string.Join(", ", perm)}]; NetDsl imports transposes between NCHW and NHWC, which only change how the same map is indexed");
        }
    }

    /// <summary>Identity, inference Dropout and a cast to floats: the same value under another name (for a
    /// constant too: PyTorch shares a weight through an Identity of its initializer).</summary>
    private void ImportPassThrough(OnnxNode node)
    {
        if (node.OpType == "Identity" && _constants.TryGetValue(InputName(node, 0), out OnnxTensor? constant))
        {
            _constants[node.Outputs[0]] = constant with { Name = node.Outputs[0] };
            return;
        }

        if (node.OpType == "Dropout" && node.Outputs.Count > 1 && Readers(node.Outputs[1]) > 0)
        {
            throw new UnsupportedNodeException("the graph reads its mask; NetDsl imports Dropout as the identity of inference");
        }

        if (node.OpType == "Cast" && Int(node, "to", (int)OnnxDataType.Float) is not ((int)OnnxDataType.Float or (int)OnnxDataType.Float16 or (int)OnnxDataType.Double or (int)OnnxDataType.BFloat16))
        {
            throw new UnsupportedNodeException($"it casts a computed value to {OnnxTensor.TypeName((OnnxDataType)Int(node, "to", 0))}; NetDsl computes floats");
        }

        Alias(node, Value(node, 0));
    }

    private void ImportConstant(OnnxNode node)
    {
        OnnxAttribute? attribute = node.Attributes.FirstOrDefault();
        OnnxTensor tensor = attribute?.Name switch
        {
            "value" when attribute.T is not null => attribute.T,
            "value_float" => new OnnxTensor(node.Outputs[0], Array.Empty<long>(), OnnxDataType.Float, new double[] { attribute.F }, null),
            "value_floats" => new OnnxTensor(node.Outputs[0], new long[] { attribute.Floats.Count }, OnnxDataType.Float, attribute.Floats.Select(f => (double)f).ToArray(), null),
            "value_int" => new OnnxTensor(node.Outputs[0], Array.Empty<long>(), OnnxDataType.Int64, new double[] { attribute.I }, null),
            "value_ints" => new OnnxTensor(node.Outputs[0], new long[] { attribute.Ints.Count }, OnnxDataType.Int64, attribute.Ints.Select(i => (double)i).ToArray(), null),
            _ => throw new UnsupportedNodeException($"its value is given as '{attribute?.Name ?? "nothing"}'; NetDsl reads tensors and numbers"),
        };
        _constants[node.Outputs[0]] = tensor with { Name = node.Outputs[0] };
    }

    private void ImportShape(OnnxNode node)
    {
        string name = InputName(node, 0);
        long[] dims = _values.TryGetValue(name, out ImportedValue? x) ? new[] { Batch }.Concat(x.Dims).ToArray()
            : _constants.TryGetValue(name, out OnnxTensor? t) ? t.Dims
            : _integers.TryGetValue(name, out IntegerTensor? i) ? i.Dims
            : throw new UnsupportedNodeException($"its input '{name}' is not known");
        long start = Int(node, "start", 0), end = Int(node, "end", dims.Length);
        start = Math.Max(0, Math.Min(start < 0 ? start + dims.Length : start, dims.Length));
        end = Math.Max(start, Math.Min(end < 0 ? end + dims.Length : end, dims.Length));
        long[] values = dims.Skip((int)start).Take((int)(end - start)).ToArray();
        _integers[node.Outputs[0]] = new IntegerTensor(new long[] { values.Length }, values);
    }

    // ---- Shape arithmetic: the nodes PyTorch writes for x.view(x.size(0), -1) or a ZeroPad2d's pads ----

    private static readonly HashSet<string> ShapeOperators = new(StringComparer.Ordinal)
    {
        "Gather", "Unsqueeze", "Squeeze", "Concat", "Slice", "Cast", "Identity", "Reshape", "Transpose", "ConstantOfShape", "Add", "Sub", "Mul", "Div",
    };

    /// <summary>Whether a node computes integers from shapes and constants (every input an integer tensor).</summary>
    private bool IsShapeArithmetic(OnnxNode node) =>
        ShapeOperators.Contains(node.OpType) && HasInput(node, 0) && node.Inputs.Where(i => i.Length > 0).All(IsInteger);

    private void ImportShapeArithmetic(OnnxNode node)
    {
        try
        {
            if (node.OpType == "ConstantOfShape")
            {
                ImportConstantOfShape(node);
                return;
            }

            _integers[node.Outputs[0]] = EvaluateIntegers(node);
        }
        catch (ArgumentException e)
        {
            throw new UnsupportedNodeException("it computes integers NetDsl cannot follow: " + e.Message);
        }
    }

    private IntegerTensor EvaluateIntegers(OnnxNode node)
    {
        IntegerTensor x = Integers(node, 0, "input");
        switch (node.OpType)
        {
            case "Gather":
                return x.Gather(Integers(node, 1, "indices"), Int(node, "axis", 0));
            case "Unsqueeze":
                return x.Unsqueeze(Axes(node));
            case "Squeeze":
                return x.Squeeze(Axes(node));
            case "Concat":
                return IntegerTensor.Concat(Enumerable.Range(0, node.Inputs.Count).Where(k => HasInput(node, k)).Select(k => Integers(node, k, "input")).ToArray(), Int(node, "axis", 0));
            case "Slice":
                bool inputs = _opset >= 10;
                long[] starts = inputs ? Integers(node, 1, "starts").Values : Ints(node, "starts") ?? Array.Empty<long>();
                long[] ends = inputs ? Integers(node, 2, "ends").Values : Ints(node, "ends") ?? Array.Empty<long>();
                long[] axes = (inputs ? (HasInput(node, 3) ? Integers(node, 3, "axes").Values : null) : Ints(node, "axes")) ?? Enumerable.Range(0, starts.Length).Select(a => (long)a).ToArray();
                long[] steps = inputs && HasInput(node, 4) ? Integers(node, 4, "steps").Values : Enumerable.Repeat(1L, starts.Length).ToArray();
                return x.Slice(starts, ends, axes, steps);
            case "Reshape":
                return x.Reshape(Integers(node, 1, "shape").Values, Int(node, "allowzero", 0) != 0);
            case "Transpose":
                return x.Transpose(Ints(node, "perm"));
            case "Add" or "Sub" or "Mul" or "Div":
                return IntegerTensor.Arithmetic(node.OpType, x, Integers(node, 1, "operand"));
            default:
                return x; // Identity, Cast
        }
    }

    /// <summary>ConstantOfShape: integers (a ZeroPad2d's pads) stay with the shapes; other values are a constant.</summary>
    private void ImportConstantOfShape(OnnxNode node)
    {
        IntegerTensor shape = Integers(node, 0, "shape");
        OnnxTensor value = node.Attribute("value")?.T ?? new OnnxTensor(string.Empty, new long[] { 1 }, OnnxDataType.Float, new double[] { 0 }, null);
        if (value.Unreadable is not null || value.ElementCount != 1)
        {
            throw new UnsupportedNodeException("its value is not one number");
        }

        IntegerTensor filled = IntegerTensor.Filled(shape, (long)value.Values[0]);
        if (value.DataType is OnnxDataType.Int64 or OnnxDataType.Int32)
        {
            _integers[node.Outputs[0]] = filled;
        }
        else
        {
            _constants[node.Outputs[0]] = new OnnxTensor(node.Outputs[0], filled.Dims, value.DataType, Enumerable.Repeat(value.Values[0], filled.Values.Length).ToArray(), null);
        }
    }

    /// <summary>The axes of a Squeeze or Unsqueeze: an input from opset 13, an attribute before.</summary>
    private long[] Axes(OnnxNode node) =>
        _opset >= 13 ? (HasInput(node, 1) ? Integers(node, 1, "axes").Values : Array.Empty<long>()) : Ints(node, "axes") ?? Array.Empty<long>();

    private static string Describe(long[] dims) => IntegerTensor.Text(dims);
}
