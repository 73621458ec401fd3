using System;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Planning;
using NetDsl.Generator.Shapes;

namespace NetDsl.Generator.Layers;

/// <summary>Keras <c>Flatten</c>: the channels-last map read as a vector. A view: no buffer, no step.</summary>
internal sealed partial class FlattenLayer : LayerDefinition
{
    public override string ClassName => "Flatten";

    public override string? AttributeName => nameof(FlattenAttribute);

    public override string NamePrefix => "flatten";

    public override string Word => "flatten";

    public override ArgumentSchema Schema => ArgumentSchema.Empty;

    public override bool IsView => true;

    public override BackwardMode Backward => BackwardMode.PassThrough;

    public override LayerModel? Check(LayerContext context) => context.Build(Shape.Vector(context.Input.Length), NoDetails.Instance);

    public override string Describe(LayerModel layer) => "flatten";

    public override string Title(LayerModel layer) => "Flatten";

    public override void EmitInference(PassWriter w, LayerPlan layer) => throw new InvalidOperationException("Flatten is a view.");

    public override void EmitTrainingForward(PassWriter w, LayerPlan layer) => throw new InvalidOperationException("Flatten is a view.");

    public override void EmitBackward(PassWriter w, LayerPlan layer) => throw new InvalidOperationException("Flatten is a view.");
}
