using System;

namespace NetDsl.Images;

/// <summary>
/// Settings of <see cref="ImageDataset.FromDirectory"/>, named after the arguments of Keras's
/// <c>image_dataset_from_directory</c>; the per-image settings are those of <see cref="ImagePreprocessing"/>.
/// </summary>
public sealed record ImageDatasetOptions : ImagePreprocessing
{
    /// <summary>The fraction of images held out for validation, in [0, 1) (default 0: none). With a split, choose
    /// <see cref="Subset"/>, or call <see cref="ImageDataset.FromDirectorySplit"/> for both parts.</summary>
    public double ValidationSplit { get; init; }

    /// <summary>Which part to load when <see cref="ValidationSplit"/> is set (Keras's <c>subset</c>).</summary>
    public ImageSubset Subset { get; init; } = ImageSubset.All;

    /// <summary>Whether the file list is shuffled (default true, as Keras). A validation split always shuffles
    /// first, then takes the last <see cref="ValidationSplit"/> of the list, so both parts are disjoint and
    /// drawn from every class.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed of the shuffle (default 0). Load the training and validation subsets with the same seed:
    /// the same seed and files give the same split on every machine. (The permutation is NetDsl's own seeded
    /// shuffle, not NumPy's, so it differs from the one Keras draws with the same seed.)</summary>
    public int Seed { get; init; }

    /// <summary>Leave out files that cannot be read or decoded, listing them in
    /// <see cref="ImageDataset.SkippedFiles"/>, instead of throwing <see cref="InvalidImageException"/> (default false).</summary>
    public bool SkipInvalidFiles { get; init; }

    /// <summary>Whether symbolic links to folders are followed inside class folders (Keras's <c>follow_links</c>,
    /// default false).</summary>
    public bool FollowLinks { get; init; }

    /// <summary>Threads decoding in parallel when loading into memory (default: every core).</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    internal void ValidateSplit(bool both)
    {
        if (!(ValidationSplit >= 0 && ValidationSplit < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationSplit), ValidationSplit, "ValidationSplit must be in [0, 1).");
        }

        if (MaxDegreeOfParallelism is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be positive.");
        }

        if (both)
        {
            if (ValidationSplit == 0)
            {
                throw new ArgumentException("Loading training and validation parts needs a ValidationSplit above 0.", nameof(ValidationSplit));
            }

            return;
        }

        if (ValidationSplit > 0 && Subset == ImageSubset.All)
        {
            throw new ArgumentException($"With ValidationSplit = {ValidationSplit}, choose Subset = ImageSubset.Training or ImageSubset.Validation (the same Seed for both), or call ImageDataset.FromDirectorySplit for both.", nameof(Subset));
        }

        if (ValidationSplit == 0 && Subset != ImageSubset.All)
        {
            throw new ArgumentException($"Subset = {Subset} needs a ValidationSplit above 0.", nameof(Subset));
        }
    }
}
