using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace NetDsl.Runtime.Tests.Data;

/// <summary>Builds IDX files byte by byte, independently of the reader under test, in a private temp folder.</summary>
internal sealed class IdxTestFiles : IDisposable
{
    public IdxTestFiles()
    {
        Directory = Path.Combine(Path.GetTempPath(), "netdsl-idx-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>The real 10,000-digit MNIST subset copied next to the test assembly.</summary>
    public static string MnistDirectory => Path.Combine(AppContext.BaseDirectory, "data", "mnist-digits");

    public string Directory { get; }

    /// <summary>A big-endian IDX header (magic 00 00 type rank, then one int32 per dimension) followed by the payload.</summary>
    public static byte[] Idx(byte typeCode, int[] dimensions, byte[] payload)
    {
        var bytes = new byte[4 + (4 * dimensions.Length) + payload.Length];
        bytes[2] = typeCode;
        bytes[3] = (byte)dimensions.Length;
        for (int i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dimensions[i]);
        }

        payload.CopyTo(bytes, 4 + (4 * dimensions.Length));
        return bytes;
    }

    /// <summary>An unsigned-byte IDX array.</summary>
    public static byte[] Ubyte(int[] dimensions, byte[] payload) => Idx(0x08, dimensions, payload);

    /// <summary>Byte <c>i</c> is <c>7 i mod 256</c>: neighbours differ and every value occurs.</summary>
    public static byte[] Sequence(int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 7 % 256);
        }

        return bytes;
    }

    public static byte[] Gzip(byte[] contents)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(contents);
        }

        return output.ToArray();
    }

    public static byte[] Gunzip(string path)
    {
        using FileStream file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>Writes <paramref name="contents"/> (gzip-compressed when asked, with a .gz name) and returns the path.</summary>
    public string Write(string name, byte[] contents, bool gzip = false)
    {
        string path = Path.Combine(Directory, gzip ? name + ".gz" : name);
        File.WriteAllBytes(path, gzip ? Gzip(contents) : contents);
        return path;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder must not fail a test.
        }
    }
}

/// <summary>A read-only stream that cannot seek, like a network stream.</summary>
internal sealed class ForwardOnlyStream : Stream
{
    private readonly Stream _inner;

    public ForwardOnlyStream(byte[] contents) => _inner = new MemoryStream(contents);

    public bool Disposed { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 3)); // short reads on purpose

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}
