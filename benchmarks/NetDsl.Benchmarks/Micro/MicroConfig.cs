using System;
using System.IO;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace NetDsl.Benchmarks.Micro;

/// <summary>
/// The <c>micro</c> command's default BenchmarkDotNet configuration: in process (no separate build of the
/// benchmark project, so it never touches the repository's bin/obj folders), one launch, 4 warm-up and 12
/// measured iterations of about 120 ms, allocations measured, GFLOP/s where the work is multiply-adds. A whole run takes a few minutes on 2 cores.
/// Any <c>--job</c> on the command line replaces this job; results go next to the executable unless
/// <c>--artifacts</c> says otherwise.
/// </summary>
internal static class MicroConfig
{
    public static IConfig Create() =>
        DefaultConfig.Instance
            .AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1)
                .WithWarmupCount(4)
                .WithIterationCount(12)
                .WithIterationTime(TimeInterval.FromMilliseconds(120))
                .WithId("NetDsl")
                .AsDefault())
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(GflopsColumn.Instance)
            .WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
}
