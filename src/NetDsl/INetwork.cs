using System;
using System.Collections.Generic;

namespace NetDsl;

/// <summary>
/// What every generated network offers, for code that works with any of them (trainers, exporters, tools).
/// The generated class also exposes the same facts as constants and static members
/// (<c>MnistNet.InputLength</c>, <c>MnistNet.Summary</c>, ...).
/// </summary>
/// <remarks>
/// <para><b>Threads.</b> One instance may be shared between threads. <c>Predict</c>, <c>Classify</c>,
/// <c>Evaluate</c> and <c>Save</c> may run concurrently, each with buffers of its own, and give exactly what
/// they give on one thread. <c>ComputeGradients</c>, <c>Backpropagate</c>, <c>Load</c>, <c>Fit</c> and
/// optimizer steps through <see cref="Training.Optimizer.Step(INetwork, ReadOnlySpan{float})"/> change the network
/// and run alone: a call that overlaps one of them waits for it to end, or, while <c>Fit</c> runs on another
/// thread, throws an <see cref="InvalidOperationException"/> at once. Writing to <see cref="Parameters"/> directly
/// is not guarded: hold <see cref="Gate"/> exclusively while doing it if other threads use the network.
/// <see cref="LayerOutput"/> runs like <c>Predict</c>: concurrently with other reads.</para>
/// </remarks>
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

    /// <summary>The layers in order, as <see cref="Summary"/> lists them (Keras's <c>model.layers</c>, without the
    /// input layer): name, Keras class name, output shape and parameter count of each.</summary>
    IReadOnlyList<LayerInfo> Layers { get; }

    /// <summary>All parameters in one flat buffer, layers in order, kernel then bias, Keras layouts.</summary>
    Span<float> Parameters { get; }

    /// <summary>Runs one sample (HWC floats) through the network.</summary>
    void Predict(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>Runs <paramref name="batchSize"/> samples stored one after another.</summary>
    void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize);

    /// <summary>The index of the largest output for one sample.</summary>
    int Classify(ReadOnlySpan<float> input);

    /// <summary>
    /// Runs one sample (HWC floats) in inference mode (BatchNormalization with its moving statistics, Dropout off)
    /// up to the layer named <paramref name="layerName"/> and writes that layer's output, its activation applied
    /// (what the next layer receives), channels-last, to <paramref name="output"/>: feature maps, for looking
    /// inside. The last layer's output is exactly what <see cref="Predict(ReadOnlySpan{float}, Span{float})"/>
    /// gives. Allocates nothing once warm; safe to call from several threads at once.
    /// </summary>
    /// <param name="layerName">A name from <see cref="Layers"/> (<c>conv2d_1</c>).</param>
    /// <param name="input">One input sample, <see cref="InputLength"/> floats.</param>
    /// <param name="output">The layer's <see cref="LayerInfo.OutputLength"/> floats.</param>
    /// <exception cref="ArgumentException">No layer has that name (the message lists the names), or a span does
    /// not have the expected length (the message names the layer and both lengths).</exception>
    void LayerOutput(string layerName, ReadOnlySpan<float> input, Span<float> output);

    /// <summary>The architecture in NetDsl's text form, one layer per line.</summary>
    string Architecture { get; }

    /// <summary>How many threads batch operations may use (default: one per processor; 1 makes training
    /// bit-for-bit repeatable).</summary>
    int MaxDegreeOfParallelism { get; set; }

    /// <summary>
    /// Training-mode forward and backward pass of a batch (<c>labels.Length</c> samples) with sparse categorical
    /// cross-entropy: returns the mean loss and writes the mean gradient of every parameter, in the layout of
    /// <see cref="Parameters"/>.
    /// </summary>
    float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, Span<float> gradients);

    /// <summary>Like <see cref="ComputeGradients(ReadOnlySpan{float}, ReadOnlySpan{int}, Span{float})"/>, and
    /// also returns the batch accuracy and, unless <paramref name="inputGradients"/> is empty, the gradient of
    /// the mean loss with respect to each input value (what a gradient tape over the batch mean gives).</summary>
    BatchStatistics ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, Span<float> gradients, Span<float> inputGradients);

    /// <summary>
    /// Training-mode forward and backward pass of a batch under <paramref name="loss"/>: <paramref name="targets"/>
    /// holds each sample's <see cref="Training.Loss.TargetLength"/> targets one after another (class indices,
    /// one-hot rows, boxes, masks, values). Returns the mean loss and the loss's metric, writes the mean gradient of
    /// every parameter and, unless <paramref name="inputGradients"/> is empty, of every input value.
    /// </summary>
    BatchStatistics ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Training.Loss loss, Span<float> gradients, Span<float> inputGradients);

    /// <summary>Mean loss and metric of a batch in inference mode under <paramref name="loss"/> (targets as for
    /// <see cref="ComputeGradients(ReadOnlySpan{float}, ReadOnlySpan{float}, Training.Loss, Span{float}, Span{float})"/>).</summary>
    BatchStatistics Evaluate(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Training.Loss loss);

    /// <summary>
    /// Backpropagates given gradients of the outputs (for a custom loss): training-mode forward pass of each
    /// sample in <paramref name="inputs"/>, then the backward pass of its <paramref name="outputGradients"/>.
    /// Writes the sum over the batch of the parameter gradients and, unless empty, each sample's input gradient.
    /// </summary>
    void Backpropagate(ReadOnlySpan<float> inputs, ReadOnlySpan<float> outputGradients, Span<float> gradients, Span<float> inputGradients);

    /// <summary>Mean loss and accuracy of a batch in inference mode (Keras's <c>evaluate</c>).</summary>
    BatchStatistics Evaluate(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels);

    /// <summary>Saves the parameters as a safetensors file (Keras names and layouts, architecture in the
    /// metadata), replacing <paramref name="path"/> only once the new file is complete.</summary>
    void Save(string path);

    /// <summary>Keeps the operations that change the network apart from the others (see the remarks above).</summary>
    NetworkGate Gate { get; }

    /// <summary>Loads parameters saved by <see cref="Save"/> (or any safetensors file with the same tensor
    /// names and shapes). Checks the whole file first: on any error the parameters are unchanged.</summary>
    void Load(string path);

    /// <summary>Loads parameters from a safetensors file in <paramref name="layout"/>: <see cref="WeightLayout.PyTorch"/>
    /// reads the state dict of the network's generated <c>PyTorchModule</c>, saved with
    /// <c>safetensors.torch.save_file</c>. Checks the whole file first: on any error the parameters are unchanged.</summary>
    void Load(string path, WeightLayout layout);
}
