using System;
using System.Collections.Generic;

namespace NetDsl.Generator.Layers;

internal sealed partial class InputLayer
{
    /// <summary>The input is not a layer of the model: <see cref="Emit.KernelEmitter"/> declares it.</summary>
    public override string OnnxCall(LayerModel layer, IReadOnlyList<string> inputs) => throw new InvalidOperationException("The input has no layer call.");
}
