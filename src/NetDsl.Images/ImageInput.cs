using System;

namespace NetDsl.Images;

/// <summary>One image file as a network input, for <c>Predict</c>.</summary>
public static class ImageInput
{
    /// <summary>
    /// Loads <paramref name="path"/> as channels-last floats of <paramref name="shape"/> (height, width, channels):
    /// grayscale for 1 channel, RGB for 3; resized to height x width and scaled to [0, 1] as
    /// <see cref="ImageDataset.FromDirectory"/> does with the same <paramref name="preprocessing"/> (pass the
    /// training's <see cref="ImageDatasetOptions"/> so prediction sees the pixels training saw). For example
    /// <c>ImageInput.Load("digit.png", MnistNet.InputShape)</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="shape"/> is not (height, width, 1 or 3).</exception>
    /// <exception cref="InvalidImageException">The file cannot be read or decoded.</exception>
    public static float[] Load(string path, TensorShape shape, ImagePreprocessing? preprocessing = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Rank != 3 || shape[0] <= 0 || shape[1] <= 0 || shape[2] is not (1 or 3))
        {
            throw new ArgumentException($"An image input has shape (height, width, 1) or (height, width, 3); got {shape}.", nameof(shape));
        }

        var loader = new Processing.ImageLoader(shape[0], shape[1], shape[2], preprocessing ?? new ImagePreprocessing());
        var sample = new float[loader.SampleLength];
        loader.Load(path, sample);
        return sample;
    }
}
