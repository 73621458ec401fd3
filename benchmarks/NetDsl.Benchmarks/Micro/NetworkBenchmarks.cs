using System;
using BenchmarkDotNet.Attributes;
using NetDsl.Benchmarks.Workload;
using NetDsl.Training;

namespace NetDsl.Benchmarks.Micro;

/// <summary>The whole seed model, as the <c>compare</c> command times it (without the peers).</summary>
[BenchmarkCategory("Network")]
public class NetworkBenchmarks
{
    public const int InferenceBatch = 256;
    public const int TrainingBatch = 64;

    private MnistNet _single = null!;
    private MnistNet _batch = null!;
    private MnistNet _training = null!;
    private Adam _adam = null!;
    private float[] _input = null!;
    private float[] _output = null!;
    private float[] _inputs = null!;
    private float[] _outputs = null!;
    private float[] _trainingInputs = null!;
    private int[] _labels = null!;
    private float[] _gradients = null!;

    [GlobalSetup]
    public void Setup()
    {
        _single = new MnistNet(seed: 1) { MaxDegreeOfParallelism = 1 };
        _batch = new MnistNet(seed: 1) { MaxDegreeOfParallelism = Environment.ProcessorCount };
        _training = new MnistNet(seed: 1) { MaxDegreeOfParallelism = 2 };
        _adam = new Adam(0.001f);
        _input = Pixels(MnistNet.InputLength, 1);
        _output = new float[MnistNet.OutputLength];
        _inputs = Pixels(InferenceBatch * MnistNet.InputLength, 2);
        _outputs = new float[InferenceBatch * MnistNet.OutputLength];
        _trainingInputs = Pixels(TrainingBatch * MnistNet.InputLength, 3);
        var random = new Random(4);
        _labels = new int[TrainingBatch];
        for (int i = 0; i < _labels.Length; i++)
        {
            _labels[i] = random.Next(MnistNet.OutputLength);
        }

        _gradients = new float[MnistNet.ParameterCount];
    }

    /// <summary>One sample on the calling thread, as <c>compare</c> times it against ONNX Runtime.</summary>
    [Benchmark]
    public void PredictOne() => _single.Predict(_input, _output);

    /// <summary>256 samples on all cores.</summary>
    [Benchmark]
    public void PredictBatch() => _batch.Predict(_inputs, _outputs, InferenceBatch);

    /// <summary>One training step of 64 samples on 2 threads: gradients, then Adam.</summary>
    [Benchmark]
    public float TrainStep()
    {
        float loss = _training.ComputeGradients(_trainingInputs, _labels, _gradients);
        _adam.Step(_training.Parameters, _gradients);
        return loss;
    }

    private static float[] Pixels(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = random.NextSingle();
        }

        return values;
    }
}
