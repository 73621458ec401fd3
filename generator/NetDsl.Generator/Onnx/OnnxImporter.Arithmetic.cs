using System.Linq;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Shapes;

namespace NetDsl.Generator.Onnx;

/// <summary>Operators that compute with weights or combine values: Gemm and MatMul (Dense), the element-wise merges,
/// constants folded into a bias, BatchNormalization.</summary>
internal sealed partial class OnnxImporter
{
    // ---- Fully connected ----

    private void ImportGemm(OnnxNode node)
    {
        ImportedValue x = VectorInput(node);
        if (Int(node, "transA", 0) != 0)
        {
            throw new UnsupportedNodeException("it transposes its input (transA = 1); NetDsl's Dense reads a batch of vectors");
        }

        OnnxTensor b = Constant(node, 1, "weight");
        bool transposed = Int(node, "transB", 0) != 0;
        (int inputs, int units) = DenseSizes(node, x, b, transposed);
        float alpha = Float(node, "alpha", 1f), beta = Float(node, "beta", 1f);
        OnnxTensor? c = OptionalConstant(node, 2, "bias");
        float[]? bias = null;
        if (c is not null)
        {
            bias = c.ElementCount == 1 ? Enumerable.Repeat((float)c.Values[0], units).ToArray()
                : c.ElementCount == units && c.Dims.Length is 1 or 2 && c.Dims[c.Dims.Length - 1] == units ? c.ToFloats()
                : throw new UnsupportedNodeException($"its bias has dims [{string.Join(", ", c.Dims)}]; NetDsl's Dense adds one bias per unit ([{units}])");
            bias = bias.Select(v => beta * v).ToArray();
        }

        AddDense(node, x, WeightLayouts.DenseKernel(b.ToFloats(), inputs, units, transposed, alpha), inputs, units, bias);
    }

    private void ImportMatMul(OnnxNode node)
    {
        ImportedValue x = VectorInput(node);
        OnnxTensor b = Constant(node, 1, "weight");
        (int inputs, int units) = DenseSizes(node, x, b, transposed: false);
        AddDense(node, x, WeightLayouts.DenseKernel(b.ToFloats(), inputs, units, transposed: false, scale: 1f), inputs, units, bias: null);
    }

    private ImportedValue VectorInput(OnnxNode node)
    {
        ImportedValue x = Value(node, 0);
        if (x.Rank != 2)
        {
            throw new UnsupportedNodeException($"it multiplies {x.Describe()}; NetDsl imports it as a Dense layer on a batch of vectors [n, F] (flatten the map first)");
        }

        return x;
    }

    private static (int Inputs, int Units) DenseSizes(OnnxNode node, ImportedValue x, OnnxTensor b, bool transposed)
    {
        if (b.Dims.Length != 2)
        {
            throw new UnsupportedNodeException($"its weight has dims [{string.Join(", ", b.Dims)}]; a Dense layer's weight is a matrix");
        }

        int inputs = (int)b.Dims[transposed ? 1 : 0], units = (int)b.Dims[transposed ? 0 : 1];
        if (inputs != x.Shape.Length)
        {
            throw new UnsupportedNodeException($"its weight [{string.Join(", ", b.Dims)}] reads {inputs} features, but its input {x.Describe()} has {x.Shape.Length}");
        }

        return (inputs, units);
    }

    /// <summary>A Dense layer; the rows of a kernel reading a map flattened channel first are reordered for
    /// NetDsl's channels-last Flatten.</summary>
    private void AddDense(OnnxNode node, ImportedValue x, float[] kernel, int inputs, int units, float[]? bias)
    {
        if (x.Layout == ValueLayout.FlattenedChannelsFirst)
        {
            kernel = WeightLayouts.RowsToChannelsLast(kernel, units, x.FlattenedMap);
        }

        ImportedLayer layer = AddLayer(node, Dense, new[] { x }, Shape.Vector(units)).With(DenseLayer.Units, units)
            .WithTensor("kernel", new[] { inputs, units }, kernel);
        if (bias is not null)
        {
            layer.WithTensor("bias", new[] { units }, bias);
        }

        Produce(node, layer, ValueLayout.Features);
    }

    // ---- Element-wise ----

    private void ImportElementwise(OnnxNode node)
    {
        if (_patterns.TryGetValue(node, out (Activation Activation, ImportedValue Input) pattern))
        {
            ApplyActivation(node, pattern.Input, pattern.Activation, consumed: 2);
            return;
        }

        string[] inputs = node.Inputs.Where(i => i.Length > 0).ToArray();
        if (inputs.Length == 0)
        {
            throw new UnsupportedNodeException("it has no inputs");
        }

        if (inputs.All(IsComputed))
        {
            ImportMerge(node, inputs.Select(i => _values[i]).ToArray());
            return;
        }

        if (node.OpType is "Add" or "Sub" && inputs.Length == 2 && IsComputed(inputs[0]) && !IsComputed(inputs[1]))
        {
            FoldBias(node, _values[inputs[0]], Constant(node, 1, "addend"), node.OpType == "Sub" ? -1f : 1f);
            return;
        }

        if (node.OpType == "Add" && inputs.Length == 2 && IsComputed(inputs[1]) && !IsComputed(inputs[0]))
        {
            FoldBias(node, _values[inputs[1]], Constant(node, 0, "addend"), 1f);
            return;
        }

        string constant = inputs.First(i => !IsComputed(i));
        throw new UnsupportedNodeException($"it combines a computed value with the constant '{constant}'; NetDsl has no layer that {Verb(node.OpType)} a constant (only a bias right after a Conv, Gemm or MatMul folds into it)");
    }

    private static string Verb(string opType) => opType switch
    {
        "Mul" => "multiplies by",
        "Sub" => "subtracts",
        "Max" => "takes the maximum with",
        "Mean" => "averages with",
        _ => "adds",
    };

    private void ImportDiv(OnnxNode node)
    {
        if (TryMatchGelu(node))
        {
            return;
        }

        throw new UnsupportedNodeException("NetDsl has no layer that divides (only PyTorch's exact GELU pattern, x * 0.5 * (1 + erf(x / sqrt 2)), is recognised)");
    }

    private void ImportMerge(OnnxNode node, ImportedValue[] inputs)
    {
        LayerDefinition definition = Merges[node.OpType];
        if (inputs.Length == 1)
        {
            Alias(node, inputs[0]);
            return;
        }

        if (node.OpType == "Sub" && inputs.Length != 2)
        {
            throw new UnsupportedNodeException("it has more than two inputs");
        }

        ImportedValue first = inputs[0];
        foreach (ImportedValue other in inputs.Skip(1))
        {
            if (other.Shape != first.Shape || other.Layout != first.Layout || other.FlattenedMap != first.FlattenedMap)
            {
                throw new UnsupportedNodeException($"it combines {first.Describe()} with {other.Describe()}{(other.Shape == first.Shape ? " in another layout" : string.Empty)}; NetDsl's {definition.ClassName} combines values of one shape, without broadcasting");
            }
        }

        ImportedLayer layer = AddLayer(node, definition, inputs, first.Shape);
        bool nonNegative = node.OpType == "Max" ? inputs.Any(i => i.NonNegative) : node.OpType != "Sub" && inputs.All(i => i.NonNegative);
        Produce(node, layer, first.Layout, nonNegative, first.FlattenedMap);
    }

    /// <summary>A constant added to (or subtracted from) the output of a Conv, Gemm or MatMul that nothing else
    /// reads: its bias.</summary>
    private void FoldBias(OnnxNode node, ImportedValue x, OnnxTensor addend, float sign)
    {
        ImportedLayer? layer = x.Layer >= 0 ? _layers[x.Layer] : null;
        if (layer is null || !layer.Definition.Schema.Arguments.Contains(CommonSettings.UseBiasArgument) || layer.Activation != Activation.None || layer.Readers != 1)
        {
            throw new UnsupportedNodeException($"it adds the constant '{addend.Name}' to a value that is not the output of a Conv, Gemm or MatMul read by this node alone; NetDsl has no layer that adds a constant");
        }

        int channels = x.Channels;
        long[] dims = addend.Dims;
        bool perChannel = addend.ElementCount == channels && x.Layout switch
        {
            ValueLayout.ChannelsFirst => dims.Length >= 3 && dims[dims.Length - 3] == channels,
            _ => dims.Length >= 1 && dims[dims.Length - 1] == channels,
        };
        if (addend.ElementCount != 1 && !perChannel)
        {
            throw new UnsupportedNodeException($"it adds the constant '{addend.Name}' of dims [{string.Join(", ", dims)}] to {x.Describe()}; NetDsl folds only one value per channel into {layer.Name}'s bias");
        }

        float[] values = addend.ElementCount == 1 ? Enumerable.Repeat((float)addend.Values[0], channels).ToArray() : addend.ToFloats();
        float[] bias = layer.HasBias ? layer.Tensor("bias") : new float[channels];
        float[] sum = bias.Select((b, k) => b + (sign * values[k])).ToArray();
        if (layer.HasBias)
        {
            layer.SetTensor("bias", sum);
        }
        else
        {
            layer.WithTensor("bias", new[] { channels }, sum);
        }

        Alias(node, x);
    }

    private void ImportBatchNormalization(OnnxNode node)
    {
        ImportedValue x = Value(node, 0);
        if (x.Layout == ValueLayout.ChannelsLast)
        {
            throw new UnsupportedNodeException($"it normalises axis 1 of {x.Describe()}, a map laid out NHWC (its rows, not its channels)");
        }

        if (Int(node, "training_mode", 0) != 0 || Int(node, "spatial", 1) != 1)
        {
            throw new UnsupportedNodeException("it runs in training mode or per location (spatial = 0); NetDsl imports inference batch normalisation per channel");
        }

        if (node.Outputs.Skip(1).Any(o => o.Length > 0 && Readers(o) > 0))
        {
            throw new UnsupportedNodeException("the graph reads its running statistics (training outputs)");
        }

        int channels = x.Layout == ValueLayout.ChannelsFirst ? x.Channels : x.Shape.Length;
        string[] roles = { "gamma", "beta", "moving_mean", "moving_variance" };
        string[] names = { "scale", "bias", "mean", "variance" };
        var tensors = new float[4][];
        for (int k = 0; k < 4; k++)
        {
            OnnxTensor t = Constant(node, k + 1, names[k]);
            CheckLength(t, channels, names[k]);
            tensors[k] = x.Layout == ValueLayout.FlattenedChannelsFirst ? WeightLayouts.ToChannelsLast(t.ToFloats(), x.FlattenedMap) : t.ToFloats();
        }

        double epsilon = Real(Float(node, "epsilon", 1e-5f)), momentum = Real(Float(node, "momentum", 0.9f));
        if (!(epsilon > 0) || double.IsInfinity(epsilon) || !(momentum is >= 0 and <= 1))
        {
            throw new UnsupportedNodeException($"its epsilon {Format(epsilon)} or momentum {Format(momentum)} is out of range (epsilon > 0, momentum in [0, 1])");
        }

        // ONNX's running mean is mean * momentum + batch mean * (1 - momentum), as Keras's: the same momentum.
        ImportedLayer layer = AddLayer(node, BatchNormalization, new[] { x }, x.Shape);
        if (momentum != 0.99)
        {
            layer.With(BatchNormalizationLayer.Momentum, momentum);
        }

        if (epsilon != 0.001)
        {
            layer.With(BatchNormalizationLayer.Epsilon, epsilon);
        }

        for (int k = 0; k < 4; k++)
        {
            layer.WithTensor(roles[k], new[] { channels }, tensors[k]);
        }

        Produce(node, layer, x.Layout, flattenedMap: x.FlattenedMap);
    }
}
