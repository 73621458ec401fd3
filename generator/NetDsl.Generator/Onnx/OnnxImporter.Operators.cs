using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Layers;

namespace NetDsl.Generator.Onnx;

/// <summary>Each ONNX operator: the NetDsl layer it becomes (or folds into), or why it cannot. The operators
/// themselves are in OnnxImporter.Windows, .Arithmetic, .Layouts and .Activations.</summary>
internal sealed partial class OnnxImporter
{
    private static readonly LayerDefinition Conv2D = Kind<Conv2DLayer>();
    private static readonly LayerDefinition DepthwiseConv2D = Kind<DepthwiseConv2DLayer>();
    private static readonly LayerDefinition Conv2DTranspose = Kind<Conv2DTransposeLayer>();
    private static readonly LayerDefinition Dense = Kind<DenseLayer>();
    private static readonly LayerDefinition MaxPooling2D = Kind<MaxPooling2DLayer>();
    private static readonly LayerDefinition AveragePooling2D = Kind<AveragePooling2DLayer>();
    private static readonly LayerDefinition GlobalAveragePooling2D = Kind<GlobalAveragePooling2DLayer>();
    private static readonly LayerDefinition GlobalMaxPooling2D = Kind<GlobalMaxPooling2DLayer>();
    private static readonly LayerDefinition Flatten = Kind<FlattenLayer>();
    private static readonly LayerDefinition Reshape = Kind<ReshapeLayer>();
    private static readonly LayerDefinition BatchNormalization = Kind<BatchNormalizationLayer>();
    private static readonly LayerDefinition ActivationKind = LayerRegistry.All.Single(d => d.GetType() == typeof(ActivationLayer));
    private static readonly LayerDefinition LeakyReLU = Kind<LeakyReLULayer>();
    private static readonly LayerDefinition ZeroPadding2D = Kind<ZeroPadding2DLayer>();
    private static readonly LayerDefinition Cropping2D = Kind<Cropping2DLayer>();
    private static readonly LayerDefinition UpSampling2D = Kind<UpSampling2DLayer>();
    private static readonly LayerDefinition Concatenate = Kind<ConcatenateLayer>();

    /// <summary>The merges of element-wise operators whose inputs are all computed.</summary>
    private static readonly Dictionary<string, LayerDefinition> Merges = new(StringComparer.Ordinal)
    {
        ["Add"] = Kind<AddLayer>(),
        ["Sum"] = Kind<AddLayer>(),
        ["Sub"] = Kind<SubtractLayer>(),
        ["Mul"] = Kind<MultiplyLayer>(),
        ["Max"] = Kind<MaximumLayer>(),
        ["Mean"] = Kind<AverageLayer>(),
    };

    /// <summary>Operators that are one activation, with no setting to check.</summary>
    private static readonly Dictionary<string, Activation> PlainActivations = new(StringComparer.Ordinal)
    {
        ["Relu"] = Activation.ReLU,
        ["Tanh"] = Activation.Tanh,
        ["Softplus"] = Activation.Softplus,
        ["Softsign"] = Activation.Softsign,
    };

    // Settings of layers whose definitions keep their names private (the shape checker reports any name that is
    // not in a definition's schema, so a drift shows in the tests).
    private const string SizeHeight = "size_height";
    private const string SizeWidth = "size_width";
    private const string InterpolationSetting = "interpolation";
    private const string Top = "top";
    private const string Bottom = "bottom";
    private const string Left = "left";
    private const string Right = "right";

    /// <summary>SELU's constants as Keras (and ONNX's defaults) have them.</summary>
    private const double SeluAlpha = 1.6732632423543772, SeluGamma = 1.0507009873554805;

    /// <summary>Nodes another node's import has already accounted for (the pieces of PyTorch's GELU).</summary>
    private readonly HashSet<OnnxNode> _absorbed = new();

    /// <summary>The last node of an activation written as several nodes (a swish's Mul, PyTorch's GELU's last
    /// Mul): the activation and the value it applies to, which the pattern reads twice.</summary>
    private readonly Dictionary<OnnxNode, (Activation Activation, ImportedValue Input)> _patterns = new();

    private static LayerDefinition Kind<T>()
        where T : LayerDefinition => LayerRegistry.All.OfType<T>().Single();

    private void ImportNode(OnnxNode node)
    {
        if (_absorbed.Contains(node))
        {
            return;
        }

        if (node.Domain is not ("" or "ai.onnx"))
        {
            throw new UnsupportedNodeException($"it is an operator of the domain '{node.Domain}'; NetDsl imports the standard operators (ai.onnx)");
        }

        if (node.Outputs.Count == 0)
        {
            throw new UnsupportedNodeException("it has no output");
        }

        if (IsShapeArithmetic(node))
        {
            ImportShapeArithmetic(node);
            return;
        }

        if (PlainActivations.TryGetValue(node.OpType, out Activation plain))
        {
            ApplyActivation(node, Value(node, 0), plain);
            return;
        }

        switch (node.OpType)
        {
            case "Conv": ImportConv(node); break;
            case "ConvTranspose": ImportConvTranspose(node); break;
            case "Gemm": ImportGemm(node); break;
            case "MatMul": ImportMatMul(node); break;
            case "Add" or "Sub" or "Sum" or "Mul" or "Max" or "Mean": ImportElementwise(node); break;
            case "Div": ImportDiv(node); break;
            case "BatchNormalization": ImportBatchNormalization(node); break;
            case "MaxPool" or "AveragePool": ImportPool(node); break;
            case "GlobalAveragePool" or "GlobalMaxPool": ImportGlobalPool(node); break;
            case "ReduceMean" or "ReduceMax": ImportReduce(node); break;
            case "Flatten": ImportFlatten(node); break;
            case "Reshape": ImportReshape(node); break;
            case "Squeeze": ImportSqueeze(node); break;
            case "Concat": ImportConcat(node); break;
            case "Transpose": ImportTranspose(node); break;
            case "Resize" or "Upsample": ImportResize(node); break;
            case "Pad": ImportPad(node); break;
            case "Identity" or "Dropout" or "Cast": ImportPassThrough(node); break;
            case "Constant": ImportConstant(node); break;
            case "Shape": ImportShape(node); break;
            case "Softmax": ImportSoftmax(node); break;
            case "Sigmoid": ImportSigmoid(node); break;
            case "Clip": ImportClip(node); break;
            case "LeakyRelu": ImportLeakyRelu(node, Real(Float(node, "alpha", 0.01f))); break;
            case "PRelu": ImportPRelu(node); break;
            case "Elu": ImportParameterizedActivation(node, Activation.ELU, ("alpha", Float(node, "alpha", 1f), 1.0)); break;
            case "Selu": ImportParameterizedActivation(node, Activation.SELU, ("alpha", Float(node, "alpha", 1.67326319217681884765625f), SeluAlpha), ("gamma", Float(node, "gamma", 1.05070102214813232421875f), SeluGamma)); break;
            case "HardSigmoid": ImportParameterizedActivation(node, Activation.HardSigmoid, ("alpha", Float(node, "alpha", 0.2f), 1.0 / 6), ("beta", Float(node, "beta", 0.5f), 0.5)); break;
            case "Gelu": ImportGelu(node); break;
            default:
                throw new UnsupportedNodeException($"NetDsl has no layer for the operator {node.OpType}");
        }
    }
}
