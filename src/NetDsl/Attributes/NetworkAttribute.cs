using System;

namespace NetDsl;

/// <summary>
/// Marks a <c>partial class</c> as a network. The layers are either the layer attributes on the same
/// declaration, in source order, starting with <see cref="InputAttribute"/>, or the text given to
/// <see cref="NetworkAttribute(string)"/>. The NetDsl generator checks every shape at build time and fills in
/// the class: shapes, <c>Summary</c>, <c>Parameters</c>, <c>Predict</c>, training and more.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>The layers are the layer attributes that follow.</summary>
    public NetworkAttribute()
    {
    }

    /// <summary>
    /// The layers are written in NetDsl's text form, one per line, for example
    /// <code>
    /// [Network("""
    ///     input 28x28x1
    ///     conv2d 32 3x3 relu
    ///     maxpool 2x2
    ///     flatten
    ///     dense 10 softmax
    ///     """)]
    /// </code>
    /// Mistakes are reported at their line and column inside the string.
    /// </summary>
    public NetworkAttribute(string definition)
    {
        Definition = definition;
    }

    /// <summary>The network's text, or null when the layers are attributes.</summary>
    public string? Definition { get; }
}
