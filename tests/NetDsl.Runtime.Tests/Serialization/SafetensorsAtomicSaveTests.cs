using System;
using System.Collections.Generic;
using System.IO;
using NetDsl.Serialization;
using static NetDsl.Runtime.Tests.Serialization.SafetensorsTestFiles;

namespace NetDsl.Runtime.Tests.Serialization;

/// <summary>A failed save never replaces a good file and never leaves temporary files behind.</summary>
public sealed class SafetensorsAtomicSaveTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    private readonly string _path;
    private readonly byte[] _goodFile;

    public SafetensorsAtomicSaveTests()
    {
        _path = _directory.File("model.safetensors");
        Safetensors.Save(_path, NetworkLayout(), RandomBitPatterns(35, seed: 5), new Dictionary<string, string> { ["version"] = "good" });
        _goodFile = File.ReadAllBytes(_path);
    }

    public void Dispose() => _directory.Dispose();

    private void AssertGoodFileIntactAndNothingElse()
    {
        Assert.Equal(_goodFile, File.ReadAllBytes(_path));
        Assert.Equal(["model.safetensors"], _directory.Entries());
        Assert.Equal("good", Safetensors.Read(_path).Metadata["version"]);
    }

    [Fact]
    public void A_parameter_buffer_shorter_than_the_layout_is_rejected_before_writing()
    {
        var error = Assert.Throws<ArgumentException>(() => Safetensors.Save(_path, NetworkLayout(), new float[34]));

        Assert.Contains("'dense/bias'", error.Message);
        AssertGoodFileIntactAndNothingElse();
    }

    [Fact]
    public void A_parameter_buffer_longer_than_the_layout_is_rejected_before_writing()
    {
        var error = Assert.Throws<ArgumentException>(() => Safetensors.Save(_path, NetworkLayout(), new float[36]));

        Assert.Contains("36 values but the layout describes 35", error.Message);
        AssertGoodFileIntactAndNothingElse();
    }

    [Fact]
    public void A_layout_with_a_duplicate_or_reserved_name_is_rejected_before_writing()
    {
        IReadOnlyList<ParameterTensor> duplicate =
        [
            new ParameterTensor("dense/bias", new TensorShape(1), 0, 1),
            new ParameterTensor("dense/bias", new TensorShape(1), 1, 1),
        ];
        IReadOnlyList<ParameterTensor> reserved = [new ParameterTensor("__metadata__", new TensorShape(1), 0, 1)];

        Assert.Contains("more than one tensor named 'dense/bias'", Assert.Throws<ArgumentException>(() => Safetensors.Save(_path, duplicate, new float[2])).Message);
        Assert.Contains("'__metadata__'", Assert.Throws<ArgumentException>(() => Safetensors.Save(_path, reserved, new float[1])).Message);
        AssertGoodFileIntactAndNothingElse();
    }

    [Fact]
    public void A_null_metadata_value_is_rejected_before_writing()
    {
        var metadata = new Dictionary<string, string> { ["epochs"] = null! };

        var error = Assert.Throws<ArgumentException>(() => Safetensors.Save(_path, NetworkLayout(), new float[35], metadata));

        Assert.Contains("'epochs'", error.Message);
        AssertGoodFileIntactAndNothingElse();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(100)]
    [InlineData(300)]
    public void A_write_that_fails_part_way_leaves_the_old_file_and_no_temporary_file(int failAfterBytes)
    {
        var error = Assert.Throws<IOException>(() => Safetensors.SaveCore(
            _path, NetworkLayout(), RandomBitPatterns(35, seed: 9), null, file => new FailingStream(file, failAfterBytes)));

        Assert.Contains("simulated", error.Message);
        AssertGoodFileIntactAndNothingElse();
    }

    [Fact]
    public void Saving_into_a_directory_that_does_not_exist_fails_and_creates_nothing()
    {
        string path = Path.Combine(_directory.Path, "missing", "model.safetensors");

        Assert.Throws<DirectoryNotFoundException>(() => Safetensors.Save(path, NetworkLayout(), new float[35]));

        AssertGoodFileIntactAndNothingElse();
    }

    [Fact]
    public void Saving_over_a_directory_fails_and_leaves_it_alone()
    {
        string path = _directory.File("folder.safetensors");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "keep.txt"), "keep");

        var error = Assert.Throws<IOException>(() => Safetensors.Save(path, NetworkLayout(), new float[35]));

        Assert.Contains("is a directory", error.Message);
        Assert.Equal("keep", File.ReadAllText(Path.Combine(path, "keep.txt")));
        Assert.Equal(["folder.safetensors", "model.safetensors"], _directory.Entries());
        Assert.Equal(_goodFile, File.ReadAllBytes(_path));
    }

    [Fact]
    public void A_successful_save_replaces_the_file_and_leaves_no_temporary_file()
    {
        Safetensors.Save(_path, NetworkLayout(), new float[35], new Dictionary<string, string> { ["version"] = "new" });

        Assert.Equal(["model.safetensors"], _directory.Entries());
        Assert.Equal("new", Safetensors.Read(_path).Metadata["version"]);
    }
}
