using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using NetDsl.Serialization;
using static NetDsl.Runtime.Tests.Serialization.SafetensorsTestFiles;

namespace NetDsl.Runtime.Tests.Serialization;

/// <summary>
/// Every malformed file gives an <see cref="InvalidDataException"/> naming the file and the problem, and a
/// failed <see cref="Safetensors.Load(string, IReadOnlyList{ParameterTensor}, Span{float})"/> leaves the
/// parameters exactly as they were.
/// </summary>
public sealed class SafetensorsCorruptionTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    /// <summary>A well-formed entry for tensor <c>a</c> (2 floats) or <c>b</c> (1 float) of the tiny layout.</summary>
    private static string Entry(string name, string dtype, string shape, long begin, long end) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";

    private static readonly string A = Entry("a", "F32", "[2]", 0, 8);
    private static readonly string B = Entry("b", "F32", "[1]", 8, 12);
    private static readonly byte[] Data12 = F32(1f, 2f, 3f);

    /// <summary>The corrupt files, each fit for the tiny layout except for the one thing named.</summary>
    private static byte[] CorruptFile(string kind) => kind switch
    {
        "empty file" => [],
        "5-byte file" => [1, 2, 3, 4, 5],
        "7-byte file" => [8, 0, 0, 0, 0, 0, 0],
        "header length beyond the file" => Build(1000, Encoding.UTF8.GetBytes("{\"a\":1}"), [0, 0, 0, 0]),
        "header length 2^60" => Build(1UL << 60, Encoding.UTF8.GetBytes($"{{{A},{B}}}"), Data12),
        "header length 100,000,001" => Build(100_000_001, Encoding.UTF8.GetBytes($"{{{A},{B}}}"), Data12),
        "header length 2^64-1" => Build(ulong.MaxValue, [], []),
        "invalid JSON" => Build($"{{{A},\"b\":{{\"dtype\":\"F32\",", Data12),
        "invalid UTF-8" => Build([.. "{\"a"u8, 0xFF, .. "\":1}"u8], []),
        "two JSON values" => Build($"{{{A},{B}}} {{}}", Data12),
        "empty header" => Build("", Data12),
        "header is an array" => Build("[1, 2, 3]", []),
        "header is a string" => Build("\"weights\"", []),
        "tensor is not an object" => Build("{\"a\":[0,8]}", Data12),
        "overlapping tensors" => Build($"{{{A},{Entry("b", "F32", "[1]", 4, 8)}}}", F32(1f, 2f)),
        "hole in the data" => Build($"{{{A},{Entry("b", "F32", "[1]", 12, 16)}}}", F32(1f, 2f, 0f, 3f)),
        "byte length not matching the shape" => Build($"{{{Entry("a", "F32", "[3]", 0, 8)},{B}}}", Data12),
        "truncated data section" => Build($"{{{A},{B}}}", F32(1f, 2f)),
        "trailing bytes" => Build($"{{{A},{B}}}", F32(1f, 2f, 3f, 4f)),
        "duplicate tensor key" => Build($"{{{A},{A},{B}}}", Data12),
        "duplicate metadata key" => Build($"{{\"__metadata__\":{{\"k\":\"1\",\"k\":\"2\"}},{A},{B}}}", Data12),
        "duplicate __metadata__" => Build($"{{\"__metadata__\":{{}},\"__metadata__\":{{}},{A},{B}}}", Data12),
        "duplicate field in a tensor" => Build($"{{\"a\":{{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}},{B}}}", Data12),
        "end before begin" => Build($"{{{Entry("a", "F32", "[2]", 8, 0)},{B}}}", Data12),
        "unknown dtype" => Build($"{{{Entry("a", "F33", "[2]", 0, 8)},{B}}}", Data12),
        "negative offset" => Build($"{{{Entry("a", "F32", "[2]", -8, 0)},{B}}}", Data12),
        "fractional dimension" => Build($"{{{Entry("a", "F32", "[2.5]", 0, 8)},{B}}}", Data12),
        "shape overflows" => Build($"{{{Entry("a", "F32", "[4611686018427387904,4]", 0, 8)},{B}}}", Data12),
        "three data offsets" => Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,8]}," + B + "}", Data12),
        "missing data_offsets" => Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}," + B + "}", Data12),
        "metadata value not a string" => Build($"{{\"__metadata__\":{{\"epochs\":5}},{A},{B}}}", Data12),
        _ => throw new ArgumentException(kind),
    };

    public static TheoryData<string, string> Corruptions => new()
    {
        { "empty file", "only 0 bytes long" },
        { "5-byte file", "only 5 bytes long" },
        { "7-byte file", "only 7 bytes long" },
        { "header length beyond the file", "header length 1000 goes beyond the end of the file (19 bytes" },
        { "header length 2^60", "header length 1152921504606846976 is larger than the limit of 100,000,000 bytes" },
        { "header length 100,000,001", "header length 100000001 is larger than the limit" },
        { "header length 2^64-1", "header length 18446744073709551615 is larger than the limit" },
        { "invalid JSON", "the header is not valid JSON" },
        { "invalid UTF-8", "the header is not valid UTF-8" },
        { "two JSON values", "the header is not valid JSON" },
        { "empty header", "the header is not a JSON object: it must start with '{' but is empty" },
        { "header is an array", "the header is not a JSON object: it must start with '{' but starts with '['" },
        { "header is a string", "the header is not a JSON object" },
        { "tensor is not an object", "tensor 'a' must be described by a JSON object but is an array" },
        { "overlapping tensors", "tensor 'b' (bytes 4 to 8) overlaps tensor 'a' (bytes 0 to 8)" },
        { "hole in the data", "the data section has a hole: bytes 8 to 12, before tensor 'b', belong to no tensor" },
        { "byte length not matching the shape", "tensor 'a' has data_offsets [0, 8] (8 bytes), but dtype F32 with shape [3] needs 12 bytes" },
        { "truncated data section", "the data section is truncated: tensor 'b' ends at byte 12 of the data section, but the file holds only 8 bytes" },
        { "trailing bytes", "the last 4 bytes of the data section (after byte 12) belong to no tensor" },
        { "duplicate tensor key", "the header has the key 'a' more than once" },
        { "duplicate metadata key", "the metadata has the key 'k' more than once" },
        { "duplicate __metadata__", "the header has the key '__metadata__' more than once" },
        { "duplicate field in a tensor", "tensor 'a' has the key 'dtype' more than once" },
        { "end before begin", "tensor 'a' has data_offsets [8, 0] whose end is before its begin" },
        { "unknown dtype", "tensor 'a' has the unknown dtype 'F33'" },
        { "negative offset", "the data_offsets of tensor 'a' must hold non-negative integers, but holds -8" },
        { "fractional dimension", "the shape of tensor 'a' must hold non-negative integers, but holds 2.5" },
        { "shape overflows", "tensor 'a' has shape [4611686018427387904, 4], whose size overflows" },
        { "three data offsets", "tensor 'a' has 3 data_offsets" },
        { "missing data_offsets", "tensor 'a' has no 'data_offsets'" },
        { "metadata value not a string", "the metadata value of 'epochs' must be a string but is a number" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Read_rejects_a_malformed_file_naming_the_file_and_the_problem(string kind, string expected)
    {
        string path = _directory.File("corrupt.safetensors");
        File.WriteAllBytes(path, CorruptFile(kind));

        var error = Assert.Throws<InvalidDataException>(() => Safetensors.Read(path));

        Assert.Contains($"Invalid safetensors file '{path}'", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Load_rejects_a_malformed_file_and_leaves_the_parameters_untouched(string kind, string expected)
    {
        string path = _directory.File("corrupt.safetensors");
        File.WriteAllBytes(path, CorruptFile(kind));
        float[] parameters = Sentinel(3);

        var error = Assert.Throws<InvalidDataException>(() => Safetensors.Load(path, TinyLayout(), parameters));

        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
        Assert.Equal(Sentinel(3), parameters);
    }

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void A_stream_that_cannot_seek_is_rejected_too_without_trusting_sizes_from_the_file(string kind, string expected)
    {
        _ = expected; // A stream without a length finds some problems later, with a different message.
        byte[] bytes = CorruptFile(kind);
        var readStream = new NonSeekableStream(bytes);
        var loadStream = new NonSeekableStream(bytes);
        float[] parameters = Sentinel(3);

        var readError = Assert.Throws<InvalidDataException>(() => Safetensors.Read(readStream, "pipe:corrupt"));
        var loadError = Assert.Throws<InvalidDataException>(() => Safetensors.Load(loadStream, "pipe:corrupt", TinyLayout(), parameters));

        Assert.Contains("'pipe:corrupt'", readError.Message);
        Assert.Contains("'pipe:corrupt'", loadError.Message);
        Assert.Equal(Sentinel(3), parameters);
        Assert.True(readStream.LargestRequest <= 1 << 20, $"A read asked for {readStream.LargestRequest} bytes.");
    }

    [Theory]
    [InlineData(2_000_000)]
    [InlineData(100_000_000)]
    public void A_large_header_length_on_a_short_stream_fails_as_truncated_after_reading_in_bounded_chunks(int headerLength)
    {
        var stream = new NonSeekableStream(Build((ulong)headerLength, Encoding.UTF8.GetBytes("{\"a\":"), []));

        var error = Assert.Throws<InvalidDataException>(() => Safetensors.Read(stream, "pipe"));

        Assert.Contains($"the header is truncated: expected {headerLength} bytes but the file ends after 5", error.Message);
        Assert.True(stream.LargestRequest <= 1 << 20, $"A read asked for {stream.LargestRequest} bytes.");
    }

    [Fact]
    public void A_stream_that_cannot_seek_reports_truncated_data_and_trailing_bytes()
    {
        byte[] truncated = CorruptFile("truncated data section");
        byte[] trailing = CorruptFile("trailing bytes");

        var readTruncated = Assert.Throws<InvalidDataException>(() => Safetensors.Read(new NonSeekableStream(truncated), "pipe"));
        var loadTruncated = Assert.Throws<InvalidDataException>(() => Safetensors.Load(new NonSeekableStream(truncated), "pipe", TinyLayout(), new float[3]));
        var readTrailing = Assert.Throws<InvalidDataException>(() => Safetensors.Read(new NonSeekableStream(trailing), "pipe"));
        var loadTrailing = Assert.Throws<InvalidDataException>(() => Safetensors.Load(new NonSeekableStream(trailing), "pipe", TinyLayout(), new float[3]));

        Assert.Contains("the data section is truncated: expected 12 bytes but the file ends after 8", readTruncated.Message);
        Assert.Contains("the data section is truncated: the file ends inside tensor 'b'", loadTruncated.Message);
        Assert.Contains("bytes follow the end of the last tensor", readTrailing.Message);
        Assert.Contains("bytes follow the end of the last tensor", loadTrailing.Message);
    }

    /// <summary>A file made from the network layout, with the entries given (data zeros, offsets packed).</summary>
    private static byte[] NetworkFile(params (string Name, string Dtype, int[] Shape, int ElementSize)[] tensors)
    {
        var header = new StringBuilder("{");
        long offset = 0;
        foreach ((string name, string dtype, int[] shape, int elementSize) in tensors)
        {
            long length = elementSize;
            foreach (int d in shape)
            {
                length *= d;
            }

            if (header.Length > 1)
            {
                header.Append(',');
            }

            header.Append(Entry(name, dtype, "[" + string.Join(",", shape) + "]", offset, offset + length));
            offset += length;
        }

        return Build(header.Append('}').ToString(), new byte[offset]);
    }

    private static readonly (string, string, int[], int) ConvKernel = ("conv2d/kernel", "F32", [3, 3, 1, 2], 4);
    private static readonly (string, string, int[], int) ConvBias = ("conv2d/bias", "F32", [2], 4);
    private static readonly (string, string, int[], int) DenseKernel = ("dense/kernel", "F32", [4, 3], 4);
    private static readonly (string, string, int[], int) DenseBias = ("dense/bias", "F32", [3], 4);

    public static TheoryData<string, string> Mismatches => new()
    {
        { "wrong dtype", "tensor 'conv2d/bias' has dtype I32; the network reads floating point (F32, F16, BF16 or F64)" },
        { "wrong shape", "tensor 'dense/kernel' has shape [3, 4] but the network expects [4, 3]" },
        { "wrong rank", "tensor 'dense/kernel' has shape [12] but the network expects [4, 3]" },
        { "missing tensor", "missing tensor 'conv2d/bias'" },
        { "unexpected tensor", "unexpected tensor 'foo'" },
        { "everything wrong", "missing tensor 'conv2d/bias'; tensor 'dense/kernel' has shape [3, 4] but the network expects [4, 3]; unexpected tensor 'foo'" },
    };

    private static byte[] MismatchFile(string kind) => kind switch
    {
        "wrong dtype" => NetworkFile(ConvKernel, ("conv2d/bias", "I32", [2], 4), DenseKernel, DenseBias),
        "wrong shape" => NetworkFile(ConvKernel, ConvBias, ("dense/kernel", "F32", [3, 4], 4), DenseBias),
        "wrong rank" => NetworkFile(ConvKernel, ConvBias, ("dense/kernel", "F32", [12], 4), DenseBias),
        "missing tensor" => NetworkFile(ConvKernel, DenseKernel, DenseBias),
        "unexpected tensor" => NetworkFile(ConvKernel, ConvBias, DenseKernel, DenseBias, ("foo", "F32", [1], 4)),
        "everything wrong" => NetworkFile(ConvKernel, ("dense/kernel", "F32", [3, 4], 4), DenseBias, ("foo", "F32", [1], 4)),
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [MemberData(nameof(Mismatches))]
    public void Load_rejects_a_valid_file_that_does_not_match_the_network_naming_each_tensor(string kind, string expected)
    {
        string path = _directory.File("other.safetensors");
        File.WriteAllBytes(path, MismatchFile(kind));
        Assert.NotNull(Safetensors.Read(path)); // The file itself is well-formed.
        float[] parameters = Sentinel(35);

        var error = Assert.Throws<InvalidDataException>(() => Safetensors.Load(path, NetworkLayout(), parameters));

        Assert.Contains($"The safetensors file '{path}' does not match the network: ", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.Equal(Sentinel(35), parameters);
    }

    [Fact]
    public void Load_rejects_a_parameter_buffer_that_does_not_match_the_layout_before_opening_the_file()
    {
        float[] parameters = Sentinel(34);

        var error = Assert.Throws<ArgumentException>(() => Safetensors.Load(_directory.File("absent.safetensors"), NetworkLayout(), parameters));

        Assert.Contains("'dense/bias'", error.Message);
        Assert.Equal(Sentinel(34), parameters);
    }

    [Fact]
    public void Load_of_a_missing_file_is_a_FileNotFoundException()
    {
        Assert.Throws<FileNotFoundException>(() => Safetensors.Load(_directory.File("absent.safetensors"), NetworkLayout(), new float[35]));
        Assert.Throws<FileNotFoundException>(() => Safetensors.Read(_directory.File("absent.safetensors")));
    }
}
