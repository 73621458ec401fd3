using System;
using BenchmarkDotNet.Attributes;
using NetDsl.Engine;
using NetDsl.Kernels;

namespace NetDsl.Benchmarks.Micro;

/// <summary>One sample through each Conv2D layer of the seed model: forward (with bias and ReLU), kernel and
/// bias gradients, input gradient.</summary>
[BenchmarkCategory("Layer", "Conv2D")]
public class Conv2DBenchmarks
{
    private Conv2DGeometry _geometry;
    private AlignedBuffer _input = null!;
    private AlignedBuffer _kernel = null!;
    private AlignedBuffer _transposedKernel = null!;
    private AlignedBuffer _bias = null!;
    private AlignedBuffer _output = null!;
    private AlignedBuffer _outputGradient = null!;
    private AlignedBuffer _kernelGradient = null!;
    private AlignedBuffer _biasGradient = null!;
    private AlignedBuffer _inputGradient = null!;
    private AlignedBuffer _scratch = null!;

    [Params("conv2d", "conv2d_1", "conv2d_2")]
    public string Layer { get; set; } = "conv2d";

    [GlobalSetup]
    public void Setup()
    {
        _geometry = SeedLayers.Conv(Layer);
        SeedLayers.CheckAgainstNetwork($"{Layer}/kernel", _geometry.KernelLength);
        _input = Filled(SeedLayers.Random(_geometry.InputLength, 1));
        _kernel = Filled(SeedLayers.Random(_geometry.KernelLength, 2));
        _bias = Filled(SeedLayers.Random(_geometry.Filters, 3));
        _output = new AlignedBuffer(_geometry.OutputLength);
        _outputGradient = Filled(SeedLayers.Random(_geometry.OutputLength, 4));
        _kernelGradient = new AlignedBuffer(_geometry.KernelLength);
        _biasGradient = new AlignedBuffer(_geometry.Filters);
        _inputGradient = new AlignedBuffer(_geometry.InputLength);
        _scratch = new AlignedBuffer(_geometry.InputGradientScratchLength);
        _transposedKernel = new AlignedBuffer(_geometry.KernelLength);
        Conv2DKernels.TransposeKernel(in _geometry, _kernel.Span, _transposedKernel.Span);
    }

    /// <summary><c>relu(conv(x, K) + b)</c> of one sample.</summary>
    [Benchmark]
    public void Forward() =>
        Conv2DKernels.Forward(in _geometry, _input.Span, _kernel.Span, _bias.Span, _output.Span, default, relu: true);

    /// <summary>Adds one sample's kernel and bias gradients.</summary>
    [Benchmark]
    public void ParameterGradients() =>
        Conv2DKernels.AccumulateParameterGradients(in _geometry, _input.Span, default, _outputGradient.Span, _kernelGradient.Span, _biasGradient.Span);

    /// <summary>One sample's input gradient (windows as a tiled product, then added into place).</summary>
    [Benchmark]
    public void InputGradient() =>
        Conv2DKernels.InputGradient(in _geometry, _transposedKernel.Span, _outputGradient.Span, _inputGradient.Span, _scratch.Span);

    internal static AlignedBuffer Filled(float[] values)
    {
        var buffer = new AlignedBuffer(values.Length);
        values.AsSpan().CopyTo(buffer.Span);
        return buffer;
    }
}
