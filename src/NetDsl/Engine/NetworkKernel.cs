using System;
using System.ComponentModel;

namespace NetDsl.Engine;

/// <summary>
/// The per-sample passes of one generated network: what the generated code specialises. The
/// <see cref="BatchEngine{TWorkspace}"/> drives them over batches, on all cores, each worker with its own
/// <typeparamref name="TWorkspace"/> (the network's activation and gradient buffers).
/// </summary>
/// <typeparam name="TWorkspace">The generated network's buffers for one sample.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class NetworkKernel<TWorkspace>
    where TWorkspace : class
{
    /// <summary>Describes the network's sizes.</summary>
    protected NetworkKernel(string networkName, int inputLength, int outputLength, int parameterCount)
    {
        NetworkName = networkName;
        InputLength = inputLength;
        OutputLength = outputLength;
        ParameterCount = parameterCount;
    }

    /// <summary>The network's class name, for messages.</summary>
    public string NetworkName { get; }

    /// <summary>Floats in one input sample.</summary>
    public int InputLength { get; }

    /// <summary>Floats in one output sample.</summary>
    public int OutputLength { get; }

    /// <summary>Floats in the parameter buffer.</summary>
    public int ParameterCount { get; }

    /// <summary>Allocates one worker's buffers.</summary>
    public abstract TWorkspace CreateWorkspace();

    /// <summary>Called once per worker before it runs training passes with <paramref name="parameters"/>:
    /// prepares what depends only on the parameters (e.g. transposed kernels for input gradients).</summary>
    public virtual void BeginTraining(ReadOnlySpan<float> parameters, TWorkspace workspace)
    {
    }

    /// <summary>Inference forward pass of one sample.</summary>
    public abstract void Predict(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, TWorkspace workspace, Span<float> output);

    /// <summary>Inference forward pass of one sample; returns the index of its largest output.</summary>
    public abstract int Classify(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, TWorkspace workspace);

    /// <summary>
    /// Training forward pass, loss, and backward pass of one sample: adds the sample's parameter gradients to
    /// <paramref name="gradients"/>, writes its input gradient when <paramref name="inputGradient"/> is not
    /// empty, and returns its loss.
    /// </summary>
    public abstract float AccumulateGradients(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, int label, TWorkspace workspace, Span<float> gradients, Span<float> inputGradient, out int predicted);

    /// <summary>Training forward pass of one sample, then the backward pass of a given gradient of the
    /// outputs (after the final activation): adds parameter gradients, writes the input gradient if asked.</summary>
    public abstract void Backpropagate(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, TWorkspace workspace, Span<float> gradients, Span<float> inputGradient);

    /// <summary>Inference forward pass and loss of one sample.</summary>
    public abstract float Evaluate(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, int label, TWorkspace workspace, out int predicted);
}
