using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetDsl.Generator.Weights;

/// <summary>One tensor of a safetensors file: its header entry, checked against the data section.</summary>
internal sealed record SafetensorsTensor(string Name, string DataType, long[] Shape, long Begin, long End);

/// <summary>
/// The build-time reader of safetensors files (the runtime has its own, on System.Text.Json, which an analyzer
/// cannot carry): the 8-byte header length, the JSON header with a small JSON reader of its own, and the checks
/// the runtime's <c>Load</c> makes (entries tile the data section exactly, known dtypes, sizes that add up, the
/// CRC-32C NetDsl stores in <c>__metadata__</c>). A problem is a <see cref="FormatException"/> whose message says
/// what is wrong, in words a user can act on.
/// </summary>
internal sealed class SafetensorsContent
{
    private const int MaxHeaderLength = 100_000_000;
    private const string ChecksumKey = "netdsl.data_crc32c";

    private SafetensorsContent(byte[] bytes, int dataStart, List<SafetensorsTensor> tensors)
    {
        Bytes = bytes;
        DataStart = dataStart;
        Tensors = tensors;
    }

    public byte[] Bytes { get; }

    /// <summary>Offset of the data section in <see cref="Bytes"/>.</summary>
    public int DataStart { get; }

    /// <summary>The tensors in header order.</summary>
    public List<SafetensorsTensor> Tensors { get; }

    public static SafetensorsContent Parse(byte[] bytes)
    {
        if (bytes.Length < 8)
        {
            throw new FormatException($"the file is {bytes.Length} bytes long; a safetensors file starts with an 8-byte header length");
        }

        ulong headerLength = BitConverter.ToUInt64(LittleEndian(bytes, 0, 8), 0);
        if (headerLength > MaxHeaderLength || (long)headerLength > bytes.Length - 8)
        {
            throw new FormatException($"the header length {headerLength.ToString(CultureInfo.InvariantCulture)} does not fit in the file's {bytes.Length} bytes");
        }

        string json;
        try
        {
            json = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 8, (int)headerLength);
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException("the header is not UTF-8 text");
        }

        if (JsonReader.Parse(json) is not Dictionary<string, object?> root)
        {
            throw new FormatException("the header is not a JSON object");
        }

        int dataStart = 8 + (int)headerLength;
        long dataLength = bytes.Length - dataStart;
        var tensors = new List<SafetensorsTensor>();
        string? checksum = null;
        foreach (KeyValuePair<string, object?> entry in root)
        {
            if (entry.Key == "__metadata__")
            {
                if (entry.Value is Dictionary<string, object?> metadata && metadata.TryGetValue(ChecksumKey, out object? crc))
                {
                    checksum = crc as string;
                }

                continue;
            }

            tensors.Add(ReadEntry(entry.Key, entry.Value as Dictionary<string, object?>));
        }

        // The entries must tile the data section: sorted by offset, each starting where the last ended.
        var ordered = new List<SafetensorsTensor>(tensors);
        ordered.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        long position = 0;
        foreach (SafetensorsTensor tensor in ordered)
        {
            if (tensor.Begin != position)
            {
                throw new FormatException($"tensor '{tensor.Name}' starts at byte {tensor.Begin} of the data, where {position} was expected (gaps or overlaps)");
            }

            position = tensor.End;
        }

        if (position != dataLength)
        {
            throw new FormatException(position > dataLength
                ? $"the file is truncated: its tensors need {position} bytes of data but it holds {dataLength}"
                : $"{dataLength - position} bytes follow the last tensor's data");
        }

        if (checksum is not null)
        {
            uint computed = Crc32C.Compute(bytes, dataStart, (int)dataLength);
            if (!uint.TryParse(checksum, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint stored) || stored != computed)
            {
                throw new FormatException($"the data's CRC-32C is {computed:x8} but the header says {checksum}: the file is corrupt");
            }
        }

        return new SafetensorsContent(bytes, dataStart, tensors);
    }

    /// <summary>The tensor's values as floats (F32, F16, BF16 or F64 in the file).</summary>
    public float[] ReadFloats(SafetensorsTensor tensor)
    {
        int size = ElementSize(tensor.DataType);
        var values = new float[(tensor.End - tensor.Begin) / size];
        int offset = DataStart + (int)tensor.Begin;
        if (tensor.DataType == "F32" && BitConverter.IsLittleEndian)
        {
            Buffer.BlockCopy(Bytes, offset, values, 0, values.Length * 4);
            return values;
        }

        for (int i = 0; i < values.Length; i++, offset += size)
        {
            values[i] = tensor.DataType switch
            {
                "F32" => BitConverter.ToSingle(LittleEndian(Bytes, offset, 4), 0),
                "F64" => (float)BitConverter.ToDouble(LittleEndian(Bytes, offset, 8), 0),
                "F16" => HalfToSingle((ushort)(Bytes[offset] | (Bytes[offset + 1] << 8))),
                _ => BitConverter.ToSingle(BitConverter.GetBytes((Bytes[offset] | (Bytes[offset + 1] << 8)) << 16), 0), // BF16
            };
        }

        return values;
    }

    public static bool IsFloat(string dataType) => dataType is "F32" or "F16" or "BF16" or "F64";

    private static SafetensorsTensor ReadEntry(string name, Dictionary<string, object?>? entry)
    {
        if (entry is null
            || !entry.TryGetValue("dtype", out object? dtypeValue) || dtypeValue is not string dtype
            || !entry.TryGetValue("shape", out object? shapeValue) || shapeValue is not List<object?> shapeList
            || !entry.TryGetValue("data_offsets", out object? offsetsValue) || offsetsValue is not List<object?> offsets || offsets.Count != 2)
        {
            throw new FormatException($"the header entry '{name}' needs dtype, shape and data_offsets");
        }

        var shape = new long[shapeList.Count];
        long elements = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shapeList[i] is not double d || d < 0 || d != Math.Floor(d) || d > int.MaxValue)
            {
                throw new FormatException($"tensor '{name}' has an invalid shape");
            }

            shape[i] = (long)d;
            elements *= shape[i];
            if (elements > int.MaxValue)
            {
                throw new FormatException($"tensor '{name}' is too large");
            }
        }

        if (offsets[0] is not double begin || offsets[1] is not double end || begin < 0 || end < begin || end > long.MaxValue / 2 || begin != Math.Floor(begin) || end != Math.Floor(end))
        {
            throw new FormatException($"tensor '{name}' has invalid data offsets");
        }

        int size = ElementSize(dtype);
        if (size > 0 && (long)end - (long)begin != elements * size)
        {
            throw new FormatException($"tensor '{name}' has {(long)end - (long)begin} bytes of data but its shape and {dtype} need {elements * size}");
        }

        return new SafetensorsTensor(name, dtype, shape, (long)begin, (long)end);
    }

    /// <summary>Bytes per element of the dtypes safetensors knows; 0 for an unknown dtype (its size is not
    /// checked, and it is rejected when the tensor is used).</summary>
    private static int ElementSize(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" or "F8_E4M3" or "F8_E5M2" => 1,
        _ => 0,
    };

    private static float HalfToSingle(ushort half)
    {
        int sign = (half >> 15) & 1;
        int exponent = (half >> 10) & 0x1F;
        int mantissa = half & 0x3FF;
        float value = exponent switch
        {
            0 => mantissa * (1f / (1 << 24)),                          // subnormal: m * 2^-24
            0x1F => mantissa == 0 ? float.PositiveInfinity : float.NaN,
            _ => (float)((1 + mantissa / 1024.0) * Math.Pow(2, exponent - 15)),
        };
        return sign == 1 ? -value : value;
    }

    private static byte[] LittleEndian(byte[] bytes, int offset, int count)
    {
        var piece = new byte[count];
        Array.Copy(bytes, offset, piece, 0, count);
        if (!BitConverter.IsLittleEndian)
        {
            Array.Reverse(piece);
        }

        return piece;
    }
}
