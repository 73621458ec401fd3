using System.Collections.Generic;

namespace NetDsl.Serialization;

/// <summary>One tensor entry of a parsed header: what the JSON says, already checked for consistency.</summary>
internal sealed class SafetensorsEntry
{
    public SafetensorsEntry(string name, string dataType, long[] shape, long begin, long end)
    {
        Name = name;
        DataType = dataType;
        Shape = shape;
        Begin = begin;
        End = end;
    }

    /// <summary>The tensor's key in the header.</summary>
    public string Name { get; }

    /// <summary>The dtype string, e.g. <c>F32</c>.</summary>
    public string DataType { get; }

    /// <summary>The dimensions, outermost first.</summary>
    public long[] Shape { get; }

    /// <summary>First byte of the tensor, relative to the start of the data section.</summary>
    public long Begin { get; }

    /// <summary>One past the last byte of the tensor, relative to the start of the data section.</summary>
    public long End { get; }

    /// <summary>Number of bytes: <c>End - Begin</c>.</summary>
    public long ByteLength => End - Begin;
}

/// <summary>A parsed and validated header: the tensors in data-offset order and the free-form metadata.</summary>
internal sealed class SafetensorsHeader
{
    public SafetensorsHeader(List<SafetensorsEntry> entries, Dictionary<string, string> metadata, long dataLength)
    {
        Entries = entries;
        Metadata = metadata;
        DataLength = dataLength;
    }

    /// <summary>The tensors, sorted by their data offsets; together they cover the data section exactly.</summary>
    public List<SafetensorsEntry> Entries { get; }

    /// <summary>The <c>__metadata__</c> object (empty when the header has none).</summary>
    public Dictionary<string, string> Metadata { get; }

    /// <summary>Length in bytes of the data section the header describes.</summary>
    public long DataLength { get; }
}
