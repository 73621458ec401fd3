using System.Collections.Generic;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Planning;
using NetDsl.Generator.Shapes;
using static NetDsl.Generator.Model.Identifiers;

namespace NetDsl.Generator.Layers;

/// <summary>UpSampling2D's factors and interpolation.</summary>
internal sealed record UpSamplingDetails(int SizeHeight, int SizeWidth, Interpolation Interpolation) : LayerDetails;

/// <summary>The rows and columns ZeroPadding2D adds or Cropping2D removes.</summary>
internal sealed record BorderDetails(int Top, int Bottom, int Left, int Right) : LayerDetails;

/// <summary>
/// Keras <c>UpSampling2D</c>: each pixel repeated (nearest, the default) or interpolated (bilinear), 2x2 by
/// default. DSL <c>upsampling2d [2x2] [nearest|bilinear]</c>.
/// </summary>
internal sealed partial class UpSampling2DLayer : LayerDefinition
{
    private const string SizeHeight = "size_height";
    private const string SizeWidth = "size_width";
    private const string InterpolationSetting = "interpolation";

    public override string ClassName => "UpSampling2D";

    public override string? AttributeName => nameof(UpSampling2DAttribute);

    public override string NamePrefix => "up_sampling2d";

    public override string Word => "upsampling2d";

    public override IEnumerable<string> Aliases => new[] { "upsample", "upsampling" };

    public override ArgumentSchema Schema { get; } = new(
        new Argument[]
        {
            new(SizeHeight, "vertical size", ArgumentType.Integer, ArgumentRule.Positive),
            new(SizeWidth, "horizontal size", ArgumentType.Integer, ArgumentRule.Positive),
            new(InterpolationSetting, "interpolation", ArgumentType.Interpolation),
        },
        new AttributeMember[]
        {
            new("size", new[] { SizeHeight, SizeWidth }),
            new("sizeHeight", new[] { SizeHeight }),
            new("sizeWidth", new[] { SizeWidth }),
            new(nameof(UpSampling2DAttribute.SizeHeight), new[] { SizeHeight }),
            new(nameof(UpSampling2DAttribute.SizeWidth), new[] { SizeWidth }),
            new(nameof(UpSampling2DAttribute.Interpolation), new[] { InterpolationSetting }),
        },
        new[] { new TextPositional(TextKind.Size, new[] { SizeHeight, SizeWidth }, Optional: true, "SIZE") },
        new TextOption[]
        {
            new(new[] { "nearest" }, new[] { InterpolationSetting }, null, (int)Interpolation.Nearest, "interpolation"),
            new(new[] { "bilinear" }, new[] { InterpolationSetting }, null, (int)Interpolation.Bilinear, "interpolation"),
        });

    public override Recovery? Recover(LayerContext context) => Recovery.Map(context.Input.IsMap ? context.Input.Channels : 1);

    public override LayerModel? Check(LayerContext context)
    {
        if (!context.RequireFeatureMap())
        {
            return null;
        }

        int sh = context.Integer(SizeHeight, 2), sw = context.Integer(SizeWidth, 2);
        var interpolation = (Interpolation)context.Integer(InterpolationSetting, (int)Interpolation.Nearest);
        long height = (long)context.Input.Height * sh, width = (long)context.Input.Width * sw;
        if (height > int.MaxValue || width > int.MaxValue)
        {
            context.Report(DiagnosticDescriptors.NetworkTooLarge, context.Location, context.Description, LayerContext.Format(height * width * context.Input.Channels), "output values", LayerContext.Format(ShapeChecker.MaxElements));
            return null;
        }

        return context.Build(Shape.Map((int)height, (int)width, context.Input.Channels), new UpSamplingDetails(sh, sw, interpolation));
    }

    public override string Describe(LayerModel layer)
    {
        var d = (UpSamplingDetails)layer.Details;
        return Word + " " + Int(d.SizeHeight) + "x" + Int(d.SizeWidth) + (d.Interpolation == Interpolation.Bilinear ? " bilinear" : string.Empty);
    }

    public override string Title(LayerModel layer)
    {
        var d = (UpSamplingDetails)layer.Details;
        return ClassName + " " + Int(d.SizeHeight) + "x" + Int(d.SizeWidth) + ", " + (d.Interpolation == Interpolation.Bilinear ? "bilinear" : "nearest");
    }

    public override bool BackwardReadsOutput(LayerModel layer) => false;

    public override void EmitInference(PassWriter w, LayerPlan layer) => EmitForward(w, layer, layer.InferInput, layer.InferOutput);

    public override void EmitTrainingForward(PassWriter w, LayerPlan layer) => EmitForward(w, layer, layer.TrainInput, layer.TrainOutput);

    public override void EmitBackward(PassWriter w, LayerPlan layer)
    {
        string call = "ResamplingKernels." + Method(layer) + "Backward(" + w.Ref(layer.GradientIn) + ", " + w.Ref(layer.GradientOut) + ", " + Geometry(layer) + ");";
        w.Statement(layer.IsFirst ? "if (!inputGradient.IsEmpty) " + call : call);
    }

    private static void EmitForward(PassWriter w, LayerPlan layer, BufferRef input, BufferRef output) =>
        w.Statement("ResamplingKernels." + Method(layer) + "(" + w.Ref(input) + ", " + w.Ref(output) + ", " + Geometry(layer) + ");");

    private static string Method(LayerPlan layer) =>
        ((UpSamplingDetails)layer.Layer.Details).Interpolation == Interpolation.Bilinear ? "UpSampleBilinear" : "UpSampleNearest";

    private static string Geometry(LayerPlan layer)
    {
        var d = (UpSamplingDetails)layer.Layer.Details;
        Shape x = layer.Layer.Input;
        return Int(x.Height) + ", " + Int(x.Width) + ", " + Int(x.Channels) + ", " + Int(d.SizeHeight) + ", " + Int(d.SizeWidth);
    }
}

/// <summary>
/// The border layers, Keras <c>ZeroPadding2D</c> (adds zeros) and <c>Cropping2D</c> (removes rows and columns):
/// a symmetric size by position (<c>zeropadding2d 1</c>, <c>cropping2d 2x1</c>) and each side as an option
/// (<c>top 1 bottom 2 left 0 right 3</c>).
/// </summary>
internal abstract partial class BorderLayer : LayerDefinition
{
    private const string Top = "top";
    private const string Bottom = "bottom";
    private const string Left = "left";
    private const string Right = "right";
    private const string Height = "height";
    private const string Width = "width";

    protected abstract int DefaultSize { get; }

    protected abstract bool Adds { get; }

    public override ArgumentSchema Schema { get; } = new(
        new Argument[]
        {
            new(Height, "height", ArgumentType.Integer, ArgumentRule.NonNegative),
            new(Width, "width", ArgumentType.Integer, ArgumentRule.NonNegative),
            new(Top, "top", ArgumentType.Integer, ArgumentRule.NonNegative),
            new(Bottom, "bottom", ArgumentType.Integer, ArgumentRule.NonNegative),
            new(Left, "left", ArgumentType.Integer, ArgumentRule.NonNegative),
            new(Right, "right", ArgumentType.Integer, ArgumentRule.NonNegative),
        },
        new AttributeMember[]
        {
            new("padding", new[] { Height, Width }),
            new("cropping", new[] { Height, Width }),
            new("height", new[] { Height }),
            new("width", new[] { Width }),
            new(nameof(ZeroPadding2DAttribute.Top), new[] { Top }),
            new(nameof(ZeroPadding2DAttribute.Bottom), new[] { Bottom }),
            new(nameof(ZeroPadding2DAttribute.Left), new[] { Left }),
            new(nameof(ZeroPadding2DAttribute.Right), new[] { Right }),
        },
        new[] { new TextPositional(TextKind.Size, new[] { Height, Width }, Optional: true, "SIZE") },
        new TextOption[]
        {
            new(new[] { "top" }, new[] { Top }, TextKind.Integer, 0, "top"),
            new(new[] { "bottom" }, new[] { Bottom }, TextKind.Integer, 0, "bottom"),
            new(new[] { "left" }, new[] { Left }, TextKind.Integer, 0, "left"),
            new(new[] { "right" }, new[] { Right }, TextKind.Integer, 0, "right"),
        });

    public override Recovery? Recover(LayerContext context) => Recovery.Map(context.Input.IsMap ? context.Input.Channels : 1);

    public override LayerModel? Check(LayerContext context)
    {
        if (!context.RequireFeatureMap())
        {
            return null;
        }

        // The symmetric sizes (both sides of an axis), each side overridable on its own.
        int height = context.Integer(Height, DefaultSize), width = context.Integer(Width, DefaultSize);
        var d = new BorderDetails(context.Integer(Top, height), context.Integer(Bottom, height), context.Integer(Left, width), context.Integer(Right, width));
        Shape x = context.Input;
        long outHeight = Adds ? (long)x.Height + d.Top + d.Bottom : (long)x.Height - d.Top - d.Bottom;
        long outWidth = Adds ? (long)x.Width + d.Left + d.Right : (long)x.Width - d.Left - d.Right;
        if (outHeight < 1 || outWidth < 1)
        {
            context.Report(DiagnosticDescriptors.CroppingTooLarge, context.Location, context.Description, Int(d.Top + d.Bottom), Int(d.Left + d.Right), x.ToString(),
                Int(x.Height - 1), Int(x.Width - 1));
            return null;
        }

        if (outHeight * outWidth * x.Channels > ShapeChecker.MaxElements)
        {
            context.Report(DiagnosticDescriptors.NetworkTooLarge, context.Location, context.Description, LayerContext.Format(outHeight * outWidth * x.Channels), "output values", LayerContext.Format(ShapeChecker.MaxElements));
            return null;
        }

        return context.Build(Shape.Map((int)outHeight, (int)outWidth, x.Channels), d);
    }

    public override string Describe(LayerModel layer)
    {
        var d = (BorderDetails)layer.Details;
        if (d.Top == d.Bottom && d.Left == d.Right)
        {
            return Word + " " + Int(d.Top) + "x" + Int(d.Left);
        }

        return Word + " top " + Int(d.Top) + " bottom " + Int(d.Bottom) + " left " + Int(d.Left) + " right " + Int(d.Right);
    }

    public override string Title(LayerModel layer)
    {
        var d = (BorderDetails)layer.Details;
        return ClassName + " ((" + Int(d.Top) + ", " + Int(d.Bottom) + "), (" + Int(d.Left) + ", " + Int(d.Right) + "))";
    }

    public override bool BackwardReadsOutput(LayerModel layer) => false;

    public override void EmitInference(PassWriter w, LayerPlan layer) => EmitForward(w, layer, layer.InferInput, layer.InferOutput);

    public override void EmitTrainingForward(PassWriter w, LayerPlan layer) => EmitForward(w, layer, layer.TrainInput, layer.TrainOutput);

    public override void EmitBackward(PassWriter w, LayerPlan layer)
    {
        // The gradient of a padding is a crop of the output gradient, and the other way round.
        string call = "ResamplingKernels." + (Adds ? "Crop(" : "Pad(") + w.Ref(layer.GradientIn) + ", " + w.Ref(layer.GradientOut) + ", "
            + Geometry(layer.Layer.Output, layer) + ");";
        w.Statement(layer.IsFirst ? "if (!inputGradient.IsEmpty) " + call : call);
    }

    private void EmitForward(PassWriter w, LayerPlan layer, BufferRef input, BufferRef output) =>
        w.Statement("ResamplingKernels." + (Adds ? "Pad(" : "Crop(") + w.Ref(input) + ", " + w.Ref(output) + ", " + Geometry(layer.Layer.Input, layer) + ");");

    /// <summary>The map the kernel reads (Pad: the inside; Crop: with its border) and the border.</summary>
    private static string Geometry(Shape map, LayerPlan layer)
    {
        var d = (BorderDetails)layer.Layer.Details;
        return Int(map.Height) + ", " + Int(map.Width) + ", " + Int(map.Channels) + ", " + Int(d.Top) + ", " + Int(d.Bottom) + ", " + Int(d.Left) + ", " + Int(d.Right);
    }
}

/// <summary>Keras <c>ZeroPadding2D</c>, 1 on every side by default; DSL <c>zeropadding2d [N|HxW] [top N] ...</c>.</summary>
internal sealed partial class ZeroPadding2DLayer : BorderLayer
{
    public override string ClassName => "ZeroPadding2D";

    public override string? AttributeName => nameof(ZeroPadding2DAttribute);

    public override string NamePrefix => "zero_padding2d";

    public override string Word => "zeropadding2d";

    public override IEnumerable<string> Aliases => new[] { "zeropad", "pad" };

    protected override int DefaultSize => 1;

    protected override bool Adds => true;
}

/// <summary>Keras <c>Cropping2D</c>, nothing by default; DSL <c>cropping2d [N|HxW] [top N] ...</c>.</summary>
internal sealed partial class Cropping2DLayer : BorderLayer
{
    public override string ClassName => "Cropping2D";

    public override string? AttributeName => nameof(Cropping2DAttribute);

    public override string NamePrefix => "cropping2d";

    public override string Word => "cropping2d";

    public override IEnumerable<string> Aliases => new[] { "crop" };

    protected override int DefaultSize => 0;

    protected override bool Adds => false;
}

/// <summary>
/// Keras <c>Reshape</c>: the same values as a vector or an HxWxC map, one size possibly -1 (inferred). A view, like
/// Flatten: no buffer, no step. DSL <c>reshape 7x7x16</c>, <c>reshape 784</c>, <c>reshape -1</c>.
/// </summary>
internal sealed partial class ReshapeLayer : LayerDefinition
{
    private const string Height = "height";
    private const string Width = "width";
    private const string Channels = "channels";
    private const string Length = "length";

    public override string ClassName => "Reshape";

    public override string? AttributeName => nameof(ReshapeAttribute);

    public override string NamePrefix => "reshape";

    public override string Word => "reshape";

    public override ArgumentSchema Schema { get; } = new(
        new Argument[]
        {
            new(Height, "height", ArgumentType.Integer),
            new(Width, "width", ArgumentType.Integer),
            new(Channels, "channels", ArgumentType.Integer),
            new(Length, "length", ArgumentType.Integer),
        },
        new AttributeMember[]
        {
            new("height", new[] { Height }),
            new("width", new[] { Width }),
            new("channels", new[] { Channels }),
            new("length", new[] { Length }),
            new(nameof(ReshapeAttribute.Height), new[] { Height }),
            new(nameof(ReshapeAttribute.Width), new[] { Width }),
            new(nameof(ReshapeAttribute.Channels), new[] { Channels }),
            new(nameof(ReshapeAttribute.Length), new[] { Length }),
        },
        new[] { new TextPositional(TextKind.Shape, new[] { Height, Width, Channels, Length }, Optional: false, "SHAPE") },
        System.Array.Empty<TextOption>());

    public override bool IsView => true;

    public override BackwardMode Backward => BackwardMode.PassThrough;

    public override LayerModel? Check(LayerContext context)
    {
        long total = context.Input.ElementCount;
        bool vector = context.Has(Length);
        int[] sizes = vector ? new[] { context.Integer(Length, 0) } : new[] { context.Integer(Height, 0), context.Integer(Width, 0), context.Integer(Channels, 0) };
        int inferred = -1;
        long known = 1;
        for (int k = 0; k < sizes.Length; k++)
        {
            if (sizes[k] == -1 && inferred < 0)
            {
                inferred = k;
            }
            else if (sizes[k] < 1)
            {
                return Mismatch(context, sizes, "each size is at least 1, and one may be -1");
            }
            else
            {
                known *= sizes[k];
            }
        }

        if (inferred >= 0)
        {
            if (total % known != 0)
            {
                return Mismatch(context, sizes, "the other sizes do not divide its " + LayerContext.Format(total) + " values");
            }

            sizes[inferred] = (int)(total / known);
            known = total;
        }

        if (known != total)
        {
            return Mismatch(context, sizes, "it holds " + LayerContext.Format(known) + " values, the input " + LayerContext.Format(total));
        }

        return context.Build(vector ? Shape.Vector(sizes[0]) : Shape.Map(sizes[0], sizes[1], sizes[2]), NoDetails.Instance);
    }

    private static LayerModel? Mismatch(LayerContext context, int[] sizes, string why)
    {
        context.Report(DiagnosticDescriptors.ReshapeMismatch, context.Location, context.Description, string.Join("x", sizes), context.Input.ToString(), why);
        return null;
    }

    public override string Describe(LayerModel layer) => "reshape " + layer.Output;

    public override string Title(LayerModel layer) => "Reshape to " + layer.Output;

    public override void EmitInference(PassWriter w, LayerPlan layer) => throw new System.InvalidOperationException("Reshape is a view.");

    public override void EmitTrainingForward(PassWriter w, LayerPlan layer) => throw new System.InvalidOperationException("Reshape is a view.");

    public override void EmitBackward(PassWriter w, LayerPlan layer) => throw new System.InvalidOperationException("Reshape is a view.");
}
