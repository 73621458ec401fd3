using System;
using System.Collections.Generic;
using NetDsl.Data;

namespace NetDsl.Images;

/// <summary>Settings of <see cref="StreamingImageSource"/>: how much memory the samples loaded ahead may take,
/// how many threads load them, and the augmentations applied on those threads.</summary>
public sealed record StreamingImageOptions
{
    /// <summary>The default memory limit: 256 MiB of samples loaded ahead.</summary>
    public const long DefaultMemoryLimitBytes = 256L << 20;

    /// <summary>The most bytes of samples held ready ahead of training (default 256 MiB). The number of slots is
    /// this divided by a sample's size (4 bytes a float), at least 2 and at most the sample count. Each loading
    /// thread also keeps its own decode buffers, the size of the largest image it has met.</summary>
    public long MemoryLimitBytes { get; init; } = DefaultMemoryLimitBytes;

    /// <summary>Threads decoding, resizing and augmenting (default: the number of cores).</summary>
    public int? WorkerCount { get; init; }

    /// <summary>Creates the augmentations applied, in order, to each sample on the loading threads, once per
    /// thread (an <see cref="Augmentation"/> keeps scratch buffers, so threads cannot share one). Each sample draws
    /// from a generator seeded by <see cref="Seed"/>, the epoch and its position, so the result does not depend on
    /// which thread loads it. Null (default): none. Do not also give <c>FitOptions.Augmentations</c>, which would
    /// augment again on the training thread.</summary>
    public Func<IReadOnlyList<Augmentation>>? CreateAugmentations { get; init; }

    /// <summary>Seed of the augmentations' random draws (default 0).</summary>
    public int Seed { get; init; }
}
