using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using NetDsl;
using NetDsl.Data;
using NetDsl.Plots;
using NetDsl.Samples.Primer;
using NetDsl.Training;

// A walk through the Keras CNN primer on real digits: fixed kernels (edges, blur, sharpen), affine transforms,
// then the classic MNIST model trained, its filters and its feature maps. Every picture is a PNG in --out.
string output = "primer-output";
string data = Path.Combine(AppContext.BaseDirectory, "data");
int epochs = 20;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--out" when i + 1 < args.Length: output = args[++i]; break;
        case "--data" when i + 1 < args.Length: data = args[++i]; break;
        case "--epochs" when i + 1 < args.Length: epochs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default:
            Console.Error.WriteLine("usage: Primer [--out DIR] [--data DIR] [--epochs N]");
            return 2;
    }
}

Directory.CreateDirectory(output);
(Dataset train, Dataset test) = Dataset.LoadMnist(data);
Console.WriteLine($"{train.Count:N0} training and {test.Count:N0} test digits, {train.SampleShape} (grayscale, pixels 0-255 scaled to [0, 1])");

const int Side = 28;
int shown = Enumerable.Range(0, test.Count).First(i => test.GetLabel(i) == 2); // a digit with curves and straight strokes
float[] digit = test.GetInput(shown).ToArray();
int label = test.GetLabel(shown);
var written = new List<(string Path, string What)>();
string Picture(string name, string what)
{
    string path = Path.Combine(output, name);
    written.Add((path, what));
    return path;
}

// 1. Edge detection: a Conv2D whose kernels are the fixed Sobel filters. Conv2D slides the kernel over the image
//    without flipping it (a cross-correlation, as in Keras), so Sobel x is large where brightness grows to the right.
var sobel = new SobelNet();
var gradients = new float[SobelNet.OutputLength];
sobel.Predict(digit, gradients);
var edges = new float[Side * Side * 4];
for (int p = 0; p < Side * Side; p++)
{
    float gx = gradients[p * 2], gy = gradients[(p * 2) + 1];
    edges[p * 4] = digit[p];
    edges[(p * 4) + 1] = gx;
    edges[(p * 4) + 2] = gy;
    edges[(p * 4) + 3] = MathF.Sqrt((gx * gx) + (gy * gy));
}

Console.WriteLine();
Console.WriteLine(SobelNet.Summary);
FeatureMapGrid.Save(edges, Side, Side, 4, Picture("01-sobel-edges.png", "a digit and its Sobel x, Sobel y and gradient magnitude (fixed kernels; gray is 0)"),
    new GridOptions { Title = $"Sobel edges of a {label}", Labels = ["digit", "Sobel x", "Sobel y", "magnitude"], Columns = 4 });

// 2. Image filters as fixed kernels: blur, sharpen, emboss and the Laplacian.
var filters = new FilterNet();
var filtered = new float[FilterNet.OutputLength];
filters.Predict(digit, filtered);
float[][] filterTiles = [digit, .. Enumerable.Range(0, 5).Select(c => Channel(filtered, c, 5))];
ImageGrid.Save(filterTiles, Side, Side, 1, Picture("02-filters.png", "the digit through box blur, Gaussian blur, sharpen, emboss and Laplacian kernels"),
    options: new GridOptions { Title = "Fixed 3x3 kernels", Labels = ["digit", "box blur", "Gaussian blur", "sharpen", "emboss", "Laplacian"], Columns = 6 });

// 3. Affine transforms (what the augmentation layers do): scale, translate, mirror, reflect, rotate.
(string Name, AffineTransform Transform)[] transforms =
[
    ("digit", AffineTransform.Identity),
    ("scaled x1.4", AffineTransform.Zoom(1 / 1.4f, 1 / 1.4f, Side, Side)),
    ("scaled x0.7", AffineTransform.Zoom(1 / 0.7f, 1 / 0.7f, Side, Side)),
    ("translated", AffineTransform.Translation(4, -5)),
    ("mirrored", AffineTransform.Mirror(horizontal: true, vertical: false, Side, Side)),
    ("reflected", AffineTransform.Mirror(horizontal: false, vertical: true, Side, Side)),
    ("rotated 30\u00B0", AffineTransform.Rotation(Math.PI / 6, Side, Side)),
];
float[][] moved = transforms.Select(t =>
{
    var image = new float[Side * Side];
    t.Transform.Apply(digit, image, Side, Side, 1);
    return image;
}).ToArray();
ImageGrid.Save(moved, Side, Side, 1, Picture("03-affine-transforms.png", "the digit scaled, translated, mirrored, reflected and rotated"),
    range: (0f, 1f), options: new GridOptions { Title = "Affine transforms", Labels = transforms.Select(t => t.Name).ToArray(), Columns = transforms.Length });

// 4. The classic MNIST model, trained on the real digits (shifted at random by up to 2 pixels, the learning rate
//    decaying by 10% an epoch) with the test digits as validation.
var net = new MnistNet(seed: 1);
Console.WriteLine();
Console.WriteLine(MnistNet.Summary);
TrainingHistory history = net.Fit(train, new FitOptions
{
    Epochs = epochs,
    BatchSize = 64,
    Optimizer = new Adam(0.002f),
    ValidationData = test,
    Seed = 1,
    Augmentations = [new RandomTranslation(2, 2)], // shifts of up to 2 pixels: an affine transform per sample
    LearningRateDecay = 0.9f,
});
BatchStatistics result = net.Evaluate(test);
Console.WriteLine($"Test accuracy after {epochs} epochs: {result.Accuracy * 100:F2}%");
TrainingCurves.Save(history, Picture("04-training-curves.png", "loss and accuracy by epoch, training and validation"), title: "MnistNet on real digits");

// 5. What the first layer learned: its 32 3x3 filters.
FilterGrid.Save(net, "conv2d", Picture("05-conv2d-filters.png", "the 32 learned 3x3 filters of the first Conv2D"),
    options: new GridOptions { Title = "conv2d: learned filters", Columns = 8 });

// 6. Feature maps: the digit as each convolution's filters see it ("response maps").
int n = 6;
foreach (LayerInfo layer in MnistNet.Layers.Where(l => l.Kind == "Conv2D"))
{
    (int height, int width, int channels) = (layer.OutputShape[0], layer.OutputShape[1], layer.OutputShape[2]);
    var map = new float[layer.OutputLength];
    net.LayerOutput(layer.Name, digit, map);
    FeatureMapGrid.Save(map, height, width, channels,
        Picture($"{n++:D2}-feature-maps-{layer.Name}.png", $"the {channels} feature maps of {layer.Name} ({height}x{width}) for the digit {label}"),
        new GridOptions { Title = $"{layer.Name}: {channels} feature maps, {height}x{width}", Columns = 8 });
}

// 7. Where the model still errs.
var predicted = new int[test.Count];
var truth = new int[test.Count];
for (int i = 0; i < test.Count; i++)
{
    predicted[i] = net.Classify(test.GetInput(i));
    truth[i] = test.GetLabel(i);
}

ConfusionMatrix.Save(truth, predicted, Enumerable.Range(0, 10).Select(d => d.ToString(CultureInfo.InvariantCulture)).ToArray(),
    Picture($"{n:D2}-confusion-matrix.png", "test digits by true and predicted class"));

Console.WriteLine();
Console.WriteLine($"Pictures in {Path.GetFullPath(output)}:");
foreach ((string path, string what) in written)
{
    Console.WriteLine($"  {Path.GetFileName(path),-34} {what}");
}

return 0;

static float[] Channel(float[] map, int channel, int channels)
{
    var plane = new float[map.Length / channels];
    for (int p = 0; p < plane.Length; p++)
    {
        plane[p] = map[(p * channels) + channel];
    }

    return plane;
}
