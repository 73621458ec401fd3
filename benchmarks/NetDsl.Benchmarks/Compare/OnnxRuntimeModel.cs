using System;
using System.IO;
using Microsoft.ML.OnnxRuntime;

namespace NetDsl.Benchmarks.Compare;

/// <summary>
/// A 28x28x1-to-10 model (the seed model, or the Fashion-MNIST sample's network) in ONNX Runtime with
/// pre-allocated input and output tensors over managed arrays (no allocation or copy per call): input <c>x</c>
/// float <c>[batch, 1, 28, 28]</c>, output <c>y</c> logits <c>[batch, 10]</c>. Two zero-copy ways to call it are offered, an I/O binding and
/// <c>Run(RunOptions, names, OrtValues, names, OrtValues)</c>; the comparison uses whichever is faster.
/// </summary>
internal sealed class OnnxRuntimeModel : IDisposable
{
    /// <summary>The ONNX copy of the seed model, next to the executable.</summary>
    public static string SeedModelPath => Path.Combine(AppContext.BaseDirectory, "models", "seed-mnist-nchw.onnx");

    /// <summary>The ONNX copy of the Fashion-MNIST sample's network (BatchNormalization, Dropout), next to the executable.</summary>
    public static string FashionModelPath => Path.Combine(AppContext.BaseDirectory, "models", "fashion-bn-nchw.onnx");

    /// <summary>The residual network for 32x32x3 inputs (pytorch/export_resnet.py).</summary>
    public static string ResNetModelPath => Path.Combine(AppContext.BaseDirectory, "models", "resnet-cifar-nchw.onnx");

    private static readonly string[] InputNames = ["x"];
    private static readonly string[] OutputNames = ["y"];

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue _input;
    private readonly OrtValue _output;
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;
    private readonly OrtIoBinding _binding;

    /// <summary>
    /// Loads the model for <paramref name="batchSize"/> samples and <paramref name="intraOpThreads"/> threads.
    /// Unless <paramref name="allowSpinning"/>, idle intra-op threads block at once instead of spinning
    /// (<c>session.intra_op.allow_spinning = 0</c>), which can help on a busy machine.
    /// </summary>
    public OnnxRuntimeModel(string modelPath, int batchSize, int intraOpThreads, float[] inputs, bool allowSpinning = true, long[]? sampleShape = null)
    {
        sampleShape ??= [1, 28, 28];
        long sampleLength = sampleShape[0] * sampleShape[1] * sampleShape[2];
        if (inputs.Length != batchSize * sampleLength)
        {
            throw new ArgumentException($"Expected {batchSize * sampleLength} input values.", nameof(inputs));
        }

        using var options = new SessionOptions
        {
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        if (!allowSpinning)
        {
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        }

        _session = new InferenceSession(modelPath, options);
        AllowSpinning = allowSpinning;
        BatchSize = batchSize;
        IntraOpThreads = intraOpThreads;
        Inputs = inputs;
        Outputs = new float[batchSize * 10];
        _input = OrtValue.CreateTensorValueFromMemory(Inputs, [batchSize, sampleShape[0], sampleShape[1], sampleShape[2]]);
        _output = OrtValue.CreateTensorValueFromMemory(Outputs, [batchSize, 10]);
        _inputs = [_input];
        _outputs = [_output];
        _binding = _session.CreateIoBinding();
        _binding.BindInput(InputNames[0], _input);
        _binding.BindOutput(OutputNames[0], _output);
    }

    public int BatchSize { get; }

    public int IntraOpThreads { get; }

    public bool AllowSpinning { get; }

    /// <summary>How the session is configured, for the report.</summary>
    public string Description => $"batch {BatchSize}, {IntraOpThreads} intra-op thread{(IntraOpThreads == 1 ? "" : "s")}" +
        (IntraOpThreads > 1 ? (AllowSpinning ? ", spinning (default)" : ", no spinning") : string.Empty);

    /// <summary>The input batch, NCHW (for one channel the same layout as NetDsl's HWC).</summary>
    public float[] Inputs { get; }

    /// <summary>The logits of the last run.</summary>
    public float[] Outputs { get; }

    /// <summary>One run through the I/O binding.</summary>
    public void RunWithBinding() => _session.RunWithBinding(_runOptions, _binding);

    /// <summary>One run with pre-allocated OrtValues passed by name.</summary>
    public void RunWithValues() => _session.Run(_runOptions, InputNames, _inputs, OutputNames, _outputs);

    public void Dispose()
    {
        _binding.Dispose();
        _input.Dispose();
        _output.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
