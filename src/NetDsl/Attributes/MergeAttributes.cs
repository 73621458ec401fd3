using System;

namespace NetDsl;

/// <summary>
/// Base class of the merge layers: they combine the outputs of two or more earlier layers, named in the
/// constructor (Keras's functional API: <c>layers.Add()([a, b])</c> is <c>[Add("a", "b")]</c>). The shapes are
/// checked at build time.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public abstract class MergeAttribute : LayerAttribute
{
    private protected MergeAttribute(string[] inputs)
    {
        Inputs = inputs;
    }

    /// <summary>The names of the merged layers, in order.</summary>
    public string[] Inputs { get; }
}

/// <summary>Element-wise sum of layers of one shape (Keras <c>Add</c>): a residual connection.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AddAttribute : MergeAttribute
{
    /// <summary>Sums the outputs of the named earlier layers (two or more).</summary>
    public AddAttribute(params string[] inputs)
        : base(inputs)
    {
    }
}

/// <summary>Element-wise difference of two layers of one shape (Keras <c>Subtract</c>): the first less the second.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SubtractAttribute : MergeAttribute
{
    /// <summary>The first named layer's output less the second's.</summary>
    public SubtractAttribute(params string[] inputs)
        : base(inputs)
    {
    }
}

/// <summary>Element-wise product of layers of one shape (Keras <c>Multiply</c>): gates and attention masks.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MultiplyAttribute : MergeAttribute
{
    /// <summary>Multiplies the outputs of the named earlier layers (two or more).</summary>
    public MultiplyAttribute(params string[] inputs)
        : base(inputs)
    {
    }
}

/// <summary>Element-wise mean of layers of one shape (Keras <c>Average</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AverageAttribute : MergeAttribute
{
    /// <summary>Averages the outputs of the named earlier layers (two or more).</summary>
    public AverageAttribute(params string[] inputs)
        : base(inputs)
    {
    }
}

/// <summary>Element-wise maximum of layers of one shape (Keras <c>Maximum</c>); on a tie the gradient goes to
/// the first input, as TensorFlow's.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaximumAttribute : MergeAttribute
{
    /// <summary>The element-wise maximum of the named earlier layers (two or more).</summary>
    public MaximumAttribute(params string[] inputs)
        : base(inputs)
    {
    }
}

/// <summary>
/// Joins layers along the channels, the last axis (Keras <c>Concatenate(axis=-1)</c>): feature maps of one
/// height and width, or vectors. The U-Net skip connection.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ConcatenateAttribute : MergeAttribute
{
    /// <summary>Joins the outputs of the named earlier layers (two or more), in order.</summary>
    public ConcatenateAttribute(params string[] inputs)
        : base(inputs)
    {
    }
}
