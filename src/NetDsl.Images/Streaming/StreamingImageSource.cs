using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using NetDsl.Data;
using NetDsl.Images.Processing;

namespace NetDsl.Images;

/// <summary>
/// A folder of images streamed to <c>Fit</c> without holding it in memory: an <see cref="ISampleSource"/> that,
/// once Fit announces an epoch's order, decodes, resizes and augments the samples ahead on background threads
/// into a bounded ring of slots (<see cref="StreamingImageOptions.MemoryLimitBytes"/>), so training takes
/// ready samples while the next ones load. Files are listed as <see cref="ImageDataset.FromDirectory"/> lists
/// them (same classes, labels, split and seed), and each sample is the same floats, before augmentation.
/// </summary>
/// <remarks>A file that cannot be read stops training with its <see cref="InvalidImageException"/> when Fit
/// reaches it; streaming has no <see cref="ImageDatasetOptions.SkipInvalidFiles"/>, since an epoch's length is
/// fixed when it starts. Samples must be read in the announced order, one at a time. Dispose to stop the
/// loading threads.</remarks>
public sealed class StreamingImageSource : ISampleSource, IDisposable
{
    private readonly ImageDirectory _files;
    private readonly ImageLoader[] _loaders;
    private readonly IReadOnlyList<Augmentation>?[] _augmentations;
    private readonly StreamingImageOptions _streaming;
    private readonly float[] _slots;
    private readonly int _capacity;
    private readonly SemaphoreSlim[] _ready;
    private readonly Exception?[] _errors;
    private int[] _order = Array.Empty<int>();
    private SemaphoreSlim _free = new(0);
    private CancellationTokenSource? _epochCancellation;
    private Task[] _workers = Array.Empty<Task>();
    private int _nextToLoad;
    private int _nextToRead;
    private int _epoch;
    private long _waitTicks;
    private bool _disposed;

    private StreamingImageSource(ImageDirectory files, int height, int width, ColorMode colorMode, ImagePreprocessing preprocessing, StreamingImageOptions streaming)
    {
        int channels = ImageDataset.Channels(colorMode);
        int workers = streaming.WorkerCount ?? Environment.ProcessorCount;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workers, nameof(streaming.WorkerCount));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(streaming.MemoryLimitBytes, nameof(streaming.MemoryLimitBytes));
        _files = files;
        _streaming = streaming;
        _loaders = new ImageLoader[workers];
        _augmentations = new IReadOnlyList<Augmentation>?[workers];
        for (int w = 0; w < workers; w++)
        {
            _loaders[w] = new ImageLoader(height, width, channels, preprocessing);
            _augmentations[w] = streaming.CreateAugmentations?.Invoke();
        }

        SampleShape = new TensorShape(height, width, channels);
        SampleLength = _loaders[0].SampleLength;
        long bytesPerSample = SampleLength * 4L;
        _capacity = (int)Math.Clamp(streaming.MemoryLimitBytes / bytesPerSample, 2, Math.Max(2, files.Files.Count));
        if ((long)_capacity * SampleLength > Array.MaxLength)
        {
            _capacity = Math.Max(2, Array.MaxLength / SampleLength);
        }

        _slots = new float[_capacity * SampleLength];
        _ready = new SemaphoreSlim[_capacity];
        _errors = new Exception?[_capacity];
        for (int s = 0; s < _capacity; s++)
        {
            _ready[s] = new SemaphoreSlim(0);
        }
    }

    /// <summary>The class names, sorted; label <c>i</c> is <c>ClassNames[i]</c>.</summary>
    public IReadOnlyList<string> ClassNames => _files.ClassNames;

    /// <summary>The files streamed; sample <c>i</c> is <c>FilePaths[i]</c>.</summary>
    public IReadOnlyList<string> FilePaths => _files.Files;

    /// <inheritdoc/>
    public TensorShape SampleShape { get; }

    /// <inheritdoc/>
    public int SampleLength { get; }

    /// <inheritdoc/>
    public int Count => _files.Files.Count;

    /// <inheritdoc/>
    public int ClassCount => _files.ClassNames.Count;

    /// <inheritdoc/>
    public bool HasTargets => false;

    /// <inheritdoc/>
    public int TargetLength => 0;

    /// <summary>How many samples fit in the memory limit: how far loading may run ahead of training.</summary>
    public int Capacity => _capacity;

    /// <summary>Total time training waited for a sample that was not loaded yet (0 when loading keeps ahead).</summary>
    public TimeSpan WaitTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _waitTicks));

    /// <summary>Streams the images under <paramref name="directory"/> as <see cref="ImageDataset.FromDirectory"/>
    /// would load them (the same options: split, subset, seed, preprocessing; <see cref="ImageDatasetOptions.SkipInvalidFiles"/>
    /// is not available).</summary>
    /// <exception cref="ArgumentException">An option is out of range, or SkipInvalidFiles is set.</exception>
    public static StreamingImageSource FromDirectory(string directory, int height, int width, ColorMode colorMode = ColorMode.Rgb, ImageDatasetOptions? options = null, StreamingImageOptions? streaming = null)
    {
        options ??= new ImageDatasetOptions();
        if (options.SkipInvalidFiles)
        {
            throw new ArgumentException("A streaming source cannot skip files (an epoch's length is fixed when it starts): load with ImageDataset.FromDirectory, or remove the bad files.", nameof(options));
        }

        return new StreamingImageSource(ImageDirectory.List(directory, options), height, width, colorMode, options, streaming ?? new StreamingImageOptions());
    }

    /// <summary>Starts loading the epoch's samples in <paramref name="order"/> on the background threads, after
    /// stopping what the previous epoch had left to load.</summary>
    public void BeginEpoch(ReadOnlySpan<int> order)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (order.Length != Count)
        {
            throw new ArgumentException($"The order lists {order.Length} samples; the source has {Count}.", nameof(order));
        }

        StopWorkers();
        _order = order.ToArray();
        foreach (int index in _order)
        {
            if ((uint)index >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(order), index, $"Expected sample indices in [0, {Count}).");
            }
        }

        _epoch++;
        _nextToLoad = 0;
        _nextToRead = 0;
        for (int s = 0; s < _capacity; s++)
        {
            _ready[s].Dispose();
            _ready[s] = new SemaphoreSlim(0);
            _errors[s] = null;
        }

        _free = new SemaphoreSlim(_capacity);
        _epochCancellation = new CancellationTokenSource();
        CancellationToken token = _epochCancellation.Token;
        int epoch = _epoch;
        _workers = new Task[_loaders.Length];
        for (int w = 0; w < _workers.Length; w++)
        {
            int worker = w;
            _workers[w] = Task.Factory.StartNew(() => Load(worker, epoch, token), token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    /// <summary>The input of the next sample of the epoch, which must be <paramref name="index"/>; waits until it
    /// is loaded. Valid until the next call.</summary>
    /// <exception cref="InvalidImageException">Its file cannot be read.</exception>
    /// <exception cref="InvalidOperationException">No epoch was begun, or samples are read out of order.</exception>
    public ReadOnlySpan<float> GetInput(int index)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int position = _nextToRead;
        if (position >= _order.Length || _order[position] != index)
        {
            throw new InvalidOperationException(position >= _order.Length
                ? "Every sample of the epoch has been read: call BeginEpoch first."
                : $"Expected sample {_order[position]} (position {position} of the order given to BeginEpoch), not {index}.");
        }

        if (position > 0)
        {
            _free.Release(); // the previous sample's slot: its span is no longer valid
        }

        int slot = position % _capacity;
        if (!_ready[slot].Wait(0))
        {
            long start = Stopwatch.GetTimestamp();
            _ready[slot].Wait();
            Interlocked.Add(ref _waitTicks, Stopwatch.GetTimestamp() - start);
        }

        _nextToRead++;
        if (_errors[slot] is { } error)
        {
            throw error is InvalidImageException image ? new InvalidImageException(image.FilePath, image.Reason, image) : new InvalidOperationException($"Loading sample {index} failed.", error);
        }

        return _slots.AsSpan(slot * SampleLength, SampleLength);
    }

    /// <inheritdoc/>
    public int GetLabel(int index) => _files.Labels[index];

    /// <inheritdoc/>
    public ReadOnlySpan<float> GetTarget(int index) => throw new InvalidOperationException("An image folder has labels, not float targets.");

    /// <summary>Stops the loading threads.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        StopWorkers();
        _disposed = true;
        foreach (SemaphoreSlim ready in _ready)
        {
            ready.Dispose();
        }

        _free.Dispose();
    }

    private void Load(int worker, int epoch, CancellationToken token)
    {
        ImageLoader loader = _loaders[worker];
        IReadOnlyList<Augmentation>? augmentations = _augmentations[worker];
        try
        {
            while (true)
            {
                _free.Wait(token); // a free slot first, then a position: at most Capacity samples are ahead
                int position = Interlocked.Increment(ref _nextToLoad) - 1;
                if (position >= _order.Length)
                {
                    return;
                }

                int slot = position % _capacity;
                Span<float> sample = _slots.AsSpan(slot * SampleLength, SampleLength);
                try
                {
                    loader.Load(_files.Files[_order[position]], sample);
                    if (augmentations is not null)
                    {
                        var random = new DeterministicRandom(SampleSeed(_streaming.Seed, epoch, position));
                        foreach (Augmentation augmentation in augmentations)
                        {
                            augmentation.Apply(sample, SampleShape, random);
                        }
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _errors[slot] = e;
                }

                _ready[slot].Release();
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>A seed per (seed, epoch, position), the same in every process (unlike <see cref="HashCode"/>).</summary>
    private static int SampleSeed(int seed, int epoch, int position) =>
        unchecked((int)(((uint)seed * 0x9E3779B1u) ^ ((uint)epoch * 0x85EBCA77u) ^ ((uint)position * 0xC2B2AE3Du)));

    private void StopWorkers()
    {
        if (_epochCancellation is null)
        {
            return;
        }

        _epochCancellation.Cancel();
        Task.WaitAll(_workers);
        _epochCancellation.Dispose();
        _epochCancellation = null;
        _free.Dispose();
    }
}
