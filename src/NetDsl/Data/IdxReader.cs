using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace NetDsl.Data;

/// <summary>
/// Reads IDX files, the format of MNIST and Fashion-MNIST: a big-endian magic number (two zero bytes, a type
/// code, a dimension count), one big-endian <c>int32</c> per dimension, then the values in row-major order.
/// Files may be gzip-compressed (detected by the <c>1F 8B</c> signature) or raw. Only the unsigned byte type
/// (<c>0x08</c>) is supported.
/// </summary>
/// <remarks>
/// Every malformed file fails with an <see cref="InvalidDataException"/> whose message names the file, what was
/// expected and what was found; nothing is read partially. Sizes declared in the header are checked before
/// memory is committed to them: against the file length for raw files, and by growing the buffer only as
/// decompressed data actually arrives for gzip files, so a lying header cannot cause an out-of-memory error.
/// For gzip files the length checks apply to the decompressed data, and the gzip CRC-32 is verified; bytes
/// after the last gzip member that do not start another member are skipped by <see cref="GZipStream"/>
/// (as <c>gunzip</c> does, with a warning) and so are not reported.
/// </remarks>
public static class IdxReader
{
    /// <summary>The type code of unsigned bytes, the only one supported.</summary>
    private const byte UnsignedByteTypeCode = 0x08;

    /// <summary>Bytes in the magic number: two zero bytes, the type code, the dimension count.</summary>
    private const int MagicLength = 4;

    /// <summary>Bytes per dimension in the header (a big-endian <c>int32</c>).</summary>
    private const int DimensionLength = 4;

    /// <summary>The first buffer size when the data length is not known in advance; it doubles as data arrives.</summary>
    private const int FirstChunkLength = 1 << 20;

    /// <summary>How many trailing bytes of a stream are counted before the error reports "at least".</summary>
    private const int TrailingCountLimit = 1 << 20;

    /// <summary>
    /// The most values a file may declare unless the caller allows more: 268,435,456 (256 MiB of bytes, 1 GiB as
    /// floats; the full MNIST training images are 47 million). A small gzip file can claim and decompress to far
    /// more; the limit is checked on the header, before anything is decompressed into memory.
    /// </summary>
    public const long DefaultMaxValues = 1L << 28;

    /// <summary>Reads the IDX file at <paramref name="path"/>, gzip-compressed or raw.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxValues">The most values the file may declare (see <see cref="DefaultMaxValues"/>).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a well-formed unsigned-byte IDX file, or declares
    /// more than <paramref name="maxValues"/> values.</exception>
    public static IdxData Read(string path, long maxValues = DefaultMaxValues)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(maxValues);
        using FileStream stream = File.OpenRead(path);
        return Read(stream, path, maxValues);
    }

    /// <summary>
    /// Reads one IDX array from <paramref name="stream"/>, gzip-compressed or raw, which must end right after
    /// it. The stream is left open.
    /// </summary>
    /// <param name="stream">The IDX data, from its current position.</param>
    /// <param name="sourceName">The file name or description used in error messages.</param>
    /// <param name="maxValues">The most values the data may declare (see <see cref="DefaultMaxValues"/>).</param>
    /// <exception cref="InvalidDataException">The data is not a well-formed unsigned-byte IDX array, or declares
    /// more than <paramref name="maxValues"/> values.</exception>
    public static IdxData Read(Stream stream, string sourceName, long maxValues = DefaultMaxValues)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentOutOfRangeException.ThrowIfNegative(maxValues);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream must be readable.", nameof(stream));
        }

        var signature = new byte[2];
        int signatureLength = stream.ReadAtLeast(signature, signature.Length, throwOnEndOfStream: false);
        bool isGzip = signatureLength == 2 && signature[0] == 0x1F && signature[1] == 0x8B;
        Stream body;
        long? rawLength = null;
        if (stream.CanSeek)
        {
            stream.Seek(-signatureLength, SeekOrigin.Current);
            body = stream;
            rawLength = stream.Length - stream.Position;
        }
        else
        {
            body = new PrefixedStream(signature.AsSpan(0, signatureLength).ToArray(), stream);
        }

        if (!isGzip)
        {
            return ReadArray(new IdxInput(body, sourceName, isGzip: false, rawLength), maxValues);
        }

        using var gzip = new GZipStream(body, CompressionMode.Decompress, leaveOpen: true);
        return ReadArray(new IdxInput(gzip, sourceName, isGzip: true, length: null), maxValues);
    }

    /// <summary>
    /// The product of non-negative <paramref name="dimensions"/>, or <see langword="null"/> when it exceeds
    /// <see cref="Array.MaxLength"/> (the product is 0 as soon as one dimension is 0).
    /// </summary>
    internal static long? ElementCount(ReadOnlySpan<int> dimensions)
    {
        if (dimensions.Contains(0))
        {
            return 0;
        }

        long product = 1;
        foreach (int d in dimensions)
        {
            product *= d; // Both factors are at most int.MaxValue, so this cannot overflow a long.
            if (product > Array.MaxLength)
            {
                return null;
            }
        }

        return product;
    }

    private static IdxData ReadArray(IdxInput input, long maxValues)
    {
        Span<byte> magic = stackalloc byte[MagicLength];
        int found = input.Read(magic);
        if (found < MagicLength)
        {
            throw input.Error($"truncated header: expected a {MagicLength}-byte magic number, but {input.Contents} ends after {found} bytes.");
        }

        uint magicNumber = BinaryPrimitives.ReadUInt32BigEndian(magic);
        byte typeCode = magic[2];
        int rank = magic[3];
        if (magic[0] != 0 || magic[1] != 0)
        {
            throw input.Error($"bad magic number: expected 0x0000TTNN (two zero bytes, a type code, a dimension count), found 0x{magicNumber:X8}.");
        }

        if (typeCode != UnsignedByteTypeCode)
        {
            throw input.Error(TypeName(typeCode) is string typeName
                ? $"unsupported element type: the magic number 0x{magicNumber:X8} declares type code 0x{typeCode:X2} ({typeName}), but only 0x{UnsignedByteTypeCode:X2} (unsigned byte) is supported."
                : $"bad magic number 0x{magicNumber:X8}: unknown type code 0x{typeCode:X2}; expected 0x{UnsignedByteTypeCode:X2} (unsigned byte).");
        }

        if (rank == 0)
        {
            throw input.Error($"bad magic number 0x{magicNumber:X8}: it declares 0 dimensions; expected at least 1.");
        }

        int headerLength = MagicLength + (rank * DimensionLength);
        var header = new byte[rank * DimensionLength];
        found = input.Read(header);
        if (found < header.Length)
        {
            throw input.Error($"truncated header: {rank} dimensions need a {headerLength}-byte header, but {input.Contents} ends after {MagicLength + found} bytes.");
        }

        var dimensions = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(i * DimensionLength));
        }

        int negative = Array.FindIndex(dimensions, d => d < 0);
        if (negative >= 0)
        {
            throw input.Error($"bad dimension: dimension {negative} of {IdxData.Format(dimensions)} is {dimensions[negative]}; expected a non-negative size.");
        }

        if (ElementCount(dimensions) is not long count)
        {
            throw input.Error($"bad dimensions: the product of {IdxData.Format(dimensions)} is too large; expected at most {Array.MaxLength} values (the largest array).");
        }

        if (count > maxValues)
        {
            throw input.Error($"the header declares {IdxData.Format(dimensions)}, {count:N0} values, more than the limit of {maxValues:N0}; nothing was decompressed. If the file is meant to be this large, raise the limit (the maxValues argument of IdxReader.Read, Dataset.LoadIdx or Dataset.LoadMnist).");
        }

        byte[] values = ReadValues(input, (int)count, headerLength, dimensions);
        return new IdxData(dimensions, values);
    }

    private static byte[] ReadValues(IdxInput input, int count, int headerLength, int[] dimensions)
    {
        string truncated = $"truncated data: the header declares {IdxData.Format(dimensions)}, so expected {count} bytes of data after the {headerLength}-byte header, but found";
        string trailing = $"unexpected bytes after the data: the header declares {IdxData.Format(dimensions)}, so expected {input.Contents} to end after {headerLength + (long)count} bytes, but found";
        if (input.Remaining is long remaining)
        {
            // The length is known: check it before allocating anything the header asks for.
            if (remaining < count)
            {
                throw input.Error($"{truncated} {remaining}.");
            }

            if (remaining > count)
            {
                throw input.Error($"{trailing} {remaining - count} more.");
            }

            var exact = new byte[count];
            int read = input.Read(exact);
            if (read < count)
            {
                throw input.Error($"{truncated} {read}.");
            }

            return exact;
        }

        // The length is unknown (gzip, or a stream that cannot seek): grow the buffer only as data arrives.
        var buffer = new byte[Math.Min(count, FirstChunkLength)];
        int total = 0;
        while (true)
        {
            total += input.Read(buffer.AsSpan(total));
            if (total == count)
            {
                break;
            }

            if (total < buffer.Length)
            {
                throw input.Error($"{truncated} {total}{input.AfterDecompression}.");
            }

            Array.Resize(ref buffer, (int)Math.Min(count, 2L * buffer.Length));
        }

        long extra = input.CountRemaining(TrailingCountLimit);
        if (extra > 0)
        {
            string amount = extra >= TrailingCountLimit ? $"at least {extra}" : $"{extra}";
            throw input.Error($"{trailing} {amount} more{input.AfterDecompression}.");
        }

        return buffer;
    }

    /// <summary>The IDX name of a type code other than unsigned byte, or <see langword="null"/> if unknown.</summary>
    private static string? TypeName(byte typeCode) => typeCode switch
    {
        0x09 => "signed byte",
        0x0B => "int16",
        0x0C => "int32",
        0x0D => "float32",
        0x0E => "float64",
        _ => null,
    };

    /// <summary>The stream being decoded, with the file name and what is known about its length.</summary>
    private sealed class IdxInput
    {
        private readonly Stream _stream;
        private readonly string _sourceName;
        private readonly bool _isGzip;
        private readonly long? _length;
        private long _consumed;

        public IdxInput(Stream stream, string sourceName, bool isGzip, long? length)
        {
            _stream = stream;
            _sourceName = sourceName;
            _isGzip = isGzip;
            _length = length;
        }

        /// <summary>Bytes left, when the stream's length is known.</summary>
        public long? Remaining => _length - _consumed;

        /// <summary>What the byte counts in messages refer to.</summary>
        public string Contents => _isGzip ? "the decompressed data" : "the file";

        /// <summary>Appended to counts of bytes found in a gzip file.</summary>
        public string AfterDecompression => _isGzip ? " (after decompression)" : string.Empty;

        /// <summary>Fills <paramref name="destination"/> unless the data ends first; returns the bytes read.</summary>
        public int Read(Span<byte> destination)
        {
            try
            {
                int read = _stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
                _consumed += read;
                return read;
            }
            catch (InvalidDataException ex) when (_isGzip)
            {
                throw new InvalidDataException($"Cannot read IDX file '{_sourceName}': the gzip data is corrupt or fails its checksum (the decompressor reports: {ex.Message})", ex);
            }
        }

        /// <summary>Reads and counts the bytes left, stopping once <paramref name="limit"/> are counted.</summary>
        public long CountRemaining(int limit)
        {
            Span<byte> scratch = stackalloc byte[4096];
            long count = 0;
            int read;
            while (count < limit && (read = Read(scratch)) > 0)
            {
                count += read;
            }

            return count;
        }

        public InvalidDataException Error(string problem) => new($"Cannot read IDX file '{_sourceName}': {problem}");
    }
}
