namespace NetDsl.Generator.Weights;

/// <summary>CRC-32C (Castagnoli), table-driven: the checksum NetDsl's <c>Save</c> stores with the data.</summary>
internal static class Crc32C
{
    private static readonly uint[] Table = CreateTable();

    public static uint Compute(byte[] bytes, int offset, int count)
    {
        uint crc = uint.MaxValue;
        for (int i = offset; i < offset + count; i++)
        {
            crc = Table[(crc ^ bytes[i]) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
