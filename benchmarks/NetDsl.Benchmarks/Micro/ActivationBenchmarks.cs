using BenchmarkDotNet.Attributes;
using NetDsl.Engine;
using NetDsl.Kernels;

namespace NetDsl.Benchmarks.Micro;

/// <summary>The seed model's standalone activations: ReLU after its first Dense layer (64 values; the Conv2D
/// layers fuse ReLU into their tiles), its gradient, and the final softmax over 10 classes. ReLU is also timed
/// on a first-convolution-sized map (26x26x32) to show the per-value cost.</summary>
[BenchmarkCategory("Layer", "Activation")]
public class ActivationBenchmarks
{
    private AlignedBuffer _dense = null!;
    private AlignedBuffer _denseGradient = null!;
    private AlignedBuffer _map = null!;
    private AlignedBuffer _logits = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dense = Conv2DBenchmarks.Filled(SeedLayers.Random(64, 1));
        _denseGradient = Conv2DBenchmarks.Filled(SeedLayers.Random(64, 2));
        _map = Conv2DBenchmarks.Filled(SeedLayers.Random(26 * 26 * 32, 3));
        _logits = Conv2DBenchmarks.Filled(SeedLayers.Random(10, 4));
    }

    /// <summary>ReLU in place on the 64 outputs of <c>dense</c>.</summary>
    [Benchmark]
    public void ReLUDense() => ActivationKernels.ReLU(_dense.Span);

    /// <summary>ReLU's gradient on the 64 outputs of <c>dense</c>.</summary>
    [Benchmark]
    public void ReLUBackwardDense() => ActivationKernels.ReLUBackward(_dense.Span, _denseGradient.Span);

    /// <summary>ReLU in place on a 26x26x32 map.</summary>
    [Benchmark]
    public void ReLUMap() => ActivationKernels.ReLU(_map.Span);

    /// <summary>Softmax over the 10 outputs of <c>dense_1</c>.</summary>
    [Benchmark]
    public void Softmax() => ActivationKernels.Softmax(_logits.Span, 10);
}
