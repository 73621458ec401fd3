using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NetDsl.Serialization;
using static NetDsl.Runtime.Tests.Serialization.SafetensorsTestFiles;

namespace NetDsl.Runtime.Tests.Serialization;

public sealed class SafetensorsRoundTripTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static readonly Dictionary<string, string> Metadata = new()
    {
        ["format"] = "pt",
        ["epochs"] = "5",
        ["note"] = "ünïcödé, \"quotes\", <tags> & a+b\nsecond line\t\\",
        [""] = "empty key",
    };

    [Fact]
    public void Save_then_Load_restores_every_bit_including_NaN_payloads_and_infinities()
    {
        IReadOnlyList<ParameterTensor> layout = NetworkLayout();
        float[] saved = RandomBitPatterns(35, seed: 42);
        string path = _directory.File("model.safetensors");

        Safetensors.Save(path, layout, saved, Metadata);
        float[] loaded = new float[35];
        Safetensors.Load(path, layout, loaded, allowNonFinite: true);

        AssertSameBits(saved, loaded);
        Assert.Equal(["model.safetensors"], _directory.Entries());
    }

    [Fact]
    public void Save_then_Read_gives_the_metadata_and_every_tensor_in_layout_order()
    {
        IReadOnlyList<ParameterTensor> layout = NetworkLayout();
        float[] saved = RandomBitPatterns(35, seed: 7);
        string path = _directory.File("model.safetensors");

        Safetensors.Save(path, layout, saved, Metadata);
        SafetensorsFile file = Safetensors.Read(path);

        Assert.Equal(path, file.SourceName);
        Assert.Equal(Metadata.Count + 1, file.Metadata.Count);
        Assert.Matches("^[0-9a-f]{8}$", file.Metadata["netdsl.data_crc32c"]);
        foreach ((string key, string value) in Metadata)
        {
            Assert.Equal(value, file.Metadata[key]);
        }

        Assert.Equal(["conv2d/kernel", "conv2d/bias", "dense/kernel", "dense/bias"], file.Tensors.Select(t => t.Name));
        foreach (ParameterTensor expected in layout)
        {
            SafetensorsTensor tensor = file[expected.Name];
            Assert.Equal("F32", tensor.DataType);
            Assert.Equal(expected.Shape.Select(d => (long)d), tensor.Shape);
            Assert.Equal(expected.Length, tensor.ElementCount);
            Assert.Equal(expected.Length * 4, tensor.Data.Length);
            AssertSameBits(expected.Slice((ReadOnlySpan<float>)saved), tensor.ToSingleArray());
        }
    }

    [Fact]
    public void Without_metadata_the_file_has_only_the_data_checksum()
    {
        string path = _directory.File("model.safetensors");
        Safetensors.Save(path, NetworkLayout(), new float[35]);

        SafetensorsFile file = Safetensors.Read(path);

        Assert.Equal(["netdsl.data_crc32c"], file.Metadata.Keys);
        Assert.Equal(4, file.Tensors.Count);
    }

    [Fact]
    public void Write_and_Read_work_on_streams_seekable_or_not()
    {
        IReadOnlyList<ParameterTensor> layout = NetworkLayout();
        float[] saved = RandomBitPatterns(35, seed: 3);
        var memory = new MemoryStream();
        Safetensors.Write(memory, layout, saved, Metadata);
        byte[] bytes = memory.ToArray();

        SafetensorsFile fromMemory = Safetensors.Read(new MemoryStream(bytes), "memory");
        SafetensorsFile fromPipe = Safetensors.Read(new NonSeekableStream(bytes), "pipe");
        float[] loaded = new float[35];
        Safetensors.Load(new NonSeekableStream(bytes), "pipe", layout, loaded, allowNonFinite: true);

        AssertSameBits(saved, loaded);
        foreach (SafetensorsFile file in new[] { fromMemory, fromPipe })
        {
            Assert.Equal(Metadata["note"], file.Metadata["note"]);
            AssertSameBits(saved.AsSpan(20, 12), file["dense/kernel"].ToSingleArray());
        }
    }

    [Fact]
    public void Save_and_Read_produce_the_same_bytes_as_Write()
    {
        IReadOnlyList<ParameterTensor> layout = NetworkLayout();
        float[] saved = RandomBitPatterns(35, seed: 11);
        string path = _directory.File("model.safetensors");
        Safetensors.Save(path, layout, saved, Metadata);
        var memory = new MemoryStream();
        Safetensors.Write(memory, layout, saved, Metadata);

        Assert.Equal(memory.ToArray(), File.ReadAllBytes(path));
    }

    [Fact]
    public void Scalars_empty_tensors_and_an_empty_layout_round_trip()
    {
        IReadOnlyList<ParameterTensor> layout =
        [
            new ParameterTensor("scale", new TensorShape(), 0, 1),
            new ParameterTensor("empty/kernel", new TensorShape(0, 3), 1, 0),
            new ParameterTensor("dense/bias", new TensorShape(2), 1, 2),
        ];
        string path = _directory.File("odd.safetensors");
        Safetensors.Save(path, layout, [0.5f, -1f, 2f]);

        float[] loaded = new float[3];
        Safetensors.Load(path, layout, loaded);
        SafetensorsFile file = Safetensors.Read(path);

        Assert.Equal([0.5f, -1f, 2f], loaded);
        Assert.Empty(file["scale"].Shape);
        Assert.Equal([0L, 3L], file["empty/kernel"].Shape);
        Assert.Empty(file["empty/kernel"].ToSingleArray());

        string emptyPath = _directory.File("empty.safetensors");
        Safetensors.Save(emptyPath, Array.Empty<ParameterTensor>(), ReadOnlySpan<float>.Empty);
        SafetensorsFile empty = Safetensors.Read(emptyPath);
        Assert.Empty(empty.Tensors);
        Assert.Equal("00000000", empty.Metadata["netdsl.data_crc32c"]); // the CRC-32C of no bytes
        Safetensors.Load(emptyPath, Array.Empty<ParameterTensor>(), Span<float>.Empty);
    }

    [Fact]
    public void Save_replaces_an_existing_file_and_leaves_no_temporary_file()
    {
        IReadOnlyList<ParameterTensor> layout = NetworkLayout();
        string path = _directory.File("model.safetensors");
        Safetensors.Save(path, layout, RandomBitPatterns(35, seed: 1));
        float[] second = RandomBitPatterns(35, seed: 2);

        Safetensors.Save(path, layout, second);

        float[] loaded = new float[35];
        Safetensors.Load(path, layout, loaded, allowNonFinite: true);
        AssertSameBits(second, loaded);
        Assert.Equal(["model.safetensors"], _directory.Entries());
    }
}
