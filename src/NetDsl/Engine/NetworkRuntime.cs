using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.ComponentModel;

namespace NetDsl.Engine;

/// <summary>
/// Everything a generated network holds: its parameters, its <see cref="NetworkGate"/>, its buffers, and every
/// operation. The generated class's members forward here; <see cref="NetworkEngine{TActivations, TScratch}"/>
/// implements it for the network's kernel.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class NetworkRuntime
{
    /// <summary>All parameters. Taking the span counts as a possible change (derived inference parameters are
    /// recomputed before the next prediction).</summary>
    public abstract Span<float> Parameters { get; }

    /// <summary>Keeps the operations that change the network apart from the others.</summary>
    public abstract NetworkGate Gate { get; }

    /// <summary>How many threads a batch may use.</summary>
    public abstract int MaxDegreeOfParallelism { get; set; }

    /// <summary>Inference of one sample.</summary>
    public abstract void Predict(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>Inference over a batch, one sample after another.</summary>
    public abstract void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize);

    /// <summary>Inference of one sample up to layer <paramref name="layer"/> (its index in the network's layers),
    /// writing that layer's output.</summary>
    public abstract void LayerOutput(int layer, ReadOnlySpan<float> input, Span<float> output);

    /// <summary>The predicted class of one sample.</summary>
    public abstract int Classify(ReadOnlySpan<float> input);

    /// <summary>The predicted class of each of <c>classes.Length</c> samples.</summary>
    public abstract void Classify(ReadOnlySpan<float> inputs, Span<int> classes);

    /// <summary>Mean loss, accuracy and mean parameter gradients of a batch.</summary>
    public abstract BatchStatistics ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, Span<float> gradients, Span<float> inputGradients);

    /// <summary>Mean loss, metric and mean parameter gradients of a batch under <paramref name="loss"/>.</summary>
    public abstract BatchStatistics ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Training.Loss loss, Span<float> gradients, Span<float> inputGradients);

    /// <summary>Mean loss and metric of a batch in inference mode under <paramref name="loss"/>.</summary>
    public abstract BatchStatistics Evaluate(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Training.Loss loss);

    /// <summary>Sum over the batch of the parameter gradients for given output gradients.</summary>
    public abstract void Backpropagate(ReadOnlySpan<float> inputs, ReadOnlySpan<float> outputGradients, Span<float> gradients, Span<float> inputGradients);

    /// <summary>Mean loss and accuracy of a batch in inference mode.</summary>
    public abstract BatchStatistics Evaluate(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels);

    /// <summary>Saves the parameters as a safetensors file.</summary>
    public abstract void Save(string path);

    /// <summary>Loads the parameters from a safetensors file.</summary>
    public abstract void Load(string path, bool allowNonFinite);

    /// <summary>Loads the parameters from a safetensors file in <paramref name="layout"/>.</summary>
    public abstract void Load(string path, WeightLayout layout, bool allowNonFinite);

    /// <summary>
    /// Creates the runtime of <paramref name="kernel"/> holding the parameters the generator embedded in the
    /// assembly: <paramref name="embedded"/> is every parameter as little-endian float32, base64-encoded (line
    /// breaks allowed), as checked against the architecture at build time. Dropout masks get a random seed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The embedded data does not hold exactly the parameters (only a
    /// hand-edited generated file can cause this).</exception>
    public static NetworkRuntime CreatePretrained<TActivations, TScratch>(NetworkKernel<TActivations, TScratch> kernel, ReadOnlySpan<byte> embedded)
        where TActivations : class
        where TScratch : class
    {
        NetworkRuntime runtime = Create(kernel, NetworkInitializer.NewSeed());
        Span<float> parameters = runtime.Parameters;
        Span<byte> bytes = MemoryMarshal.AsBytes(parameters);
        OperationStatus status = Base64.DecodeFromUtf8(embedded, bytes, out int consumed, out int written);
        if (status != OperationStatus.Done || consumed != embedded.Length || written != bytes.Length)
        {
            throw new InvalidOperationException($"The embedded weights of {kernel.NetworkName} are damaged: they decode to {written} bytes ({status}) where the network has {bytes.Length}. Rebuild the project.");
        }

        if (!BitConverter.IsLittleEndian)
        {
            Span<int> bits = MemoryMarshal.Cast<float, int>(parameters);
            BinaryPrimitives.ReverseEndianness(bits, bits);
        }

        return runtime;
    }

    /// <summary>Creates the runtime of <paramref name="kernel"/> with Keras's initialisation from <paramref name="seed"/>.</summary>
    public static NetworkRuntime Create<TActivations, TScratch>(NetworkKernel<TActivations, TScratch> kernel, int seed)
        where TActivations : class
        where TScratch : class =>
        new NetworkEngine<TActivations, TScratch>(kernel, WorkerPool.Shared, seed);
}
