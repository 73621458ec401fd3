using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace NetDsl.Serialization;

/// <summary>One tensor of a <see cref="SafetensorsFile"/>: its name, dtype, shape and raw bytes.</summary>
public sealed class SafetensorsTensor
{
    private readonly long[] _shape;

    internal SafetensorsTensor(string name, string dataType, long[] shape, ReadOnlyMemory<byte> data)
    {
        Name = name;
        DataType = dataType;
        _shape = shape;
        Shape = Array.AsReadOnly(shape);
        Data = data;
        long count = 1;
        foreach (long d in shape)
        {
            count *= d;
        }

        ElementCount = count;
    }

    /// <summary>The tensor's key in the file, e.g. <c>dense/kernel</c>.</summary>
    public string Name { get; }

    /// <summary>The safetensors dtype: <c>F32</c>, <c>F16</c>, <c>BF16</c>, <c>I64</c>, ...</summary>
    public string DataType { get; }

    /// <summary>The dimensions, outermost first; empty for a scalar.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Product of the dimensions.</summary>
    public long ElementCount { get; }

    /// <summary>The raw little-endian bytes of the values, row-major.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>
    /// The values as floats. F32 is copied exactly (NaN payloads included); F16, BF16 and F64 are converted.
    /// </summary>
    /// <exception cref="NotSupportedException">The dtype is not a floating-point type listed above.</exception>
    public float[] ToSingleArray()
    {
        if (!SafetensorsDataType.TryGetFloatSize(DataType, out int size))
        {
            throw new NotSupportedException($"Tensor '{Name}' has dtype {DataType}; ToSingleArray converts only F32, F16, BF16 and F64.");
        }

        var values = new float[Data.Length / size];
        ConvertToSingle(DataType, Data.Span, values);
        return values;
    }

    /// <summary>
    /// Converts little-endian values of a floating-point dtype (F32, F16, BF16, F64) to floats: F32 exactly (NaN
    /// payloads included), the others by the usual conversions. <paramref name="destination"/> takes one float per
    /// value of <paramref name="bytes"/>.
    /// </summary>
    internal static void ConvertToSingle(string dataType, ReadOnlySpan<byte> bytes, Span<float> destination)
    {
        switch (dataType)
        {
            case SafetensorsDataType.Float32 when BitConverter.IsLittleEndian:
                bytes[..(destination.Length * sizeof(float))].CopyTo(MemoryMarshal.AsBytes(destination));
                break;
            case SafetensorsDataType.Float32:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
                }

                break;
            case SafetensorsDataType.Float16:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(i * 2)..]);
                }

                break;
            case SafetensorsDataType.BFloat16:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(i * 2)..]) << 16);
                }

                break;
            case SafetensorsDataType.Float64:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(i * sizeof(double))..]);
                }

                break;
            default:
                throw new NotSupportedException($"The dtype {dataType} is not a floating-point type NetDsl reads.");
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {DataType} {SafetensorsReader.FormatShape(_shape)}";
}
