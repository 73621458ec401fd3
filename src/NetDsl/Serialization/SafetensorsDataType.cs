namespace NetDsl.Serialization;

/// <summary>The element types a safetensors header may name, with their sizes in bits.</summary>
internal static class SafetensorsDataType
{
    /// <summary>32-bit IEEE float, the only type NetDsl networks store.</summary>
    public const string Float32 = "F32";

    /// <summary>16-bit IEEE float.</summary>
    public const string Float16 = "F16";

    /// <summary>bfloat16: the upper half of a 32-bit float.</summary>
    public const string BFloat16 = "BF16";

    /// <summary>64-bit IEEE float.</summary>
    public const string Float64 = "F64";

    /// <summary>
    /// The size of one element of <paramref name="dataType"/> in bits, or false for a name the format does not
    /// define. Sub-byte types (<c>F4</c>, <c>F6_*</c>) are listed so that files holding them can still be read.
    /// </summary>
    public static bool TryGetBitSize(string dataType, out int bits)
    {
        bits = dataType switch
        {
            "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" or "F8_E8M0" => 8,
            "F4" => 4,
            "F6_E2M3" or "F6_E3M2" => 6,
            "I16" or "U16" or Float16 or BFloat16 => 16,
            "I32" or "U32" or Float32 => 32,
            "I64" or "U64" or Float64 or "C64" => 64,
            _ => 0,
        };
        return bits != 0;
    }

    /// <summary>Bytes per value of the floating-point dtypes <c>Load</c> converts (F32, F16, BF16, F64); false for
    /// any other dtype.</summary>
    public static bool TryGetFloatSize(string dataType, out int size)
    {
        size = dataType switch
        {
            Float32 => 4,
            Float16 or BFloat16 => 2,
            Float64 => 8,
            _ => 0,
        };
        return size > 0;
    }
}
