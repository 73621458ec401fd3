using System;
using System.Collections.Generic;
using System.Linq;

namespace NetDsl.Generator.Onnx;

/// <summary>
/// An integer tensor a graph computes from shapes and constants rather than from its input: the sizes of
/// PyTorch's <c>x.view(x.size(0), -1)</c> (Shape, Gather, Unsqueeze, Concat) or the pads of its <c>ZeroPad2d</c>
/// (ConstantOfShape, Reshape, Slice, Transpose). The importer evaluates these operators here, as ONNX defines
/// them; <see cref="Batch"/> stands for the batch size, unknown until the network runs. A malformed operation
/// throws <see cref="ArgumentException"/> with what is wrong.
/// </summary>
/// <param name="Dims">The dimensions (empty for a scalar).</param>
/// <param name="Values">The values, row-major.</param>
internal sealed record IntegerTensor(long[] Dims, long[] Values)
{
    /// <summary>The batch size, wherever a shape holds it.</summary>
    public const long Batch = long.MinValue;

    /// <summary>More values than any shape computation needs: a hostile file cannot make the importer allocate much.</summary>
    private const long MaxValues = 1 << 20;

    public int Rank => Dims.Length;

    public static IntegerTensor Vector(params long[] values) => new(new long[] { values.Length }, values);

    /// <summary>ONNX ConstantOfShape: a tensor of <paramref name="shape"/>'s sizes, every value <paramref name="value"/>.</summary>
    public static IntegerTensor Filled(IntegerTensor shape, long value)
    {
        long[] dims = shape.Values.ToArray();
        return new IntegerTensor(dims, Enumerable.Repeat(value, (int)Count(dims)).ToArray());
    }

    /// <summary>ONNX Reshape: 0 copies the size at that axis (unless <paramref name="allowZero"/>), one -1 is inferred.</summary>
    public IntegerTensor Reshape(long[] shape, bool allowZero)
    {
        long[] dims = shape.Select((d, k) => d == 0 && !allowZero && k < Rank ? Dims[k] : d).ToArray();
        int inferred = Array.IndexOf(dims, -1L);
        long known = dims.Where(d => d != -1).Aggregate(1L, (p, d) => d < 0 ? -1 : p * d);
        if (known < 0 || dims.Count(d => d == -1) > 1)
        {
            throw new ArgumentException($"a reshape of [{Text(Dims)}] to [{Text(shape)}] is not one ONNX allows");
        }

        if (inferred >= 0)
        {
            dims[inferred] = known == 0 || Values.Length % known != 0 ? -1 : Values.Length / known;
        }

        if (dims.Any(d => d < 0) || Count(dims) != Values.Length)
        {
            throw new ArgumentException($"{Values.Length} values do not reshape to [{Text(shape)}]");
        }

        return new IntegerTensor(dims, Values);
    }

    /// <summary>ONNX Transpose (the axes reversed when <paramref name="perm"/> is null).</summary>
    public IntegerTensor Transpose(long[]? perm)
    {
        perm ??= Enumerable.Range(0, Rank).Reverse().Select(a => (long)a).ToArray();
        if (perm.Length != Rank || perm.OrderBy(a => a).Where((a, k) => a != k).Any())
        {
            throw new ArgumentException($"[{Text(perm)}] is not a permutation of the {Rank} axes of [{Text(Dims)}]");
        }

        long[] dims = perm.Select(a => Dims[a]).ToArray();
        long[] from = Strides(Dims);
        var values = new long[Values.Length];
        var index = new long[Rank];
        for (int k = 0; k < values.Length; k++)
        {
            long source = 0;
            for (int a = 0; a < Rank; a++)
            {
                source += index[a] * from[perm[a]];
            }

            values[k] = Values[source];
            Increment(index, dims);
        }

        return new IntegerTensor(dims, values);
    }

    /// <summary>ONNX Slice, negative steps included (starts and ends clamped as ONNX clamps them).</summary>
    public IntegerTensor Slice(long[] starts, long[] ends, long[] axes, long[] steps)
    {
        if (starts.Length != ends.Length || axes.Length != starts.Length || steps.Length != starts.Length)
        {
            throw new ArgumentException("a slice's starts, ends, axes and steps differ in length");
        }

        var first = new long[Rank];
        var step = Enumerable.Repeat(1L, Rank).ToArray();
        long[] dims = Dims.ToArray();
        for (int k = 0; k < axes.Length; k++)
        {
            int axis = Axis(axes[k]);
            long size = Dims[axis], s = steps[k];
            if (s == 0)
            {
                throw new ArgumentException("a slice has a step of 0");
            }

            long start = starts[k] < 0 ? starts[k] + size : starts[k];
            long end = ends[k] < 0 ? Math.Max(ends[k], long.MinValue / 2) + size : ends[k];
            start = s > 0 ? Clamp(start, 0, size) : Clamp(start, 0, size - 1);
            end = s > 0 ? Clamp(end, 0, size) : Clamp(end, -1, size - 1);
            first[axis] = start;
            step[axis] = s;
            dims[axis] = s > 0 ? Math.Max(0, (end - start + s - 1) / s) : Math.Max(0, (start - end - s - 1) / -s);
        }

        long[] from = Strides(Dims);
        var values = new long[Count(dims)];
        var index = new long[Rank];
        for (int k = 0; k < values.Length; k++)
        {
            long source = 0;
            for (int a = 0; a < Rank; a++)
            {
                source += (first[a] + (index[a] * step[a])) * from[a];
            }

            values[k] = Values[source];
            Increment(index, dims);
        }

        return new IntegerTensor(dims, values);
    }

    /// <summary>ONNX Gather along <paramref name="axis"/> (negative indices count from the end).</summary>
    public IntegerTensor Gather(IntegerTensor indices, long axis)
    {
        int a = Axis(axis);
        long size = Dims[a];
        long[] picked = indices.Values.Select(i => i < 0 ? i + size : i).ToArray();
        if (picked.Any(i => i < 0 || i >= size))
        {
            throw new ArgumentException($"the indices [{Text(indices.Values)}] are outside the {size} entries of axis {a}");
        }

        long outer = Dims.Take(a).Aggregate(1L, (p, d) => p * d), inner = Dims.Skip(a + 1).Aggregate(1L, (p, d) => p * d);
        var values = new List<long>();
        for (long o = 0; o < outer; o++)
        {
            foreach (long i in picked)
            {
                for (long n = 0; n < inner; n++)
                {
                    values.Add(Values[(((o * size) + i) * inner) + n]);
                }
            }
        }

        return new IntegerTensor(Dims.Take(a).Concat(indices.Dims).Concat(Dims.Skip(a + 1)).ToArray(), values.ToArray());
    }

    /// <summary>ONNX Concat along <paramref name="axis"/>.</summary>
    public static IntegerTensor Concat(IReadOnlyList<IntegerTensor> parts, long axis)
    {
        IntegerTensor first = parts[0];
        int a = first.Axis(axis);
        if (parts.Any(p => p.Rank != first.Rank || p.Dims.Where((d, k) => k != a && d != first.Dims[k]).Any()))
        {
            throw new ArgumentException($"[{string.Join("], [", parts.Select(p => Text(p.Dims)))}] do not join along axis {a}");
        }

        long outer = first.Dims.Take(a).Aggregate(1L, (p, d) => p * d);
        var values = new List<long>();
        for (long o = 0; o < outer; o++)
        {
            foreach (IntegerTensor part in parts)
            {
                long block = part.Dims.Skip(a).Aggregate(1L, (p, d) => p * d);
                values.AddRange(part.Values.Skip((int)(o * block)).Take((int)block));
            }
        }

        long[] dims = first.Dims.ToArray();
        dims[a] = parts.Sum(p => p.Dims[a]);
        return new IntegerTensor(dims, values.ToArray());
    }

    /// <summary>ONNX Unsqueeze: size-1 axes inserted at <paramref name="axes"/> (of the result).</summary>
    public IntegerTensor Unsqueeze(long[] axes)
    {
        int rank = Rank + axes.Length;
        var inserted = new HashSet<long>(axes.Select(a => a < 0 ? a + rank : a));
        if (inserted.Count != axes.Length || inserted.Any(a => a < 0 || a >= rank))
        {
            throw new ArgumentException($"[{Text(axes)}] are not distinct axes of a rank-{rank} result");
        }

        var dims = new long[rank];
        for (int k = 0, source = 0; k < rank; k++)
        {
            dims[k] = inserted.Contains(k) ? 1 : Dims[source++];
        }

        return new IntegerTensor(dims, Values);
    }

    /// <summary>ONNX Squeeze: the size-1 <paramref name="axes"/> (all of them when empty) removed.</summary>
    public IntegerTensor Squeeze(long[] axes)
    {
        var removed = new HashSet<int>(axes.Select(Axis));
        if (removed.Any(a => Dims[a] != 1))
        {
            throw new ArgumentException($"axes [{Text(axes)}] of [{Text(Dims)}] are not all of size 1");
        }

        return new IntegerTensor(Dims.Where((d, k) => axes.Length == 0 ? d != 1 : !removed.Contains(k)).ToArray(), Values);
    }

    /// <summary>ONNX Add, Sub, Mul or Div (integer division, as ONNX's for integers) of equal shapes, or with a
    /// one-value operand. The batch size takes part in no arithmetic.</summary>
    public static IntegerTensor Arithmetic(string op, IntegerTensor a, IntegerTensor b)
    {
        if (a.Values.Length != b.Values.Length && a.Values.Length != 1 && b.Values.Length != 1)
        {
            throw new ArgumentException($"{op} of [{Text(a.Dims)}] and [{Text(b.Dims)}] needs broadcasting");
        }

        if (a.Values.Contains(Batch) || b.Values.Contains(Batch))
        {
            throw new ArgumentException($"{op} computes with the batch size, which NetDsl leaves open");
        }

        IntegerTensor shape = a.Values.Length >= b.Values.Length ? a : b;
        var values = new long[shape.Values.Length];
        for (int k = 0; k < values.Length; k++)
        {
            long x = a.Values[a.Values.Length == 1 ? 0 : k], y = b.Values[b.Values.Length == 1 ? 0 : k];
            values[k] = op switch
            {
                "Add" => x + y,
                "Sub" => x - y,
                "Mul" => x * y,
                _ => y == 0 ? throw new ArgumentException("a division by zero") : x / y,
            };
        }

        return new IntegerTensor(shape.Dims, values);
    }

    private int Axis(long axis)
    {
        long a = axis < 0 ? axis + Rank : axis;
        if (a < 0 || a >= Rank)
        {
            throw new ArgumentException($"axis {axis} is outside the {Rank} axes of [{Text(Dims)}]");
        }

        return (int)a;
    }

    private static long Count(long[] dims)
    {
        long count = 1;
        foreach (long d in dims)
        {
            if (d < 0)
            {
                throw new ArgumentException($"[{Text(dims)}] has a negative size");
            }

            count *= d;
            if (count > MaxValues)
            {
                throw new ArgumentException($"[{Text(dims)}] holds more values than a shape computation needs");
            }
        }

        return count;
    }

    private static long[] Strides(long[] dims)
    {
        var strides = new long[dims.Length];
        long stride = 1;
        for (int a = dims.Length - 1; a >= 0; a--)
        {
            strides[a] = stride;
            stride *= dims[a];
        }

        return strides;
    }

    private static void Increment(long[] index, long[] dims)
    {
        for (int a = index.Length - 1; a >= 0; a--)
        {
            if (++index[a] < dims[a])
            {
                return;
            }

            index[a] = 0;
        }
    }

    private static long Clamp(long value, long min, long max) => Math.Max(min, Math.Min(value, max));

    /// <summary>Values as messages write them, the batch size as <c>n</c>.</summary>
    public static string Text(IEnumerable<long> values) => string.Join(", ", values.Select(v => v == Batch ? "n" : v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
