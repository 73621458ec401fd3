using BenchmarkDotNet.Attributes;
using NetDsl.Engine;
using NetDsl.Kernels;

namespace NetDsl.Benchmarks.Micro;

/// <summary>One sample through each Dense layer of the seed model, with the kernels its generated code calls:
/// forward <c>y = b + x W</c>, kernel gradient <c>dW += x dyᵀ</c>, input gradient <c>dx = W dy</c>.</summary>
[BenchmarkCategory("Layer", "Dense")]
public class DenseBenchmarks
{
    private AlignedBuffer _input = null!;
    private AlignedBuffer _kernel = null!;
    private AlignedBuffer _bias = null!;
    private AlignedBuffer _output = null!;
    private AlignedBuffer _outputGradient = null!;
    private AlignedBuffer _kernelGradient = null!;
    private AlignedBuffer _inputGradient = null!;
    private AlignedBuffer _transposedKernel = null!;

    [Params("dense", "dense_1")]
    public string Layer { get; set; } = "dense";

    [GlobalSetup]
    public void Setup()
    {
        (int inputs, int outputs) = SeedLayers.Dense(Layer);
        SeedLayers.CheckAgainstNetwork($"{Layer}/kernel", inputs * outputs);
        _input = Conv2DBenchmarks.Filled(SeedLayers.Random(inputs, 1));
        _kernel = Conv2DBenchmarks.Filled(SeedLayers.Random(inputs * outputs, 2));
        _bias = Conv2DBenchmarks.Filled(SeedLayers.Random(outputs, 3));
        _output = new AlignedBuffer(outputs);
        _outputGradient = Conv2DBenchmarks.Filled(SeedLayers.Random(outputs, 4));
        _kernelGradient = new AlignedBuffer(inputs * outputs);
        _inputGradient = new AlignedBuffer(inputs);
        _transposedKernel = new AlignedBuffer(inputs * outputs);
        VectorOps.Transpose(_kernel.Span, inputs, _transposedKernel.Span); // once per batch in generated code
    }

    /// <summary><c>y = b + x W</c>.</summary>
    [Benchmark]
    public void Forward()
    {
        _bias.Span.CopyTo(_output.Span);
        VectorOps.MultiplyAccumulate(_input.Span, _kernel.Span, _output.Span);
    }

    /// <summary><c>dW += x dy^T</c>.</summary>
    [Benchmark]
    public void KernelGradient() => VectorOps.AccumulateOuterProduct(_input.Span, _outputGradient.Span, _kernelGradient.Span);

    /// <summary><c>dx = W dy</c>, as <c>dy Wᵀ</c> with the kernel transposed once per batch (what generated code does).</summary>
    [Benchmark]
    public void InputGradient()
    {
        _inputGradient.Span.Clear();
        VectorOps.MultiplyAccumulate(_outputGradient.Span, _transposedKernel.Span, _inputGradient.Span);
    }
}
