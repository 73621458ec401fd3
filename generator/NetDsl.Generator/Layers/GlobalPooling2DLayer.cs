using System;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Planning;
using NetDsl.Generator.Shapes;
using static NetDsl.Generator.Model.Identifiers;

namespace NetDsl.Generator.Layers;

/// <summary>
/// Global pooling (Keras <c>GlobalAveragePooling2D</c>, <c>GlobalMaxPooling2D</c>): one value per channel, the
/// mean or maximum over the whole map; a vector comes out. Runs the pooling kernels with the whole map as window.
/// </summary>
internal abstract partial class GlobalPooling2DLayer : LayerDefinition
{
    protected abstract bool IsMax { get; }

    public override bool IsMaxPooling => IsMax;

    public override ArgumentSchema Schema => ArgumentSchema.Empty;

    public override LayerModel? Check(LayerContext context) =>
        context.RequireFeatureMap() ? context.Build(Shape.Vector(context.Input.Channels), NoDetails.Instance) : null;

    public override Recovery? Recover(LayerContext context) => new Recovery(Shape.Vector(context.Input.Length), Exact: false);

    public override string Describe(LayerModel layer) => Word;

    public override string Title(LayerModel layer) => ClassName;

    public override bool BackwardReadsOutput(LayerModel layer) => IsMax;

    public override void EmitDeclarations(SourceWriter w, LayerPlan layer)
    {
        LayerModel l = layer.Layer;
        w.Statement("/// <summary>" + l.Name + ": " + ClassName + "; " + l.Input + " -> " + l.Output + ".</summary>");
        w.Statement("private static readonly Pool2DGeometry " + Pooling2DLayer.Geometry(l) + " = Pool2DGeometry.Global("
            + Int(l.Input.Height) + ", " + Int(l.Input.Width) + ", " + Int(l.Input.Channels) + ");");
    }

    public override void EmitInference(PassWriter w, LayerPlan layer) => EmitForward(w, layer, layer.InferInput, layer.InferOutput);

    public override void EmitTrainingForward(PassWriter w, LayerPlan layer) => EmitForward(w, layer, layer.TrainInput, layer.TrainOutput);

    public override void EmitBackward(PassWriter w, LayerPlan layer)
    {
        string geometry = Pooling2DLayer.Geometry(layer.Layer);
        string call = IsMax
            ? "PoolingKernels.MaxBackward(in " + geometry + ", " + w.Ref(layer.TrainInput) + ", " + w.Ref(layer.TrainOutput) + ", "
                + w.Ref(layer.GradientIn) + ", " + w.Ref(layer.GradientOut) + ", throughReLU: " + (layer.PoolThroughReLU ? "true" : "false") + ");"
            : "PoolingKernels.AverageBackward(in " + geometry + ", " + w.Ref(layer.GradientIn) + ", " + w.Ref(layer.GradientOut) + ");";
        w.Statement(layer.IsFirst ? "if (!inputGradient.IsEmpty) " + call : call);
    }

    private void EmitForward(PassWriter w, LayerPlan layer, BufferRef input, BufferRef output) =>
        Pooling2DLayer.EmitForward(w, IsMax, layer, input, output);
}

/// <summary>Keras <c>GlobalAveragePooling2D</c>; DSL <c>globalavgpool</c>.</summary>
internal sealed partial class GlobalAveragePooling2DLayer : GlobalPooling2DLayer
{
    public override string ClassName => "GlobalAveragePooling2D";

    public override string? AttributeName => nameof(GlobalAveragePooling2DAttribute);

    public override string NamePrefix => "global_average_pooling2d";

    public override string Word => "globalavgpool";

    protected override bool IsMax => false;
}

/// <summary>Keras <c>GlobalMaxPooling2D</c>; DSL <c>globalmaxpool</c>.</summary>
internal sealed partial class GlobalMaxPooling2DLayer : GlobalPooling2DLayer
{
    public override string ClassName => "GlobalMaxPooling2D";

    public override string? AttributeName => nameof(GlobalMaxPooling2DAttribute);

    public override string NamePrefix => "global_max_pooling2d";

    public override string Word => "globalmaxpool";

    protected override bool IsMax => true;
}
