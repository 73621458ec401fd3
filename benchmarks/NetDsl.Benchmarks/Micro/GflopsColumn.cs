using System;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using NetDsl.Benchmarks.Workload;
using NetDsl.Kernels;

namespace NetDsl.Benchmarks.Micro;

/// <summary>
/// A "GFLOP/s" column for the benchmarks that do multiply-adds (Conv2D, Dense, whole network): the FLOPs of
/// one invocation, counted from the layer sizes (2 per multiply-add), divided by the measured mean time.
/// </summary>
internal sealed class GflopsColumn : IColumn
{
    public static readonly GflopsColumn Instance = new();

    private static readonly Lazy<NetworkCost> SeedCost = new(() => NetworkCost.Of(new MnistNet(seed: 1)));

    public string Id => nameof(GflopsColumn);

    public string ColumnName => "GFLOP/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Multiply-add FLOPs of one invocation (2 per multiply-add, from the layer sizes) / mean time";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? flops = Flops(benchmarkCase);
        double? meanNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return flops is double f && meanNanoseconds is double ns && ns > 0
            ? (f / ns).ToString("N1", CultureInfo.InvariantCulture)
            : "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    private static double? Flops(BenchmarkCase benchmarkCase)
    {
        string method = benchmarkCase.Descriptor.WorkloadMethod.Name;
        string? layer = benchmarkCase.Parameters["Layer"] as string;
        Type type = benchmarkCase.Descriptor.Type;
        if (type == typeof(Conv2DBenchmarks) && layer is not null)
        {
            Conv2DGeometry g = SeedLayers.Conv(layer);
            return 2.0 * g.OutputHeight * g.OutputWidth * g.KernelLength;
        }

        if (type == typeof(DenseBenchmarks) && layer is not null)
        {
            (int inputs, int outputs) = SeedLayers.Dense(layer);
            return 2.0 * inputs * outputs;
        }

        if (type == typeof(NetworkBenchmarks))
        {
            return method switch
            {
                nameof(NetworkBenchmarks.PredictOne) => SeedCost.Value.InferenceFlops,
                nameof(NetworkBenchmarks.PredictBatch) => (double)NetworkBenchmarks.InferenceBatch * SeedCost.Value.InferenceFlops,
                nameof(NetworkBenchmarks.TrainStep) => (double)NetworkBenchmarks.TrainingBatch * SeedCost.Value.TrainingFlops,
                _ => null,
            };
        }

        return null;
    }

    public override string ToString() => ColumnName;
}
