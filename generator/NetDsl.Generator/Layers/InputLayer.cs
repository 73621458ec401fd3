using System;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Model;
using NetDsl.Generator.Planning;
using NetDsl.Generator.Shapes;

namespace NetDsl.Generator.Layers;

/// <summary>The network's input: a channels-last feature map or a vector (Keras <c>InputLayer</c>). The shape
/// checker reads it; it has no passes of its own.</summary>
internal sealed partial class InputLayer : LayerDefinition
{
    public const string Height = "height";
    public const string Width = "width";
    public const string Channels = "channels";
    public const string Length = "length";

    public override string ClassName => "InputLayer";

    public override string? AttributeName => nameof(InputAttribute);

    public override string NamePrefix => "input_layer";

    public override string Word => "input";

    public override ArgumentSchema Schema { get; } = new(
        new Argument[]
        {
            new(Height, "height", ArgumentType.Integer, ArgumentRule.Positive),
            new(Width, "width", ArgumentType.Integer, ArgumentRule.Positive),
            new(Channels, "channels", ArgumentType.Integer, ArgumentRule.Positive),
            new(Length, "length", ArgumentType.Integer, ArgumentRule.Positive),
        },
        new AttributeMember[]
        {
            new("height", new[] { Height }),
            new("width", new[] { Width }),
            new("channels", new[] { Channels }),
            new("length", new[] { Length }),
            new(nameof(InputAttribute.Height), new[] { Height }),
            new(nameof(InputAttribute.Width), new[] { Width }),
            new(nameof(InputAttribute.Channels), new[] { Channels }),
            new(nameof(InputAttribute.Length), new[] { Length }),
        },
        new[] { new TextPositional(TextKind.Shape, new[] { Height, Width, Channels, Length }, Optional: false, "28x28x1|784") },
        Array.Empty<TextOption>());

    /// <summary>The input shape a checked Input layer declares.</summary>
    public static Shape ShapeOf(LayerSpec input) =>
        input.Find(Length) is { } length
            ? Shape.Vector(length.Value.Integer)
            : Shape.Map(input.Find(Height)?.Value.Integer ?? 0, input.Find(Width)?.Value.Integer ?? 0, input.Find(Channels)?.Value.Integer ?? 0);

    /// <summary>How messages name it: <c>Input(28, 28, 1)</c>.</summary>
    public static string DescribeSpec(LayerSpec input)
    {
        Shape shape = ShapeOf(input);
        return shape.IsMap ? $"Input({shape.Height}, {shape.Width}, {shape.Channels})" : $"Input({shape.Channels})";
    }

    public override LayerModel? Check(LayerContext context) => throw new InvalidOperationException("The shape checker reads Input itself.");

    public override string Describe(LayerModel layer) => "input " + layer.Output;

    public override string Title(LayerModel layer) => "Input " + layer.Output;

    public override void EmitInference(PassWriter w, LayerPlan layer) => throw new InvalidOperationException("Input has no passes.");

    public override void EmitTrainingForward(PassWriter w, LayerPlan layer) => throw new InvalidOperationException("Input has no passes.");

    public override void EmitBackward(PassWriter w, LayerPlan layer) => throw new InvalidOperationException("Input has no passes.");
}
