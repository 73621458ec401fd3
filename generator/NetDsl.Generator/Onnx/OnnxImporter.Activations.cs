using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Layers;

namespace NetDsl.Generator.Onnx;

/// <summary>Activation operators, alone or written as several nodes (swish, PyTorch's exact GELU): folded into the
/// layer before them where possible.</summary>
internal sealed partial class OnnxImporter
{
    /// <summary>
    /// Applies an activation to <paramref name="x"/>: folded into the layer that computes it when that layer has an
    /// activation setting, no other reader, and no activation yet or one the new one composes with (PyTorch's ReLU6
    /// is a Relu then a Clip); else a layer of its own. The layer may sit behind layers the activation commutes
    /// with: a Cropping2D, Flatten or Reshape for any element-wise activation, a max pooling for a non-decreasing
    /// one (PyTorch's <c>relu(max_pool2d(conv(x)))</c> is Keras's <c>conv relu, maxpool</c>).
    /// <paramref name="consumed"/> is how many reads of x the node (or pattern) makes.
    /// </summary>
    private void ApplyActivation(OnnxNode node, ImportedValue x, Activation activation, int consumed = 1, double slope = Activations.DefaultSlope)
    {
        bool nonNegative = activation is Activation.ReLU or Activation.ReLU6 or Activation.Sigmoid or Activation.Softmax or Activation.Softplus or Activation.HardSigmoid;
        ImportedLayer? target = FusionTarget(x, consumed, activation);
        Activation? combined = target is null || (activation == Activation.LeakyReLU && slope != Activations.DefaultSlope) ? null : Compose(target.Activation, activation);
        if (target is not null && combined is not null)
        {
            target.Activation = combined.Value;
            Alias(node, x with { NonNegative = nonNegative }, consumed);
            return;
        }

        ImportedLayer layer;
        if (activation == Activation.LeakyReLU)
        {
            layer = AddLayer(node, LeakyReLU, new[] { x }, x.Shape);
            if (slope != LeakyReLUAttribute.DefaultNegativeSlope)
            {
                layer.With(LeakyReLULayer.NegativeSlope, slope);
            }
        }
        else
        {
            layer = AddLayer(node, ActivationKind, new[] { x }, x.Shape).With(ActivationLayer.Kind, (int)activation);
        }

        Produce(node, layer, x.Layout, nonNegative, x.FlattenedMap);
    }

    /// <summary>One activation for <paramref name="second"/> after <paramref name="first"/>, or null.</summary>
    private static Activation? Compose(Activation first, Activation second) => (first, second) switch
    {
        (Activation.None, _) => second,
        (Activation.ReLU, Activation.ReLU or Activation.ReLU6) => second,
        (Activation.ReLU6, Activation.ReLU or Activation.ReLU6) => Activation.ReLU6,
        _ => null,
    };

    /// <summary>The layer an activation of <paramref name="x"/> can become part of, or null.</summary>
    private ImportedLayer? FusionTarget(ImportedValue x, int consumed, Activation activation)
    {
        if (x.Layer < 0)
        {
            return null;
        }

        bool elementwise = activation != Activation.Softmax;
        bool nonDecreasing = elementwise && activation is not (Activation.GELU or Activation.Swish);
        ImportedLayer layer = _layers[x.Layer];
        int reads = consumed;
        while (layer.Readers == reads && layer.Sources[0] >= 0
            && ((elementwise && (layer.Definition == Cropping2D || layer.Definition == Flatten || layer.Definition == Reshape))
                || (nonDecreasing && (layer.Definition == MaxPooling2D || layer.Definition == GlobalMaxPooling2D))))
        {
            layer = _layers[layer.Sources[0]];
            reads = 1;
        }

        return layer.TakesActivation && layer.Readers == reads ? layer : null;
    }

    private void ImportSoftmax(OnnxNode node)
    {
        ImportedValue x = Value(node, 0);
        long axis = Int(node, "axis", _opset >= 13 ? -1 : 1);
        if (axis < 0)
        {
            axis += x.Rank;
        }

        // Before opset 13 the input is seen as [n, everything from the axis on]; from 13 on, one axis.
        bool ok = x.Layout switch
        {
            ValueLayout.ChannelsFirst => axis == 1 && (_opset >= 13 || x.Height * x.Width == 1),
            ValueLayout.ChannelsLast => axis == 3 || (axis == 1 && _opset < 13 && x.Height * x.Width == 1),
            _ => axis == 1,
        };
        if (!ok)
        {
            throw new UnsupportedNodeException($"it normalises axis {axis} of {x.Describe()}{(_opset < 13 ? " and the axes after it" : string.Empty)}; NetDsl's softmax runs over the channels");
        }

        ApplyActivation(node, x, Activation.Softmax);
    }

    /// <summary>A sigmoid, or with the Mul after it that multiplies by its input, a swish (PyTorch's SiLU).</summary>
    private void ImportSigmoid(OnnxNode node)
    {
        ImportedValue x = Value(node, 0);
        string input = node.Inputs[0], output = node.Outputs[0];
        if (Readers(output) == 1 && _consumers.TryGetValue(output, out List<OnnxNode>? readers) && readers[0] is { OpType: "Mul" } mul
            && mul.Inputs.Count == 2 && mul.Inputs.Contains(input) && mul.Inputs.Contains(output))
        {
            _patterns[mul] = (Activation.Swish, x);
            return;
        }

        ApplyActivation(node, x, Activation.Sigmoid);
    }

    private void ImportClip(OnnxNode node)
    {
        ImportedValue x = Value(node, 0);
        double min, max;
        if (_opset >= 11)
        {
            min = OptionalConstant(node, 1, "minimum")?.Values[0] ?? double.NegativeInfinity;
            max = OptionalConstant(node, 2, "maximum")?.Values[0] ?? double.PositiveInfinity;
        }
        else
        {
            min = Float(node, "min", float.MinValue);
            max = Float(node, "max", float.MaxValue);
        }

        Activation activation = min == 0 && max == 6 ? Activation.ReLU6
            : min == 0 && max >= float.MaxValue ? Activation.ReLU
            : throw new UnsupportedNodeException($"it clips to [{Format(min)}, {Format(max)}]; NetDsl has ReLU ([0, inf)) and ReLU6 ([0, 6])");
        ApplyActivation(node, x, activation);
    }

    private void ImportLeakyRelu(OnnxNode node, double slope)
    {
        if (!(slope >= 0) || double.IsInfinity(slope))
        {
            throw new UnsupportedNodeException($"its slope {Format(slope)} is negative; NetDsl's LeakyReLU takes a slope of at least 0");
        }

        ApplyActivation(node, Value(node, 0), Activation.LeakyReLU, slope: slope);
    }

    private void ImportPRelu(OnnxNode node)
    {
        OnnxTensor slope = Constant(node, 1, "slope");
        if (slope.ElementCount != 1)
        {
            throw new UnsupportedNodeException($"its slope has {slope.ElementCount} values (one per channel); NetDsl's LeakyReLU has one slope");
        }

        ImportLeakyRelu(node, Real((float)slope.Values[0]));
    }

    /// <summary>An activation whose settings must be the ones NetDsl's has.</summary>
    private void ImportParameterizedActivation(OnnxNode node, Activation activation, params (string Name, float Value, double Expected)[] settings)
    {
        foreach ((string name, float value, double expected) in settings)
        {
            if (Math.Abs(value - expected) > 1e-6 * Math.Max(1, Math.Abs(expected)))
            {
                throw new UnsupportedNodeException($"its {name} is {Format(Real(value))}; NetDsl's {Activations.Word(activation)} has {name} {Format(expected)}");
            }
        }

        ApplyActivation(node, Value(node, 0), activation);
    }

    private void ImportGelu(OnnxNode node)
    {
        string approximate = Text(node, "approximate", "none");
        if (approximate != "none")
        {
            throw new UnsupportedNodeException($"it is the {approximate} approximation of GELU; NetDsl's gelu is the exact one");
        }

        ApplyActivation(node, Value(node, 0), Activation.GELU);
    }

    /// <summary>
    /// PyTorch (before opset 20) writes the exact GELU as <c>Mul(Mul(x, Add(Erf(Div(x, 1.4142135)), 1)), 0.5)</c>
    /// (the last Mul's operands in either order). At the Div, the whole chain is matched; its inner nodes are
    /// absorbed and the last Mul applies GELU.
    /// </summary>
    private bool TryMatchGelu(OnnxNode div)
    {
        if (div.Inputs.Count != 2 || !IsComputed(div.Inputs[0]) || !IsScalar(div.Inputs[1], Math.Sqrt(2), 1e-6))
        {
            return false;
        }

        string x = div.Inputs[0];
        OnnxNode? erf = SoleReader(div.Outputs[0], "Erf");
        OnnxNode? add = erf is null ? null : SoleReader(erf.Outputs[0], "Add");
        if (add is null || !add.Inputs.Any(i => IsScalar(i, 1, 0)))
        {
            return false;
        }

        OnnxNode? first = SoleReader(add.Outputs[0], "Mul");
        if (first is null || !first.Inputs.Contains(x))
        {
            return false;
        }

        OnnxNode? half = SoleReader(first.Outputs[0], "Mul");
        if (half is null || !half.Inputs.Any(i => IsScalar(i, 0.5, 0)))
        {
            return false;
        }

        _absorbed.UnionWith(new[] { erf!, add, first });
        _patterns[half] = (Activation.GELU, _values[x]);
        return true;
    }

    private OnnxNode? SoleReader(string value, string opType) =>
        Readers(value) == 1 && _consumers.TryGetValue(value, out List<OnnxNode>? readers) && readers[0].OpType == opType ? readers[0] : null;

    private bool IsScalar(string name, double value, double tolerance) =>
        _constants.TryGetValue(name, out OnnxTensor? t) && t.IsReadable && t.ElementCount == 1 && Math.Abs(t.Values[0] - value) <= tolerance * Math.Abs(value);
}
