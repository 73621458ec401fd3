using System;
using System.IO;
using System.Linq;
using NetDsl.Data;

namespace NetDsl.Runtime.Tests.Data;

/// <summary>The IDX reader on the real MNIST files, on small files written here, and on every kind of corruption.</summary>
public sealed class IdxReaderTests : IDisposable
{
    private readonly IdxTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void ReadsTheRealTrainingImages()
    {
        IdxData images = IdxReader.Read(Path.Combine(IdxTestFiles.MnistDirectory, "train-images-idx3-ubyte.gz"));

        Assert.Equal(new[] { 8000, 28, 28 }, images.Dimensions);
        Assert.Equal(3, images.Rank);
        Assert.Equal(8000 * 28 * 28, images.Values.Length);
        Assert.Contains((byte)0, images.Values);
        Assert.Contains((byte)255, images.Values);
        Assert.Equal(IdxTestFiles.Gunzip(Path.Combine(IdxTestFiles.MnistDirectory, "train-images-idx3-ubyte.gz")).AsSpan(16).ToArray(), images.Values);
    }

    [Theory]
    [InlineData("train-labels-idx1-ubyte.gz", 8000)]
    [InlineData("t10k-labels-idx1-ubyte.gz", 2000)]
    public void ReadsTheRealLabels(string fileName, int count)
    {
        IdxData labels = IdxReader.Read(Path.Combine(IdxTestFiles.MnistDirectory, fileName));

        Assert.Equal(new[] { count }, labels.Dimensions);
        Assert.All(labels.Values, label => Assert.InRange(label, 0, 9));
        Assert.Equal(10, labels.Values.Distinct().Count());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RoundTripsASmallFile(bool gzip)
    {
        byte[] payload = IdxTestFiles.Sequence(3 * 2 * 4);
        string path = _files.Write("small-idx3-ubyte", IdxTestFiles.Ubyte(new[] { 3, 2, 4 }, payload), gzip);

        IdxData data = IdxReader.Read(path);

        Assert.Equal(new[] { 3, 2, 4 }, data.Dimensions);
        Assert.Equal(payload, data.Values);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsAStreamThatCannotSeekAndLeavesItOpen(bool gzip)
    {
        byte[] payload = IdxTestFiles.Sequence(5000);
        byte[] file = IdxTestFiles.Ubyte(new[] { 2, 50, 50 }, payload);
        using var stream = new ForwardOnlyStream(gzip ? IdxTestFiles.Gzip(file) : file);

        IdxData data = IdxReader.Read(stream, "network stream");

        Assert.Equal(new[] { 2, 50, 50 }, data.Dimensions);
        Assert.Equal(payload, data.Values);
        Assert.False(stream.Disposed);
    }

    [Fact]
    public void ReadsFromTheCurrentPositionOfASeekableStream()
    {
        byte[] file = IdxTestFiles.Ubyte(new[] { 4 }, new byte[] { 9, 8, 7, 6 });
        using var stream = new MemoryStream(new byte[] { 0xAA, 0xBB }.Concat(file).ToArray());
        stream.Position = 2;

        IdxData data = IdxReader.Read(stream, "memory");

        Assert.Equal(new[] { 4 }, data.Dimensions);
        Assert.Equal(new byte[] { 9, 8, 7, 6 }, data.Values);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsFourDimensionsAndEmptyArrays(bool gzip)
    {
        byte[] payload = IdxTestFiles.Sequence(2 * 3 * 1 * 3);
        IdxData rgb = IdxReader.Read(_files.Write("rgb", IdxTestFiles.Ubyte(new[] { 2, 3, 1, 3 }, payload), gzip));
        IdxData empty = IdxReader.Read(_files.Write("empty", IdxTestFiles.Ubyte(new[] { 0, 28, 28 }, Array.Empty<byte>()), gzip));

        Assert.Equal(new[] { 2, 3, 1, 3 }, rgb.Dimensions);
        Assert.Equal(payload, rgb.Values);
        Assert.Equal(new[] { 0, 28, 28 }, empty.Dimensions);
        Assert.Empty(empty.Values);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FirstTwoBytesNotZeroIsABadMagicNumber(bool gzip)
    {
        byte[] file = IdxTestFiles.Ubyte(new[] { 2 }, new byte[] { 1, 2 });
        file[0] = 0x01;

        string message = AssertInvalid(file, gzip);

        Assert.Contains("bad magic number", message);
        Assert.Contains("expected 0x0000TTNN", message);
        Assert.Contains("found 0x01000801", message);
    }

    [Fact]
    public void AFileThatIsNotIdxIsABadMagicNumber()
    {
        string message = AssertInvalid("PK\u0003\u0004 a zip file"u8.ToArray(), gzip: false);

        Assert.Contains("found 0x504B0304", message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void UnknownTypeCodeIsNamed(bool gzip)
    {
        string message = AssertInvalid(IdxTestFiles.Idx(0x05, new[] { 2 }, new byte[] { 1, 2 }), gzip);

        Assert.Contains("unknown type code 0x05", message);
        Assert.Contains("0x00000501", message);
        Assert.Contains("expected 0x08 (unsigned byte)", message);
    }

    [Theory]
    [InlineData(0x09, "signed byte")]
    [InlineData(0x0B, "int16")]
    [InlineData(0x0C, "int32")]
    [InlineData(0x0D, "float32")]
    [InlineData(0x0E, "float64")]
    public void OtherIdxTypesAreNamedAsUnsupported(byte typeCode, string typeName)
    {
        string message = AssertInvalid(IdxTestFiles.Idx(typeCode, new[] { 1 }, new byte[8]), gzip: false);

        Assert.Contains($"type code 0x{typeCode:X2} ({typeName})", message);
        Assert.Contains("only 0x08 (unsigned byte) is supported", message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ZeroDimensionsIsABadMagicNumber(bool gzip)
    {
        string message = AssertInvalid(IdxTestFiles.Ubyte(Array.Empty<int>(), Array.Empty<byte>()), gzip);

        Assert.Contains("bad magic number 0x00000800", message);
        Assert.Contains("declares 0 dimensions; expected at least 1", message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NegativeDimensionIsReported(bool gzip)
    {
        string message = AssertInvalid(IdxTestFiles.Ubyte(new[] { 3, -5 }, new byte[15]), gzip);

        Assert.Contains("dimension 1 of [3, -5] is -5", message);
        Assert.Contains("expected a non-negative size", message);
    }

    [Theory]
    [InlineData(false, new[] { 65536, 65536, 65536 })]
    [InlineData(true, new[] { 65536, 65536, 65536 })]
    [InlineData(false, new[] { int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue })]
    [InlineData(false, new[] { int.MaxValue })]
    public void DimensionProductTooLargeIsReported(bool gzip, int[] dimensions)
    {
        string message = AssertInvalid(IdxTestFiles.Ubyte(dimensions, new byte[16]), gzip);

        Assert.Contains($"the product of [{string.Join(", ", dimensions)}] is too large", message);
        Assert.Contains($"expected at most {Array.MaxLength} values", message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AHeaderThatPromisesGigabytesFailsWithoutAllocatingThem(bool gzip)
    {
        string message = AssertInvalid(IdxTestFiles.Ubyte(new[] { 2_000_000_000 }, IdxTestFiles.Sequence(10)), gzip);

        Assert.Contains("truncated data", message);
        Assert.Contains("expected 2000000000 bytes of data after the 8-byte header", message);
        Assert.Contains("found 10", message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MoreValuesThanTheLimitFailOnTheHeaderAndTheLimitCanBeRaised(bool gzip)
    {
        byte[] file = IdxTestFiles.Ubyte(new[] { 10, 11 }, IdxTestFiles.Sequence(110));
        string message = AssertInvalid(file, gzip, maxValues: 109);
        Assert.Contains("declares [10, 11], 110 values, more than the limit of 109", message);
        Assert.Contains("raise the limit", message);

        string path = _files.Write("ok-idx-ubyte", file, gzip);
        Assert.Equal(IdxTestFiles.Sequence(110), IdxReader.Read(path, maxValues: 110).Values);
    }

    [Fact]
    public void AGzipBombIsRefusedBeforeItIsDecompressed()
    {
        // 300 million zero bytes compress to about 300 KB; the old reader decompressed all of them, and
        // Dataset.LoadMnist then made floats of them (1.2 GB). The default limit refuses the header.
        var dimensions = new[] { 300_000, 1_000 };
        long length = 300_000L * 1_000;
        byte[] bomb;
        using (var output = new MemoryStream())
        {
            using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
            {
                gzip.Write(IdxTestFiles.Ubyte(dimensions, Array.Empty<byte>()));
                var zeros = new byte[1 << 20];
                for (long written = 0; written < length; written += zeros.Length)
                {
                    gzip.Write(zeros, 0, (int)Math.Min(zeros.Length, length - written));
                }
            }

            bomb = output.ToArray();
        }

        string path = _files.Write("bomb-idx-ubyte.gz", bomb);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("more than the limit of 268,435,456", error.Message);
        Assert.True(allocated < 4 << 20, $"allocated {allocated:N0} bytes");
        Assert.True(bomb.Length < 1 << 20, $"the bomb is {bomb.Length:N0} bytes");
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(false, 3)]
    [InlineData(true, 3)]
    public void TruncatedMagicNumberIsReported(bool gzip, int length)
    {
        byte[] file = IdxTestFiles.Ubyte(new[] { 2 }, new byte[2]).AsSpan(0, length).ToArray();

        string message = AssertInvalid(file, gzip);

        Assert.Contains("truncated header: expected a 4-byte magic number", message);
        Assert.Contains($"ends after {length} bytes", message);
        Assert.Contains(gzip ? "the decompressed data" : "the file", message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedDimensionsAreReported(bool gzip)
    {
        byte[] file = IdxTestFiles.Ubyte(new[] { 8000, 28, 28 }, Array.Empty<byte>()).AsSpan(0, 13).ToArray();

        string message = AssertInvalid(file, gzip);

        Assert.Contains("truncated header: 3 dimensions need a 16-byte header", message);
        Assert.Contains("ends after 13 bytes", message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedDataSaysHowManyBytesWereExpectedAndFound(bool gzip)
    {
        string message = AssertInvalid(IdxTestFiles.Ubyte(new[] { 2, 3 }, new byte[4]), gzip);

        Assert.Contains("truncated data: the header declares [2, 3]", message);
        Assert.Contains("expected 6 bytes of data after the 12-byte header", message);
        Assert.Contains("but found 4", message);
    }

    [Fact]
    public void TruncatedRealFileSaysHowManyBytesWereExpectedAndFound()
    {
        byte[] contents = IdxTestFiles.Gunzip(Path.Combine(IdxTestFiles.MnistDirectory, "t10k-images-idx3-ubyte.gz"));

        string message = AssertInvalid(contents.AsSpan(0, 16 + 1000).ToArray(), gzip: true);

        Assert.Contains("expected 1568000 bytes", message);
        Assert.Contains("found 1000 (after decompression)", message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TrailingBytesAfterTheDataAreReported(bool gzip)
    {
        string message = AssertInvalid(IdxTestFiles.Ubyte(new[] { 2, 3 }, new byte[9]), gzip);

        Assert.Contains("unexpected bytes after the data", message);
        Assert.Contains("to end after 18 bytes", message);
        Assert.Contains("found 3 more", message);
    }

    [Fact]
    public void TrailingBytesOfAStreamThatCannotSeekAreReported()
    {
        using var stream = new ForwardOnlyStream(IdxTestFiles.Ubyte(new[] { 2 }, new byte[5]));

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(stream, "socket"));

        Assert.Contains("'socket'", error.Message);
        Assert.Contains("found 3 more", error.Message);
    }

    [Fact]
    public void CorruptGzipDataIsReportedWithTheFileName()
    {
        byte[] file = IdxTestFiles.Gzip(IdxTestFiles.Ubyte(new[] { 100 }, IdxTestFiles.Sequence(100)));
        file[3] = 0xFF; // reserved flag bits
        file[10] ^= 0xFF; // the first deflate block header

        string path = _files.Write("corrupt.gz", file);
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path));

        Assert.Contains($"'{path}'", error.Message);
        Assert.Contains("gzip", error.Message);
    }

    [Fact]
    public void AGzipChecksumMismatchIsReported()
    {
        byte[] file = IdxTestFiles.Gzip(IdxTestFiles.Ubyte(new[] { 100 }, IdxTestFiles.Sequence(100)));
        file[^6] ^= 0x01; // inside the CRC-32 of the gzip trailer

        string path = _files.Write("bad-crc.gz", file);
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path));

        Assert.StartsWith($"Cannot read IDX file '{path}': the gzip data is corrupt or fails its checksum", error.Message);
    }

    [Fact]
    public void ALongCompressedTailIsCountedOnlyUpToALimit()
    {
        string message = AssertInvalid(IdxTestFiles.Ubyte(new[] { 1000 }, new byte[1000 + 5_000_000]), gzip: true);

        Assert.Contains("expected the decompressed data to end after 1008 bytes", message);
        Assert.Contains("found at least 1048576 more (after decompression)", message);
    }

    [Fact]
    public void TruncatedGzipFileFailsWithTheFileName()
    {
        byte[] compressed = IdxTestFiles.Gzip(IdxTestFiles.Ubyte(new[] { 10, 100 }, IdxTestFiles.Sequence(1000)));
        string path = _files.Write("cut.gz", compressed.AsSpan(0, compressed.Length / 2).ToArray());

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path));

        Assert.Contains($"'{path}'", error.Message);
    }

    [Fact]
    public void MissingFileThrowsFileNotFound()
    {
        string path = Path.Combine(_files.Directory, "missing-idx1-ubyte");

        var error = Assert.Throws<FileNotFoundException>(() => IdxReader.Read(path));

        Assert.Contains("missing-idx1-ubyte", error.Message);
    }

    [Fact]
    public void IdxDataChecksItsDimensionsAgainstItsValues()
    {
        var data = new IdxData(new[] { 2, 3 }, new byte[6]);

        Assert.Equal(new[] { 2, 3 }, data.Dimensions);
        Assert.Equal("IDX ubyte [2, 3]", data.ToString());
        Assert.Contains("[2, 4] do not describe 6 values", Assert.Throws<ArgumentException>(() => new IdxData(new[] { 2, 4 }, new byte[6])).Message);
        Assert.Contains("must not be negative", Assert.Throws<ArgumentException>(() => new IdxData(new[] { -1 }, new byte[0])).Message);
        Assert.Contains("at least one dimension", Assert.Throws<ArgumentException>(() => new IdxData(Array.Empty<int>(), new byte[1])).Message);
    }

    /// <summary>Writes the file, reads it, and returns the message after checking it names the file.</summary>
    private string AssertInvalid(byte[] contents, bool gzip, long maxValues = long.MaxValue)
    {
        string path = _files.Write("bad-idx-ubyte", contents, gzip);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path, maxValues));

        Assert.StartsWith($"Cannot read IDX file '{path}': ", error.Message);
        return error.Message;
    }
}
