using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes;

namespace NetDsl.Generator.Layers;

/// <summary>
/// What a layer definition sees while the shape checker checks one layer: its settings (with defaults), its
/// input shape, and where to report problems and add parameter tensors.
/// </summary>
internal sealed class LayerContext
{
    private readonly List<DiagnosticInfo> _diagnostics;
    private readonly List<ParameterModel> _parameters = new();
    private long _offset;

    public LayerContext(LayerDefinition definition, LayerSpec spec, int index, string name, IReadOnlyList<LayerInput> inputs, long offset, List<DiagnosticInfo> diagnostics, bool isText)
    {
        Definition = definition;
        Spec = spec;
        Index = index;
        Name = name;
        Inputs = inputs;
        Input = inputs[0].Shape;
        _offset = offset;
        _diagnostics = diagnostics;
        IsText = isText;
    }

    public LayerDefinition Definition { get; }

    public LayerSpec Spec { get; }

    public int Index { get; }

    /// <summary>Keras's automatic name of the layer.</summary>
    public string Name { get; }

    /// <summary>The shape of its (first) input.</summary>
    public Shape Input { get; }

    /// <summary>Every input: a merge has several.</summary>
    public IReadOnlyList<LayerInput> Inputs { get; }

    /// <summary>Where the next parameter tensor starts.</summary>
    public long Offset => _offset;

    /// <summary>How messages name the layer: <c>Conv2D 'conv2d_1'</c>.</summary>
    public string Description => $"{Definition.ClassName} '{Name}'";

    public LocationInfo? Location => Spec.Location;

    /// <summary>The network is written as text (inline or a .netdsl file).</summary>
    public bool IsText { get; }

    /// <summary>How a message names a setting or layer to write: the DSL word in network text, the C# otherwise
    /// (<c>InText("Padding.Same", "same")</c>).</summary>
    public string InText(string csharp, string word) => IsText ? "'" + word + "'" : csharp;

    public bool Has(string argument) => Spec.Find(argument) is not null;

    public int Integer(string argument, int defaultValue) => Spec.Find(argument) is { } a ? a.Value.Integer : defaultValue;

    public double Real(string argument, double defaultValue) => Spec.Find(argument) is { } a ? a.Value.Number : defaultValue;

    public bool Boolean(string argument, bool defaultValue) => Spec.Find(argument) is { } a ? a.Value.Boolean : defaultValue;

    public Activation Activation(string argument, Activation defaultValue = NetDsl.Activation.None) =>
        Spec.Find(argument) is { } a ? (Activation)a.Value.Integer : defaultValue;

    public Padding Padding(string argument) => Spec.Find(argument) is { } a ? (Padding)a.Value.Integer : NetDsl.Padding.Valid;

    /// <summary>Where an argument was written, or the layer when it was not.</summary>
    public LocationInfo? Where(string argument) => Spec.Find(argument)?.Location ?? Spec.Location;

    public void Report(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] arguments) =>
        _diagnostics.Add(DiagnosticInfo.Create(descriptor, location, arguments));

    /// <summary>Reports NDSL0011 unless the input is a feature map.</summary>
    public bool RequireFeatureMap()
    {
        if (Input.IsMap)
        {
            return true;
        }

        Report(DiagnosticDescriptors.SpatialLayerNeedsFeatureMap, Location, Description, Input.ToString(), InText("[Flatten]", "flatten"));
        return false;
    }

    /// <summary>Adds a parameter tensor after the ones before it; false (with NDSL0013) when the network's
    /// parameters would not fit one buffer. The layer's <c>trainable</c> setting (Keras's, where its schema has
    /// it) freezes every tensor it adds; <paramref name="constant"/> (with a note naming it for the generated
    /// code) replaces <paramref name="initializer"/>.</summary>
    public bool AddParameter(string role, int[] shape, string initializer, bool trainable = true, ConstantTensor? constant = null)
    {
        trainable &= Boolean(CommonSettings.Trainable, true);
        long length = 1;
        foreach (int d in shape)
        {
            length *= d;
            if (length > ShapeChecker.MaxElements)
            {
                break;
            }
        }

        if (length > ShapeChecker.MaxElements || _offset + length > ShapeChecker.MaxElements)
        {
            Report(DiagnosticDescriptors.NetworkTooLarge, Location, Description, Format(Math.Max(length, _offset + length)), "parameters", Format(ShapeChecker.MaxElements));
            return false;
        }

        _parameters.Add(new ParameterModel(role, shape.ToEquatableArray(), (int)_offset, (int)length, constant is null ? initializer : "Constant", trainable, constant));
        _offset += length;
        return true;
    }

    /// <summary>The checked layer, or null (with NDSL0013) when its output would not fit one buffer.</summary>
    public LayerModel? Build(Shape output, LayerDetails details, Activation activation = NetDsl.Activation.None, double slope = Activations.DefaultSlope)
    {
        if (output.ElementCount > ShapeChecker.MaxElements)
        {
            Report(DiagnosticDescriptors.NetworkTooLarge, Location, Description, Format(output.ElementCount), "output values", Format(ShapeChecker.MaxElements));
            return null;
        }

        var sources = new int[Inputs.Count];
        for (int i = 0; i < sources.Length; i++)
        {
            sources[i] = Inputs[i].Source;
        }

        return new LayerModel(Index, Definition.ClassName, Name, Input, output, activation, slope, _parameters.ToEquatableArray(), details, Location,
            sources.ToEquatableArray(), Spec.Name is not null);
    }

    public static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary>One input of a layer: the layer it comes from (-1: the network's input), its name and shape, and where
/// the user named it (null when it is the layer written before).</summary>
internal sealed record LayerInput(int Source, string Name, Shape Shape, LocationInfo? Location);
