using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Shapes;

/// <summary>
/// Applies Keras's defaults and shape rules to a <see cref="NetworkSpec"/>, through each layer's definition:
/// every layer's output shape and parameter tensors, or the diagnostics that say why it cannot be built. Settings
/// are checked first, all of them (they are independent: each wrong one gets its error). Shapes go on past a
/// layer that fails when its definition can say what it would output (<see cref="LayerDefinition.Recover"/>):
/// below it sizes are guesses, so only the errors a guess cannot cause are kept (a Dense fed a feature map, a
/// spatial layer fed a vector). Independent mistakes each get their error; follow-on errors are not invented.
/// </summary>
internal static class ShapeChecker
{
    /// <summary>Largest tensor, parameter buffer and workspace NetDsl generates code for: what one aligned array
    /// can hold (<see cref="System.Array"/>'s largest float array, less the alignment slack).</summary>
    public const long MaxElements = 2_147_483_591 - 16;

    public static NetworkModel Check(NetworkSpec spec)
    {
        var diagnostics = new List<DiagnosticInfo>(spec.Diagnostics);
        switch (spec.Status)
        {
            case SpecStatus.NotEmittable:
                return new NetworkModel(spec.Target, default, EquatableArray<LayerModel>.Empty, 0, ModelStatus.None, diagnostics.ToEquatableArray());
            case SpecStatus.Unreadable:
                return SurfaceOnly(spec, default, diagnostics);
        }

        string[] names = AssignNames(spec.Layers);
        if (!CheckStructure(spec, names, diagnostics, out LayerSpec? inputLayer) || inputLayer is null)
        {
            return SurfaceOnly(spec, default, diagnostics);
        }

        Shape input = InputLayer.ShapeOf(inputLayer);
        if (input.ElementCount > MaxElements)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, inputLayer.Location, "Input " + input, Format(input.ElementCount), "values", Format(MaxElements)));
            return SurfaceOnly(spec, default, diagnostics);
        }

        int[][]? sources = ResolveInputs(spec, names, diagnostics);
        if (sources is null)
        {
            return SurfaceOnly(spec, input, diagnostics);
        }

        // Spec index i (Input at 0) is layer i - 1; a source of 0 is the network's input (-1).
        var layers = new List<LayerModel>();
        var outputs = new Shape[spec.Layers.Count];
        var guessed = new bool[spec.Layers.Count];
        outputs[0] = input;
        long offset = 0;
        bool failed = false;
        for (int i = 1; i < spec.Layers.Count; i++)
        {
            LayerSpec layer = spec.Layers[i];
            LayerDefinition definition = LayerRegistry.ByClassName(layer.Kind)!;
            var inputs = new List<LayerInput>();
            bool fromGuess = false;
            for (int k = 0; k < sources[i].Length; k++)
            {
                int j = sources[i][k];
                inputs.Add(new LayerInput(j - 1, names[j], outputs[j], layer.Inputs.Count > k ? layer.Inputs[k].Location : null));
                fromGuess |= guessed[j];
            }

            // Below a layer that failed, shapes are guesses: keep only the errors a guess cannot cause.
            List<DiagnosticInfo> sink = fromGuess ? new List<DiagnosticInfo>() : diagnostics;
            var context = new LayerContext(definition, layer, i - 1, names[i], inputs, offset, sink, spec.IsText);
            LayerModel? checkedLayer = definition.Check(context);
            if (fromGuess)
            {
                diagnostics.AddRange(sink.Where(d => DependsOnRankOnly(d.Descriptor.Id)));
            }

            if (checkedLayer is null)
            {
                failed = true;
                if (definition.Recover(context) is not { } recovered)
                {
                    return SurfaceOnly(spec, input, diagnostics);
                }

                outputs[i] = recovered.Shape;
                guessed[i] = fromGuess || !recovered.Exact;
                continue;
            }

            outputs[i] = checkedLayer.Output;
            guessed[i] = fromGuess;
            layers.Add(checkedLayer);
            offset = context.Offset;
        }

        if (failed)
        {
            return SurfaceOnly(spec, input, diagnostics);
        }

        if (!CheckAllUsed(layers, diagnostics))
        {
            return SurfaceOnly(spec, input, diagnostics);
        }

        return new NetworkModel(spec.Target, input, layers.ToEquatableArray(), (int)offset, ModelStatus.Valid, diagnostics.ToEquatableArray(), InputName: names[0]);
    }

    /// <summary>Errors that only depend on whether a shape is a feature map or a vector, which a guessed shape
    /// below a failed layer gets right (its sizes it does not).</summary>
    private static bool DependsOnRankOnly(string id) =>
        id == DiagnosticDescriptors.DenseNeedsVector.Id || id == DiagnosticDescriptors.SpatialLayerNeedsFeatureMap.Id;

    /// <summary>Which earlier layers (spec indices) each layer reads: the one before it, or the names it gives.
    /// Null after reporting unknown names, forward references and merges without enough inputs.</summary>
    private static int[][]? ResolveInputs(NetworkSpec spec, string[] names, List<DiagnosticInfo> diagnostics)
    {
        bool ok = true;
        var sources = new int[spec.Layers.Count][];
        sources[0] = Array.Empty<int>();
        for (int i = 1; i < spec.Layers.Count; i++)
        {
            LayerSpec layer = spec.Layers[i];
            LayerDefinition definition = LayerRegistry.ByClassName(layer.Kind)!;
            string description = Describe(layer, names[i]);
            if (definition.IsMerge && layer.Inputs.Count < 2)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerInputs, layer.Inputs.Count == 1 ? layer.Inputs[0].Location ?? layer.Location : layer.Location, description,
                    $"merges two or more layers, named in order ({(layer.Inputs.Count == 0 ? "none is named" : "only '" + layer.Inputs[0].Text + "' is named")}); write for example {Example(definition, spec.Target.Origin)}"));
                ok = false;
                continue;
            }

            if (layer.Inputs.Count == 0)
            {
                sources[i] = new[] { i - 1 };
                continue;
            }

            sources[i] = new int[layer.Inputs.Count];
            for (int k = 0; k < layer.Inputs.Count; k++)
            {
                NameRef reference = layer.Inputs[k];
                LocationInfo? where = reference.Location ?? layer.Location;
                int j = Array.IndexOf(names, reference.Text);
                if (j < 0)
                {
                    string? closest = Closest(reference.Text, names.Take(i));
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownLayerName, where, description, reference.Text,
                        closest is null ? string.Empty : $"; did you mean '{closest}'?"));
                    ok = false;
                }
                else if (j >= i)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerReferenceNotEarlier, where, description, reference.Text,
                        j == i ? "is the layer itself" : "is written after it"));
                    ok = false;
                }

                sources[i][k] = j;
            }
        }

        return ok ? sources : null;
    }

    private static string Example(LayerDefinition merge, TargetOrigin origin) =>
        origin == TargetOrigin.File ? $"'{merge.Word} a b'" : $"[{merge.ClassName}(\"a\", \"b\")] or '{merge.Word} a b'";

    /// <summary>Every layer but the last feeds another: an unused branch is a mistake, not a dead end to drop.</summary>
    private static bool CheckAllUsed(List<LayerModel> layers, List<DiagnosticInfo> diagnostics)
    {
        var used = new bool[layers.Count];
        foreach (LayerModel layer in layers)
        {
            foreach (int source in layer.Sources)
            {
                if (source >= 0)
                {
                    used[source] = true;
                }
            }
        }

        bool ok = true;
        for (int i = 0; i < layers.Count - 1; i++)
        {
            if (!used[i])
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnusedLayer, layers[i].Location, $"{layers[i].Kind} '{layers[i].Name}'"));
                ok = false;
            }
        }

        return ok;
    }

    /// <summary>The name nearest to <paramref name="name"/> by edit distance (case differences cost little), when
    /// it is near enough to be a likely typo.</summary>
    internal static string? Closest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            int distance = string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase) ? 0 : Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return bestDistance <= Math.Max(2, name.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static NetworkModel SurfaceOnly(NetworkSpec spec, Shape input, List<DiagnosticInfo> diagnostics) =>
        new(spec.Target, input, EquatableArray<LayerModel>.Empty, 0, ModelStatus.SurfaceOnly, diagnostics.ToEquatableArray());

    /// <summary>The layers' names: the user's, or Keras's automatic ones (the first unnamed Conv2D is
    /// <c>conv2d</c>, the next <c>conv2d_1</c>, ...; the input is <c>input_layer</c>). Named layers do not count.</summary>
    private static string[] AssignNames(EquatableArray<LayerSpec> layers)
    {
        var counters = new Dictionary<string, int>();
        var names = new string[layers.Count];
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i].Name is { } given)
            {
                names[i] = given.Text;
                continue;
            }

            string prefix = LayerRegistry.ByClassName(layers[i].Kind)?.NamePrefix ?? layers[i].Kind.ToLowerInvariant();
            counters.TryGetValue(prefix, out int seen);
            names[i] = seen == 0 ? prefix : prefix + "_" + seen.ToString(CultureInfo.InvariantCulture);
            counters[prefix] = seen + 1;
        }

        return names;
    }

    /// <summary>Names are identifiers, unique, and stay apart in generated code (<c>conv_1</c> and <c>conv1</c>
    /// are both <c>Conv1</c> there). The planner checks the members each layer's name gives.</summary>
    private static bool CheckNames(NetworkSpec spec, string[] names, List<DiagnosticInfo> diagnostics)
    {
        bool ok = true;
        for (int i = 0; i < names.Length; i++)
        {
            LocationInfo? where = spec.Layers[i].Name?.Location ?? spec.Layers[i].Location;
            if (spec.Layers[i].Name is not null && !IsValidName(names[i]))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerName, where, names[i]));
                ok = false;
                continue;
            }

            for (int j = 0; j < i; j++)
            {
                if (names[j] == names[i])
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateLayerName, where, names[i], string.Empty));
                    ok = false;
                    break;
                }

                if (j == 0 || spec.Layers[i].Name is null && spec.Layers[j].Name is null)
                {
                    continue; // the input has no generated members; automatic names never clash
                }

                string a = Identifiers.Pascal(names[j]);
                if (a == Identifiers.Pascal(names[i]))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateLayerName, where, names[i], $" in generated code ('{names[j]}' and '{names[i]}' are both {a} there)"));
                    ok = false;
                    break;
                }
            }
        }

        return ok;
    }

    private static bool IsValidName(string name) =>
        name.Length > 0 && name.Length <= 128 && name[0] is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z')
        && name.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_');

    /// <summary>Input placement, names and every setting's own validity (independent of shapes).</summary>
    private static bool CheckStructure(NetworkSpec spec, string[] names, List<DiagnosticInfo> diagnostics, out LayerSpec? inputLayer)
    {
        bool ok = true;
        inputLayer = null;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            LayerSpec layer = spec.Layers[i];
            LayerDefinition? definition = LayerRegistry.ByClassName(layer.Kind);
            if (definition is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownLayerAttribute, layer.Location, layer.Kind));
                ok = false;
                continue;
            }

            if (definition is InputLayer)
            {
                if (inputLayer is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateInput, layer.Location, spec.Target.Name, InputLayer.DescribeSpec(inputLayer)));
                    ok = false;
                    continue;
                }

                inputLayer = layer;
                if (i != 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputNotFirst, layer.Location, spec.Target.Name, Describe(spec.Layers[0], names[0])));
                    ok = false;
                }
            }

            ok &= CheckArguments(definition, layer, Describe(layer, names[i]), diagnostics);
        }

        if (inputLayer is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingInput, spec.Location, spec.Target.Name,
                spec.IsText ? "'input HEIGHTxWIDTHxCHANNELS' (for example 'input 28x28x1')" : "[Input(height, width, channels)]"));
            ok = false;
        }
        else if (inputLayer.Inputs.Count > 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerInputs, inputLayer.Inputs[0].Location ?? inputLayer.Location, InputLayer.DescribeSpec(inputLayer),
                "is where the network starts: it takes no From"));
            ok = false;
        }

        return CheckNames(spec, names, diagnostics) && ok;
    }

    /// <summary>Each setting against its schema: known, a value its rule accepts.</summary>
    private static bool CheckArguments(LayerDefinition definition, LayerSpec layer, string description, List<DiagnosticInfo> diagnostics)
    {
        bool ok = true;
        foreach (LayerArgument argument in layer.Arguments)
        {
            LocationInfo? where = argument.Location ?? layer.Location;
            Argument? schema = definition.Schema.Find(argument.Name);
            if (schema is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownSetting, where, definition.ClassName, argument.Name));
                ok = false;
                continue;
            }

            if (schema.Accepts(argument.Value, out double rejected))
            {
                continue;
            }

            ok = false;
            switch (schema.Type)
            {
                case ArgumentType.Padding:
                case ArgumentType.Activation:
                case ArgumentType.Interpolation:
                case ArgumentType.FixedKernel:
                case ArgumentType.FixedKernelList:
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidEnumValue, where, (int)rejected,
                        schema.Type == ArgumentType.FixedKernelList ? nameof(FixedKernel) : schema.Type.ToString(), description));
                    break;
                case ArgumentType.Integer when schema.Rule == ArgumentRule.Positive:
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NonPositiveValue, where, schema.Display, description, argument.Value.Integer));
                    break;
                default:
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, where, schema.Display, description, schema.Expectation, schema.Format(rejected)));
                    break;
            }
        }

        return ok;
    }

    private static string Describe(LayerSpec layer, string name) =>
        layer.Kind == LayerRegistry.Input.ClassName ? InputLayer.DescribeSpec(layer) : $"{layer.Kind} '{name}'";

    private static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
