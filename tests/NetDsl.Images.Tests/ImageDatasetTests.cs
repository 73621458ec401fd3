using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NetDsl.Data;

namespace NetDsl.Images.Tests;

/// <summary>Folders of class subfolders: discovery, labels, splits, errors.</summary>
public sealed class ImageDatasetTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Classes_are_subfolders_sorted_ordinally_and_labels_are_their_indices()
    {
        // "Zebra" < "ant" < "bee" ordinally (upper case first).
        WriteClass("bee", 3, value: 30);
        WriteClass("ant", 2, value: 20);
        WriteClass("Zebra", 4, value: 10);
        ImageFiles.WritePng(_temp.File("bee", "nested", "deep.png"), [30], 1, 1, 1); // sub-subfolders count
        ImageFiles.WritePng(_temp.File("root.png"), [99], 1, 1, 1);                 // files in the root do not
        File.WriteAllText(_temp.File("ant", "notes.txt"), "not an image");          // nor other extensions

        ImageDataset images = ImageDataset.FromDirectory(_temp.Path, 1, 1, ColorMode.Grayscale);

        Assert.Equal(["Zebra", "ant", "bee"], images.ClassNames);
        Assert.Equal(10, images.Count);
        Assert.Empty(images.SkippedFiles);
        for (int i = 0; i < images.Count; i++)
        {
            int label = images.Data.GetLabel(i);
            Assert.StartsWith(Path.Combine(_temp.Path, images.ClassNames[label]) + Path.DirectorySeparatorChar, images.FilePaths[i], StringComparison.Ordinal);
            Assert.Equal((10 * (label + 1)) / 255f, images.Data.GetInput(i)[0]); // each class was written with its own value
        }

        Assert.Equal([4, 2, 4], Enumerable.Range(0, 3).Select(c => images.Data.Labels.ToArray().Count(l => l == c)).ToArray());
    }

    [Fact]
    public void Without_shuffle_files_keep_class_then_name_order()
    {
        WriteClass("b", 2, value: 1);
        WriteClass("a", 3, value: 2);
        ImageDataset images = ImageDataset.FromDirectory(_temp.Path, 1, 1, ColorMode.Grayscale, new ImageDatasetOptions { Shuffle = false });
        Assert.Equal([0, 0, 0, 1, 1], images.Data.Labels.ToArray());
        Assert.Equal(images.FilePaths.OrderBy(p => p, StringComparer.Ordinal), images.FilePaths);
    }

    [Fact]
    public void Validation_split_is_deterministic_disjoint_and_complete()
    {
        WriteClass("a", 17, value: 1);
        WriteClass("b", 13, value: 2);
        var options = new ImageDatasetOptions { ValidationSplit = 0.2, Seed = 42 };
        ImageDataset training = ImageDataset.FromDirectory(_temp.Path, 1, 1, ColorMode.Grayscale, options with { Subset = ImageSubset.Training });
        ImageDataset validation = ImageDataset.FromDirectory(_temp.Path, 1, 1, ColorMode.Grayscale, options with { Subset = ImageSubset.Validation });
        (ImageDataset bothTraining, ImageDataset bothValidation) = ImageDataset.FromDirectorySplit(_temp.Path, 1, 1, ColorMode.Grayscale, options);

        Assert.Equal(24, training.Count);
        Assert.Equal(6, validation.Count); // floor(0.2 * 30)
        Assert.Empty(training.FilePaths.Intersect(validation.FilePaths));
        Assert.Equal(30, training.FilePaths.Union(validation.FilePaths).Count());
        Assert.Equal(training.FilePaths, bothTraining.FilePaths);
        Assert.Equal(validation.FilePaths, bothValidation.FilePaths);
        Assert.Equal(training.FilePaths, ImageDataset.FromDirectory(_temp.Path, 1, 1, ColorMode.Grayscale, options with { Subset = ImageSubset.Training }).FilePaths);

        ImageDataset reseeded = ImageDataset.FromDirectory(_temp.Path, 1, 1, ColorMode.Grayscale, options with { Subset = ImageSubset.Validation, Seed = 7 });
        Assert.NotEqual(validation.FilePaths, reseeded.FilePaths);
        for (int i = 0; i < training.Count; i++)
        {
            Assert.Equal(training.FilePaths[i].Contains($"{Path.DirectorySeparatorChar}a{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? 0 : 1, training.Data.GetLabel(i));
        }
    }

    [Fact]
    public void Split_options_are_checked()
    {
        WriteClass("a", 2, value: 1);
        Assert.Throws<ArgumentException>(() => ImageDataset.FromDirectory(_temp.Path, 1, 1, ColorMode.Grayscale, new ImageDatasetOptions { ValidationSplit = 0.5 }));
        Assert.Throws<ArgumentException>(() => ImageDataset.FromDirectory(_temp.Path, 1, 1, ColorMode.Grayscale, new ImageDatasetOptions { Subset = ImageSubset.Training }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageDataset.FromDirectory(_temp.Path, 1, 1, ColorMode.Grayscale, new ImageDatasetOptions { ValidationSplit = 1, Subset = ImageSubset.Training }));
        Assert.Throws<ArgumentException>(() => ImageDataset.FromDirectorySplit(_temp.Path, 1, 1, ColorMode.Grayscale, new ImageDatasetOptions()));
        Assert.Throws<DirectoryNotFoundException>(() => ImageDataset.FromDirectory(Path.Combine(_temp.Path, "missing"), 1, 1));
    }

    [Fact]
    public void A_folder_without_class_subfolders_or_images_is_an_error()
    {
        ImageFiles.WritePng(_temp.File("root.png"), [1], 1, 1, 1);
        Assert.Contains("no subfolders", Assert.Throws<InvalidDataException>(() => ImageDataset.FromDirectory(_temp.Path, 1, 1)).Message, StringComparison.Ordinal);
        Directory.CreateDirectory(_temp.File("empty", "x"));
        Assert.Contains("No images", Assert.Throws<InvalidDataException>(() => ImageDataset.FromDirectory(_temp.Path, 1, 1)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mixed_formats_and_sizes_load_to_one_shape()
    {
        ImageFiles.WritePng(_temp.File("a", "1.png"), ImageFiles.RandomBytes(20 * 30 * 3, 1), 20, 30, 3);
        ImageFiles.WriteJpeg(_temp.File("a", "2.JPG"), ImageFiles.RandomBytes(40 * 10 * 3, 2), 40, 10, 3);
        ImageFiles.WriteBmp(_temp.File("b", "3.bmp"), ImageFiles.RandomBytes(8 * 8 * 3, 3), 8, 8);
        ImageFiles.WriteGif(_temp.File("b", "4.gif"), ImageFiles.RandomBytes(768, 4), [ImageFiles.RandomBytes(64, 5)], 8, 8);
        ImageFiles.WriteNetpbm(_temp.File("b", "5.pgm"), "P5 4 4 255\n", ImageFiles.RandomBytes(16, 6));
        ImageFiles.WriteWebp(_temp.File("b", "6.webp"), ImageFiles.RandomBytes(12 * 12 * 3, 7), 12, 12, 3);
        ImageDataset images = ImageDataset.FromDirectory(_temp.Path, 16, 16, ColorMode.Rgb);
        Assert.Equal(6, images.Count);
        Assert.Equal(new TensorShape(16, 16, 3), images.Data.SampleShape);
        Assert.All(images.Data.Inputs.ToArray(), v => Assert.InRange(v, 0f, 1f));
        Dataset asDataset = images;
        Assert.Same(images.Data, asDataset);
    }

    private void WriteClass(string name, int count, byte value)
    {
        for (int i = 0; i < count; i++)
        {
            ImageFiles.WritePng(_temp.File(name, $"{i:D3}.png"), [value], 1, 1, 1);
        }
    }
}
