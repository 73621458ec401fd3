using System;

namespace NetDsl;

/// <summary>
/// Base class of the layer attributes. Layers apply in the order they are written; each takes the output of the
/// layer before it unless <see cref="From"/> names another earlier layer, so skip connections need no other syntax.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public abstract class LayerAttribute : Attribute
{
    private protected LayerAttribute()
    {
    }

    /// <summary>The layer's name, as <c>Summary</c>, saved weights (<c>name/kernel</c>) and <see cref="From"/> use
    /// it. Default: Keras's automatic name (<c>conv2d</c>, <c>conv2d_1</c>, ...; <c>input_layer</c> for the input).
    /// Letters, digits and underscores, starting with a letter.</summary>
    public string? Name { get; set; }

    /// <summary>The name of an earlier layer whose output this layer takes (default: the layer written before it).
    /// Merge layers (<see cref="AddAttribute"/>, <see cref="ConcatenateAttribute"/>, ...) name their inputs
    /// instead.</summary>
    public string? From { get; set; }
}
