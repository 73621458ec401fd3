using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace NetDsl.Serialization;

/// <summary>
/// Reads and validates the parts of a safetensors file: the 8-byte header length, the JSON header and the data
/// section. Every size taken from the file is checked against the stream's length (or read in bounded chunks
/// when the stream cannot seek) before anything is allocated from it.
/// </summary>
internal static class SafetensorsReader
{
    /// <summary>The reference implementation's limit on the JSON header.</summary>
    public const int MaxHeaderLength = 100_000_000;

    /// <summary>The key of the free-form string map in the header.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>Size of the little-endian header length that starts every file.</summary>
    public const int PrefixLength = 8;

    /// <summary>Largest piece read at once when a size cannot be checked against the stream's length.</summary>
    private const int ChunkLength = 1 << 20;

    /// <summary>
    /// Reads the header length and the header from the current position of <paramref name="stream"/>, parses
    /// the header and checks that its tensors tile the data section exactly. When the stream can seek, the
    /// data section's length is known and checked too (truncated files, trailing bytes); otherwise the caller
    /// checks it while reading the data.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file.</exception>
    public static SafetensorsHeader ReadHeader(Stream stream, string sourceName)
    {
        long? available = stream.CanSeek ? Math.Max(0, stream.Length - stream.Position) : null;

        Span<byte> prefix = stackalloc byte[PrefixLength];
        int prefixRead = stream.ReadAtLeast(prefix, PrefixLength, throwOnEndOfStream: false);
        if (prefixRead < PrefixLength)
        {
            throw Invalid(sourceName, $"the file is only {prefixRead} bytes long, but a safetensors file starts with an {PrefixLength}-byte header length");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderLength)
        {
            throw Invalid(sourceName, $"the header length {headerLength.ToString(CultureInfo.InvariantCulture)} is larger than the limit of {MaxHeaderLength.ToString("N0", CultureInfo.InvariantCulture)} bytes");
        }

        long? dataLength = null;
        if (available is long total)
        {
            long afterPrefix = total - PrefixLength;
            if ((long)headerLength > afterPrefix)
            {
                throw Invalid(sourceName, $"the header length {headerLength} goes beyond the end of the file ({total} bytes, so at most {afterPrefix} bytes of header)");
            }

            dataLength = afterPrefix - (long)headerLength;
        }

        byte[] header = ReadBytes(stream, (long)headerLength, sourceName, "header");
        SafetensorsHeader parsed = ParseHeader(header, sourceName);
        Validate(parsed, dataLength, sourceName);
        return parsed;
    }

    /// <summary>
    /// Reads the data section that follows the header and checks that nothing follows it. The caller has
    /// already checked <see cref="SafetensorsHeader.DataLength"/> against the stream's length when it could.
    /// </summary>
    /// <exception cref="NotSupportedException">The data section does not fit in one array.</exception>
    /// <exception cref="InvalidDataException">The data section is truncated or followed by extra bytes.</exception>
    public static byte[] ReadData(Stream stream, SafetensorsHeader header, string sourceName)
    {
        if (header.DataLength > Array.MaxLength)
        {
            throw new NotSupportedException($"The safetensors file '{sourceName}' holds {header.DataLength} bytes of tensor data; this reader keeps the data in one array and supports at most {Array.MaxLength} bytes.");
        }

        byte[] data = ReadBytes(stream, header.DataLength, sourceName, "data section");
        EnsureAtEnd(stream, header, sourceName);
        return data;
    }

    /// <summary>Reads exactly <paramref name="destination"/>.Length bytes of the data section.</summary>
    /// <exception cref="InvalidDataException">The stream ends first.</exception>
    public static void ReadTensorBytes(Stream stream, Span<byte> destination, SafetensorsEntry entry, string sourceName)
    {
        int read = stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
        if (read < destination.Length)
        {
            throw Invalid(sourceName, $"the data section is truncated: the file ends inside tensor '{entry.Name}'");
        }
    }

    /// <summary>For a stream that cannot seek, checks that the data section was the end of it.</summary>
    /// <exception cref="InvalidDataException">More bytes follow.</exception>
    public static void EnsureAtEnd(Stream stream, SafetensorsHeader header, string sourceName)
    {
        if (!stream.CanSeek && stream.ReadByte() >= 0)
        {
            throw Invalid(sourceName, $"bytes follow the end of the last tensor (byte {header.DataLength} of the data section) and belong to no tensor");
        }
    }

    /// <summary>Compares the data's checksum with the one <see cref="Safetensors.Save"/> stored, if any.</summary>
    /// <exception cref="InvalidDataException">The stored checksum is malformed or differs.</exception>
    public static void VerifyChecksum(SafetensorsHeader header, DataChecksum computed, string sourceName)
    {
        if (!header.Metadata.TryGetValue(DataChecksum.MetadataKey, out string? stored))
        {
            return;
        }

        if (!DataChecksum.TryParse(stored, out uint expected))
        {
            throw Invalid(sourceName, $"the metadata '{DataChecksum.MetadataKey}' is '{stored}', not a CRC-32C of 8 hexadecimal digits");
        }

        if (expected != computed.Value)
        {
            throw Invalid(sourceName, $"the tensor data fails its checksum (CRC-32C {computed.Text}, but the file says {stored}): the file is corrupt");
        }
    }

    /// <summary>The exception for a malformed file: names the file and what is wrong with it.</summary>
    public static InvalidDataException Invalid(string sourceName, string problem, Exception? inner = null) =>
        new($"Invalid safetensors file '{sourceName}': {problem}.", inner);

    /// <summary>Formats a shape the way the header writes it: <c>[576, 64]</c>.</summary>
    public static string FormatShape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>
    /// Reads <paramref name="count"/> bytes. A seekable stream's length has been checked by the caller, so the
    /// array is allocated at once; otherwise it grows chunk by chunk, so a lying size fails at the end of the
    /// stream instead of allocating what the file claims.
    /// </summary>
    private static byte[] ReadBytes(Stream stream, long count, string sourceName, string what)
    {
        if (count == 0)
        {
            return Array.Empty<byte>();
        }

        byte[] buffer = new byte[stream.CanSeek ? count : Math.Min(count, ChunkLength)];
        int filled = 0;
        while (filled < count)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(count, (long)buffer.Length * 2));
            }

            int read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
            {
                throw Invalid(sourceName, $"the {what} is truncated: expected {count} bytes but the file ends after {filled}");
            }

            filled += read;
        }

        return buffer;
    }

    /// <summary>Parses the JSON header into entries in data-offset order; checks each entry on its own.</summary>
    private static SafetensorsHeader ParseHeader(byte[] header, string sourceName)
    {
        if (header.Length == 0 || header[0] != (byte)'{')
        {
            string start = header.Length == 0 ? "is empty" : $"starts with '{(char)header[0]}' (0x{header[0]:X2})";
            throw Invalid(sourceName, $"the header is not a JSON object: it must start with '{{' but {start}");
        }

        if (!Utf8.IsValid(header))
        {
            throw Invalid(sourceName, "the header is not valid UTF-8");
        }

        var entries = new List<SafetensorsEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(header, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            Next(ref reader, sourceName);
            while (true)
            {
                Next(ref reader, sourceName);
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                string key = reader.GetString()!;
                if (!keys.Add(key))
                {
                    throw Invalid(sourceName, $"the header has the key '{key}' more than once (duplicate keys are not allowed)");
                }

                Next(ref reader, sourceName);
                if (key == MetadataKey)
                {
                    ReadMetadata(ref reader, metadata, sourceName);
                }
                else
                {
                    entries.Add(ReadEntry(ref reader, key, sourceName));
                }
            }

            if (reader.Read())
            {
                throw Invalid(sourceName, "the header has content after its JSON object");
            }
        }
        catch (JsonException e)
        {
            throw Invalid(sourceName, $"the header is not valid JSON ({e.Message})", e);
        }
        catch (InvalidOperationException e)
        {
            throw Invalid(sourceName, $"the header holds a string that is not valid Unicode ({e.Message})", e);
        }

        var order = new List<(SafetensorsEntry Entry, int Index)>(entries.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            order.Add((entries[i], i));
        }

        order.Sort(static (a, b) =>
        {
            int c = a.Entry.Begin.CompareTo(b.Entry.Begin);
            if (c == 0)
            {
                c = a.Entry.End.CompareTo(b.Entry.End);
            }

            return c != 0 ? c : a.Index.CompareTo(b.Index);
        });
        var sorted = new List<SafetensorsEntry>(entries.Count);
        foreach ((SafetensorsEntry entry, _) in order)
        {
            sorted.Add(entry);
        }

        long dataLength = sorted.Count == 0 ? 0 : sorted[^1].End;
        return new SafetensorsHeader(sorted, metadata, dataLength);
    }

    /// <summary>Reads the <c>__metadata__</c> value: an object of strings (or null).</summary>
    private static void ReadMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata, string sourceName)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Invalid(sourceName, $"'{MetadataKey}' must be a JSON object of strings but is {Describe(reader.TokenType)}");
        }

        while (true)
        {
            Next(ref reader, sourceName);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return;
            }

            string key = reader.GetString()!;
            Next(ref reader, sourceName);
            if (reader.TokenType != JsonTokenType.String)
            {
                throw Invalid(sourceName, $"the metadata value of '{key}' must be a string but is {Describe(reader.TokenType)}");
            }

            if (!metadata.TryAdd(key, reader.GetString()!))
            {
                throw Invalid(sourceName, $"the metadata has the key '{key}' more than once (duplicate keys are not allowed)");
            }
        }
    }

    /// <summary>Reads one tensor's <c>{"dtype", "shape", "data_offsets"}</c> and checks it on its own.</summary>
    private static SafetensorsEntry ReadEntry(ref Utf8JsonReader reader, string name, string sourceName)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Invalid(sourceName, $"tensor '{name}' must be described by a JSON object but is {Describe(reader.TokenType)}");
        }

        string? dataType = null;
        List<long>? shape = null;
        List<long>? offsets = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            Next(ref reader, sourceName);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            string property = reader.GetString()!;
            if (!seen.Add(property))
            {
                throw Invalid(sourceName, $"tensor '{name}' has the key '{property}' more than once (duplicate keys are not allowed)");
            }

            switch (property)
            {
                case "dtype":
                    Next(ref reader, sourceName);
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw Invalid(sourceName, $"the dtype of tensor '{name}' must be a string but is {Describe(reader.TokenType)}");
                    }

                    dataType = reader.GetString()!;
                    break;
                case "shape":
                    shape = ReadIntegers(ref reader, name, property, sourceName);
                    break;
                case "data_offsets":
                    offsets = ReadIntegers(ref reader, name, property, sourceName);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (dataType is null || shape is null || offsets is null)
        {
            string missing = dataType is null ? "dtype" : shape is null ? "shape" : "data_offsets";
            throw Invalid(sourceName, $"tensor '{name}' has no '{missing}'");
        }

        if (!SafetensorsDataType.TryGetBitSize(dataType, out int bits))
        {
            throw Invalid(sourceName, $"tensor '{name}' has the unknown dtype '{dataType}'");
        }

        if (offsets.Count != 2)
        {
            throw Invalid(sourceName, $"tensor '{name}' has {offsets.Count} data_offsets; expected two, [begin, end]");
        }

        long begin = offsets[0], end = offsets[1];
        if (end < begin)
        {
            throw Invalid(sourceName, $"tensor '{name}' has data_offsets [{begin}, {end}] whose end is before its begin");
        }

        long expectedBytes;
        try
        {
            long elements = 1;
            foreach (long d in shape)
            {
                elements = checked(elements * d);
            }

            long totalBits = checked(elements * bits);
            if (totalBits % 8 != 0)
            {
                throw Invalid(sourceName, $"tensor '{name}' ({dataType}, shape {FormatShape(shape)}) does not fill a whole number of bytes");
            }

            expectedBytes = totalBits / 8;
        }
        catch (OverflowException)
        {
            throw Invalid(sourceName, $"tensor '{name}' has shape {FormatShape(shape)}, whose size overflows");
        }

        if (end - begin != expectedBytes)
        {
            throw Invalid(sourceName, $"tensor '{name}' has data_offsets [{begin}, {end}] ({end - begin} bytes), but dtype {dataType} with shape {FormatShape(shape)} needs {expectedBytes} bytes");
        }

        return new SafetensorsEntry(name, dataType, shape.ToArray(), begin, end);
    }

    /// <summary>Reads a JSON array of non-negative integers (shape dimensions or offsets).</summary>
    private static List<long> ReadIntegers(ref Utf8JsonReader reader, string name, string property, string sourceName)
    {
        Next(ref reader, sourceName);
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Invalid(sourceName, $"the {property} of tensor '{name}' must be an array of integers but is {Describe(reader.TokenType)}");
        }

        var values = new List<long>();
        while (true)
        {
            Next(ref reader, sourceName);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return values;
            }

            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long value) || value < 0)
            {
                string text = reader.TokenType == JsonTokenType.Number ? Encoding.UTF8.GetString(reader.ValueSpan) : Describe(reader.TokenType);
                throw Invalid(sourceName, $"the {property} of tensor '{name}' must hold non-negative integers, but holds {text}");
            }

            values.Add(value);
        }
    }

    /// <summary>
    /// Checks that the tensors, in data-offset order, tile the data section from byte 0 with no overlap and no
    /// hole, and (when known) that the data section is exactly as long as they are.
    /// </summary>
    private static void Validate(SafetensorsHeader header, long? dataLength, string sourceName)
    {
        if (dataLength is long available)
        {
            foreach (SafetensorsEntry entry in header.Entries)
            {
                if (entry.End > available)
                {
                    throw Invalid(sourceName, $"the data section is truncated: tensor '{entry.Name}' ends at byte {entry.End} of the data section, but the file holds only {available} bytes of data");
                }
            }
        }

        long expected = 0;
        SafetensorsEntry? previous = null;
        foreach (SafetensorsEntry entry in header.Entries)
        {
            if (entry.Begin < expected)
            {
                throw Invalid(sourceName, $"tensor '{entry.Name}' (bytes {entry.Begin} to {entry.End}) overlaps tensor '{previous!.Name}' (bytes {previous.Begin} to {previous.End})");
            }

            if (entry.Begin > expected)
            {
                throw Invalid(sourceName, $"the data section has a hole: bytes {expected} to {entry.Begin}, before tensor '{entry.Name}', belong to no tensor");
            }

            expected = entry.End;
            previous = entry;
        }

        if (dataLength is long length && expected < length)
        {
            throw Invalid(sourceName, $"the last {length - expected} bytes of the data section (after byte {expected}) belong to no tensor");
        }
    }

    /// <summary>Advances the reader; a well-formed header never runs out before its closing brace.</summary>
    private static void Next(ref Utf8JsonReader reader, string sourceName)
    {
        if (!reader.Read())
        {
            throw Invalid(sourceName, "the header JSON ends early");
        }
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
