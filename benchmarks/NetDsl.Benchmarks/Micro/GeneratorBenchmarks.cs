using BenchmarkDotNet.Attributes;
using NetDsl.Benchmarks.BuildTime;

namespace NetDsl.Benchmarks.Micro;

/// <summary>A full (non-incremental) run of the NetDsl source generator, as in a clean build. Target: under
/// 50 ms for the seed model.</summary>
[BenchmarkCategory("Generator")]
public class GeneratorBenchmarks
{
    private GeneratorTiming _seed = null!;
    private GeneratorTiming _twentyLayers = null!;

    [GlobalSetup]
    public void Setup()
    {
        _seed = new GeneratorTiming(ModelSources.SeedModel);
        _twentyLayers = new GeneratorTiming(ModelSources.TwentyLayerModel);
    }

    /// <summary>A full generator run on the seed model.</summary>
    [Benchmark]
    public int SeedModel() => _seed.RunOnce();

    /// <summary>A full generator run on the 20-layer model.</summary>
    [Benchmark]
    public int TwentyLayerModel() => _twentyLayers.RunOnce();
}
