using System.Collections.Generic;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes;

namespace NetDsl.Generator.Emit;

/// <summary>
/// The network in NetDsl's text form, one layer per line (<c>input 28x28x1</c>, <c>conv2d 32 3x3 relu</c>, ...),
/// each written by its definition: printed as <c>Architecture</c> and stored in weight files' metadata.
/// </summary>
internal static class ArchitectureWriter
{
    public static string Write(Shape input, EquatableArray<LayerModel> layers)
    {
        var lines = new List<string> { "input " + input };
        foreach (LayerModel layer in layers)
        {
            lines.Add(layer.Definition.Describe(layer));
        }

        return string.Join("\n", lines);
    }
}
