using BenchmarkDotNet.Attributes;
using NetDsl.Engine;
using NetDsl.Kernels;

namespace NetDsl.Benchmarks.Micro;

/// <summary>One sample through each MaxPooling2D layer of the seed model, forward and backward.</summary>
[BenchmarkCategory("Layer", "MaxPooling2D")]
public class PoolingBenchmarks
{
    private Pool2DGeometry _geometry;
    private AlignedBuffer _input = null!;
    private AlignedBuffer _output = null!;
    private AlignedBuffer _outputGradient = null!;
    private AlignedBuffer _inputGradient = null!;

    [Params("max_pooling2d", "max_pooling2d_1")]
    public string Layer { get; set; } = "max_pooling2d";

    [GlobalSetup]
    public void Setup()
    {
        _geometry = SeedLayers.Pool(Layer);
        _input = Conv2DBenchmarks.Filled(SeedLayers.Random(_geometry.InputLength, 1));
        _output = new AlignedBuffer(_geometry.OutputLength);
        _outputGradient = Conv2DBenchmarks.Filled(SeedLayers.Random(_geometry.OutputLength, 2));
        _inputGradient = new AlignedBuffer(_geometry.InputLength);
        PoolingKernels.MaxForward(in _geometry, _input.Span, _output.Span);
    }

    /// <summary>The maximum of every 2x2 window.</summary>
    [Benchmark]
    public void Forward() => PoolingKernels.MaxForward(in _geometry, _input.Span, _output.Span);

    /// <summary>Routes each window's gradient to its maximum.</summary>
    [Benchmark]
    public void Backward() => PoolingKernels.MaxBackward(in _geometry, _input.Span, _output.Span, _outputGradient.Span, _inputGradient.Span);
}
