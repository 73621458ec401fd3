using System;
using System.Collections.Generic;
using System.Text;
using NetDsl.Data;

namespace NetDsl.Samples.Mnist;

/// <summary>Prints test images as text, three side by side, with the network's prediction and the true label.</summary>
internal static class DigitArt
{
    private const string Shades = " .:-=+*#%@";
    private const int Size = 28;

    /// <summary>The first four test images, then the first two the network misclassifies.</summary>
    public static void Print(Dataset test, MnistNet net)
    {
        var chosen = new List<int> { 0, 1, 2, 3 };
        for (int n = 4; n < test.Count && chosen.Count < 6; n++)
        {
            if (net.Classify(test.GetInput(n)) != test.GetLabel(n))
            {
                chosen.Add(n);
            }
        }

        for (int start = 0; start < chosen.Count; start += 3)
        {
            PrintRow(test, net, chosen.GetRange(start, Math.Min(3, chosen.Count - start)));
            Console.WriteLine();
        }
    }

    private static void PrintRow(Dataset test, MnistNet net, List<int> indices)
    {
        var rows = new StringBuilder[Size / 2];
        for (int r = 0; r < rows.Length; r++)
        {
            rows[r] = new StringBuilder();
        }

        var captions = new StringBuilder();
        var probabilities = new float[MnistNet.OutputLength];
        foreach (int n in indices)
        {
            ReadOnlySpan<float> image = test.GetInput(n);
            net.Predict(image, probabilities);
            int predicted = net.Classify(image);

            // Two image rows per text row keep the digit's proportions in a terminal font.
            for (int r = 0; r < Size / 2; r++)
            {
                for (int c = 0; c < Size; c++)
                {
                    float v = Math.Max(image[(2 * r * Size) + c], image[((2 * r + 1) * Size) + c]);
                    rows[r].Append(Shades[(int)MathF.Round(v * (Shades.Length - 1))]);
                }

                rows[r].Append("   ");
            }

            string mark = predicted == test.GetLabel(n) ? "ok" : "WRONG";
            captions.Append($"#{n}: {predicted} ({probabilities[predicted] * 100:F0}%), true {test.GetLabel(n)} {mark}".PadRight(Size + 3));
        }

        foreach (StringBuilder row in rows)
        {
            Console.WriteLine(row.ToString().TrimEnd());
        }

        Console.WriteLine(captions.ToString().TrimEnd());
    }
}
