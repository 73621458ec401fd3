using System;
using System.Collections.Generic;
using System.Globalization;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Shapes;

/// <summary>
/// Applies Keras's defaults and shape rules to a <see cref="NetworkSpec"/>: every layer's output shape,
/// padding and parameter offsets, or the diagnostic that says why it cannot be built. One mistake gives one
/// diagnostic: argument errors are all reported (they are independent), shape errors stop at the first
/// (later shapes are unknown).
/// </summary>
internal static class ShapeChecker
{
    /// <summary>Largest tensor, and largest parameter buffer, NetDsl generates code for.</summary>
    public const long MaxElements = int.MaxValue;

    public static NetworkModel Check(NetworkSpec spec)
    {
        var diagnostics = new List<DiagnosticInfo>(spec.Diagnostics);
        switch (spec.Status)
        {
            case SpecStatus.NotEmittable:
                return new NetworkModel(spec.Target, default, EquatableArray<LayerPlan>.Empty, 0, ModelStatus.None, diagnostics.ToEquatableArray());
            case SpecStatus.Unreadable:
                return SurfaceOnly(spec, default, diagnostics);
        }

        string[] names = AssignKerasNames(spec.Layers);
        if (!CheckStructure(spec, names, diagnostics, out LayerSpec? inputLayer) || inputLayer is null)
        {
            return SurfaceOnly(spec, default, diagnostics);
        }

        Shape input = inputLayer.Find(ArgumentKind.Length) is { } length
            ? Shape.Vector(length.Value)
            : Shape.Map(Value(inputLayer, ArgumentKind.Height, 0), Value(inputLayer, ArgumentKind.Width, 0), Value(inputLayer, ArgumentKind.Channels, 0));
        if (input.ElementCount > MaxElements)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, inputLayer.Location, "Input " + input, Format(input.ElementCount), "values", Format(MaxElements)));
            return SurfaceOnly(spec, default, diagnostics);
        }

        var plans = new List<LayerPlan>();
        Shape shape = input;
        long offset = 0;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            LayerSpec layer = spec.Layers[i];
            if (layer.Kind == LayerKind.Input)
            {
                continue;
            }

            LayerPlan? plan = Plan(layer, plans.Count, names[i], shape, ref offset, diagnostics);
            if (plan is null)
            {
                return SurfaceOnly(spec, input, diagnostics);
            }

            plans.Add(plan);
            shape = plan.Output;
        }

        return new NetworkModel(spec.Target, input, plans.ToEquatableArray(), (int)offset, ModelStatus.Valid, diagnostics.ToEquatableArray());
    }

    private static NetworkModel SurfaceOnly(NetworkSpec spec, Shape input, List<DiagnosticInfo> diagnostics) =>
        new(spec.Target, input, EquatableArray<LayerPlan>.Empty, 0, ModelStatus.SurfaceOnly, diagnostics.ToEquatableArray());

    /// <summary>Keras's automatic names: the first Conv2D is <c>conv2d</c>, the next <c>conv2d_1</c>, ...</summary>
    private static string[] AssignKerasNames(EquatableArray<LayerSpec> layers)
    {
        var counters = new Dictionary<string, int>();
        var names = new string[layers.Count];
        for (int i = 0; i < layers.Count; i++)
        {
            string prefix = layers[i].Kind.KerasNamePrefix();
            counters.TryGetValue(prefix, out int seen);
            names[i] = seen == 0 ? prefix : prefix + "_" + seen.ToString(CultureInfo.InvariantCulture);
            counters[prefix] = seen + 1;
        }

        return names;
    }

    /// <summary>Input placement and every argument's own validity (independent of shapes).</summary>
    private static bool CheckStructure(NetworkSpec spec, string[] names, List<DiagnosticInfo> diagnostics, out LayerSpec? inputLayer)
    {
        bool ok = true;
        inputLayer = null;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            LayerSpec layer = spec.Layers[i];
            if (layer.Kind == LayerKind.Input)
            {
                if (inputLayer is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateInput, layer.Location, spec.Target.Name, DescribeInput(inputLayer)));
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

            ok &= CheckArguments(layer, Describe(layer, names[i]), diagnostics);
        }

        if (inputLayer is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingInput, spec.Location, spec.Target.Name));
            ok = false;
        }

        return ok;
    }

    private static bool CheckArguments(LayerSpec layer, string description, List<DiagnosticInfo> diagnostics)
    {
        bool ok = true;
        foreach (LayerArgument argument in layer.Arguments)
        {
            LocationInfo? where = argument.Location ?? layer.Location;
            switch (argument.Name)
            {
                case ArgumentKind.Padding:
                    if (!Enum.IsDefined(typeof(PaddingKind), argument.Value))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidEnumValue, where, argument.Value, "Padding", description));
                        ok = false;
                    }

                    break;
                case ArgumentKind.Activation:
                    if (!Enum.IsDefined(typeof(ActivationKind), argument.Value))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidEnumValue, where, argument.Value, "Activation", description));
                        ok = false;
                    }

                    break;
                case ArgumentKind.UseBias:
                    break;
                default:
                    if (argument.Value < 1)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NonPositiveValue, where, argument.Name.DisplayName(), description, argument.Value));
                        ok = false;
                    }

                    break;
            }
        }

        return ok;
    }

    private static LayerPlan? Plan(LayerSpec layer, int index, string name, Shape input, ref long offset, List<DiagnosticInfo> diagnostics)
    {
        string description = Describe(layer, name);
        var activation = (ActivationKind)Value(layer, ArgumentKind.Activation, 0);
        bool useBias = Value(layer, ArgumentKind.UseBias, 1) != 0;
        Shape output;
        int units = 0;
        Window window = default;
        var padding = (PaddingKind)Value(layer, ArgumentKind.Padding, 0);
        var parameters = new List<ParameterPlan>();

        if (layer.Kind.IsSpatial() && !input.IsMap)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SpatialLayerNeedsFeatureMap, layer.Location, description, input.ToString()));
            return null;
        }

        switch (layer.Kind)
        {
            case LayerKind.Conv2D:
            {
                units = Value(layer, ArgumentKind.Filters, 1);
                int kh = Value(layer, ArgumentKind.KernelHeight, 1), kw = Value(layer, ArgumentKind.KernelWidth, 1);
                int sh = Value(layer, ArgumentKind.StrideHeight, 1), sw = Value(layer, ArgumentKind.StrideWidth, 1);
                if (!TryWindow(layer, description, "kernel", input, kh, kw, sh, sw, padding, diagnostics, out window, out int oh, out int ow))
                {
                    return null;
                }

                output = Shape.Map(oh, ow, units);
                if (!TryAddParameter(parameters, "kernel", new[] { kh, kw, input.Channels, units }, "GlorotUniform", description, layer, ref offset, diagnostics)
                    || (useBias && !TryAddParameter(parameters, "bias", new[] { units }, "Zeros", description, layer, ref offset, diagnostics)))
                {
                    return null;
                }

                break;
            }

            case LayerKind.MaxPooling2D:
            case LayerKind.AveragePooling2D:
            {
                int ph = Value(layer, ArgumentKind.PoolHeight, 2), pw = Value(layer, ArgumentKind.PoolWidth, 2);
                int sh = Value(layer, ArgumentKind.StrideHeight, ph), sw = Value(layer, ArgumentKind.StrideWidth, pw);
                if (!TryWindow(layer, description, "pool", input, ph, pw, sh, sw, padding, diagnostics, out window, out int oh, out int ow))
                {
                    return null;
                }

                output = Shape.Map(oh, ow, input.Channels);
                activation = ActivationKind.None;
                useBias = false;
                break;
            }

            case LayerKind.GlobalAveragePooling2D:
            case LayerKind.GlobalMaxPooling2D:
                output = Shape.Vector(input.Channels);
                activation = ActivationKind.None;
                useBias = false;
                break;

            case LayerKind.Flatten:
                output = Shape.Vector(input.Length);
                activation = ActivationKind.None;
                useBias = false;
                break;

            case LayerKind.Dense:
                if (input.IsMap)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DenseNeedsVector, layer.Location, description, input.ToString()));
                    return null;
                }

                units = Value(layer, ArgumentKind.Units, 1);
                output = Shape.Vector(units);
                if (!TryAddParameter(parameters, "kernel", new[] { input.Length, units }, "GlorotUniform", description, layer, ref offset, diagnostics)
                    || (useBias && !TryAddParameter(parameters, "bias", new[] { units }, "Zeros", description, layer, ref offset, diagnostics)))
                {
                    return null;
                }

                break;

            case LayerKind.Activation:
                output = input;
                useBias = false;
                break;

            default:
                return null;
        }

        if (output.ElementCount > MaxElements)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, layer.Location, description, Format(output.ElementCount), "output values", Format(MaxElements)));
            return null;
        }

        return new LayerPlan(index, layer.Kind, name, input, output, units, window, padding, activation, useBias, parameters.ToEquatableArray());
    }

    /// <summary>TensorFlow's window arithmetic. Valid: <c>out = floor((in - k) / s) + 1</c>. Same:
    /// <c>out = ceil(in / s)</c>, padding <c>max((out - 1) * s + k - in, 0)</c> with the odd pixel at the
    /// bottom/right.</summary>
    private static bool TryWindow(
        LayerSpec layer,
        string description,
        string windowName,
        Shape input,
        int kh,
        int kw,
        int sh,
        int sw,
        PaddingKind padding,
        List<DiagnosticInfo> diagnostics,
        out Window window,
        out int outHeight,
        out int outWidth)
    {
        window = default;
        outHeight = outWidth = 0;
        if (padding == PaddingKind.Valid)
        {
            if (kh > input.Height || kw > input.Width)
            {
                string fits = $"{Math.Min(kh, input.Height)}x{Math.Min(kw, input.Width)}";
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WindowLargerThanInput, layer.Location, description, windowName, $"{kh}x{kw}", input.ToString(), fits));
                return false;
            }

            outHeight = ((input.Height - kh) / sh) + 1;
            outWidth = ((input.Width - kw) / sw) + 1;
            window = new Window(kh, kw, sh, sw, 0, 0, 0, 0);
            return true;
        }

        outHeight = (int)(((long)input.Height + sh - 1) / sh);
        outWidth = (int)(((long)input.Width + sw - 1) / sw);
        long padH = Math.Max((((long)outHeight - 1) * sh) + kh - input.Height, 0);
        long padW = Math.Max((((long)outWidth - 1) * sw) + kw - input.Width, 0);
        if (padH > int.MaxValue || padW > int.MaxValue)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, layer.Location, description, Format(Math.Max(padH, padW)), "padding pixels", Format(int.MaxValue)));
            return false;
        }

        window = new Window(kh, kw, sh, sw, (int)(padH / 2), (int)(padH - (padH / 2)), (int)(padW / 2), (int)(padW - (padW / 2)));
        return true;
    }

    private static bool TryAddParameter(
        List<ParameterPlan> parameters,
        string role,
        int[] shape,
        string initializer,
        string description,
        LayerSpec layer,
        ref long offset,
        List<DiagnosticInfo> diagnostics)
    {
        long length = 1;
        foreach (int d in shape)
        {
            length *= d;
            if (length > MaxElements)
            {
                break;
            }
        }

        if (length > MaxElements || offset + length > MaxElements)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, layer.Location, description, Format(Math.Max(length, offset + length)), "parameters", Format(MaxElements)));
            return false;
        }

        parameters.Add(new ParameterPlan(role, shape.ToEquatableArray(), (int)offset, (int)length, initializer));
        offset += length;
        return true;
    }

    private static int Value(LayerSpec layer, ArgumentKind name, int defaultValue) =>
        layer.Find(name)?.Value ?? defaultValue;

    private static string Describe(LayerSpec layer, string name) =>
        layer.Kind == LayerKind.Input ? DescribeInput(layer) : $"{layer.Kind} '{name}'";

    private static string DescribeInput(LayerSpec input) =>
        input.Find(ArgumentKind.Length) is { } length
            ? $"Input({length.Value})"
            : $"Input({Value(input, ArgumentKind.Height, 0)}, {Value(input, ArgumentKind.Width, 0)}, {Value(input, ArgumentKind.Channels, 0)})";

    private static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
