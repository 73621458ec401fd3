using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using NetDsl.Serialization;
using static NetDsl.Runtime.Tests.Serialization.SafetensorsTestFiles;

namespace NetDsl.Runtime.Tests.Serialization;

/// <summary>The data checksum, non-finite weights and the save's temporary file.</summary>
public sealed class SafetensorsGuardTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void The_checksum_is_CRC32C()
    {
        DataChecksum checksum = DataChecksum.Start();
        checksum.Append(Encoding.ASCII.GetBytes("1234"));
        checksum.Append(Encoding.ASCII.GetBytes("56789")); // in pieces, across the 8-byte steps
        Assert.Equal(0xE3069283u, checksum.Value);           // the standard check value of CRC-32C
        Assert.Equal("e3069283", checksum.Text);
    }

    [Fact]
    public void Every_flipped_bit_of_the_data_is_detected_and_nothing_is_loaded()
    {
        IReadOnlyList<ParameterTensor> layout = NetworkLayout();
        string path = _directory.File("model.safetensors");
        Safetensors.Save(path, layout, Enumerable.Range(0, 35).Select(i => i * 0.25f).ToArray());
        byte[] good = File.ReadAllBytes(path);
        int dataStart = good.Length - (35 * sizeof(float));

        for (int bit = 0; bit < 35 * sizeof(float) * 8; bit += 7)
        {
            byte[] bad = (byte[])good.Clone();
            bad[dataStart + (bit / 8)] ^= (byte)(1 << (bit % 8));
            File.WriteAllBytes(path, bad);
            float[] parameters = Sentinel(35);

            var error = Assert.Throws<InvalidDataException>(() => Safetensors.Load(path, layout, parameters));
            Assert.Contains("fails its checksum", error.Message);
            Assert.Equal(Sentinel(35), parameters);
            Assert.Contains("fails its checksum", Assert.Throws<InvalidDataException>(() => Safetensors.Read(path)).Message);
        }
    }

    [Fact]
    public void Files_without_a_checksum_load_and_a_malformed_one_is_an_error()
    {
        IReadOnlyList<ParameterTensor> layout = TinyLayout();
        byte[] data = F32(1f, 2f, 3f);
        string tensors = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}";
        string plain = _directory.File("plain.safetensors");
        File.WriteAllBytes(plain, Build("{" + tensors + "}", data));
        float[] loaded = new float[3];
        Safetensors.Load(plain, layout, loaded);
        Assert.Equal([1f, 2f, 3f], loaded);

        string malformed = _directory.File("malformed.safetensors");
        File.WriteAllBytes(malformed, Build("{\"__metadata__\":{\"netdsl.data_crc32c\":\"xyz\"}," + tensors + "}", data));
        Assert.Contains("not a CRC-32C", Assert.Throws<InvalidDataException>(() => Safetensors.Load(malformed, layout, loaded)).Message);
    }

    [Fact]
    public void The_checksum_key_is_reserved()
    {
        var metadata = new Dictionary<string, string> { ["netdsl.data_crc32c"] = "00000000" };
        var error = Assert.Throws<ArgumentException>(() => Safetensors.Save(_directory.File("m.safetensors"), TinyLayout(), new float[3], metadata));
        Assert.Contains("reserved", error.Message);
        Assert.Empty(_directory.Entries());
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Non_finite_weights_are_rejected_unless_the_caller_opts_in(float value)
    {
        IReadOnlyList<ParameterTensor> layout = NetworkLayout();
        float[] saved = Enumerable.Range(0, 35).Select(i => (float)i).ToArray();
        saved[27] = value; // dense/kernel holds values 20 to 31
        string path = _directory.File("model.safetensors");
        Safetensors.Save(path, layout, saved);

        float[] parameters = Sentinel(35);
        var error = Assert.Throws<InvalidDataException>(() => Safetensors.Load(path, layout, parameters));
        Assert.Contains("dense/kernel[7]", error.Message);
        Assert.Contains("allowNonFinite", error.Message);
        Assert.Equal(Sentinel(35), parameters);

        Safetensors.Load(path, layout, parameters, allowNonFinite: true);
        AssertSameBits(saved, parameters);
    }

    [Fact]
    public void A_killed_save_leaves_one_predictable_temporary_file_that_the_next_save_reuses()
    {
        IReadOnlyList<ParameterTensor> layout = TinyLayout();
        string path = _directory.File("model.safetensors");

        // What a save killed mid-write leaves: a partial temporary file of the predictable name, and the
        // randomly named ones that earlier versions left.
        string temporary = Safetensors.TemporaryPath(Path.GetFullPath(path));
        Assert.Equal(".model.safetensors.netdsl-tmp", Path.GetFileName(temporary));
        File.WriteAllBytes(temporary, new byte[1000]);
        File.WriteAllBytes(_directory.File(".model.safetensors.0123456789abcdef0123456789abcdef.tmp"), new byte[1000]);
        File.WriteAllBytes(_directory.File(".other.safetensors.0123456789abcdef0123456789abcdef.tmp"), new byte[10]);

        Safetensors.Save(path, layout, [1f, 2f, 3f]);

        Assert.Equal([".other.safetensors.0123456789abcdef0123456789abcdef.tmp", "model.safetensors"], _directory.Entries());
        float[] loaded = new float[3];
        Safetensors.Load(path, layout, loaded);
        Assert.Equal([1f, 2f, 3f], loaded);
    }
}
