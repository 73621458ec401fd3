using System;
using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;

namespace NetDsl.Serialization;

/// <summary>
/// CRC-32C (Castagnoli) of a file's data section, computed 8 bytes at a time with the processor's CRC
/// instruction where it has one. <see cref="Safetensors.Save"/> stores it in <c>__metadata__</c> under
/// <see cref="MetadataKey"/>, and loading verifies it when present, so flipped bytes in the data are detected.
/// </summary>
internal struct DataChecksum
{
    /// <summary>The metadata key: 8 lowercase hexadecimal digits.</summary>
    public const string MetadataKey = "netdsl.data_crc32c";

    private uint _state;

    public static DataChecksum Start() => new() { _state = uint.MaxValue };

    public readonly uint Value => ~_state;

    public readonly string Text => Value.ToString("x8", CultureInfo.InvariantCulture);

    public void Append(ReadOnlySpan<byte> bytes)
    {
        uint crc = _state;
        while (bytes.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
            bytes = bytes[sizeof(ulong)..];
        }

        foreach (byte b in bytes)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        _state = crc;
    }

    /// <summary>Parses a stored checksum; false when the text is not 8 hexadecimal digits.</summary>
    public static bool TryParse(string text, out uint value) =>
        uint.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && text.Length == 8;
}
