using System;
using System.IO;

namespace NetDsl.Images;

/// <summary>An image file that cannot be read or decoded: missing, unreadable, truncated, corrupt, larger than
/// allowed, or in a format NetDsl.Images does not decode. <see cref="FilePath"/> names the file. An
/// <see cref="IOException"/> (<see cref="InvalidDataException"/> is sealed), as Pillow's
/// <c>UnidentifiedImageError</c> is an <c>OSError</c>.</summary>
public class InvalidImageException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/>; the message names the file and the reason.</summary>
    public InvalidImageException(string filePath, string reason, Exception? innerException = null)
        : base($"Cannot read image '{filePath}': {reason}", innerException)
    {
        FilePath = filePath;
        Reason = reason;
    }

    /// <summary>The file that could not be read.</summary>
    public string FilePath { get; }

    /// <summary>Why, without the file name (for example <c>truncated PNG data</c>).</summary>
    public string Reason { get; }
}

/// <summary>An image in a format NetDsl.Images does not decode (TIFF: SkiaSharp has no TIFF codec).</summary>
public sealed class UnsupportedImageFormatException : InvalidImageException
{
    /// <summary>Creates the exception for <paramref name="filePath"/> in <paramref name="format"/>.</summary>
    public UnsupportedImageFormatException(string filePath, string format)
        : base(filePath, $"{format} images are not supported (supported: PNG, JPEG, BMP, GIF, WebP, PBM/PGM/PPM); convert the file, for example to PNG.")
    {
        Format = format;
    }

    /// <summary>The format found, for example <c>TIFF</c>.</summary>
    public string Format { get; }
}

/// <summary>A file left out of a dataset because it could not be read (<see cref="ImageDatasetOptions.SkipInvalidFiles"/>).</summary>
/// <param name="FilePath">The file.</param>
/// <param name="Reason">Why it could not be read.</param>
public sealed record SkippedImage(string FilePath, string Reason);
