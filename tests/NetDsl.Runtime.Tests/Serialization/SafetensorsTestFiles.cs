using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace NetDsl.Runtime.Tests.Serialization;

/// <summary>Layouts, byte-level file builders and stream doubles shared by the safetensors tests.</summary>
internal static class SafetensorsTestFiles
{
    /// <summary>A small Keras-style CNN layout: 18 + 2 + 12 + 3 = 35 values.</summary>
    public static IReadOnlyList<ParameterTensor> NetworkLayout() =>
    [
        new ParameterTensor("conv2d/kernel", new TensorShape(3, 3, 1, 2), 0, 18, ParameterInitializer.GlorotUniform),
        new ParameterTensor("conv2d/bias", new TensorShape(2), 18, 2),
        new ParameterTensor("dense/kernel", new TensorShape(4, 3), 20, 12, ParameterInitializer.GlorotUniform),
        new ParameterTensor("dense/bias", new TensorShape(3), 32, 3),
    ];

    /// <summary>The two-tensor layout the corrupt files are built for: <c>a</c> (2,) then <c>b</c> (1,).</summary>
    public static IReadOnlyList<ParameterTensor> TinyLayout() =>
    [
        new ParameterTensor("a", new TensorShape(2), 0, 2),
        new ParameterTensor("b", new TensorShape(1), 2, 1),
    ];

    /// <summary>A recognisable buffer to check that a failed load left the parameters alone.</summary>
    public static float[] Sentinel(int length) => Enumerable.Range(0, length).Select(i => -1000f - i).ToArray();

    /// <summary>An 8-byte little-endian header length, the header text as UTF-8, then the data.</summary>
    public static byte[] Build(string header, byte[] data) => Build(Encoding.UTF8.GetBytes(header), data);

    /// <summary>An 8-byte little-endian header length, the header bytes, then the data.</summary>
    public static byte[] Build(byte[] header, byte[] data) => Build((ulong)header.Length, header, data);

    /// <summary>A file whose header length field says <paramref name="declaredLength"/>, whatever follows.</summary>
    public static byte[] Build(ulong declaredLength, byte[] header, byte[] data)
    {
        byte[] file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, declaredLength);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    /// <summary>The values as little-endian F32 bytes.</summary>
    public static byte[] F32(params float[] values)
    {
        byte[] bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    /// <summary>Bit patterns worth round-tripping exactly: NaNs with payloads, infinities, -0, subnormals.</summary>
    public static readonly uint[] SpecialBits =
    [
        0x7FC00000, 0xFFC00001, 0x7F800001, 0x7FBFFFFF, 0x7F800000, 0xFF800000,
        0x80000000, 0x00000000, 0x00000001, 0x807FFFFF, 0x7F7FFFFF, 0xFF7FFFFF,
    ];

    /// <summary>Random bit patterns (every float, NaNs included), starting with <see cref="SpecialBits"/>.</summary>
    public static float[] RandomBitPatterns(int length, int seed)
    {
        var random = new DeterministicRandom(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            uint bits = i < SpecialBits.Length ? SpecialBits[i] : random.NextUInt32();
            values[i] = BitConverter.UInt32BitsToSingle(bits);
        }

        return values;
    }

    /// <summary>Compares floats bit for bit, so NaN payloads and -0 count.</summary>
    public static void AssertSameBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            uint e = BitConverter.SingleToUInt32Bits(expected[i]);
            uint a = BitConverter.SingleToUInt32Bits(actual[i]);
            if (e != a)
            {
                Assert.Fail($"Value {i}: expected bits 0x{e:X8} but got 0x{a:X8}.");
            }
        }
    }
}

/// <summary>A fresh directory under the system temp folder, deleted on dispose.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "netdsl-safetensors-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Names of every entry in the directory (files and folders, hidden ones included), sorted.</summary>
    public string[] Entries() =>
        Directory.EnumerateFileSystemEntries(Path).Select(p => System.IO.Path.GetFileName(p)!).Order(StringComparer.Ordinal).ToArray();

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A read-only stream that cannot seek and has no length, like a network or pipe stream.</summary>
internal sealed class NonSeekableStream(byte[] bytes) : Stream
{
    private readonly MemoryStream _inner = new(bytes, writable: false);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>The largest buffer any read asked to fill, to check that sizes from the file are not trusted.</summary>
    public int LargestRequest { get; private set; }

    public override int Read(byte[] buffer, int offset, int count)
    {
        LargestRequest = Math.Max(LargestRequest, count);
        return _inner.Read(buffer, offset, count);
    }

    public override int Read(Span<byte> buffer)
    {
        LargestRequest = Math.Max(LargestRequest, buffer.Length);
        return _inner.Read(buffer);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Passes writes through until <paramref name="limit"/> bytes, then fails like a full disk.</summary>
internal sealed class FailingStream(Stream inner, long limit) : Stream
{
    private long _written;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_written + buffer.Length > limit)
        {
            int fits = (int)(limit - _written);
            inner.Write(buffer[..fits]);
            _written = limit;
            throw new IOException("No space left on device (simulated).");
        }

        inner.Write(buffer);
        _written += buffer.Length;
    }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
