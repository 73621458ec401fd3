using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace NetDsl.Generator.Weights;

/// <summary>
/// The bytes of a binary <c>AdditionalFiles</c> item (a safetensors or ONNX file). Roslyn hands additional files
/// over as decoded text, which cannot give back arbitrary bytes, so the bytes are read from the item's path; the
/// item is still what makes the file part of the build (and of the IDE's change tracking). Equal when the path
/// and the content are: a 64-bit hash and the length stand for the bytes, so an unchanged file costs the pipeline
/// one comparison.
/// </summary>
internal sealed class BinaryFile : IEquatable<BinaryFile>
{
    private BinaryFile(string path, byte[] bytes, string? error)
    {
        Path = path;
        Bytes = bytes;
        Error = error;
        Hash = Fnv1a64(bytes);
    }

    /// <summary>The item's full path.</summary>
    public string Path { get; }

    /// <summary>The content (empty when it could not be read).</summary>
    public byte[] Bytes { get; }

    /// <summary>Why the file could not be read, or null.</summary>
    public string? Error { get; }

    /// <summary>FNV-1a over the bytes.</summary>
    public ulong Hash { get; }

    public static bool IsBinaryModelFile(AdditionalText file) =>
        file.Path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) || file.Path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>The bytes of <paramref name="file"/>, read once per <see cref="AdditionalText"/> instance: the IDE
    /// keeps an unchanged file's instance from one compilation to the next, so the analyzer, which runs as the user
    /// types, does not read a large weights file again on every keystroke.</summary>
    public static BinaryFile Read(AdditionalText file, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Cache.GetValue(file, static f => ReadNow(f));
    }

    private static readonly ConditionalWeakTable<AdditionalText, BinaryFile> Cache = new();

    private static BinaryFile ReadNow(AdditionalText file)
    {
        try
        {
#pragma warning disable RS1035 // The bytes of a binary AdditionalFiles item: its SourceText cannot give them back.
            return new BinaryFile(file.Path, System.IO.File.ReadAllBytes(file.Path), null);
#pragma warning restore RS1035
        }
        catch (Exception exception) when (exception is System.IO.IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException or System.Security.SecurityException)
        {
            return new BinaryFile(file.Path, Array.Empty<byte>(), exception.Message);
        }
    }

    /// <summary>For tests: a file with the given content.</summary>
    public static BinaryFile FromBytes(string path, byte[] bytes) => new(path, bytes, null);

    public bool Equals(BinaryFile? other) =>
        other is not null && Path == other.Path && Hash == other.Hash && Bytes.Length == other.Bytes.Length && Error == other.Error;

    public override bool Equals(object? obj) => Equals(obj as BinaryFile);

    public override int GetHashCode() => unchecked((int)Hash ^ Path.GetHashCode());

    private static ulong Fnv1a64(byte[] bytes)
    {
        ulong hash = 14695981039346656037;
        foreach (byte b in bytes)
        {
            hash = unchecked((hash ^ b) * 1099511628211);
        }

        return hash;
    }
}
