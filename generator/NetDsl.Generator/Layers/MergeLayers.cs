using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Model;
using NetDsl.Generator.Planning;
using NetDsl.Generator.Shapes;
using static NetDsl.Generator.Model.Identifiers;

namespace NetDsl.Generator.Layers;

/// <summary>What a merge knows beyond its shapes: each input's channels (Concatenate's slices).</summary>
internal sealed record MergeDetails(EquatableArray<int> Channels) : LayerDetails;

/// <summary>
/// The merge layers: they read two or more earlier layers, named in the attribute (<c>[Add("a", "b")]</c>) or the
/// text (<c>add a b</c>), and have no settings or parameters. The text form and the Connected to column name the
/// inputs; the planner gives each input's gradient its own destination (written, or added to what other consumers
/// of that layer left).
/// </summary>
internal abstract partial class MergeLayer : LayerDefinition
{
    public override string? AttributeName => ClassName + "Attribute";

    public override ArgumentSchema Schema => ArgumentSchema.Empty;

    public override bool IsMerge => true;

    public override bool BackwardReadsOutput(LayerModel layer) => false;

    public override string Describe(LayerModel layer) => Word;

    public override string Title(LayerModel layer) => ClassName + " of " + Int(layer.Sources.Count);

    public override LayerModel? Check(LayerContext context)
    {
        IReadOnlyList<LayerInput> inputs = context.Inputs;
        for (int k = 1; k < inputs.Count; k++)
        {
            string? problem = Mismatch(inputs[0].Shape, inputs[k].Shape);
            if (problem is not null)
            {
                context.Report(DiagnosticDescriptors.MergeShapeMismatch, inputs[k].Location ?? context.Location, context.Description,
                    inputs[0].Name, inputs[0].Shape.ToString(), inputs[k].Name, inputs[k].Shape.ToString(), problem);
                return null;
            }
        }

        return context.Build(OutputShape(inputs), new MergeDetails(inputs.Select(i => i.Shape.Channels).ToEquatableArray()));
    }

    public override Recovery? Recover(LayerContext context) => new Recovery(context.Inputs[0].Shape, Exact: false);

    /// <summary>Why two input shapes cannot be merged, or null.</summary>
    protected virtual string? Mismatch(Shape first, Shape other) =>
        first == other ? null : ClassName + " needs inputs of one shape";

    protected virtual Shape OutputShape(IReadOnlyList<LayerInput> inputs) => inputs[0].Shape;

    public override void EmitInference(PassWriter w, LayerPlan layer) => EmitForward(w, layer, layer.InferInputs, layer.InferOutput, training: false);

    public override void EmitTrainingForward(PassWriter w, LayerPlan layer) => EmitForward(w, layer, layer.TrainInputs, layer.TrainOutput, training: true);

    protected abstract void EmitForward(PassWriter w, LayerPlan layer, EquatableArray<BufferRef> inputs, BufferRef output, bool training);

    /// <summary>A chain of binary steps: <c>y = x0 op x1</c>, then <c>y = y op xk</c>.</summary>
    protected static void EmitChain(PassWriter w, string method, EquatableArray<BufferRef> inputs, BufferRef output)
    {
        string y = w.Ref(output);
        w.Statement("MergeKernels." + method + "(" + w.Ref(inputs[0]) + ", " + w.Ref(inputs[1]) + ", " + y + ");");
        for (int k = 2; k < inputs.Count; k++)
        {
            w.Statement("MergeKernels." + method + "(" + y + ", " + w.Ref(inputs[k]) + ", " + y + ");");
        }
    }

    /// <summary>Each input's gradient, <c>dy</c> times a factor, into its destination.</summary>
    protected static void EmitScaledBackward(PassWriter w, LayerPlan layer, System.Func<int, double> factor)
    {
        string dy = w.Ref(layer.GradientIn);
        for (int k = 0; k < layer.GradientOuts.Count; k++)
        {
            GradientEdge edge = layer.GradientOuts[k];
            EmitGuarded(w, edge, "MergeKernels.Scaled(" + dy + ", " + Float(factor(k)) + ", " + w.Ref(edge.Buffer) + ", accumulate: " + Bool(edge.Accumulate) + ");");
        }
    }

    /// <summary>A statement that writes an input's gradient: skipped when it is the caller's, not asked for.</summary>
    protected static void EmitGuarded(PassWriter w, GradientEdge edge, string statement) =>
        w.Statement(edge.Optional ? "if (!inputGradient.IsEmpty) " + statement : statement);

    protected static string Bool(bool value) => value ? "true" : "false";
}

/// <summary>Keras <c>Add</c>: the element-wise sum (a residual connection).</summary>
internal sealed partial class AddLayer : MergeLayer
{
    public override string ClassName => "Add";

    public override string NamePrefix => "add";

    public override string Word => "add";

    protected override void EmitForward(PassWriter w, LayerPlan layer, EquatableArray<BufferRef> inputs, BufferRef output, bool training) =>
        EmitChain(w, "Add", inputs, output);

    public override void EmitBackward(PassWriter w, LayerPlan layer) => EmitScaledBackward(w, layer, _ => 1);
}

/// <summary>Keras <c>Subtract</c>: the first input less the second (exactly two).</summary>
internal sealed partial class SubtractLayer : MergeLayer
{
    public override string ClassName => "Subtract";

    public override string NamePrefix => "subtract";

    public override string Word => "subtract";

    public override IEnumerable<string> Aliases => new[] { "sub" };

    public override LayerModel? Check(LayerContext context)
    {
        if (context.Inputs.Count != 2)
        {
            context.Report(DiagnosticDescriptors.InvalidLayerInputs, context.Inputs[2].Location ?? context.Location, context.Description,
                "subtracts exactly two layers, the second from the first; it names " + Int(context.Inputs.Count));
            return null;
        }

        return base.Check(context);
    }

    protected override void EmitForward(PassWriter w, LayerPlan layer, EquatableArray<BufferRef> inputs, BufferRef output, bool training) =>
        EmitChain(w, "Subtract", inputs, output);

    public override void EmitBackward(PassWriter w, LayerPlan layer) => EmitScaledBackward(w, layer, k => k == 0 ? 1 : -1);
}

/// <summary>Keras <c>Average</c>: the element-wise mean.</summary>
internal sealed partial class AverageLayer : MergeLayer
{
    public override string ClassName => "Average";

    public override string NamePrefix => "average";

    public override string Word => "average";

    protected override void EmitForward(PassWriter w, LayerPlan layer, EquatableArray<BufferRef> inputs, BufferRef output, bool training)
    {
        EmitChain(w, "Add", inputs, output);
        w.Statement("VectorOps.Scale(" + w.Ref(output) + ", " + Float(1.0 / inputs.Count) + ");");
    }

    public override void EmitBackward(PassWriter w, LayerPlan layer) => EmitScaledBackward(w, layer, _ => 1.0 / layer.GradientOuts.Count);
}

/// <summary>Keras <c>Multiply</c>: the element-wise product. Each input's gradient is the output gradient times
/// the product of the other inputs.</summary>
internal sealed partial class MultiplyLayer : MergeLayer
{
    public override string ClassName => "Multiply";

    public override string NamePrefix => "multiply";

    public override string Word => "multiply";

    public override int TemporaryLength(LayerModel layer) => layer.Sources.Count > 2 ? layer.Output.Length : 0;

    protected override void EmitForward(PassWriter w, LayerPlan layer, EquatableArray<BufferRef> inputs, BufferRef output, bool training) =>
        EmitChain(w, "Multiply", inputs, output);

    public override void EmitBackward(PassWriter w, LayerPlan layer)
    {
        string dy = w.Ref(layer.GradientIn);
        EquatableArray<BufferRef> x = layer.TrainInputs;
        int n = x.Count;
        for (int k = 0; k < n; k++)
        {
            GradientEdge edge = layer.GradientOuts[k];
            string dx = w.Ref(edge.Buffer);
            var others = Enumerable.Range(0, n).Where(j => j != k).ToList();
            if (others.Count == 1)
            {
                EmitGuarded(w, edge, "MergeKernels.MultiplyBackward(" + dy + ", " + w.Ref(x[others[0]]) + ", " + dx + ", accumulate: " + Bool(edge.Accumulate) + ");");
                continue;
            }

            // The product of the others, then times dy.
            string t = "s.Temporary.Slice(0, " + Int(layer.Layer.Output.Length) + ")";
            var statements = new List<string> { "MergeKernels.Multiply(" + w.Ref(x[others[0]]) + ", " + w.Ref(x[others[1]]) + ", " + t + ");" };
            statements.AddRange(others.Skip(2).Select(j => "MergeKernels.Multiply(" + t + ", " + w.Ref(x[j]) + ", " + t + ");"));
            statements.Add("MergeKernels.MultiplyBackward(" + dy + ", " + t + ", " + dx + ", accumulate: " + Bool(edge.Accumulate) + ");");
            if (edge.Optional)
            {
                w.Line("if (!inputGradient.IsEmpty)");
                w.Writer.OpenBrace();
                statements.ForEach(w.Statement);
                w.Writer.CloseBrace();
            }
            else
            {
                statements.ForEach(w.Statement);
            }
        }
    }
}

/// <summary>Keras <c>Maximum</c>: the element-wise maximum. Training records which input is the maximum (the
/// first of equal ones, as TensorFlow), and the gradient goes there.</summary>
internal sealed partial class MaximumLayer : MergeLayer
{
    public override string ClassName => "Maximum";

    public override string NamePrefix => "maximum";

    public override string Word => "maximum";

    public override IEnumerable<string> Aliases => new[] { "max" };

    public override IEnumerable<(string Suffix, int Length, string Description)> SampleBuffers(LayerModel layer) =>
        new[] { ("Choice", layer.Output.Length, "which input of " + layer.Name + " is the maximum, per value") };

    protected override void EmitForward(PassWriter w, LayerPlan layer, EquatableArray<BufferRef> inputs, BufferRef output, bool training)
    {
        if (!training)
        {
            EmitChain(w, "Maximum", inputs, output);
            return;
        }

        string y = w.Ref(output), choice = "a." + layer.Pascal + "Choice(n)";
        w.Statement(w.Ref(inputs[0]) + ".CopyTo(" + y + ");");
        w.Statement(choice + ".Clear();");
        for (int k = 1; k < inputs.Count; k++)
        {
            w.Statement("MergeKernels.MaximumWithChoice(" + w.Ref(inputs[k]) + ", " + y + ", " + choice + ", " + Int(k) + ");");
        }
    }

    public override void EmitBackward(PassWriter w, LayerPlan layer)
    {
        string dy = w.Ref(layer.GradientIn), choice = "a." + layer.Pascal + "Choice(n)";
        for (int k = 0; k < layer.GradientOuts.Count; k++)
        {
            GradientEdge edge = layer.GradientOuts[k];
            EmitGuarded(w, edge, "MergeKernels.MaximumBackward(" + choice + ", " + Int(k) + ", " + dy + ", " + w.Ref(edge.Buffer) + ", accumulate: " + Bool(edge.Accumulate) + ");");
        }
    }
}

/// <summary>Keras <c>Concatenate</c> along the last axis: feature maps of one height and width (their channels
/// joined), or vectors.</summary>
internal sealed partial class ConcatenateLayer : MergeLayer
{
    public override string ClassName => "Concatenate";

    public override string NamePrefix => "concatenate";

    public override string Word => "concat";

    protected override string? Mismatch(Shape first, Shape other) =>
        first.IsMap != other.IsMap ? "Concatenate joins feature maps with feature maps, or vectors with vectors (add a Flatten)"
        : first.IsMap && (first.Height != other.Height || first.Width != other.Width) ? "Concatenate joins the channels of feature maps of one height and width"
        : null;

    protected override Shape OutputShape(IReadOnlyList<LayerInput> inputs)
    {
        Shape first = inputs[0].Shape;
        long channels = inputs.Sum(i => (long)i.Shape.Channels);
        int c = channels > int.MaxValue ? int.MaxValue : (int)channels;
        return first.IsMap ? Shape.Map(first.Height, first.Width, c) : Shape.Vector(c);
    }

    protected override void EmitForward(PassWriter w, LayerPlan layer, EquatableArray<BufferRef> inputs, BufferRef output, bool training)
    {
        EquatableArray<int> channels = ((MergeDetails)layer.Layer.Details).Channels;
        int total = layer.Layer.Output.Channels, offset = 0;
        for (int k = 0; k < inputs.Count; k++)
        {
            w.Statement("MergeKernels.ConcatenateChannels(" + w.Ref(inputs[k]) + ", " + w.Ref(output) + ", " + Int(channels[k]) + ", " + Int(total) + ", " + Int(offset) + ");");
            offset += channels[k];
        }
    }

    public override void EmitBackward(PassWriter w, LayerPlan layer)
    {
        EquatableArray<int> channels = ((MergeDetails)layer.Layer.Details).Channels;
        string dy = w.Ref(layer.GradientIn);
        int total = layer.Layer.Output.Channels, offset = 0;
        for (int k = 0; k < layer.GradientOuts.Count; k++)
        {
            GradientEdge edge = layer.GradientOuts[k];
            EmitGuarded(w, edge, "MergeKernels.SliceChannels(" + dy + ", " + w.Ref(edge.Buffer) + ", " + Int(channels[k]) + ", " + Int(total) + ", " + Int(offset)
                + ", accumulate: " + Bool(edge.Accumulate) + ");");
            offset += channels[k];
        }
    }
}
