using Microsoft.CodeAnalysis;

namespace NetDsl.Generator.Diagnostics;

/// <summary>
/// Every diagnostic NetDsl reports, declared once. Ids are stable API: they are tracked in
/// AnalyzerReleases.Shipped.md / Unshipped.md and documented in README.md#diagnostics.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "NetDsl";

    public static readonly DiagnosticDescriptor NetworkNotPartial = Error(
        "NDSL0001",
        "Network class must be partial",
        "The network class '{0}' must be declared partial so NetDsl can generate its members");

    public static readonly DiagnosticDescriptor NetworkGeneric = Error(
        "NDSL0002",
        "Network class cannot be generic",
        "The network class '{0}' cannot be generic or nested in a generic type: its sizes must be known at build time");

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Error(
        "NDSL0003",
        "Type containing a network must be partial",
        "'{0}' contains the network class '{1}' and must be declared partial");

    public static readonly DiagnosticDescriptor LayersSplitAcrossDeclarations = Error(
        "NDSL0004",
        "Layers are split over several partial declarations",
        "The layer '{0}' is on another partial declaration of '{1}'; put every layer attribute on the declaration that has [Network], in order");

    public static readonly DiagnosticDescriptor MissingInput = Error(
        "NDSL0005",
        "Network has no Input layer",
        "The network '{0}' has no Input layer; start it with {1}");

    public static readonly DiagnosticDescriptor DuplicateInput = Error(
        "NDSL0006",
        "Network has more than one Input layer",
        "The network '{0}' already has the input {1}; a network has exactly one Input layer");

    public static readonly DiagnosticDescriptor InputNotFirst = Error(
        "NDSL0007",
        "Input must be the first layer",
        "Input must be the first layer of '{0}', but {1} comes before it");

    public static readonly DiagnosticDescriptor NonPositiveValue = Error(
        "NDSL0008",
        "Size must be positive",
        "The {0} of {1} must be at least 1, but is {2}");

    public static readonly DiagnosticDescriptor WindowLargerThanInput = Error(
        "NDSL0009",
        "Window does not fit the input",
        "{0}: the {1} window {2} does not fit its {3} input with {5}; use a window of at most {4}, or {6}");

    public static readonly DiagnosticDescriptor DenseNeedsVector = Error(
        "NDSL0010",
        "Dense needs a vector input",
        "{0} is fed the 3-D feature map {1}; add {2} before it");

    public static readonly DiagnosticDescriptor SpatialLayerNeedsFeatureMap = Error(
        "NDSL0011",
        "Spatial layer after Flatten",
        "{0} needs a height x width x channels feature map but is fed the vector {1}; move it before {2}");

    public static readonly DiagnosticDescriptor InvalidEnumValue = Error(
        "NDSL0012",
        "Unknown option value",
        "{0} is not a valid {1} for {2}");

    public static readonly DiagnosticDescriptor NetworkTooLarge = Error(
        "NDSL0013",
        "Network is too large",
        "{0} would need {1} {2}, more than the {3} NetDsl supports");

    public static readonly DiagnosticDescriptor NetworkStatic = Error(
        "NDSL0014",
        "Network class cannot be static",
        "The network class '{0}' cannot be static: a network is an object that holds its parameters");

    public static readonly DiagnosticDescriptor InternalError = Error(
        "NDSL0015",
        "NetDsl generator error",
        "NetDsl could not generate '{0}': {1}; please report this with the network that caused it");

    public static readonly DiagnosticDescriptor ValueOutOfRange = Error(
        "NDSL0016",
        "Setting out of range",
        "The {0} of {1} must be {2}, but is {3}");

    public static readonly DiagnosticDescriptor UnknownSetting = Error(
        "NDSL0017",
        "Unknown setting",
        "{0} has no setting '{1}'");

    public static readonly DiagnosticDescriptor UnknownLayerAttribute = Error(
        "NDSL0018",
        "Unknown layer",
        "'{0}' is not a layer NetDsl knows");

    public static readonly DiagnosticDescriptor DslUnknownLayer = Error(
        "NDSL0020",
        "Unknown layer",
        "Unknown layer '{0}'; expected {1}");

    public static readonly DiagnosticDescriptor DslSyntax = Error(
        "NDSL0021",
        "Invalid network text",
        "{0}");

    public static readonly DiagnosticDescriptor DslMissingNetworkName = Error(
        "NDSL0022",
        "Network file has no name",
        "A .netdsl file starts with 'network Name', the class to generate");

    public static readonly DiagnosticDescriptor DslAndLayerAttributes = Error(
        "NDSL0023",
        "Network text and layer attributes together",
        "'{0}' is defined by the text of [Network(...)]; remove its layer attributes, or the text");

    public static readonly DiagnosticDescriptor DuplicateNetworkFile = Error(
        "NDSL0024",
        "Network defined twice",
        "The network '{0}' is already defined in '{1}'");

    public static readonly DiagnosticDescriptor NetworkNotAClass = Error(
        "NDSL0025",
        "Network must be a class",
        "'{0}' is a {1}; a network is a partial class");

    public static readonly DiagnosticDescriptor NetworkFileLocal = Error(
        "NDSL0026",
        "Network class cannot be file-local",
        "The network class '{0}' cannot be a file class: NetDsl generates its members in another file");

    public static readonly DiagnosticDescriptor LayersWithoutNetwork = Error(
        "NDSL0027",
        "Layer attributes without [Network]",
        "'{0}' has layer attributes but no [Network]; add [Network] to make it a network");

    public static readonly DiagnosticDescriptor GeneratedMemberCollision = Error(
        "NDSL0028",
        "Member collides with a generated one",
        "'{0}' declares {1}, which NetDsl generates for every network; {2}");

    public static readonly DiagnosticDescriptor NetworkPrimaryConstructor = Error(
        "NDSL0029",
        "Network class cannot have a primary constructor",
        "The network class '{0}' cannot have a primary constructor: NetDsl generates its constructors; declare a constructor that chains to this(seed) instead");

    public static readonly DiagnosticDescriptor NetworkAbstract = Error(
        "NDSL0030",
        "Network class cannot be abstract",
        "The network class '{0}' cannot be abstract: a network is created with its constructors");

    public static readonly DiagnosticDescriptor NetworkBaseWithoutConstructor = Error(
        "NDSL0031",
        "Base class without a parameterless constructor",
        "The network class '{0}' derives from '{1}', which has no accessible parameterless constructor for the generated constructors to call");

    public static readonly DiagnosticDescriptor NetworkNamedLikeMember = Error(
        "NDSL0032",
        "Network class named like a generated member",
        "The network class cannot be named '{0}': every network has a member '{0}', and a member cannot have the name of its class; rename the class");

    public static readonly DiagnosticDescriptor UnknownLayerName = Error(
        "NDSL0033",
        "No layer of that name",
        "{0} takes the output of '{1}', but no layer before it has that name{2}");

    public static readonly DiagnosticDescriptor LayerReferenceNotEarlier = Error(
        "NDSL0034",
        "Layer takes the output of a later layer",
        "{0} takes the output of '{1}', which {2}; a layer can only take the output of a layer written before it, so the network has no cycles");

    public static readonly DiagnosticDescriptor MergeShapeMismatch = Error(
        "NDSL0035",
        "Merged shapes do not match",
        "{0} cannot merge '{1}' ({2}) with '{3}' ({4}): {5}");

    public static readonly DiagnosticDescriptor DuplicateLayerName = Error(
        "NDSL0036",
        "Two layers have one name",
        "Two layers are named '{0}'{1}; layer names must be unique");

    public static readonly DiagnosticDescriptor InvalidLayerName = Error(
        "NDSL0037",
        "Invalid layer name",
        "'{0}' is not a layer name: use letters, digits and underscores, starting with a letter");

    public static readonly DiagnosticDescriptor UnusedLayer = Error(
        "NDSL0038",
        "Layer output is not used",
        "The output of {0} is not used: no layer takes it, and only the last layer is the network's output");

    public static readonly DiagnosticDescriptor InvalidLayerInputs = Error(
        "NDSL0039",
        "Layer inputs are not valid",
        "{0} {1}");

    public static readonly DiagnosticDescriptor ReshapeMismatch = Error(
        "NDSL0040",
        "Reshape does not fit its input",
        "{0} cannot reshape {2} to {1}: {3}");

    public static readonly DiagnosticDescriptor CroppingTooLarge = Error(
        "NDSL0041",
        "Cropping removes the whole input",
        "{0} removes {1} rows and {2} columns of its {3} input; at most {4} rows and {5} columns can go");

    public static readonly DiagnosticDescriptor DilationWithStrides = Error(
        "NDSL0042",
        "Dilation with strides",
        "{0} has the dilation rate {1} and the strides {2}; as in Keras, a dilation rate above 1 needs strides of 1");

    public static readonly DiagnosticDescriptor WeightsFileNotFound = Error(
        "NDSL0043",
        "Weights file not found",
        "'{0}' is not among the project's AdditionalFiles: add <AdditionalFiles Include=\"{0}\" /> to the project (the path is relative to this file's folder or to the project)");

    public static readonly DiagnosticDescriptor WeightsFileInvalid = Error(
        "NDSL0044",
        "Weights file cannot be used",
        "The file '{0}' cannot be embedded: {1}");

    public static readonly DiagnosticDescriptor WeightsMismatch = Error(
        "NDSL0045",
        "Weights do not match the network",
        "The weights file '{0}' does not match the network: {1}");

    public static readonly DiagnosticDescriptor OnnxUnsupported = Error(
        "NDSL0046",
        "ONNX model cannot be compiled",
        "The ONNX model '{0}' cannot be compiled: {1}");

    public static readonly DiagnosticDescriptor ConstantKernelMismatch = Error(
        "NDSL0047",
        "Constant kernel does not fit the layer",
        "The constant kernel of {0} does not fit it: {1}");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}
