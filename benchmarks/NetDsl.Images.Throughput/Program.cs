using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using NetDsl;
using NetDsl.Data;
using NetDsl.Images;
using NetDsl.Training;
using SkiaSharp;

// Writes a folder of 28x28 gray PNGs (real MNIST digits) and one of 256x256 RGB JPEGs, then measures images per
// second: in-memory loading on every core, a streamed epoch with augmentation, and one thread alone; and, to
// compare with, samples per second of training the MNIST CNN from the PNG folder, loaded in memory and streamed.
string root = Directory.CreateTempSubdirectory("netdsl-images-bench-").FullName;
try
{
    string data = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "samples", "Mnist", "data");
    (Dataset digits, _) = Dataset.LoadMnist(Path.GetFullPath(data));
    string pngs = Path.Combine(root, "png");
    var pixels = new byte[784];
    int pngCount = 4000;
    for (int i = 0; i < pngCount; i++)
    {
        ReadOnlySpan<float> input = digits.GetInput(i);
        for (int p = 0; p < 784; p++)
        {
            pixels[p] = (byte)MathF.Round(input[p] * 255f);
        }

        Write(Path.Combine(pngs, digits.GetLabel(i).ToString(System.Globalization.CultureInfo.InvariantCulture), $"{i:D5}.png"), pixels, 28, 28, SKColorType.Gray8, SKEncodedImageFormat.Png, 100);
    }

    string jpegs = Path.Combine(root, "jpeg");
    int jpegCount = 600;
    var random = new Random(1);
    var rgba = new byte[256 * 256 * 4];
    for (int i = 0; i < jpegCount; i++)
    {
        int fx = random.Next(1, 8), fy = random.Next(1, 8);
        for (int y = 0; y < 256; y++)
        {
            for (int x = 0; x < 256; x++)
            {
                int o = ((y * 256) + x) * 4;
                rgba[o] = (byte)(127 + (127 * MathF.Sin(x * fx / 40f)));
                rgba[o + 1] = (byte)(127 + (127 * MathF.Cos(y * fy / 40f)));
                rgba[o + 2] = (byte)random.Next(256);
                rgba[o + 3] = 255;
            }
        }

        Write(Path.Combine(jpegs, $"class{i % 5}", $"{i:D4}.jpg"), rgba, 256, 256, SKColorType.Rgba8888, SKEncodedImageFormat.Jpeg, 90);
    }

    Console.WriteLine($"{Environment.ProcessorCount} cores; {pngCount} PNGs 28x28 gray, {jpegCount} JPEGs 256x256 RGB ({new FileInfo(Directory.GetFiles(jpegs, "*.jpg", SearchOption.AllDirectories)[0]).Length / 1024} KiB each)");
    Measure("PNG 28x28 gray -> 28x28x1", pngs, 28, 28, ColorMode.Grayscale, pngCount);
    Measure("JPEG 256x256 RGB -> 64x64x3", jpegs, 64, 64, ColorMode.Rgb, jpegCount);
    MeasureTraining(pngs, pngCount);
}
finally
{
    Directory.Delete(root, recursive: true);
}

static void Measure(string name, string folder, int height, int width, ColorMode mode, int count)
{
    ImageDataset.FromDirectory(folder, height, width, mode); // warm: JIT, file cache
    var clock = Stopwatch.StartNew();
    ImageDataset.FromDirectory(folder, height, width, mode);
    Report(name, "FromDirectory, in memory, all cores", count, clock.Elapsed);

    clock.Restart();
    ImageDataset.FromDirectory(folder, height, width, mode, new ImageDatasetOptions { MaxDegreeOfParallelism = 1 });
    Report(name, "FromDirectory, one thread", count, clock.Elapsed);

    var streaming = new StreamingImageOptions { CreateAugmentations = () => [new RandomTranslation(2, 2), new RandomFlip()] };
    using StreamingImageSource source = StreamingImageSource.FromDirectory(folder, height, width, mode, null, streaming);
    int[] order = Enumerable.Range(0, source.Count).ToArray();
    new DeterministicRandom(1).Shuffle(order.AsSpan());
    clock.Restart();
    source.BeginEpoch(order);
    float sum = 0;
    foreach (int index in order)
    {
        sum += source.GetInput(index)[0];
    }

    Report(name, $"streamed + RandomTranslation/RandomFlip, {Environment.ProcessorCount} loaders, {source.Capacity} slots", count, clock.Elapsed);
    GC.KeepAlive(sum);
}

// Training throughput of the README's MNIST CNN (batch 64, all cores, shifts of up to 2 pixels) from the PNG folder:
// loaded in memory first, and streamed (decoded and augmented on background threads while training runs on the
// same cores). The second epoch is timed, after the JIT and the file cache are warm.
static void MeasureTraining(string folder, int count)
{
    var fit = new FitOptions { Epochs = 2, BatchSize = 64, Seed = 1 };
    ImageDataset images = ImageDataset.FromDirectory(folder, 28, 28, ColorMode.Grayscale);
    TrainingHistory memory = new MnistNet(seed: 1).Fit(images, fit with { Augmentations = [new RandomTranslation(2, 2)] });
    Report("Training the MNIST CNN", "Fit from the folder loaded in memory, RandomTranslation", count, memory.Epochs[^1].Duration);

    var streaming = new StreamingImageOptions { CreateAugmentations = () => [new RandomTranslation(2, 2)] };
    using StreamingImageSource source = StreamingImageSource.FromDirectory(folder, 28, 28, ColorMode.Grayscale, null, streaming);
    TrainingHistory streamed = new MnistNet(seed: 1).Fit(source, fit);
    Report("Training the MNIST CNN", $"Fit streamed from the folder, RandomTranslation (waited {source.WaitTime.TotalSeconds:F2} s in all)", count, streamed.Epochs[^1].Duration);
}

static void Report(string name, string how, int count, TimeSpan elapsed) =>
    Console.WriteLine($"{name,-30} {how,-70} {count / elapsed.TotalSeconds,10:N0} images/s");

static void Write(string path, byte[] pixels, int height, int width, SKColorType type, SKEncodedImageFormat format, int quality)
{
    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    using var bitmap = new SKBitmap(new SKImageInfo(width, height, type, SKAlphaType.Opaque));
    pixels.AsSpan(0, bitmap.ByteCount).CopyTo(bitmap.GetPixelSpan());
    using SKData data = bitmap.Encode(format, quality);
    File.WriteAllBytes(path, data.ToArray());
}

/// <summary>The README's MNIST CNN (93,322 parameters).</summary>
[Network]
[Input(28, 28, 1)]
[Conv2D(32, 3, Activation = Activation.ReLU)]
[MaxPooling2D(2)]
[Conv2D(64, 3, Activation = Activation.ReLU)]
[MaxPooling2D(2)]
[Conv2D(64, 3, Activation = Activation.ReLU)]
[Flatten]
[Dense(64, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
public partial class MnistNet;
