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

    /// <summary>
    /// A safetensors file of trained weights to embed in the assembly at build time, for example
    /// <c>"Models/mnist.safetensors"</c>: relative to the declaring file's folder or to the project, and listed as
    /// an <c>AdditionalFiles</c> item. The generator checks every tensor's name, shape and dtype against the
    /// architecture (a mismatch fails the build at this argument) and adds <c>Pretrained()</c>, which returns a new
    /// network holding these weights with no file needed at run time. F32, F16, BF16 and F64 tensors are accepted.
    /// </summary>
    public string? Weights { get; set; }

    /// <summary>
    /// An ONNX model (exported from PyTorch with <c>torch.onnx.export</c>, or from Keras with tf2onnx) to compile
    /// instead of layers: the architecture comes from the graph, converted to NetDsl's channels-last layout, and its
    /// weights are embedded as with <see cref="Weights"/> (<c>Pretrained()</c>). Listed as an <c>AdditionalFiles</c>
    /// item, found like <see cref="Weights"/>. An operator NetDsl cannot compile fails the build, naming the node.
    /// </summary>
    public string? Onnx { get; set; }
}
