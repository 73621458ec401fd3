using System;
using System.Text;
using NetDsl.Data;

namespace NetDsl.Samples.Mnist;

/// <summary>Prints test images as text, side by side, with the network's prediction and the true label.</summary>
internal static class DigitArt
{
    private const string Shades = " .:-=+*#%@";

    public static void Print(Dataset test, MnistNet net, int count)
    {
        const int size = 28;
        var rows = new StringBuilder[size / 2];
        for (int r = 0; r < rows.Length; r++)
        {
            rows[r] = new StringBuilder();
        }

        var captions = new StringBuilder();
        var probabilities = new float[MnistNet.OutputLength];
        for (int n = 0; n < count && n < test.Count; n++)
        {
            ReadOnlySpan<float> image = test.GetInput(n);
            net.Predict(image, probabilities);
            int predicted = net.Classify(image);
            // Two image rows per text row keep the digit's proportions in a terminal font.
            for (int r = 0; r < size / 2; r++)
            {
                for (int c = 0; c < size; c++)
                {
                    float v = Math.Max(image[(2 * r * size) + c], image[((2 * r + 1) * size) + c]);
                    rows[r].Append(Shades[(int)MathF.Round(v * (Shades.Length - 1))]);
                }

                rows[r].Append("   ");
            }

            string mark = predicted == test.GetLabel(n) ? "ok" : "WRONG";
            captions.Append($"predicted {predicted} ({probabilities[predicted] * 100:F0}%) true {test.GetLabel(n)} {mark}".PadRight(size + 3));
        }

        foreach (StringBuilder row in rows)
        {
            Console.WriteLine(row.ToString().TrimEnd());
        }

        Console.WriteLine(captions.ToString().TrimEnd());
    }
}
