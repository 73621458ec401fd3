using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using NetDsl.Serialization;
using static NetDsl.Runtime.Tests.Serialization.SafetensorsTestFiles;

namespace NetDsl.Runtime.Tests.Serialization;

/// <summary>Proves the files are standard safetensors: hand-made bytes read right, saved bytes parse by hand.</summary>
public sealed class SafetensorsFormatTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_file_built_byte_by_byte_reads_as_the_2x2_tensor_1_2_3_4()
    {
        byte[] bytes =
        [
            // Header length: 57, as an unsigned 64-bit little-endian integer.
            0x39, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            // The 57-byte JSON header.
            .. "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}"u8,
            // 1.0f, 2.0f, 3.0f, 4.0f as little-endian IEEE 754 singles.
            0x00, 0x00, 0x80, 0x3F,
            0x00, 0x00, 0x00, 0x40,
            0x00, 0x00, 0x40, 0x40,
            0x00, 0x00, 0x80, 0x40,
        ];
        string path = _directory.File("hand.safetensors");
        File.WriteAllBytes(path, bytes);

        SafetensorsFile file = Safetensors.Read(path);

        SafetensorsTensor w = Assert.Single(file.Tensors);
        Assert.Equal("w", w.Name);
        Assert.Equal("F32", w.DataType);
        Assert.Equal([2L, 2L], w.Shape);
        Assert.Equal(4, w.ElementCount);
        Assert.Equal([1f, 2f, 3f, 4f], w.ToSingleArray());
        Assert.Equal(bytes.AsSpan(8 + 57).ToArray(), w.Data.ToArray());
        Assert.Empty(file.Metadata);

        float[] parameters = new float[4];
        Safetensors.Load(path, [new ParameterTensor("w", new TensorShape(2, 2), 0, 4)], parameters);
        Assert.Equal([1f, 2f, 3f, 4f], parameters);
    }

    [Fact]
    public void A_padded_header_with_metadata_and_tensors_listed_out_of_data_order_reads_in_data_order()
    {
        // "bias" is listed first but its data comes second; the header is padded with spaces to 160 bytes.
        string json = "{\"__metadata__\":{\"source\":\"hand\"},"
            + "\"bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]},"
            + "\"kernel\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";
        Assert.Equal(153, json.Length);
        byte[] bytes = Build(json + "       ", F32(1f, 2f, 3f, 4f, 0.5f, -0.25f));
        Assert.Equal([0xA0, 0, 0, 0, 0, 0, 0, 0], bytes[..8]);

        SafetensorsFile file = Safetensors.Read(new MemoryStream(bytes), "padded");

        Assert.Equal(["kernel", "bias"], file.Tensors.Select(t => t.Name));
        Assert.Equal("hand", file.Metadata["source"]);
        Assert.Equal([0.5f, -0.25f], file["bias"].ToSingleArray());

        IReadOnlyList<ParameterTensor> layout =
        [
            new ParameterTensor("kernel", new TensorShape(2, 2), 0, 4),
            new ParameterTensor("bias", new TensorShape(2), 4, 2),
        ];
        float[] parameters = new float[6];
        Safetensors.Load(new MemoryStream(bytes), "padded", layout, parameters);
        Assert.Equal([1f, 2f, 3f, 4f, 0.5f, -0.25f], parameters);
    }

    [Fact]
    public void A_saved_file_parses_by_hand_as_standard_safetensors()
    {
        IReadOnlyList<ParameterTensor> layout = NetworkLayout();
        float[] values = Enumerable.Range(0, 35).Select(i => (i * 0.25f) - 3f).ToArray();
        string path = _directory.File("saved.safetensors");
        Safetensors.Save(path, layout, values, new Dictionary<string, string> { ["framework"] = "NetDsl", ["epochs"] = "3" });
        byte[] bytes = File.ReadAllBytes(path);

        // 8-byte little-endian header length, padded so that the data starts on an 8-byte boundary.
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, headerLength % 8);
        Assert.True(8 + (long)headerLength <= bytes.Length);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.StartsWith("{", header);
        Assert.EndsWith("}", header.TrimEnd(' '));

        // A JSON object: __metadata__ first, then one entry per tensor in layout order.
        using JsonDocument document = JsonDocument.Parse(header);
        JsonProperty[] properties = document.RootElement.EnumerateObject().ToArray();
        Assert.Equal(["__metadata__", "conv2d/kernel", "conv2d/bias", "dense/kernel", "dense/bias"], properties.Select(p => p.Name));
        Assert.Equal("NetDsl", properties[0].Value.GetProperty("framework").GetString());
        Assert.Equal("3", properties[0].Value.GetProperty("epochs").GetString());

        int dataStart = 8 + (int)headerLength;
        long expectedBegin = 0;
        foreach ((JsonProperty property, ParameterTensor tensor) in properties.Skip(1).Zip(layout))
        {
            JsonElement info = property.Value;
            Assert.Equal(["dtype", "shape", "data_offsets"], info.EnumerateObject().Select(p => p.Name));
            Assert.Equal("F32", info.GetProperty("dtype").GetString());
            Assert.Equal(tensor.Shape.ToArray(), info.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
            long[] offsets = info.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            Assert.Equal([expectedBegin, expectedBegin + (tensor.Length * 4)], offsets);
            for (int i = 0; i < tensor.Length; i++)
            {
                float value = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(dataStart + (int)offsets[0] + (i * 4)));
                Assert.Equal(values[tensor.Offset + i], value);
            }

            expectedBegin = offsets[1];
        }

        // The data section is exactly the tensors: nothing before, between or after them.
        Assert.Equal(35 * 4, expectedBegin);
        Assert.Equal(dataStart + expectedBegin, bytes.Length);
    }

    [Fact]
    public void ToSingleArray_converts_F16_BF16_and_F64_and_refuses_integers()
    {
        string json = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
            + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]},"
            + "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]},"
            + "\"i\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[16,20]}}";
        byte[] data =
        [
            0x00, 0x3E, 0x00, 0xC0, // F16 1.5, -2
            0xC0, 0x3F, 0x00, 0xC0, // BF16 1.5, -2
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF8, 0x3F, // F64 1.5
            0x07, 0x00, 0x00, 0x00, // I32 7
        ];
        SafetensorsFile file = Safetensors.Read(new MemoryStream(Build(json, data)), "mixed");

        Assert.Equal([1.5f, -2f], file["h"].ToSingleArray());
        Assert.Equal([1.5f, -2f], file["b"].ToSingleArray());
        Assert.Equal([1.5f], file["d"].ToSingleArray());
        Assert.Equal([7, 0, 0, 0], file["i"].Data.ToArray());
        var error = Assert.Throws<NotSupportedException>(() => file["i"].ToSingleArray());
        Assert.Contains("'i'", error.Message);
        Assert.Contains("I32", error.Message);
    }

    [Fact]
    public void Load_converts_F16_BF16_and_F64_tensors_to_the_networks_floats()
    {
        string json = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
            + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]},"
            + "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]},"
            + "\"f\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]}}";
        byte[] data =
        [
            0x00, 0x3E, 0x00, 0xC0, // F16 1.5, -2
            0xC0, 0x3F, 0x00, 0xC0, // BF16 1.5, -2
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF8, 0x3F, // F64 1.5
            .. F32(-0.25f),
        ];
        ParameterTensor[] layout =
        [
            new("h", new TensorShape(2), 0, 2, ParameterInitializer.Zeros),
            new("b", new TensorShape(2), 2, 2, ParameterInitializer.Zeros),
            new("d", new TensorShape(1), 4, 1, ParameterInitializer.Zeros),
            new("f", new TensorShape(1), 5, 1, ParameterInitializer.Zeros),
        ];
        var parameters = new float[6];

        Safetensors.Load(new MemoryStream(Build(json, data)), "half", layout, parameters);

        Assert.Equal([1.5f, -2f, 1.5f, -2f, 1.5f, -0.25f], parameters);
    }

    [Fact]
    public void The_indexer_names_the_missing_tensor_and_the_file()
    {
        SafetensorsFile file = Safetensors.Read(new MemoryStream(Build("{}", [])), "weights.safetensors");

        var error = Assert.Throws<KeyNotFoundException>(() => file["dense/kernel"]);
        Assert.Contains("'dense/kernel'", error.Message);
        Assert.Contains("weights.safetensors", error.Message);
        Assert.False(file.TryGetTensor("dense/kernel", out _));
    }

    [Fact]
    public void Unknown_fields_in_a_tensor_entry_are_ignored_and_null_metadata_is_empty()
    {
        string json = "{\"__metadata__\":null,\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":{\"x\":[1,2]}}}";

        SafetensorsFile file = Safetensors.Read(new MemoryStream(Build(json, F32(9f))), "extra");

        Assert.Empty(file.Metadata);
        Assert.Equal([9f], file["w"].ToSingleArray());
    }

    [Fact]
    public void Reading_starts_at_the_stream_position()
    {
        byte[] file = Build("{\"w\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", F32(6f));
        var stream = new MemoryStream([0xEE, 0xEE, .. file]) { Position = 2 };

        Assert.Equal([6f], Safetensors.Read(stream, "offset")["w"].ToSingleArray());
    }
}
