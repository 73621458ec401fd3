using System;
using System.Collections.Generic;

namespace NetDsl;

/// <summary>
/// What every generated network offers, for code that works with any of them (trainers, exporters, tools).
/// The generated class also exposes the same facts as constants and static members
/// (<c>MnistNet.InputLength</c>, <c>MnistNet.Summary</c>, ...).
/// </summary>
public interface INetwork
{
    /// <summary>Shape of one input sample, channels-last.</summary>
    TensorShape InputShape { get; }

    /// <summary>Shape of one output sample.</summary>
    TensorShape OutputShape { get; }

    /// <summary>Floats in one input sample.</summary>
    int InputLength { get; }

    /// <summary>Floats in one output sample.</summary>
    int OutputLength { get; }

    /// <summary>Number of parameters (trainable and not).</summary>
    int ParameterCount { get; }

    /// <summary>Where each named tensor lives in <see cref="Parameters"/>.</summary>
    IReadOnlyList<ParameterTensor> ParameterLayout { get; }

    /// <summary>Keras-style <c>model.summary()</c> text.</summary>
    string Summary { get; }

    /// <summary>All parameters in one flat buffer, layers in order, kernel then bias, Keras layouts.</summary>
    Span<float> Parameters { get; }

    /// <summary>Runs one sample (HWC floats) through the network.</summary>
    void Predict(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>Runs <paramref name="batchSize"/> samples stored one after another.</summary>
    void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize);

    /// <summary>The index of the largest output for one sample.</summary>
    int Classify(ReadOnlySpan<float> input);
}
