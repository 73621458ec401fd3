using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using NetDsl.Generator.Tests.Infrastructure;

namespace NetDsl.Generator.Tests;

/// <summary>
/// Nothing a user can write is silently ignored. Found by reflection: every public property of every layer
/// attribute, and every <see cref="Activation"/>, set to a value other than its default, must change the network
/// (its architecture text differs from the default's), and that text, read back by the DSL front end, must give
/// exactly the same generated code. A new property or activation fails here until both front ends know it.
/// </summary>
public sealed class FrontEndCoverageTests
{
    /// <summary>For each attribute property: a network with the layer at its defaults, and one with the property
    /// changed. Keyed "Attribute.Property"; properties inherited from a base class are listed per attribute.</summary>
    private static readonly Dictionary<string, (string Default, string Changed)> Uses = new()
    {
        ["InputAttribute.Height"] = ("[Input(8, 8, 3)]", "[Input(9, 8, 3)]"),
        ["InputAttribute.Width"] = ("[Input(8, 8, 3)]", "[Input(8, 9, 3)]"),
        ["InputAttribute.Channels"] = ("[Input(8, 8, 3)]", "[Input(8, 8, 4)]"),
        ["InputAttribute.Length"] = ("[Input(8, 8, 3)]", "[Input(192)]"),
        ["Conv2DAttribute.Filters"] = ("[Input(8, 8, 3)][Conv2D(4, 3)]", "[Input(8, 8, 3)][Conv2D(5, 3)]"),
        ["Conv2DAttribute.KernelHeight"] = ("[Input(8, 8, 3)][Conv2D(4, 3)]", "[Input(8, 8, 3)][Conv2D(4, 2, 3)]"),
        ["Conv2DAttribute.KernelWidth"] = ("[Input(8, 8, 3)][Conv2D(4, 3)]", "[Input(8, 8, 3)][Conv2D(4, 3, 2)]"),
        ["Conv2DAttribute.Strides"] = ("[Input(8, 8, 3)][Conv2D(4, 3)]", "[Input(8, 8, 3)][Conv2D(4, 3, Strides = 2)]"),
        ["Conv2DAttribute.StrideHeight"] = ("[Input(8, 8, 3)][Conv2D(4, 3)]", "[Input(8, 8, 3)][Conv2D(4, 3, StrideHeight = 2)]"),
        ["Conv2DAttribute.StrideWidth"] = ("[Input(8, 8, 3)][Conv2D(4, 3)]", "[Input(8, 8, 3)][Conv2D(4, 3, StrideWidth = 2)]"),
        ["Conv2DAttribute.Padding"] = ("[Input(8, 8, 3)][Conv2D(4, 3)]", "[Input(8, 8, 3)][Conv2D(4, 3, Padding = Padding.Same)]"),
        ["Conv2DAttribute.Activation"] = ("[Input(8, 8, 3)][Conv2D(4, 3)]", "[Input(8, 8, 3)][Conv2D(4, 3, Activation = Activation.SELU)]"),
        ["Conv2DAttribute.UseBias"] = ("[Input(8, 8, 3)][Conv2D(4, 3)]", "[Input(8, 8, 3)][Conv2D(4, 3, UseBias = false)]"),
        ["Conv2DAttribute.DilationRate"] = ("[Input(8, 8, 3)][Conv2D(4, 3)]", "[Input(8, 8, 3)][Conv2D(4, 3, DilationRate = 2)]"),
        ["Conv2DAttribute.DilationHeight"] = ("[Input(8, 8, 3)][Conv2D(4, 3)]", "[Input(8, 8, 3)][Conv2D(4, 3, DilationHeight = 2)]"),
        ["Conv2DAttribute.DilationWidth"] = ("[Input(8, 8, 3)][Conv2D(4, 3)]", "[Input(8, 8, 3)][Conv2D(4, 3, DilationRate = 2, DilationWidth = 3)]"),
        ["Conv2DAttribute.Trainable"] = ("[Input(8, 8, 3)][Conv2D(4, 3)]", "[Input(8, 8, 3)][Conv2D(4, 3, Trainable = false)]"),
        ["Conv2DAttribute.Kernel"] = ("[Input(8, 8, 3)][Conv2D(4, 3)]", "[Input(8, 8, 3)][Conv2D(4, 3, Kernel = FixedKernel.Emboss)]"),
        ["Conv2DAttribute.Kernels"] = ("[Input(8, 8, 3)][Conv2D(2, 3)]", "[Input(8, 8, 3)][Conv2D(2, 3, Kernels = new[] { FixedKernel.SobelX, FixedKernel.PrewittY }, Trainable = false)]"),
        ["Conv2DAttribute.KernelValues"] = ("[Input(8, 8, 3)][Conv2D(4, 2)]", "[Input(8, 8, 3)][Conv2D(4, 2, KernelValues = new[] { 1f, -2.5f, 3f, 0.125f })]"),
        ["DepthwiseConv2DAttribute.KernelHeight"] = ("[Input(8, 8, 3)][DepthwiseConv2D(3)]", "[Input(8, 8, 3)][DepthwiseConv2D(2, 3)]"),
        ["DepthwiseConv2DAttribute.KernelWidth"] = ("[Input(8, 8, 3)][DepthwiseConv2D(3)]", "[Input(8, 8, 3)][DepthwiseConv2D(3, 2)]"),
        ["DepthwiseConv2DAttribute.DepthMultiplier"] = ("[Input(8, 8, 3)][DepthwiseConv2D(3)]", "[Input(8, 8, 3)][DepthwiseConv2D(3, DepthMultiplier = 2)]"),
        ["DepthwiseConv2DAttribute.Strides"] = ("[Input(8, 8, 3)][DepthwiseConv2D(3)]", "[Input(8, 8, 3)][DepthwiseConv2D(3, Strides = 2)]"),
        ["DepthwiseConv2DAttribute.StrideHeight"] = ("[Input(8, 8, 3)][DepthwiseConv2D(3)]", "[Input(8, 8, 3)][DepthwiseConv2D(3, StrideHeight = 2)]"),
        ["DepthwiseConv2DAttribute.StrideWidth"] = ("[Input(8, 8, 3)][DepthwiseConv2D(3)]", "[Input(8, 8, 3)][DepthwiseConv2D(3, StrideWidth = 2)]"),
        ["DepthwiseConv2DAttribute.Padding"] = ("[Input(8, 8, 3)][DepthwiseConv2D(3)]", "[Input(8, 8, 3)][DepthwiseConv2D(3, Padding = Padding.Same)]"),
        ["DepthwiseConv2DAttribute.Activation"] = ("[Input(8, 8, 3)][DepthwiseConv2D(3)]", "[Input(8, 8, 3)][DepthwiseConv2D(3, Activation = Activation.ReLU6)]"),
        ["DepthwiseConv2DAttribute.UseBias"] = ("[Input(8, 8, 3)][DepthwiseConv2D(3)]", "[Input(8, 8, 3)][DepthwiseConv2D(3, UseBias = false)]"),
        ["DepthwiseConv2DAttribute.DilationRate"] = ("[Input(8, 8, 3)][DepthwiseConv2D(3)]", "[Input(8, 8, 3)][DepthwiseConv2D(3, DilationRate = 2)]"),
        ["DepthwiseConv2DAttribute.DilationHeight"] = ("[Input(8, 8, 3)][DepthwiseConv2D(3)]", "[Input(8, 8, 3)][DepthwiseConv2D(3, DilationHeight = 2)]"),
        ["DepthwiseConv2DAttribute.DilationWidth"] = ("[Input(8, 8, 3)][DepthwiseConv2D(3)]", "[Input(8, 8, 3)][DepthwiseConv2D(3, DilationWidth = 2)]"),
        ["DepthwiseConv2DAttribute.Trainable"] = ("[Input(8, 8, 3)][DepthwiseConv2D(3)]", "[Input(8, 8, 3)][DepthwiseConv2D(3, Trainable = false)]"),
        ["SeparableConv2DAttribute.KernelHeight"] = ("[Input(8, 8, 3)][SeparableConv2D(4, 3)]", "[Input(8, 8, 3)][SeparableConv2D(4, 2, 3)]"),
        ["SeparableConv2DAttribute.KernelWidth"] = ("[Input(8, 8, 3)][SeparableConv2D(4, 3)]", "[Input(8, 8, 3)][SeparableConv2D(4, 3, 2)]"),
        ["SeparableConv2DAttribute.DepthMultiplier"] = ("[Input(8, 8, 3)][SeparableConv2D(4, 3)]", "[Input(8, 8, 3)][SeparableConv2D(4, 3, DepthMultiplier = 2)]"),
        ["SeparableConv2DAttribute.Strides"] = ("[Input(8, 8, 3)][SeparableConv2D(4, 3)]", "[Input(8, 8, 3)][SeparableConv2D(4, 3, Strides = 2)]"),
        ["SeparableConv2DAttribute.StrideHeight"] = ("[Input(8, 8, 3)][SeparableConv2D(4, 3)]", "[Input(8, 8, 3)][SeparableConv2D(4, 3, StrideHeight = 2)]"),
        ["SeparableConv2DAttribute.StrideWidth"] = ("[Input(8, 8, 3)][SeparableConv2D(4, 3)]", "[Input(8, 8, 3)][SeparableConv2D(4, 3, StrideWidth = 2)]"),
        ["SeparableConv2DAttribute.Padding"] = ("[Input(8, 8, 3)][SeparableConv2D(4, 3)]", "[Input(8, 8, 3)][SeparableConv2D(4, 3, Padding = Padding.Same)]"),
        ["SeparableConv2DAttribute.Activation"] = ("[Input(8, 8, 3)][SeparableConv2D(4, 3)]", "[Input(8, 8, 3)][SeparableConv2D(4, 3, Activation = Activation.ReLU6)]"),
        ["SeparableConv2DAttribute.UseBias"] = ("[Input(8, 8, 3)][SeparableConv2D(4, 3)]", "[Input(8, 8, 3)][SeparableConv2D(4, 3, UseBias = false)]"),
        ["SeparableConv2DAttribute.DilationRate"] = ("[Input(8, 8, 3)][SeparableConv2D(4, 3)]", "[Input(8, 8, 3)][SeparableConv2D(4, 3, DilationRate = 2)]"),
        ["SeparableConv2DAttribute.DilationHeight"] = ("[Input(8, 8, 3)][SeparableConv2D(4, 3)]", "[Input(8, 8, 3)][SeparableConv2D(4, 3, DilationHeight = 2)]"),
        ["SeparableConv2DAttribute.DilationWidth"] = ("[Input(8, 8, 3)][SeparableConv2D(4, 3)]", "[Input(8, 8, 3)][SeparableConv2D(4, 3, DilationWidth = 2)]"),
        ["SeparableConv2DAttribute.Filters"] = ("[Input(8, 8, 3)][SeparableConv2D(4, 3)]", "[Input(8, 8, 3)][SeparableConv2D(5, 3)]"),
        ["SeparableConv2DAttribute.Trainable"] = ("[Input(8, 8, 3)][SeparableConv2D(4, 3)]", "[Input(8, 8, 3)][SeparableConv2D(4, 3, Trainable = false, UseBias = false)]"),
        ["MaxPooling2DAttribute.PoolHeight"] = ("[Input(8, 8, 3)][MaxPooling2D]", "[Input(8, 8, 3)][MaxPooling2D(3, 2)]"),
        ["MaxPooling2DAttribute.PoolWidth"] = ("[Input(8, 8, 3)][MaxPooling2D]", "[Input(8, 8, 3)][MaxPooling2D(2, 3)]"),
        ["MaxPooling2DAttribute.Strides"] = ("[Input(8, 8, 3)][MaxPooling2D]", "[Input(8, 8, 3)][MaxPooling2D(Strides = 1)]"),
        ["MaxPooling2DAttribute.StrideHeight"] = ("[Input(8, 8, 3)][MaxPooling2D]", "[Input(8, 8, 3)][MaxPooling2D(StrideHeight = 1)]"),
        ["MaxPooling2DAttribute.StrideWidth"] = ("[Input(8, 8, 3)][MaxPooling2D]", "[Input(8, 8, 3)][MaxPooling2D(StrideWidth = 3)]"),
        ["MaxPooling2DAttribute.Padding"] = ("[Input(7, 7, 3)][MaxPooling2D]", "[Input(7, 7, 3)][MaxPooling2D(Padding = Padding.Same)]"),
        ["AveragePooling2DAttribute.PoolHeight"] = ("[Input(8, 8, 3)][AveragePooling2D]", "[Input(8, 8, 3)][AveragePooling2D(3, 2)]"),
        ["AveragePooling2DAttribute.PoolWidth"] = ("[Input(8, 8, 3)][AveragePooling2D]", "[Input(8, 8, 3)][AveragePooling2D(2, 3)]"),
        ["AveragePooling2DAttribute.Strides"] = ("[Input(8, 8, 3)][AveragePooling2D]", "[Input(8, 8, 3)][AveragePooling2D(Strides = 1)]"),
        ["AveragePooling2DAttribute.StrideHeight"] = ("[Input(8, 8, 3)][AveragePooling2D]", "[Input(8, 8, 3)][AveragePooling2D(StrideHeight = 1)]"),
        ["AveragePooling2DAttribute.StrideWidth"] = ("[Input(8, 8, 3)][AveragePooling2D]", "[Input(8, 8, 3)][AveragePooling2D(StrideWidth = 3)]"),
        ["AveragePooling2DAttribute.Padding"] = ("[Input(7, 7, 3)][AveragePooling2D]", "[Input(7, 7, 3)][AveragePooling2D(Padding = Padding.Same)]"),
        ["DenseAttribute.Units"] = ("[Input(8)][Dense(4)]", "[Input(8)][Dense(5)]"),
        ["DenseAttribute.Activation"] = ("[Input(8)][Dense(4)]", "[Input(8)][Dense(4, Activation = Activation.Softsign)]"),
        ["DenseAttribute.UseBias"] = ("[Input(8)][Dense(4)]", "[Input(8)][Dense(4, UseBias = false)]"),
        ["DenseAttribute.Trainable"] = ("[Input(8)][Dense(4)]", "[Input(8)][Dense(4, Trainable = false)]"),
        ["ActivationAttribute.Kind"] = ("[Input(8)][Activation(Activation.ReLU)]", "[Input(8)][Activation(Activation.GELU)]"),
        ["LeakyReLUAttribute.NegativeSlope"] = ("[Input(8)][LeakyReLU]", "[Input(8)][LeakyReLU(0.05)]"),
        ["BatchNormalizationAttribute.Momentum"] = ("[Input(8, 8, 3)][BatchNormalization]", "[Input(8, 8, 3)][BatchNormalization(Momentum = 0.9)]"),
        ["BatchNormalizationAttribute.Epsilon"] = ("[Input(8, 8, 3)][BatchNormalization]", "[Input(8, 8, 3)][BatchNormalization(Epsilon = 1e-5)]"),
        ["BatchNormalizationAttribute.Center"] = ("[Input(8, 8, 3)][BatchNormalization]", "[Input(8, 8, 3)][BatchNormalization(Center = false)]"),
        ["BatchNormalizationAttribute.Scale"] = ("[Input(8, 8, 3)][BatchNormalization]", "[Input(8, 8, 3)][BatchNormalization(Scale = false)]"),
        ["DropoutAttribute.Rate"] = ("[Input(8)][Dropout(0.5)]", "[Input(8)][Dropout(0.125)]"),
        ["SpatialDropout2DAttribute.Rate"] = ("[Input(8, 8, 3)][SpatialDropout2D(0.5)]", "[Input(8, 8, 3)][SpatialDropout2D(0.3)]"),
        ["Conv2DTransposeAttribute.Filters"] = ("[Input(4, 4, 3)][Conv2DTranspose(4, 3)]", "[Input(4, 4, 3)][Conv2DTranspose(5, 3)]"),
        ["Conv2DTransposeAttribute.KernelHeight"] = ("[Input(4, 4, 3)][Conv2DTranspose(4, 3)]", "[Input(4, 4, 3)][Conv2DTranspose(4, 2, 3)]"),
        ["Conv2DTransposeAttribute.KernelWidth"] = ("[Input(4, 4, 3)][Conv2DTranspose(4, 3)]", "[Input(4, 4, 3)][Conv2DTranspose(4, 3, 2)]"),
        ["Conv2DTransposeAttribute.Strides"] = ("[Input(4, 4, 3)][Conv2DTranspose(4, 3)]", "[Input(4, 4, 3)][Conv2DTranspose(4, 3, Strides = 2)]"),
        ["Conv2DTransposeAttribute.StrideHeight"] = ("[Input(4, 4, 3)][Conv2DTranspose(4, 3)]", "[Input(4, 4, 3)][Conv2DTranspose(4, 3, StrideHeight = 2)]"),
        ["Conv2DTransposeAttribute.StrideWidth"] = ("[Input(4, 4, 3)][Conv2DTranspose(4, 3)]", "[Input(4, 4, 3)][Conv2DTranspose(4, 3, StrideWidth = 2)]"),
        ["Conv2DTransposeAttribute.Padding"] = ("[Input(4, 4, 3)][Conv2DTranspose(4, 3)]", "[Input(4, 4, 3)][Conv2DTranspose(4, 3, Padding = Padding.Same)]"),
        ["Conv2DTransposeAttribute.Activation"] = ("[Input(4, 4, 3)][Conv2DTranspose(4, 3)]", "[Input(4, 4, 3)][Conv2DTranspose(4, 3, Activation = Activation.ELU)]"),
        ["Conv2DTransposeAttribute.UseBias"] = ("[Input(4, 4, 3)][Conv2DTranspose(4, 3)]", "[Input(4, 4, 3)][Conv2DTranspose(4, 3, UseBias = false)]"),
        ["Conv2DTransposeAttribute.Trainable"] = ("[Input(4, 4, 3)][Conv2DTranspose(4, 3)]", "[Input(4, 4, 3)][Conv2DTranspose(4, 3, Trainable = false)]"),
        ["UpSampling2DAttribute.SizeHeight"] = ("[Input(4, 4, 3)][UpSampling2D]", "[Input(4, 4, 3)][UpSampling2D(3, 2)]"),
        ["UpSampling2DAttribute.SizeWidth"] = ("[Input(4, 4, 3)][UpSampling2D]", "[Input(4, 4, 3)][UpSampling2D(2, 3)]"),
        ["UpSampling2DAttribute.Interpolation"] = ("[Input(4, 4, 3)][UpSampling2D]", "[Input(4, 4, 3)][UpSampling2D(Interpolation = Interpolation.Bilinear)]"),
        ["ZeroPadding2DAttribute.Top"] = ("[Input(4, 4, 3)][ZeroPadding2D]", "[Input(4, 4, 3)][ZeroPadding2D(Top = 3)]"),
        ["ZeroPadding2DAttribute.Bottom"] = ("[Input(4, 4, 3)][ZeroPadding2D]", "[Input(4, 4, 3)][ZeroPadding2D(Bottom = 0)]"),
        ["ZeroPadding2DAttribute.Left"] = ("[Input(4, 4, 3)][ZeroPadding2D]", "[Input(4, 4, 3)][ZeroPadding2D(2, 1, Left = 2)]"),
        ["ZeroPadding2DAttribute.Right"] = ("[Input(4, 4, 3)][ZeroPadding2D]", "[Input(4, 4, 3)][ZeroPadding2D(Right = 4)]"),
        ["Cropping2DAttribute.Top"] = ("[Input(6, 6, 3)][Cropping2D]", "[Input(6, 6, 3)][Cropping2D(Top = 1)]"),
        ["Cropping2DAttribute.Bottom"] = ("[Input(6, 6, 3)][Cropping2D]", "[Input(6, 6, 3)][Cropping2D(1, 2, Bottom = 0)]"),
        ["Cropping2DAttribute.Left"] = ("[Input(6, 6, 3)][Cropping2D]", "[Input(6, 6, 3)][Cropping2D(Left = 2)]"),
        ["Cropping2DAttribute.Right"] = ("[Input(6, 6, 3)][Cropping2D]", "[Input(6, 6, 3)][Cropping2D(2, Right = 1)]"),
        ["ReshapeAttribute.Height"] = ("[Input(12)][Reshape(12)]", "[Input(12)][Reshape(3, 2, 2)]"),
        ["ReshapeAttribute.Width"] = ("[Input(12)][Reshape(3, 2, 2)]", "[Input(12)][Reshape(3, 4, 1)]"),
        ["ReshapeAttribute.Channels"] = ("[Input(12)][Reshape(3, 4, 1)]", "[Input(12)][Reshape(3, 1, 4)]"),
        ["ReshapeAttribute.Length"] = ("[Input(2, 3, 2)]", "[Input(2, 3, 2)][Reshape(-1)]"),
    };

    /// <summary>Each attribute at its defaults: its input and its constructor arguments (merges read the input and
    /// a layer named t).</summary>
    private static readonly Dictionary<string, (string Input, string Arguments)> Layers = new()
    {
        ["Input"] = (string.Empty, "8, 8, 3"),
        ["Conv2D"] = ("[Input(8, 8, 3)]", "4, 3"),
        ["MaxPooling2D"] = ("[Input(8, 8, 3)]", string.Empty),
        ["AveragePooling2D"] = ("[Input(8, 8, 3)]", string.Empty),
        ["GlobalAveragePooling2D"] = ("[Input(8, 8, 3)]", string.Empty),
        ["GlobalMaxPooling2D"] = ("[Input(8, 8, 3)]", string.Empty),
        ["Flatten"] = ("[Input(8, 8, 3)]", string.Empty),
        ["Dense"] = ("[Input(8)]", "4"),
        ["Activation"] = ("[Input(8)]", "Activation.ReLU"),
        ["LeakyReLU"] = ("[Input(8)]", string.Empty),
        ["BatchNormalization"] = ("[Input(8, 8, 3)]", string.Empty),
        ["Dropout"] = ("[Input(8)]", "0.5"),
        ["SpatialDropout2D"] = ("[Input(8, 8, 3)]", "0.5"),
        ["Add"] = ("[Input(8, 8, 3)]", "\"t\", \"input_layer\""),
        ["Subtract"] = ("[Input(8, 8, 3)]", "\"t\", \"input_layer\""),
        ["Multiply"] = ("[Input(8, 8, 3)]", "\"t\", \"input_layer\""),
        ["Average"] = ("[Input(8, 8, 3)]", "\"t\", \"input_layer\""),
        ["Maximum"] = ("[Input(8, 8, 3)]", "\"t\", \"input_layer\""),
        ["Concatenate"] = ("[Input(8, 8, 3)]", "\"t\", \"input_layer\""),
        ["DepthwiseConv2D"] = ("[Input(8, 8, 3)]", "3"),
        ["Conv2DTranspose"] = ("[Input(8, 8, 3)]", "3, 1"),
        ["SeparableConv2D"] = ("[Input(8, 8, 3)]", "4, 3"),
        ["UpSampling2D"] = ("[Input(8, 8, 3)]", string.Empty),
        ["ZeroPadding2D"] = ("[Input(8, 8, 3)]", string.Empty),
        ["Cropping2D"] = ("[Input(8, 8, 3)]", "1"),
        ["Reshape"] = ("[Input(8, 8, 3)]", "8, 24, 1"),
    };

    /// <summary>Properties every layer has (Name, From) and the merges' Inputs: a use per attribute, built from
    /// <see cref="Layers"/>. From must change where the layer reads, so the layer sits on a branch beside a tanh
    /// and both are joined at the end.</summary>
    private static (string Default, string Changed)? CommonUse(string attribute, string property)
    {
        string kind = attribute.Replace("Attribute", string.Empty, StringComparison.Ordinal);
        if (!Layers.TryGetValue(kind, out (string Input, string Arguments) layer))
        {
            return null;
        }

        bool merge = typeof(MergeAttribute).IsAssignableFrom(typeof(LayerAttribute).Assembly.GetType("NetDsl." + attribute));
        string tanh = merge || property == "From" ? "[Activation(Activation.Tanh, Name = \"t\")]" : string.Empty;
        string Render(string named) => "[" + kind + "(" + string.Join(", ", new[] { layer.Arguments, named }.Where(a => a.Length > 0)) + ")]";
        string Network(string named, string arguments)
        {
            string body = layer.Input + tanh + (arguments == layer.Arguments ? Render(named) : Render(named).Replace(layer.Arguments, arguments, StringComparison.Ordinal));
            return property == "From" ? body + "[Flatten(Name = \"fx\", From = \"x\")][Flatten(Name = \"ft\", From = \"t\")][Concatenate(\"fx\", \"ft\")]" : body;
        }

        return property switch
        {
            "Name" => (Network(string.Empty, layer.Arguments), Network("Name = \"custom\"", layer.Arguments)),
            "From" => (Network("Name = \"x\"", layer.Arguments), Network("Name = \"x\", From = \"input_layer\"", layer.Arguments)),
            "Inputs" => (Network(string.Empty, layer.Arguments), Network(string.Empty, "\"input_layer\", \"t\"")),
            _ => null,
        };
    }

    /// <summary>Properties that must be refused where they make no sense: the input reads nothing; merges name
    /// their inputs in the constructor.</summary>
    private static bool IsRefused(string attribute, string property) =>
        property == "From" && (attribute == nameof(InputAttribute) || typeof(MergeAttribute).IsAssignableFrom(typeof(LayerAttribute).Assembly.GetType("NetDsl." + attribute)));

    /// <summary>Every layer attribute's every public property (and each attribute without properties).</summary>
    public static IEnumerable<object[]> Properties()
    {
        IEnumerable<Type> attributes = typeof(LayerAttribute).Assembly.GetExportedTypes()
            .Where(t => t.IsSubclassOf(typeof(LayerAttribute)) && !t.IsAbstract)
            .OrderBy(t => t.Name, StringComparer.Ordinal);
        foreach (Type attribute in attributes)
        {
            PropertyInfo[] properties = attribute.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.DeclaringType != typeof(Attribute))
                .ToArray();
            if (properties.Length == 0)
            {
                yield return new object[] { attribute.Name };
            }

            foreach (PropertyInfo property in properties.OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                yield return new object[] { attribute.Name + "." + property.Name };
            }
        }
    }

    public static IEnumerable<object[]> Activations() =>
        Enum.GetValues<Activation>().Where(a => a != Activation.None).Select(a => new object[] { a.ToString() });

    [Theory]
    [MemberData(nameof(Properties))]
    public void EveryAttributePropertyReachesBothFrontEnds(string property)
    {
        string[] parts = property.Split('.');
        if (parts.Length == 2 && IsRefused(parts[0], parts[1]))
        {
            string kind = parts[0].Replace("Attribute", string.Empty, StringComparison.Ordinal);
            (string input, string arguments) = Layers[kind];
            string refused = input + (input.Length == 0 ? string.Empty : "[Activation(Activation.Tanh, Name = \"t\")]") + "[" + kind + "(" + (arguments.Length == 0 ? string.Empty : arguments + ", ") + "From = \"t\")]";
            GeneratorResult result = GeneratorHarness.Run("using NetDsl;\n[Network]" + refused + "\npartial class Net;");
            Assert.Contains(result.AllDiagnostics, d => d.Id == "NDSL0039");
            return;
        }

        (string Default, string Changed) use = default;
        Assert.True(Uses.TryGetValue(property, out use) || (parts.Length == 2 && CommonUse(parts[0], parts[1]) is { } common && (use = common) == common),
            $"{property} is not covered: add a use of it to {nameof(Uses)}");
        string defaults = ArchitectureOf(use.Default);
        string changed = ArchitectureOf(use.Changed);
        Assert.NotEqual(defaults, changed);
        AssertTextRoundTrips(use.Changed, changed);
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void EveryActivationReachesBothFrontEnds(string activation)
    {
        foreach (string layers in new[] { $"[Input(8)][Dense(4, Activation = Activation.{activation})]", $"[Input(4, 4, 2)][Activation(Activation.{activation})]" })
        {
            string architecture = ArchitectureOf(layers);
            Assert.NotEqual(ArchitectureOf(layers.Replace("Activation." + activation, "Activation.None", StringComparison.Ordinal)), architecture);
            AssertTextRoundTrips(layers, architecture);
        }
    }

    [Fact]
    public void EveryListedUseIsAPropertyThatExists()
    {
        var properties = Properties().Select(p => (string)p[0]).ToHashSet();
        Assert.DoesNotContain(Uses.Keys, k => !properties.Contains(k));
    }

    private static string ArchitectureOf(string layers)
    {
        GeneratorResult result = GeneratorHarness.Run("using NetDsl;\n[Network]" + layers + "\npartial class Net;");
        Assert.Empty(result.AllDiagnostics);
        return Architecture(result.SingleSource);
    }

    /// <summary>The architecture text, read back by the DSL front end, generates exactly the same code.</summary>
    private static void AssertTextRoundTrips(string layers, string architecture)
    {
        string fromAttributes = GeneratorHarness.Run("using NetDsl;\n[Network]" + layers + "\npartial class Net;").SingleSource;
        string literal = "\"" + architecture.Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
        GeneratorResult fromText = GeneratorHarness.Run("using NetDsl;\n[Network(" + literal + ")]\npartial class Net;");
        Assert.Empty(fromText.AllDiagnostics);
        Assert.Equal(fromAttributes, fromText.SingleSource);
    }

    private static string Architecture(string source) => string.Join("\n", source.Split('\n')
        .SkipWhile(line => !line.Contains("public const string ArchitectureText", StringComparison.Ordinal))
        .Skip(1)
        .TakeWhile(line => line.TrimStart().StartsWith('"'))
        .Select(line => line.Trim().TrimEnd('+', ';', ' ').Trim('"').Replace("\\n", string.Empty, StringComparison.Ordinal)));
}
