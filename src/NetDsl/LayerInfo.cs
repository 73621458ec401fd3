using System;

namespace NetDsl;

/// <summary>
/// One layer of a network, as Keras's <c>model.layers</c> lists it (the input layer is not one of them): its
/// Keras-style name (<c>conv2d</c>, <c>conv2d_1</c>, as <c>Summary</c> and <c>ParameterLayout</c> name it), its
/// Keras class name (<c>Conv2D</c>, <c>MaxPooling2D</c>, <c>Dense</c>), the shape of one sample's output
/// (channels-last, without the batch axis) and its number of parameters (trainable and not).
/// </summary>
/// <param name="Name">The layer's name: what <see cref="INetwork.LayerOutput"/> takes.</param>
/// <param name="Kind">Keras's class name of the layer.</param>
/// <param name="OutputShape">The shape of one sample's output; <see cref="OutputLength"/> floats.</param>
/// <param name="ParameterCount">Floats of parameters the layer holds (Summary's <c>Param #</c>).</param>
public sealed record LayerInfo(string Name, string Kind, TensorShape OutputShape, int ParameterCount)
{
    /// <summary>Floats in one sample's output of the layer: the length <see cref="INetwork.LayerOutput"/> writes.</summary>
    public int OutputLength => checked((int)OutputShape.ElementCount);

    /// <summary><c>conv2d (Conv2D) (26, 26, 32)</c>.</summary>
    public override string ToString() => $"{Name} ({Kind}) {OutputShape}";
}
