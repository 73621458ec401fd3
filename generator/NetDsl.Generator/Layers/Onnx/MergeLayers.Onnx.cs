using System.Collections.Generic;
using static NetDsl.Generator.Layers.OnnxArguments;

namespace NetDsl.Generator.Layers;

internal abstract partial class MergeLayer
{
    /// <summary>Add, Subtract, Multiply, Average, Maximum and Concatenate (over channels): the builder's method of
    /// the same name, on every input in order.</summary>
    public override string OnnxCall(LayerModel layer, IReadOnlyList<string> inputs) =>
        "onnx." + ClassName + "(" + Name(layer) + ", " + string.Join(", ", inputs) + ")";
}
