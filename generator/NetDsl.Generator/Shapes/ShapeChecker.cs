using System.Collections.Generic;
using System.Globalization;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Shapes;

/// <summary>
/// Applies Keras's defaults and shape rules to a <see cref="NetworkSpec"/>, through each layer's definition:
/// every layer's output shape and parameter tensors, or the diagnostics that say why it cannot be built. Settings
/// are checked first, all of them (they are independent: each wrong one gets its error); shapes then stop at the
/// first error (later shapes are unknown).
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

        string[] names = AssignKerasNames(spec.Layers);
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

        var layers = new List<LayerModel>();
        Shape shape = input;
        long offset = 0;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            LayerSpec layer = spec.Layers[i];
            LayerDefinition definition = LayerRegistry.ByClassName(layer.Kind)!;
            if (definition is InputLayer)
            {
                continue;
            }

            var context = new LayerContext(definition, layer, layers.Count, names[i], shape, offset, diagnostics);
            LayerModel? checkedLayer = definition.Check(context);
            if (checkedLayer is null)
            {
                return SurfaceOnly(spec, input, diagnostics);
            }

            layers.Add(checkedLayer);
            offset = context.Offset;
            shape = checkedLayer.Output;
        }

        return new NetworkModel(spec.Target, input, layers.ToEquatableArray(), (int)offset, ModelStatus.Valid, diagnostics.ToEquatableArray());
    }

    private static NetworkModel SurfaceOnly(NetworkSpec spec, Shape input, List<DiagnosticInfo> diagnostics) =>
        new(spec.Target, input, EquatableArray<LayerModel>.Empty, 0, ModelStatus.SurfaceOnly, diagnostics.ToEquatableArray());

    /// <summary>Keras's automatic names: the first Conv2D is <c>conv2d</c>, the next <c>conv2d_1</c>, ...</summary>
    private static string[] AssignKerasNames(EquatableArray<LayerSpec> layers)
    {
        var counters = new Dictionary<string, int>();
        var names = new string[layers.Count];
        for (int i = 0; i < layers.Count; i++)
        {
            string prefix = LayerRegistry.ByClassName(layers[i].Kind)?.NamePrefix ?? layers[i].Kind.ToLowerInvariant();
            counters.TryGetValue(prefix, out int seen);
            names[i] = seen == 0 ? prefix : prefix + "_" + seen.ToString(CultureInfo.InvariantCulture);
            counters[prefix] = seen + 1;
        }

        return names;
    }

    /// <summary>Input placement and every setting's own validity (independent of shapes).</summary>
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
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingInput, spec.Location, spec.Target.Name));
            ok = false;
        }

        return ok;
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

            if (schema.Accepts(argument.Value.Number))
            {
                continue;
            }

            ok = false;
            switch (schema.Type)
            {
                case ArgumentType.Padding:
                case ArgumentType.Activation:
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidEnumValue, where, argument.Value.Integer, schema.Type.ToString(), description));
                    break;
                case ArgumentType.Integer when schema.Rule == ArgumentRule.Positive:
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NonPositiveValue, where, schema.Display, description, argument.Value.Integer));
                    break;
                default:
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, where, schema.Display, description, schema.Expectation, schema.Format(argument.Value.Number)));
                    break;
            }
        }

        return ok;
    }

    private static string Describe(LayerSpec layer, string name) =>
        layer.Kind == LayerRegistry.Input.ClassName ? InputLayer.DescribeSpec(layer) : $"{layer.Kind} '{name}'";

    private static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
