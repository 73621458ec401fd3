using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using NetDsl.Data;
using NetDsl.Images.Processing;

namespace NetDsl.Images;

/// <summary>
/// A folder of images loaded into memory as a <see cref="Dataset"/> (Keras's
/// <c>image_dataset_from_directory</c>): one subfolder per class, every image decoded, resized to
/// height x width, scaled to [0, 1] and optionally normalised. Give <see cref="Data"/> (or the dataset itself,
/// which converts) to <c>Fit</c>. For folders larger than memory, use <see cref="StreamingImageSource"/>.
/// </summary>
public sealed class ImageDataset
{
    private ImageDataset(Dataset data, IReadOnlyList<string> classNames, string[] filePaths, SkippedImage[] skipped)
    {
        Data = data;
        ClassNames = classNames;
        FilePaths = filePaths;
        SkippedFiles = skipped;
    }

    /// <summary>The samples (channels-last, height x width x channels) and their labels (class indices).</summary>
    public Dataset Data { get; }

    /// <summary>The class names (subfolder names) sorted by name; label <c>i</c> is <c>ClassNames[i]</c>.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The file of each sample of <see cref="Data"/>, in the same order.</summary>
    public IReadOnlyList<string> FilePaths { get; }

    /// <summary>Files left out because they could not be read (only with
    /// <see cref="ImageDatasetOptions.SkipInvalidFiles"/>; otherwise loading throws).</summary>
    public IReadOnlyList<SkippedImage> SkippedFiles { get; }

    /// <summary>Number of samples.</summary>
    public int Count => Data.Count;

    /// <summary>The loaded samples as a dataset, for <c>network.Fit(images)</c>.</summary>
    public static implicit operator Dataset(ImageDataset images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return images.Data;
    }

    /// <summary>
    /// Loads the images under <paramref name="directory"/> (one subfolder per class) as samples of
    /// <paramref name="height"/> x <paramref name="width"/> x (3 for <see cref="ColorMode.Rgb"/>, 1 for
    /// <see cref="ColorMode.Grayscale"/>), decoding on every core.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">No class subfolder or image was found.</exception>
    /// <exception cref="InvalidImageException">A file cannot be read or decoded (unless
    /// <see cref="ImageDatasetOptions.SkipInvalidFiles"/>); <see cref="InvalidImageException.FilePath"/> names it.</exception>
    /// <exception cref="ArgumentException">A size or option is out of range, or the samples would not fit one array.</exception>
    public static ImageDataset FromDirectory(string directory, int height, int width, ColorMode colorMode = ColorMode.Rgb, ImageDatasetOptions? options = null)
    {
        options ??= new ImageDatasetOptions();
        var loader = new ImageLoader(height, width, Channels(colorMode), options); // checks sizes and normalisation first
        return Load(ImageDirectory.List(directory, options), loader, options);
    }

    /// <summary>Both parts of a <see cref="ImageDatasetOptions.ValidationSplit"/> in one call (Keras's
    /// <c>subset="both"</c>): disjoint, together every image, the same for the same seed.</summary>
    /// <exception cref="ArgumentException"><see cref="ImageDatasetOptions.ValidationSplit"/> is 0.</exception>
    public static (ImageDataset Training, ImageDataset Validation) FromDirectorySplit(string directory, int height, int width, ColorMode colorMode, ImageDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var loader = new ImageLoader(height, width, Channels(colorMode), options);
        (ImageDirectory training, ImageDirectory validation) = ImageDirectory.ListSplit(directory, options);
        return (Load(training, loader, options), Load(validation, loader, options));
    }

    internal static int Channels(ColorMode colorMode) => colorMode switch
    {
        ColorMode.Rgb => 3,
        ColorMode.Grayscale => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(colorMode), colorMode, "Expected ColorMode.Rgb or ColorMode.Grayscale."),
    };

    private static ImageDataset Load(ImageDirectory list, ImageLoader prototype, ImageDatasetOptions options)
    {
        int count = list.Files.Count;
        int sampleLength = prototype.SampleLength;
        if ((long)count * sampleLength > Array.MaxLength)
        {
            throw new ArgumentException($"{count} images of {prototype.Height} x {prototype.Width} x {prototype.Channels} need {(long)count * sampleLength} floats, more than one array holds: use StreamingImageSource.");
        }

        var inputs = new float[count * sampleLength];
        var errors = new InvalidImageException?[count];
        int failed = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount };
        Parallel.For(
            0,
            count,
            parallel,
            () => new ImageLoader(prototype.Height, prototype.Width, prototype.Channels, prototype.Preprocessing),
            (i, state, loader) =>
            {
                try
                {
                    loader.Load(list.Files[i], inputs.AsSpan(i * sampleLength, sampleLength));
                }
                catch (InvalidImageException e)
                {
                    errors[i] = e;
                    Interlocked.Increment(ref failed);
                    if (!options.SkipInvalidFiles)
                    {
                        state.Stop();
                    }
                }

                return loader;
            },
            _ => { });

        if (failed > 0 && !options.SkipInvalidFiles)
        {
            // The first failing file in list order, so the error does not depend on thread timing.
            throw Array.Find(errors, e => e is not null)!;
        }

        var files = new string[count - failed];
        var labels = new int[count - failed];
        var skipped = new SkippedImage[failed];
        float[] kept = failed == 0 ? inputs : new float[(count - failed) * sampleLength];
        for (int i = 0, k = 0, s = 0; i < count; i++)
        {
            if (errors[i] is { } error)
            {
                skipped[s++] = new SkippedImage(error.FilePath, error.Reason);
                continue;
            }

            if (failed > 0)
            {
                inputs.AsSpan(i * sampleLength, sampleLength).CopyTo(kept.AsSpan(k * sampleLength));
            }

            files[k] = list.Files[i];
            labels[k++] = list.Labels[i];
        }

        var dataset = new Dataset(kept, labels, new TensorShape(prototype.Height, prototype.Width, prototype.Channels));
        return new ImageDataset(dataset, list.ClassNames, files, skipped);
    }
}
