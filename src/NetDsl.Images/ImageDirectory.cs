using System;
using System.Collections.Generic;
using System.IO;

namespace NetDsl.Images;

/// <summary>
/// The files of a folder of class subfolders, as Keras's <c>image_dataset_from_directory</c> lists them: one
/// class per immediate subfolder, classes sorted by name (ordinal), label = class index; every file with an image
/// extension inside a class folder (sub-subfolders included), each folder's files sorted by name; files directly
/// in the root are ignored. Then, as Keras, the list is shuffled with the seed and, with a validation split, the
/// last <c>floor(split * count)</c> files are the validation part.
/// </summary>
public sealed class ImageDirectory
{
    /// <summary>The file extensions listed (compared case-insensitively): Keras's <c>.bmp .gif .jpeg .jpg .png</c>,
    /// plus <c>.webp</c>, the netpbm <c>.pbm .pgm .ppm .pnm</c>, and TIFF's <c>.tif .tiff</c>.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".bmp", ".gif", ".jpeg", ".jpg", ".png", ".webp", ".pbm", ".pgm", ".ppm", ".pnm", ".tif", ".tiff"];

    private ImageDirectory(string path, string[] classNames, string[] files, int[] labels)
    {
        Path = path;
        ClassNames = classNames;
        Files = files;
        Labels = labels;
    }

    /// <summary>The root folder.</summary>
    public string Path { get; }

    /// <summary>The class names (subfolder names), sorted; label <c>i</c> is <c>ClassNames[i]</c>.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The image files of this part, in order (shuffled when asked).</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>The label of each file.</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>Lists <paramref name="path"/> with the split and shuffle of <paramref name="options"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ArgumentException">The options are inconsistent.</exception>
    /// <exception cref="InvalidDataException">No class subfolder or no image file was found.</exception>
    public static ImageDirectory List(string path, ImageDatasetOptions? options = null)
    {
        options ??= new ImageDatasetOptions();
        options.ValidateSplit(both: false);
        (ImageDirectory training, ImageDirectory validation, ImageDirectory all) = ListParts(path, options);
        return options.Subset switch
        {
            ImageSubset.Training => training,
            ImageSubset.Validation => validation,
            _ => all,
        };
    }

    /// <summary>Both parts of a split (Keras's <c>subset="both"</c>).</summary>
    public static (ImageDirectory Training, ImageDirectory Validation) ListSplit(string path, ImageDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ValidateSplit(both: true);
        (ImageDirectory training, ImageDirectory validation, _) = ListParts(path, options);
        return (training, validation);
    }

    private static (ImageDirectory Training, ImageDirectory Validation, ImageDirectory All) ListParts(string path, ImageDatasetOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!Directory.Exists(path))
        {
            throw new DirectoryNotFoundException($"The image folder '{path}' does not exist.");
        }

        string[] classFolders = Directory.GetDirectories(path);
        Array.Sort(classFolders, StringComparer.Ordinal);
        if (classFolders.Length == 0)
        {
            throw new InvalidDataException($"The image folder '{path}' has no subfolders: put the images of each class in a subfolder named after the class.");
        }

        var classNames = new string[classFolders.Length];
        var files = new List<string>();
        var labels = new List<int>();
        for (int label = 0; label < classFolders.Length; label++)
        {
            classNames[label] = System.IO.Path.GetFileName(classFolders[label]);
            int before = files.Count;
            Walk(classFolders[label], options.FollowLinks, files);
            for (int i = before; i < files.Count; i++)
            {
                labels.Add(label);
            }
        }

        if (files.Count == 0)
        {
            throw new InvalidDataException($"No images found in the class folders of '{path}' (extensions {string.Join(" ", Extensions)}).");
        }

        string[] fileArray = files.ToArray();
        int[] labelArray = labels.ToArray();
        if (options.Shuffle || options.ValidationSplit > 0)
        {
            var order = new int[fileArray.Length];
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            new DeterministicRandom(options.Seed).Shuffle(order.AsSpan());
            fileArray = Permute(fileArray, order);
            labelArray = Permute(labelArray, order);
        }

        int validationCount = (int)(options.ValidationSplit * fileArray.Length);
        int trainingCount = fileArray.Length - validationCount;
        return (
            new ImageDirectory(path, classNames, fileArray[..trainingCount], labelArray[..trainingCount]),
            new ImageDirectory(path, classNames, fileArray[trainingCount..], labelArray[trainingCount..]),
            new ImageDirectory(path, classNames, fileArray, labelArray));
    }

    /// <summary>Files of <paramref name="folder"/> sorted by name, then each subfolder's (sorted), depth first.</summary>
    private static void Walk(string folder, bool followLinks, List<string> files)
    {
        string[] names = Directory.GetFiles(folder);
        Array.Sort(names, StringComparer.Ordinal);
        foreach (string file in names)
        {
            string extension = System.IO.Path.GetExtension(file);
            foreach (string known in Extensions)
            {
                if (string.Equals(extension, known, StringComparison.OrdinalIgnoreCase))
                {
                    files.Add(file);
                    break;
                }
            }
        }

        string[] folders = Directory.GetDirectories(folder);
        Array.Sort(folders, StringComparer.Ordinal);
        foreach (string sub in folders)
        {
            if (followLinks || (File.GetAttributes(sub) & FileAttributes.ReparsePoint) == 0)
            {
                Walk(sub, followLinks, files);
            }
        }
    }

    private static T[] Permute<T>(T[] items, int[] order)
    {
        var result = new T[items.Length];
        for (int i = 0; i < order.Length; i++)
        {
            result[i] = items[order[i]];
        }

        return result;
    }
}
