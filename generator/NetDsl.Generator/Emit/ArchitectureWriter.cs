using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;
using NetDsl.Generator.Shapes;

namespace NetDsl.Generator.Emit;

/// <summary>
/// The network in NetDsl's text form, one layer per line (<c>input 28x28x1</c>, <c>conv2d 32 3x3 relu</c>, ...),
/// each written by its definition, with the user's names (<c>skip: conv2d 16 3x3</c>), other inputs
/// (<c>from skip</c>) and merged layers (<c>add a b</c>): printed as <c>Architecture</c> and stored in weight
/// files' metadata. Parsing it gives the same network.
/// </summary>
internal static class ArchitectureWriter
{
    public static string Write(NetworkModel model)
    {
        EquatableArray<LayerModel> layers = model.Layers;
        var lines = new List<string> { (model.InputName == LayerRegistry.Input.NamePrefix ? string.Empty : model.InputName + ": ") + "input " + model.Input };
        foreach (LayerModel layer in layers)
        {
            string line = (layer.Named ? layer.Name + ": " : string.Empty) + layer.Definition.Describe(layer);
            if (layer.Definition.IsMerge)
            {
                line += " " + string.Join(" ", layer.Sources.Select(model.NameOf));
            }
            else if (layer.Source != layer.Index - 1)
            {
                line += " from " + model.NameOf(layer.Source);
            }

            lines.Add(line);
        }

        return string.Join("\n", lines);
    }
}
