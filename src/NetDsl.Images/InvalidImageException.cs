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

/// <summary>An image in a format, or a kind of a format, that NetDsl.Images does not decode (for example a TIFF
/// with floating-point samples, which libtiff does not convert to 8-bit RGBA).</summary>
public sealed class UnsupportedImageFormatException : InvalidImageException
{
    /// <summary>Creates the exception for <paramref name="filePath"/> in <paramref name="format"/>.</summary>
    public UnsupportedImageFormatException(string filePath, string format)
        : base(filePath, $"{format} images are not supported (supported: {SupportedFormats}); convert the file, for example to PNG.")
    {
        Format = format;
    }

    /// <summary>Creates the exception for a file in <paramref name="format"/> that is of a kind not decoded;
    /// <paramref name="detail"/> says which (for example <c>32-bit floating-point samples</c>).</summary>
    public UnsupportedImageFormatException(string filePath, string format, string detail)
        : base(filePath, $"this kind of {format} is not supported ({detail}); convert the file, for example to PNG.")
    {
        Format = format;
    }

    /// <summary>The format found, for example <c>TIFF</c>.</summary>
    public string Format { get; }

    private const string SupportedFormats = "PNG, JPEG, BMP, GIF, WebP, TIFF, PBM/PGM/PPM";
}

/// <summary>A file left out of a dataset because it could not be read (<see cref="ImageDatasetOptions.SkipInvalidFiles"/>).</summary>
/// <param name="FilePath">The file.</param>
/// <param name="Reason">Why it could not be read.</param>
public sealed record SkippedImage(string FilePath, string Reason);
