using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace NetDsl.Serialization;

/// <summary>
/// Saves and loads a network's weights in the safetensors format
/// (<see href="https://github.com/huggingface/safetensors"/>): an 8-byte little-endian header length, a JSON
/// header naming each tensor's dtype, shape and byte range, then the raw little-endian values. Tensor names are
/// the network's Keras weight names (<c>conv2d/kernel</c>, <c>dense/bias</c>), so the files open in the
/// <c>safetensors</c> Python package and other standard readers.
/// </summary>
/// <example>
/// <code>
/// Safetensors.Save("mnist.safetensors", net.ParameterLayout, net.Parameters,
///     new Dictionary&lt;string, string&gt; { ["epochs"] = "5" });
/// Safetensors.Load("mnist.safetensors", net.ParameterLayout, net.Parameters);
/// </code>
/// </example>
public static class Safetensors
{
    /// <summary>
    /// Writes every tensor of <paramref name="layout"/> (in layout order, F32, little-endian) with
    /// <paramref name="metadata"/> in <c>__metadata__</c>. The file is written to a temporary file in the same
    /// directory, flushed to disk and then renamed over <paramref name="path"/>, so a failure never leaves a
    /// half-written file in place of a good one.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="layout">The network's <c>ParameterLayout</c>.</param>
    /// <param name="parameters">The network's <c>Parameters</c>: exactly the values the layout describes.</param>
    /// <param name="metadata">Free-form strings stored in the header (training settings, provenance), or null.</param>
    /// <exception cref="ArgumentException">The layout does not describe <paramref name="parameters"/>, or a
    /// metadata value is null.</exception>
    /// <exception cref="IOException">The file cannot be written; any previous file at <paramref name="path"/>
    /// is left as it was.</exception>
    public static void Save(string path, IReadOnlyList<ParameterTensor> layout, ReadOnlySpan<float> parameters, IReadOnlyDictionary<string, string>? metadata = null) =>
        SaveCore(path, layout, parameters, metadata, wrapStream: null);

    /// <summary>
    /// Writes the same bytes as <see cref="Save"/> to <paramref name="stream"/>, from its current position.
    /// The stream is neither flushed to disk nor closed.
    /// </summary>
    /// <exception cref="ArgumentException">The layout does not describe <paramref name="parameters"/>, or a
    /// metadata value is null.</exception>
    public static void Write(Stream stream, IReadOnlyList<ParameterTensor> layout, ReadOnlySpan<float> parameters, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        SafetensorsWriter.ValidateLayout(layout, parameters.Length, nameof(parameters));
        byte[] header = SafetensorsWriter.BuildHeader(layout, metadata, SafetensorsWriter.Checksum(layout, parameters));
        SafetensorsWriter.Write(stream, header, layout, parameters);
    }

    /// <summary>
    /// Reads the file at <paramref name="path"/> and copies each tensor into <paramref name="parameters"/>.
    /// All or nothing: the whole file is validated against <paramref name="layout"/> first (every layout tensor
    /// present with the same shape and a floating-point dtype, no other tensors) and read completely, and only then copied,
    /// so a bad file leaves <paramref name="parameters"/> untouched.
    /// </summary>
    /// <param name="path">A safetensors file, e.g. one written by <see cref="Save"/>.</param>
    /// <param name="layout">The network's <c>ParameterLayout</c>.</param>
    /// <param name="parameters">The network's <c>Parameters</c>: exactly the values the layout describes.</param>
    /// <param name="allowNonFinite">Accept NaN and infinite weights (rejected by default: such a network only
    /// ever predicts NaN).</param>
    /// <exception cref="ArgumentException">The layout does not describe <paramref name="parameters"/>.</exception>
    /// <exception cref="InvalidDataException">The file is malformed, does not match the layout, fails the data
    /// checksum stored by <see cref="Save"/>, or holds a non-finite weight; the message names the file and each
    /// tensor that is wrong.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static void Load(string path, IReadOnlyList<ParameterTensor> layout, Span<float> parameters, bool allowNonFinite = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafetensorsWriter.ValidateLayout(layout, parameters.Length, nameof(parameters));
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        LoadCore(stream, path, layout, parameters, WeightLayout.Keras, allowNonFinite);
    }

    /// <summary>
    /// Like <see cref="Load(string, IReadOnlyList{ParameterTensor}, Span{float}, bool)"/>, from a file whose tensor
    /// names and layouts are <paramref name="weightLayout"/>'s: <see cref="WeightLayout.PyTorch"/> reads the state
    /// dict of the network's generated <c>PyTorchModule</c> (<c>conv2d.weight</c> <c>[out, in, kh, kw]</c>, ...) and
    /// converts each tensor to Keras's layout; its <c>num_batches_tracked</c> entries are ignored.
    /// </summary>
    /// <exception cref="ArgumentException">The layout does not describe <paramref name="parameters"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weightLayout"/> is not a defined value.</exception>
    /// <exception cref="NotSupportedException">A tensor of the layout has no place in <paramref name="weightLayout"/>.</exception>
    /// <exception cref="InvalidDataException">The file is malformed or does not match the network in that layout;
    /// the message names each tensor that is wrong, by the file's names.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static void Load(string path, IReadOnlyList<ParameterTensor> layout, Span<float> parameters, WeightLayout weightLayout, bool allowNonFinite = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafetensorsWriter.ValidateLayout(layout, parameters.Length, nameof(parameters));
        if (!Enum.IsDefined(weightLayout))
        {
            throw new ArgumentOutOfRangeException(nameof(weightLayout), weightLayout, "Not a WeightLayout.");
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        LoadCore(stream, path, layout, parameters, weightLayout, allowNonFinite);
    }

    /// <summary>
    /// Like <see cref="Load(string, IReadOnlyList{ParameterTensor}, Span{float}, bool)"/>, reading from the current
    /// position of <paramref name="stream"/> to its end. <paramref name="sourceName"/> names the data in error
    /// messages.
    /// </summary>
    /// <exception cref="ArgumentException">The layout does not describe <paramref name="parameters"/>.</exception>
    /// <exception cref="InvalidDataException">The data is malformed or does not match the layout.</exception>
    public static void Load(Stream stream, string sourceName, IReadOnlyList<ParameterTensor> layout, Span<float> parameters, bool allowNonFinite = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        SafetensorsWriter.ValidateLayout(layout, parameters.Length, nameof(parameters));
        LoadCore(stream, sourceName, layout, parameters, WeightLayout.Keras, allowNonFinite);
    }

    /// <summary>Reads every tensor and the metadata of the file at <paramref name="path"/>, whatever its dtypes.</summary>
    /// <exception cref="InvalidDataException">The file is malformed; the message names the file and the problem.</exception>
    /// <exception cref="NotSupportedException">The tensor data is larger than one array can hold (about 2 GB).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SafetensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        return Read(stream, path);
    }

    /// <summary>
    /// Reads every tensor and the metadata from the current position of <paramref name="stream"/> to its end.
    /// <paramref name="sourceName"/> names the data in error messages. A stream that cannot seek is read in
    /// bounded chunks, so sizes claimed by a malformed file are never allocated up front.
    /// </summary>
    /// <exception cref="InvalidDataException">The data is malformed; the message names the source and the problem.</exception>
    /// <exception cref="NotSupportedException">The tensor data is larger than one array can hold (about 2 GB).</exception>
    public static SafetensorsFile Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        SafetensorsHeader header = SafetensorsReader.ReadHeader(stream, sourceName);
        byte[] data = SafetensorsReader.ReadData(stream, header, sourceName);
        DataChecksum checksum = DataChecksum.Start();
        checksum.Append(data);
        SafetensorsReader.VerifyChecksum(header, checksum, sourceName);
        var tensors = new List<SafetensorsTensor>(header.Entries.Count);
        foreach (SafetensorsEntry entry in header.Entries)
        {
            tensors.Add(new SafetensorsTensor(entry.Name, entry.DataType, entry.Shape, data.AsMemory((int)entry.Begin, (int)entry.ByteLength)));
        }

        return new SafetensorsFile(sourceName, header.Metadata, tensors);
    }

    /// <summary><see cref="Save"/> with a hook that lets tests wrap the temporary file's stream (to inject
    /// write failures).</summary>
    internal static void SaveCore(string path, IReadOnlyList<ParameterTensor> layout, ReadOnlySpan<float> parameters, IReadOnlyDictionary<string, string>? metadata, Func<Stream, Stream>? wrapStream)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafetensorsWriter.ValidateLayout(layout, parameters.Length, nameof(parameters));
        byte[] header = SafetensorsWriter.BuildHeader(layout, metadata, SafetensorsWriter.Checksum(layout, parameters));

        string fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            throw new IOException($"Cannot save weights to '{path}': it is a directory.");
        }

        string directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' does not name a file.", nameof(path));
        // One predictable temporary name per target: a save that was killed leaves at most one, and the next
        // save of the same file reuses it.
        string temporaryPath = TemporaryPath(fullPath);
        DeleteStaleTemporaryFiles(directory, Path.GetFileName(fullPath));
        try
        {
            using (var file = new FileStream(temporaryPath, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                Stream target = wrapStream?.Invoke(file) ?? file;
                SafetensorsWriter.Write(target, header, layout, parameters);
                target.Flush();
                file.Flush(flushToDisk: true);
            }

            File.Move(temporaryPath, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporaryPath);
            throw;
        }
    }

    /// <summary>The temporary file <see cref="Save"/> writes before it renames it over <paramref name="fullPath"/>.</summary>
    internal static string TemporaryPath(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.netdsl-tmp");

    /// <summary>Removes the randomly named temporary files that earlier versions left when a save was killed
    /// (<c>.name.&lt;32 hex digits&gt;.tmp</c>); best effort.</summary>
    private static void DeleteStaleTemporaryFiles(string directory, string fileName)
    {
        try
        {
            foreach (string stale in Directory.EnumerateFiles(directory, $".{fileName}.*.tmp"))
            {
                string middle = Path.GetFileName(stale)[(fileName.Length + 2)..^4];
                if (middle.Length == 32 && middle.AsSpan().IndexOfAnyExcept("0123456789abcdef") < 0)
                {
                    TryDelete(stale);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Validates the header against the layout as <paramref name="weightLayout"/> stores it, reads all the
    /// data (converting it to Keras's layouts), then copies it in.</summary>
    private static void LoadCore(Stream stream, string sourceName, IReadOnlyList<ParameterTensor> layout, Span<float> parameters, WeightLayout weightLayout, bool allowNonFinite)
    {
        SafetensorsHeader header = SafetensorsReader.ReadHeader(stream, sourceName);
        StoredTensor[] stored = StoredTensor.For(layout, weightLayout);

        // Match the file against the layout before reading any data; report every mismatch at once.
        var byName = new Dictionary<string, SafetensorsEntry>(header.Entries.Count, StringComparer.Ordinal);
        foreach (SafetensorsEntry entry in header.Entries)
        {
            byName.Add(entry.Name, entry);
        }

        var problems = new List<string>();
        var expected = new Dictionary<string, StoredTensor>(stored.Length, StringComparer.Ordinal);
        foreach (StoredTensor tensor in stored)
        {
            expected.Add(tensor.Name, tensor);
            if (!byName.TryGetValue(tensor.Name, out SafetensorsEntry? entry))
            {
                problems.Add($"missing tensor '{tensor.Name}'");
                continue;
            }

            if (!SafetensorsDataType.TryGetFloatSize(entry.DataType, out _))
            {
                problems.Add($"tensor '{tensor.Name}' has dtype {entry.DataType}; the network reads floating point ({SafetensorsDataType.Float32}, {SafetensorsDataType.Float16}, {SafetensorsDataType.BFloat16} or {SafetensorsDataType.Float64})");
            }

            if (!entry.Shape.AsSpan().SequenceEqual(tensor.Shape))
            {
                problems.Add($"tensor '{tensor.Name}' has shape {SafetensorsReader.FormatShape(entry.Shape)} but the network expects {SafetensorsReader.FormatShape(tensor.Shape)}");
            }
        }

        foreach (SafetensorsEntry entry in header.Entries)
        {
            if (!expected.ContainsKey(entry.Name) && !(weightLayout == WeightLayout.PyTorch && PyTorchStateDict.IsIgnored(entry.Name)))
            {
                problems.Add($"unexpected tensor '{entry.Name}'");
            }
        }

        if (problems.Count > 0)
        {
            const int MaxReported = 10;
            string list = string.Join("; ", problems.GetRange(0, Math.Min(problems.Count, MaxReported)));
            if (problems.Count > MaxReported)
            {
                list += $"; and {problems.Count - MaxReported} more";
            }

            throw new InvalidDataException($"The safetensors file '{sourceName}' does not match the network{(weightLayout == WeightLayout.Keras ? string.Empty : $" in {weightLayout}'s layout")}: {list}.{OtherLayoutHint(layout, weightLayout, byName)}");
        }

        // Every layout tensor now matches an entry one to one, so the data section is the layout's values plus
        // any ignored entries: read them (in file order) into a staging buffer the size of the parameters (not a
        // size taken from the file), and copy them over only once everything has been read.
        float[] staging = new float[parameters.Length];
        DataChecksum checksum = DataChecksum.Start();
        float[]? reordered = null;
        foreach (SafetensorsEntry entry in header.Entries)
        {
            if (!expected.TryGetValue(entry.Name, out StoredTensor? tensor))
            {
                Skip(stream, entry, sourceName, ref checksum);
                continue;
            }

            Span<float> destination = tensor.Tensor.Slice(staging.AsSpan());
            if (tensor.Reversed is null)
            {
                ReadFloats(stream, destination, entry, sourceName, ref checksum);
                continue;
            }

            if (reordered is null || reordered.Length < destination.Length)
            {
                reordered = new float[destination.Length];
            }

            ReadFloats(stream, reordered.AsSpan(0, destination.Length), entry, sourceName, ref checksum);
            tensor.ToKeras(reordered.AsSpan(0, destination.Length), destination);
        }

        SafetensorsReader.EnsureAtEnd(stream, header, sourceName);
        SafetensorsReader.VerifyChecksum(header, checksum, sourceName);
        if (!allowNonFinite)
        {
            foreach (StoredTensor tensor in stored)
            {
                ReadOnlySpan<float> values = tensor.Tensor.Slice((ReadOnlySpan<float>)staging);
                int bad = Kernels.VectorOps.IndexOfNonFinite(values);
                if (bad >= 0)
                {
                    string where = tensor.Name == tensor.Tensor.Name ? $"{tensor.Name}[{bad}]" : $"{tensor.Tensor.Name}[{bad}] (from '{tensor.Name}')";
                    throw new InvalidDataException($"The safetensors file '{sourceName}' holds {values[bad]} at {where}; weights must be finite numbers (load with allowNonFinite: true to accept them).");
                }
            }
        }

        foreach (ParameterTensor tensor in layout)
        {
            tensor.Slice((ReadOnlySpan<float>)staging).CopyTo(tensor.Slice(parameters));
        }
    }

    /// <summary>Reads a tensor's little-endian values (F32, or F16, BF16, F64 converted) into <paramref name="destination"/>, in bounded pieces.</summary>
    private static void ReadFloats(Stream stream, Span<float> destination, SafetensorsEntry entry, string sourceName, ref DataChecksum checksum)
    {
        SafetensorsDataType.TryGetFloatSize(entry.DataType, out int size);
        byte[]? converting = null;
        while (!destination.IsEmpty)
        {
            int count = Math.Min(destination.Length, 1 << 18);
            Span<float> piece = destination[..count];
            if (entry.DataType == SafetensorsDataType.Float32)
            {
                SafetensorsReader.ReadTensorBytes(stream, MemoryMarshal.AsBytes(piece), entry, sourceName);
                checksum.Append(MemoryMarshal.AsBytes(piece));
                if (!BitConverter.IsLittleEndian)
                {
                    Span<int> bits = MemoryMarshal.Cast<float, int>(piece);
                    BinaryPrimitives.ReverseEndianness(bits, bits);
                }
            }
            else
            {
                // F16, BF16, F64: the file's bytes, then converted (as Keras and PyTorch load them).
                converting ??= new byte[Math.Min(destination.Length, 1 << 18) * size];
                Span<byte> bytes = converting.AsSpan(0, count * size);
                SafetensorsReader.ReadTensorBytes(stream, bytes, entry, sourceName);
                checksum.Append(bytes);
                SafetensorsTensor.ConvertToSingle(entry.DataType, bytes, piece);
            }

            destination = destination[count..];
        }
    }

    /// <summary>Reads past an entry the network does not use (counting it in the checksum).</summary>
    private static void Skip(Stream stream, SafetensorsEntry entry, string sourceName, ref DataChecksum checksum)
    {
        Span<byte> buffer = stackalloc byte[4096];
        for (long left = entry.ByteLength; left > 0; left -= buffer.Length)
        {
            Span<byte> piece = buffer[..(int)Math.Min(left, buffer.Length)];
            SafetensorsReader.ReadTensorBytes(stream, piece, entry, sourceName);
            checksum.Append(piece);
        }
    }

    /// <summary>When the file holds the network's tensors under the other layout's names, says which layout to
    /// load it with; when it holds them under <c>module.</c> (the state dict of a DistributedDataParallel or
    /// DataParallel wrapper), says whose state dict to save.</summary>
    private static string OtherLayoutHint(IReadOnlyList<ParameterTensor> layout, WeightLayout weightLayout, Dictionary<string, SafetensorsEntry> byName)
    {
        if (weightLayout == WeightLayout.PyTorch)
        {
            foreach (StoredTensor tensor in StoredTensor.For(layout, weightLayout))
            {
                if (byName.ContainsKey("module." + tensor.Name))
                {
                    return $" The file names its tensors 'module.{tensor.Name}', ...: it is a DistributedDataParallel or DataParallel wrapper's state dict; save the wrapped model's (ddp.module.state_dict()).";
                }
            }
        }

        WeightLayout other = weightLayout == WeightLayout.Keras ? WeightLayout.PyTorch : WeightLayout.Keras;
        StoredTensor[] stored;
        try
        {
            stored = StoredTensor.For(layout, other);
        }
        catch (NotSupportedException)
        {
            return string.Empty;
        }

        foreach (StoredTensor tensor in stored)
        {
            if (byName.ContainsKey(tensor.Name))
            {
                return $" The file names its tensors as {other}'s layout does ('{tensor.Name}'): load it with WeightLayout.{other}.";
            }
        }

        return string.Empty;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original error is the one worth reporting.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
