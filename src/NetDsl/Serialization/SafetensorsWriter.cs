using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace NetDsl.Serialization;

/// <summary>
/// Writes a network's parameters as a safetensors file: the header (metadata first, then every tensor of the
/// layout in layout order, F32) padded with spaces to a multiple of 8 bytes, then the values little-endian.
/// </summary>
internal static class SafetensorsWriter
{
    /// <summary>Floats converted at a time on big-endian hosts.</summary>
    private const int ConversionChunk = 16 * 1024;

    /// <summary>
    /// Checks that <paramref name="layout"/> describes a buffer of exactly <paramref name="parameterCount"/>
    /// values: every tensor inside it, names unique and usable as header keys.
    /// </summary>
    /// <exception cref="ArgumentException">The layout does not fit the buffer.</exception>
    public static void ValidateLayout(IReadOnlyList<ParameterTensor> layout, int parameterCount, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var names = new HashSet<string>(StringComparer.Ordinal);
        long extent = 0;
        foreach (ParameterTensor? tensor in layout)
        {
            if (tensor is null)
            {
                throw new ArgumentException("The layout contains a null tensor.", nameof(layout));
            }

            if (tensor.Name == SafetensorsReader.MetadataKey)
            {
                throw new ArgumentException($"A tensor cannot be named '{SafetensorsReader.MetadataKey}': safetensors reserves that key.", nameof(layout));
            }

            if (!names.Add(tensor.Name))
            {
                throw new ArgumentException($"The layout has more than one tensor named '{tensor.Name}'.", nameof(layout));
            }

            long end = (long)tensor.Offset + tensor.Length;
            if (end > parameterCount)
            {
                throw new ArgumentException($"Tensor '{tensor.Name}' occupies values {tensor.Offset} to {end} but the parameter buffer has only {parameterCount} values.", parameterName);
            }

            extent = Math.Max(extent, end);
        }

        if (extent != parameterCount)
        {
            throw new ArgumentException($"The parameter buffer has {parameterCount} values but the layout describes {extent}; pass the network's own Parameters and ParameterLayout.", parameterName);
        }
    }

    /// <summary>The CRC-32C of the data section <see cref="Write"/> writes for these parameters.</summary>
    public static DataChecksum Checksum(IReadOnlyList<ParameterTensor> layout, ReadOnlySpan<float> parameters)
    {
        DataChecksum checksum = DataChecksum.Start();
        Span<byte> bytes = stackalloc byte[sizeof(float) * 256];
        foreach (ParameterTensor tensor in layout)
        {
            ReadOnlySpan<float> values = tensor.Slice(parameters);
            if (BitConverter.IsLittleEndian)
            {
                checksum.Append(MemoryMarshal.AsBytes(values));
                continue;
            }

            while (!values.IsEmpty)
            {
                int count = Math.Min(values.Length, 256);
                for (int i = 0; i < count; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes[(i * sizeof(float))..], values[i]);
                }

                checksum.Append(bytes[..(count * sizeof(float))]);
                values = values[count..];
            }
        }

        return checksum;
    }

    /// <summary>Builds the padded JSON header for <paramref name="layout"/> (already validated), with the data's
    /// checksum added to the metadata.</summary>
    /// <exception cref="ArgumentException">A metadata value is null, or the metadata uses the checksum's key.</exception>
    public static byte[] BuildHeader(IReadOnlyList<ParameterTensor> layout, IReadOnlyDictionary<string, string>? metadata, DataChecksum checksum)
    {
        if (metadata is not null && metadata.ContainsKey(DataChecksum.MetadataKey))
        {
            throw new ArgumentException($"The metadata key '{DataChecksum.MetadataKey}' is reserved: NetDsl stores the data's checksum there.", nameof(metadata));
        }

        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata is not null)
        {
            foreach (KeyValuePair<string, string> entry in metadata)
            {
                entries[entry.Key] = entry.Value;
            }
        }

        entries[DataChecksum.MetadataKey] = checksum.Text;
        return BuildHeader(layout, entries);
    }

    private static byte[] BuildHeader(IReadOnlyList<ParameterTensor> layout, IReadOnlyDictionary<string, string> metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                var keys = new List<string>(metadata.Keys);
                keys.Sort(StringComparer.Ordinal);
                json.WriteStartObject(SafetensorsReader.MetadataKey);
                foreach (string key in keys)
                {
                    string? value = metadata[key];
                    if (value is null)
                    {
                        throw new ArgumentException($"The metadata value of '{key}' is null; safetensors metadata values are strings.", nameof(metadata));
                    }

                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (ParameterTensor tensor in layout)
            {
                long end = offset + ((long)tensor.Length * sizeof(float));
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", SafetensorsDataType.Float32);
                json.WriteStartArray("shape");
                foreach (int dimension in tensor.Shape.Dimensions)
                {
                    json.WriteNumberValue(dimension);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }

            json.WriteEndObject();
        }

        int padded = (buffer.WrittenCount + 7) & ~7;
        byte[] header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    /// <summary>Writes the header length, the header and every tensor's values, little-endian.</summary>
    public static void Write(Stream stream, byte[] header, IReadOnlyList<ParameterTensor> layout, ReadOnlySpan<float> parameters)
    {
        Span<byte> prefix = stackalloc byte[SafetensorsReader.PrefixLength];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);

        byte[]? scratch = BitConverter.IsLittleEndian ? null : ArrayPool<byte>.Shared.Rent(ConversionChunk * sizeof(float));
        try
        {
            foreach (ParameterTensor tensor in layout)
            {
                ReadOnlySpan<float> values = tensor.Slice(parameters);
                while (!values.IsEmpty)
                {
                    int count = Math.Min(values.Length, ConversionChunk);
                    if (scratch is null)
                    {
                        stream.Write(MemoryMarshal.AsBytes(values[..count]));
                    }
                    else
                    {
                        for (int i = 0; i < count; i++)
                        {
                            BinaryPrimitives.WriteSingleLittleEndian(scratch.AsSpan(i * sizeof(float)), values[i]);
                        }

                        stream.Write(scratch, 0, count * sizeof(float));
                    }

                    values = values[count..];
                }
            }
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
    }
}
