using System;
using System.IO;

namespace NetDsl.Data;

/// <summary>
/// Labelled samples for classification: every sample's input, one after another in channels-last order
/// (height, width, channels), and an integer class label per sample. Immutable once created.
/// </summary>
public sealed class Dataset : ISampleSource
{
    /// <summary>The MNIST training images file name, without the optional <c>.gz</c>.</summary>
    private const string TrainImagesFileName = "train-images-idx3-ubyte";

    /// <summary>The MNIST training labels file name, without the optional <c>.gz</c>.</summary>
    private const string TrainLabelsFileName = "train-labels-idx1-ubyte";

    /// <summary>The MNIST test images file name, without the optional <c>.gz</c>.</summary>
    private const string TestImagesFileName = "t10k-images-idx3-ubyte";

    /// <summary>The MNIST test labels file name, without the optional <c>.gz</c>.</summary>
    private const string TestLabelsFileName = "t10k-labels-idx1-ubyte";

    private readonly float[] _inputs;
    private readonly int[] _labels;
    private readonly float[]? _targets;

    /// <summary>
    /// Creates a dataset from <paramref name="inputs"/> (all samples, one after another, each laid out as
    /// <paramref name="sampleShape"/>) and one label per sample. The arrays are taken over, not copied: do not
    /// change them afterwards.
    /// </summary>
    /// <exception cref="ArgumentException">The sample shape holds no values, <paramref name="inputs"/> does not
    /// hold exactly one sample per label or holds a NaN or infinite value, or a label is negative.</exception>
    public Dataset(float[] inputs, int[] labels, TensorShape sampleShape)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(sampleShape);
        if (sampleShape.ElementCount == 0 || sampleShape.ElementCount > Array.MaxLength)
        {
            throw new ArgumentException($"A sample of shape {sampleShape} holds {sampleShape.ElementCount} values; expected between 1 and {Array.MaxLength}.", nameof(sampleShape));
        }

        int sampleLength = (int)sampleShape.ElementCount;
        long expected = (long)labels.Length * sampleLength;
        if (inputs.Length != expected)
        {
            throw new ArgumentException($"Expected {expected} input values ({labels.Length} labels x {sampleLength} per sample of shape {sampleShape}), but inputs has {inputs.Length}.", nameof(inputs));
        }

        int nonFinite = Kernels.VectorOps.IndexOfNonFinite(inputs);
        if (nonFinite >= 0)
        {
            throw new ArgumentException($"Input value {nonFinite % sampleLength} of sample {nonFinite / sampleLength} is {inputs[nonFinite]}; every input must be a finite number.", nameof(inputs));
        }

        int maxLabel = -1;
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0)
            {
                throw new ArgumentException($"Labels must not be negative, but label {i} is {labels[i]}.", nameof(labels));
            }

            maxLabel = Math.Max(maxLabel, labels[i]);
        }

        _inputs = inputs;
        _labels = labels;
        SampleShape = sampleShape;
        SampleLength = sampleLength;
        ClassCount = maxLabel + 1;
    }

    /// <summary>
    /// Creates a dataset of samples with float targets (for a <see cref="Training.Loss"/>: one-hot rows, boxes,
    /// masks, regression values): <paramref name="targetLength"/> targets per sample, one after another. The arrays
    /// are taken over, not copied.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not match, or a value is NaN or infinite.</exception>
    public Dataset(float[] inputs, TensorShape sampleShape, float[] targets, int targetLength)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(sampleShape);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetLength);
        if (sampleShape.ElementCount == 0 || sampleShape.ElementCount > Array.MaxLength)
        {
            throw new ArgumentException($"A sample of shape {sampleShape} holds {sampleShape.ElementCount} values; expected between 1 and {Array.MaxLength}.", nameof(sampleShape));
        }

        int sampleLength = (int)sampleShape.ElementCount;
        if (inputs.Length % sampleLength != 0 || (long)(inputs.Length / sampleLength) * targetLength != targets.Length)
        {
            throw new ArgumentException($"{inputs.Length} input values are not whole samples of {sampleLength} with {targetLength} targets each in {targets.Length} target values.", nameof(targets));
        }

        int nonFinite = Kernels.VectorOps.IndexOfNonFinite(inputs);
        if (nonFinite >= 0)
        {
            throw new ArgumentException($"Input value {nonFinite % sampleLength} of sample {nonFinite / sampleLength} is {inputs[nonFinite]}; every input must be a finite number.", nameof(inputs));
        }

        nonFinite = Kernels.VectorOps.IndexOfNonFinite(targets);
        if (nonFinite >= 0)
        {
            throw new ArgumentException($"Target {nonFinite % targetLength} of sample {nonFinite / targetLength} is {targets[nonFinite]}; every target must be a finite number.", nameof(targets));
        }

        _inputs = inputs;
        _labels = new int[inputs.Length / sampleLength];
        _targets = targets;
        TargetLength = targetLength;
        SampleShape = sampleShape;
        SampleLength = sampleLength;
    }

    /// <summary>Floats of target per sample (0 for a dataset of labels).</summary>
    public int TargetLength { get; }

    /// <summary>Whether the samples have float targets rather than labels.</summary>
    public bool HasTargets => _targets is not null;

    /// <summary>All targets, one sample's after another (empty for a dataset of labels).</summary>
    public ReadOnlySpan<float> Targets => _targets;

    /// <summary>The <see cref="TargetLength"/> targets of sample <paramref name="index"/>.</summary>
    /// <exception cref="InvalidOperationException">The dataset has labels, not targets.</exception>
    public ReadOnlySpan<float> GetTarget(int index)
    {
        CheckIndex(index);
        if (_targets is null)
        {
            throw new InvalidOperationException("This dataset has labels, not float targets.");
        }

        return _targets.AsSpan(index * TargetLength, TargetLength);
    }

    /// <summary>The shape of one sample, channels-last: <c>(28, 28, 1)</c> for MNIST.</summary>
    public TensorShape SampleShape { get; }

    /// <summary>Number of floats per sample (the element count of <see cref="SampleShape"/>).</summary>
    public int SampleLength { get; }

    /// <summary>Number of samples.</summary>
    public int Count => _labels.Length; // a dataset of targets keeps an empty label per sample

    /// <summary>The largest label plus one (0 for an empty dataset). A slice counts only its own labels.</summary>
    public int ClassCount { get; }

    /// <summary>All samples, one after another, each channels-last (height, width, channels).</summary>
    public ReadOnlySpan<float> Inputs => _inputs;

    /// <summary>One label per sample (empty for a dataset of targets).</summary>
    public ReadOnlySpan<int> Labels => _targets is null ? _labels : default;

    /// <summary>The <see cref="SampleLength"/> floats of sample <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not in <c>[0, Count)</c>.</exception>
    public ReadOnlySpan<float> GetInput(int index)
    {
        CheckIndex(index);
        return _inputs.AsSpan(index * SampleLength, SampleLength);
    }

    /// <summary>The label of sample <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not in <c>[0, Count)</c>.</exception>
    public int GetLabel(int index)
    {
        CheckIndex(index);
        if (_targets is not null)
        {
            throw new InvalidOperationException("This dataset has float targets, not labels: use GetTarget.");
        }

        return _labels[index];
    }

    /// <summary>A new dataset holding a copy of the <paramref name="count"/> samples from <paramref name="start"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside <c>[0, Count)</c>.</exception>
    public Dataset Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (start > Count - count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"The range of {count} samples from {start} goes past the end of the dataset ({Count} samples).");
        }

        float[] inputs = _inputs.AsSpan(start * SampleLength, count * SampleLength).ToArray();
        if (_targets is not null)
        {
            return new Dataset(inputs, SampleShape, _targets.AsSpan(start * TargetLength, count * TargetLength).ToArray(), TargetLength);
        }

        int[] labels = _labels.AsSpan(start, count).ToArray();
        return new Dataset(inputs, labels, SampleShape);
    }

    /// <summary>For example <c>8000 samples of (28, 28, 1), 10 classes</c>.</summary>
    public override string ToString() => _targets is null ? $"{Count} samples of {SampleShape}, {ClassCount} classes" : $"{Count} samples of {SampleShape}, {TargetLength} targets each";

    /// <summary>
    /// Loads images and labels from two IDX files (gzip-compressed or raw). Images <c>[n, rows, cols]</c> become
    /// samples of shape <c>(rows, cols, 1)</c>, images <c>[n, rows, cols, channels]</c> become
    /// <c>(rows, cols, channels)</c>; every byte is divided by <c>255f</c>, so pixels lie in [0, 1]. Labels
    /// must be <c>[n]</c>.
    /// </summary>
    /// <param name="imagesPath">The images file.</param>
    /// <param name="labelsPath">The labels file.</param>
    /// <param name="maxValues">The most values each file may declare (see <see cref="IdxReader.DefaultMaxValues"/>).</param>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is malformed or larger than <paramref name="maxValues"/>, the
    /// images are not 3-D or 4-D, the labels are not 1-D, a sample dimension is 0, or the counts of images and
    /// labels differ.</exception>
    public static Dataset LoadIdx(string imagesPath, string labelsPath, long maxValues = IdxReader.DefaultMaxValues)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagesPath);
        ArgumentException.ThrowIfNullOrEmpty(labelsPath);
        IdxData images = IdxReader.Read(imagesPath, maxValues);
        IdxData labels = IdxReader.Read(labelsPath, maxValues);
        if (images.Rank is not (3 or 4))
        {
            throw new InvalidDataException($"Cannot use IDX file '{imagesPath}' as images: expected 3 dimensions [count, rows, columns] or 4 [count, rows, columns, channels], found {images.Rank}: {IdxData.Format(images.Dimensions)}.");
        }

        if (labels.Rank != 1)
        {
            throw new InvalidDataException($"Cannot use IDX file '{labelsPath}' as labels: expected 1 dimension [count], found {labels.Rank}: {IdxData.Format(labels.Dimensions)}.");
        }

        int count = images.Dimensions[0];
        if (labels.Dimensions[0] != count)
        {
            throw new InvalidDataException($"The images and labels do not match: '{imagesPath}' holds {count} images but '{labelsPath}' holds {labels.Dimensions[0]} labels.");
        }

        var sampleShape = new TensorShape(images.Dimensions[1], images.Dimensions[2], images.Rank == 4 ? images.Dimensions[3] : 1);
        if (sampleShape.ElementCount == 0)
        {
            throw new InvalidDataException($"Cannot use IDX file '{imagesPath}' as images: expected non-zero image dimensions, found {IdxData.Format(images.Dimensions)}.");
        }

        return new Dataset(ToUnitRange(images.Values), ToLabels(labels.Values), sampleShape);
    }

    /// <summary>
    /// Loads MNIST or Fashion-MNIST from <paramref name="directory"/>: <c>train-images-idx3-ubyte</c>,
    /// <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c> and <c>t10k-labels-idx1-ubyte</c>, each
    /// raw or with a <c>.gz</c> suffix (the raw file wins when both exist). See <see cref="LoadIdx"/>.
    /// </summary>
    /// <param name="directory">The folder with the four files.</param>
    /// <param name="maxValues">The most values each file may declare (see <see cref="IdxReader.DefaultMaxValues"/>).</param>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">One of the four files is missing.</exception>
    /// <exception cref="InvalidDataException">A file is malformed or too large, or the files do not match.</exception>
    public static (Dataset Train, Dataset Test) LoadMnist(string directory, long maxValues = IdxReader.DefaultMaxValues)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The MNIST directory '{directory}' does not exist.");
        }

        Dataset train = LoadIdx(FindFile(directory, TrainImagesFileName), FindFile(directory, TrainLabelsFileName), maxValues);
        Dataset test = LoadIdx(FindFile(directory, TestImagesFileName), FindFile(directory, TestLabelsFileName), maxValues);
        return (train, test);
    }

    /// <summary>Nothing to prepare: the samples are in memory.</summary>
    void ISampleSource.BeginEpoch(ReadOnlySpan<int> order)
    {
    }

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Expected a sample index in [0, {Count}).");
        }
    }

    /// <summary>The path of <paramref name="fileName"/> or, failing that, of <paramref name="fileName"/>.gz.</summary>
    private static string FindFile(string directory, string fileName)
    {
        string raw = Path.Combine(directory, fileName);
        if (File.Exists(raw))
        {
            return raw;
        }

        string gzip = raw + ".gz";
        if (File.Exists(gzip))
        {
            return gzip;
        }

        throw new FileNotFoundException($"Neither '{raw}' nor '{gzip}' exists.", gzip);
    }

    /// <summary>Each byte divided by <c>255f</c>.</summary>
    private static float[] ToUnitRange(byte[] values)
    {
        Span<float> scale = stackalloc float[256];
        for (int b = 0; b < scale.Length; b++)
        {
            scale[b] = b / 255f;
        }

        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = scale[values[i]];
        }

        return result;
    }

    private static int[] ToLabels(byte[] values)
    {
        var result = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }

        return result;
    }
}
