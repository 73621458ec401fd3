extern alias Generator;

using System;
using System.Collections.Generic;
using System.Linq;
using Generator::NetDsl.Generator.Onnx;

namespace NetDsl.Generator.Tests.Infrastructure;

/// <summary>A dense tensor of doubles, row-major: what <see cref="OnnxReference"/> computes with.</summary>
internal sealed class RefTensor
{
    public RefTensor(long[] dims, double[] data)
    {
        if (dims.Aggregate(1L, (p, d) => p * d) != data.Length)
        {
            throw new ArgumentException($"[{string.Join(", ", dims)}] does not hold {data.Length} values.");
        }

        Dims = dims;
        Data = data;
    }

    public long[] Dims { get; }

    public double[] Data { get; }

    public int Rank => Dims.Length;

    public int Dim(int axis) => (int)Dims[axis];

    public static RefTensor Scalar(double value) => new(Array.Empty<long>(), new[] { value });

    public static RefTensor From(OnnxTensor t) => new(t.Dims, t.Values.ToArray());

    public long[] Strides()
    {
        var strides = new long[Rank];
        long stride = 1;
        for (int a = Rank - 1; a >= 0; a--)
        {
            strides[a] = stride;
            stride *= Dims[a];
        }

        return strides;
    }
}

/// <summary>
/// A deliberately plain interpreter of ONNX graphs in NCHW and double precision, written from the operator
/// definitions (onnx/docs/Operators.md) for the operators of the test fixtures. It shares nothing with the importer
/// but the file reader: it is what the imported channels-last network is checked against.
/// </summary>
internal static class OnnxReference
{
    public static RefTensor Run(OnnxModel model, RefTensor input)
    {
        OnnxGraph graph = model.Graph;
        long opset = model.DefaultOpset;
        var values = new Dictionary<string, RefTensor>(StringComparer.Ordinal);
        foreach (OnnxTensor initializer in graph.Initializers)
        {
            values[initializer.Name] = RefTensor.From(initializer);
        }

        values[graph.Inputs.First(i => !values.ContainsKey(i.Name)).Name] = input;
        foreach (OnnxNode node in graph.Nodes)
        {
            RefTensor? In(int k) => k < node.Inputs.Count && node.Inputs[k].Length > 0 ? values[node.Inputs[k]] : null;
            RefTensor result = Evaluate(node, In, opset);
            values[node.Outputs[0]] = result;
        }

        return values[graph.Outputs[0].Name];
    }

    private static RefTensor Evaluate(OnnxNode node, Func<int, RefTensor?> input, long opset)
    {
        RefTensor X() => input(0)!;
        long Int(string name, long d) => node.Attribute(name)?.I ?? d;
        double Float(string name, double d) => node.Attribute(name) is { } a ? a.F : d;
        long[]? Ints(string name) => node.Attribute(name)?.Ints.ToArray();
        switch (node.OpType)
        {
            case "Conv": return Conv(X(), input(1)!, input(2), Ints("pads"), Ints("strides"), Ints("dilations"), Int("group", 1));
            case "ConvTranspose": return ConvTranspose(X(), input(1)!, input(2), Ints("pads"), Ints("strides"), Ints("output_padding"));
            case "Gemm": return Gemm(X(), input(1)!, input(2), Int("transA", 0) != 0, Int("transB", 0) != 0, Float("alpha", 1), Float("beta", 1));
            case "MatMul": return Gemm(X(), input(1)!, null, false, false, 1, 1);
            case "Add": return Broadcast(X(), input(1)!, (a, b) => a + b);
            case "Sub": return Broadcast(X(), input(1)!, (a, b) => a - b);
            case "Mul": return Broadcast(X(), input(1)!, (a, b) => a * b);
            case "Div": return Broadcast(X(), input(1)!, (a, b) => a / b);
            case "Relu": return Map(X(), v => Math.Max(v, 0));
            case "Sigmoid": return Map(X(), v => 1 / (1 + Math.Exp(-v)));
            case "Tanh": return Map(X(), Math.Tanh);
            case "Elu": return Map(X(), v => v > 0 ? v : Float("alpha", 1) * (Math.Exp(v) - 1));
            case "LeakyRelu": return Map(X(), v => v > 0 ? v : Float("alpha", 0.01) * v);
            case "Erf": return Map(X(), Erf);
            case "Softplus": return Map(X(), v => Math.Log(1 + Math.Exp(v)));
            case "HardSigmoid": return Map(X(), v => Math.Max(0, Math.Min(1, (Float("alpha", 0.2) * v) + Float("beta", 0.5))));
            case "Clip":
                double min = input(1)?.Data[0] ?? double.NegativeInfinity, max = input(2)?.Data[0] ?? double.PositiveInfinity;
                return Map(X(), v => Math.Min(Math.Max(v, min), max));
            case "Softmax": return Softmax(X(), Int("axis", opset >= 13 ? -1 : 1));
            case "BatchNormalization": return BatchNorm(X(), input(1)!, input(2)!, input(3)!, input(4)!, Float("epsilon", 1e-5));
            case "MaxPool":
            case "AveragePool":
                return Pool(X(), node.OpType == "MaxPool", Ints("kernel_shape")!, Ints("pads"), Ints("strides"), Int("ceil_mode", 0) != 0, Int("count_include_pad", 0) != 0);
            case "GlobalAveragePool":
            case "GlobalMaxPool":
                RefTensor g = X();
                return Pool(g, node.OpType == "GlobalMaxPool", new[] { g.Dims[2], g.Dims[3] }, null, null, false, false);
            case "ReduceMean":
            case "ReduceMax":
                return Reduce(X(), (Ints("axes") ?? input(1)!.Data.Select(v => (long)v).ToArray()).Select(a => a < 0 ? a + X().Rank : a).ToArray(), Int("keepdims", 1) != 0, node.OpType == "ReduceMax");
            case "Flatten":
                RefTensor f = X();
                long axis = Int("axis", 1);
                axis = axis < 0 ? axis + f.Rank : axis;
                long outer = f.Dims.Take((int)axis).Aggregate(1L, (p, d) => p * d);
                return new RefTensor(new[] { outer, f.Data.Length / outer }, f.Data);
            case "Reshape": return Reshape(X(), input(1)!.Data.Select(v => (long)v).ToArray());
            case "Transpose": return Transpose(X(), Ints("perm") ?? Enumerable.Range(0, X().Rank).Reverse().Select(a => (long)a).ToArray());
            case "Concat": return Concat(Enumerable.Range(0, node.Inputs.Count).Select(input).Where(t => t is not null).ToList()!, Int("axis", 0));
            case "Unsqueeze":
                long[] ua = input(1)!.Data.Select(v => (long)v).ToArray();
                RefTensor u = X();
                var dims = u.Dims.ToList();
                foreach (long a in ua.Select(a => a < 0 ? a + u.Rank + ua.Length : a).OrderBy(a => a))
                {
                    dims.Insert((int)a, 1);
                }

                return new RefTensor(dims.ToArray(), u.Data);
            case "Squeeze":
                RefTensor q = X();
                long[] sa = (input(1)?.Data.Select(v => (long)v) ?? Enumerable.Empty<long>()).Select(a => a < 0 ? a + q.Rank : a).ToArray();
                return new RefTensor(q.Dims.Where((d, k) => sa.Length == 0 ? d != 1 : !sa.Contains(k)).ToArray(), q.Data);
            case "Shape": return new RefTensor(new long[] { X().Rank }, X().Dims.Select(d => (double)d).ToArray());
            case "Gather": return Gather(X(), input(1)!, Int("axis", 0));
            case "Slice":
                RefTensor s = X();
                long[] starts = input(1)!.Data.Select(v => (long)v).ToArray();
                return Slice(s, starts, input(2)!.Data.Select(v => (long)v).ToArray(),
                    input(3)?.Data.Select(v => (long)v).ToArray() ?? Enumerable.Range(0, starts.Length).Select(a => (long)a).ToArray(),
                    input(4)?.Data.Select(v => (long)v).ToArray() ?? Enumerable.Repeat(1L, starts.Length).ToArray());
            case "Constant": return RefTensor.From(node.Attribute("value")!.T!);
            case "ConstantOfShape":
                long[] shape = X().Data.Select(v => (long)v).ToArray();
                double fill = node.Attribute("value")?.T?.Values[0] ?? 0;
                return new RefTensor(shape, Enumerable.Repeat(fill, (int)shape.Aggregate(1L, (p, d) => p * d)).ToArray());
            case "Cast":
            case "Identity":
            case "Dropout":
                return X();
            case "Resize": return Resize(X(), input(2)!, node.Attribute("mode")?.Text ?? "nearest", node.Attribute("coordinate_transformation_mode")?.Text ?? "half_pixel", node.Attribute("nearest_mode")?.Text ?? "round_prefer_floor");
            case "Pad": return Pad(X(), input(1)!.Data.Select(v => (long)v).ToArray(), input(2)?.Data[0] ?? 0);
            default: throw new NotSupportedException("The reference does not run " + node.OpType + ".");
        }
    }

    private static RefTensor Map(RefTensor x, Func<double, double> f) => new(x.Dims, x.Data.Select(f).ToArray());

    /// <summary>Element-wise with numpy's multidirectional broadcasting.</summary>
    private static RefTensor Broadcast(RefTensor a, RefTensor b, Func<double, double, double> f)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        long[] Pad(long[] d) => Enumerable.Repeat(1L, rank - d.Length).Concat(d).ToArray();
        long[] da = Pad(a.Dims), db = Pad(b.Dims);
        long[] dims = da.Zip(db, (x, y) => x == 1 ? y : y == 1 ? x : x == y ? x : throw new ArgumentException("not broadcastable")).ToArray();
        long[] sa = new RefTensor(da, a.Data).Strides(), sb = new RefTensor(db, b.Data).Strides();
        var result = new double[dims.Aggregate(1L, (p, d) => p * d)];
        var index = new long[rank];
        for (int k = 0; k < result.Length; k++)
        {
            long ia = 0, ib = 0;
            for (int d = 0; d < rank; d++)
            {
                ia += (da[d] == 1 ? 0 : index[d]) * sa[d];
                ib += (db[d] == 1 ? 0 : index[d]) * sb[d];
            }

            result[k] = f(a.Data[ia], b.Data[ib]);
            for (int d = rank - 1; d >= 0 && ++index[d] == dims[d]; d--)
            {
                index[d] = 0;
            }
        }

        return new RefTensor(dims, result);
    }

    private static RefTensor Conv(RefTensor x, RefTensor w, RefTensor? b, long[]? pads, long[]? strides, long[]? dilations, long group)
    {
        int n = x.Dim(0), c = x.Dim(1), h = x.Dim(2), wd = x.Dim(3);
        int m = w.Dim(0), cg = w.Dim(1), kh = w.Dim(2), kw = w.Dim(3);
        pads ??= new long[4];
        strides ??= new long[] { 1, 1 };
        dilations ??= new long[] { 1, 1 };
        int oh = (int)(((h + pads[0] + pads[2] - (dilations[0] * (kh - 1)) - 1) / strides[0]) + 1);
        int ow = (int)(((wd + pads[1] + pads[3] - (dilations[1] * (kw - 1)) - 1) / strides[1]) + 1);
        int perGroup = m / (int)group;
        var y = new double[n * m * oh * ow];
        for (int s = 0; s < n; s++)
        {
            for (int o = 0; o < m; o++)
            {
                int g = o / perGroup;
                for (int i = 0; i < oh; i++)
                {
                    for (int j = 0; j < ow; j++)
                    {
                        double sum = b?.Data[o] ?? 0;
                        for (int ci = 0; ci < cg; ci++)
                        {
                            int ch = (g * cg) + ci;
                            for (int p = 0; p < kh; p++)
                            {
                                long r = (i * strides[0]) - pads[0] + (p * dilations[0]);
                                for (int q = 0; q < kw; q++)
                                {
                                    long col = (j * strides[1]) - pads[1] + (q * dilations[1]);
                                    if (r >= 0 && r < h && col >= 0 && col < wd)
                                    {
                                        sum += x.Data[(((((s * c) + ch) * h) + r) * wd) + col] * w.Data[(((((o * cg) + ci) * kh) + p) * kw) + q];
                                    }
                                }
                            }
                        }

                        y[(((((s * m) + o) * oh) + i) * ow) + j] = sum;
                    }
                }
            }
        }

        return new RefTensor(new long[] { n, m, oh, ow }, y);
    }

    private static RefTensor ConvTranspose(RefTensor x, RefTensor w, RefTensor? b, long[]? pads, long[]? strides, long[]? outputPadding)
    {
        int n = x.Dim(0), c = x.Dim(1), h = x.Dim(2), wd = x.Dim(3);
        int m = w.Dim(1), kh = w.Dim(2), kw = w.Dim(3);
        pads ??= new long[4];
        strides ??= new long[] { 1, 1 };
        outputPadding ??= new long[2];
        int oh = (int)((strides[0] * (h - 1)) + outputPadding[0] + kh - pads[0] - pads[2]);
        int ow = (int)((strides[1] * (wd - 1)) + outputPadding[1] + kw - pads[1] - pads[3]);
        var y = new double[n * m * oh * ow];
        for (int s = 0; s < n; s++)
        {
            for (int o = 0; o < m; o++)
            {
                for (int k = 0; k < oh * ow; k++)
                {
                    y[(((s * m) + o) * oh * ow) + k] = b?.Data[o] ?? 0;
                }

                for (int ci = 0; ci < c; ci++)
                {
                    for (int i = 0; i < h; i++)
                    {
                        for (int j = 0; j < wd; j++)
                        {
                            double v = x.Data[(((((s * c) + ci) * h) + i) * wd) + j];
                            for (int p = 0; p < kh; p++)
                            {
                                long r = (i * strides[0]) + p - pads[0];
                                for (int q = 0; q < kw; q++)
                                {
                                    long col = (j * strides[1]) + q - pads[1];
                                    if (r >= 0 && r < oh && col >= 0 && col < ow)
                                    {
                                        y[(((((s * m) + o) * oh) + r) * ow) + col] += v * w.Data[(((((ci * m) + o) * kh) + p) * kw) + q];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        return new RefTensor(new long[] { n, m, oh, ow }, y);
    }

    private static RefTensor Gemm(RefTensor a, RefTensor b, RefTensor? c, bool transA, bool transB, double alpha, double beta)
    {
        int rows = transA ? a.Dim(1) : a.Dim(0), inner = transA ? a.Dim(0) : a.Dim(1), cols = transB ? b.Dim(0) : b.Dim(1);
        var y = new double[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            for (int col = 0; col < cols; col++)
            {
                double sum = 0;
                for (int k = 0; k < inner; k++)
                {
                    sum += a.Data[transA ? (k * rows) + r : (r * inner) + k] * b.Data[transB ? (col * inner) + k : (k * cols) + col];
                }

                y[(r * cols) + col] = alpha * sum;
            }
        }

        var result = new RefTensor(new long[] { rows, cols }, y);
        return c is null ? result : Broadcast(result, Map(c, v => beta * v), (p, q) => p + q);
    }

    private static RefTensor Softmax(RefTensor x, long axis)
    {
        axis = axis < 0 ? axis + x.Rank : axis;
        long outer = x.Dims.Take((int)axis).Aggregate(1L, (p, d) => p * d), size = x.Dims[axis], inner = x.Dims.Skip((int)axis + 1).Aggregate(1L, (p, d) => p * d);
        var y = new double[x.Data.Length];
        for (long o = 0; o < outer; o++)
        {
            for (long i = 0; i < inner; i++)
            {
                double max = double.NegativeInfinity, sum = 0;
                for (long k = 0; k < size; k++)
                {
                    max = Math.Max(max, x.Data[(((o * size) + k) * inner) + i]);
                }

                for (long k = 0; k < size; k++)
                {
                    sum += Math.Exp(x.Data[(((o * size) + k) * inner) + i] - max);
                }

                for (long k = 0; k < size; k++)
                {
                    long at = (((o * size) + k) * inner) + i;
                    y[at] = Math.Exp(x.Data[at] - max) / sum;
                }
            }
        }

        return new RefTensor(x.Dims, y);
    }

    private static RefTensor BatchNorm(RefTensor x, RefTensor scale, RefTensor bias, RefTensor mean, RefTensor variance, double epsilon)
    {
        int channels = x.Dim(1);
        long inner = x.Data.Length / x.Dims[0] / channels;
        var y = new double[x.Data.Length];
        for (int k = 0; k < y.Length; k++)
        {
            int c = (int)(k / inner % channels);
            y[k] = ((x.Data[k] - mean.Data[c]) / Math.Sqrt(variance.Data[c] + epsilon) * scale.Data[c]) + bias.Data[c];
        }

        return new RefTensor(x.Dims, y);
    }

    /// <summary>MaxPool and AveragePool as ONNX defines them: padded cells never win a max; an average counts them
    /// only with count_include_pad; ceil_mode adds a last window unless it would start in the end padding, and
    /// cells past the padded input are never counted.</summary>
    private static RefTensor Pool(RefTensor x, bool max, long[] kernel, long[]? pads, long[]? strides, bool ceil, bool countPad)
    {
        int n = x.Dim(0), c = x.Dim(1), h = x.Dim(2), w = x.Dim(3);
        pads ??= new long[4];
        strides ??= new long[] { 1, 1 };
        int OutSize(int size, long k, long s, long begin, long end)
        {
            double span = (size + begin + end - k) / (double)s;
            int o = (int)(ceil ? Math.Ceiling(span) : Math.Floor(span)) + 1;
            return ceil && (o - 1) * s >= size + begin ? o - 1 : o;
        }

        int oh = OutSize(h, kernel[0], strides[0], pads[0], pads[2]), ow = OutSize(w, kernel[1], strides[1], pads[1], pads[3]);
        var y = new double[n * c * oh * ow];
        for (int s = 0; s < n * c; s++)
        {
            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < ow; j++)
                {
                    double best = double.NegativeInfinity, sum = 0;
                    int count = 0;
                    for (long p = 0; p < kernel[0]; p++)
                    {
                        long r = (i * strides[0]) - pads[0] + p;
                        for (long q = 0; q < kernel[1]; q++)
                        {
                            long col = (j * strides[1]) - pads[1] + q;
                            bool inside = r >= 0 && r < h && col >= 0 && col < w;
                            bool inPadded = r < h + pads[2] && col < w + pads[3];
                            if (inside)
                            {
                                double v = x.Data[(((s * h) + r) * w) + col];
                                best = Math.Max(best, v);
                                sum += v;
                                count++;
                            }
                            else if (countPad && inPadded)
                            {
                                count++;
                            }
                        }
                    }

                    y[(((s * oh) + i) * ow) + j] = max ? best : sum / count;
                }
            }
        }

        return new RefTensor(new long[] { n, c, oh, ow }, y);
    }

    private static RefTensor Reduce(RefTensor x, long[] axes, bool keep, bool max)
    {
        long[] kept = x.Dims.Select((d, a) => axes.Contains(a) ? 1 : d).ToArray();
        long[] keptStrides = new RefTensor(kept, new double[kept.Aggregate(1L, (p, d) => p * d)]).Strides();
        var sums = Enumerable.Repeat(max ? double.NegativeInfinity : 0, (int)kept.Aggregate(1L, (p, d) => p * d)).ToArray();
        var index = new long[x.Rank];
        for (int k = 0; k < x.Data.Length; k++)
        {
            long target = 0;
            for (int a = 0; a < x.Rank; a++)
            {
                target += (axes.Contains(a) ? 0 : index[a]) * keptStrides[a];
            }

            sums[target] = max ? Math.Max(sums[target], x.Data[k]) : sums[target] + x.Data[k];
            for (int a = x.Rank - 1; a >= 0 && ++index[a] == x.Dims[a]; a--)
            {
                index[a] = 0;
            }
        }

        long count = x.Data.Length / sums.Length;
        double[] values = max ? sums : sums.Select(v => v / count).ToArray();
        return new RefTensor(keep ? kept : x.Dims.Where((d, a) => !axes.Contains(a)).ToArray(), values);
    }

    private static RefTensor Reshape(RefTensor x, long[] shape)
    {
        long[] dims = shape.Select((d, k) => d == 0 ? x.Dims[k] : d).ToArray();
        int inferred = Array.IndexOf(dims, -1L);
        if (inferred >= 0)
        {
            dims[inferred] = x.Data.Length / dims.Where(d => d != -1).Aggregate(1L, (p, d) => p * d);
        }

        return new RefTensor(dims, x.Data);
    }

    public static RefTensor Transpose(RefTensor x, long[] perm)
    {
        long[] dims = perm.Select(a => x.Dims[a]).ToArray();
        long[] strides = x.Strides();
        var y = new double[x.Data.Length];
        var index = new long[x.Rank];
        for (int k = 0; k < y.Length; k++)
        {
            long source = 0;
            for (int a = 0; a < x.Rank; a++)
            {
                source += index[a] * strides[perm[a]];
            }

            y[k] = x.Data[source];
            for (int a = x.Rank - 1; a >= 0 && ++index[a] == dims[a]; a--)
            {
                index[a] = 0;
            }
        }

        return new RefTensor(dims, y);
    }

    private static RefTensor Concat(List<RefTensor> parts, long axis)
    {
        RefTensor first = parts[0];
        axis = axis < 0 ? axis + first.Rank : axis;
        long outer = first.Dims.Take((int)axis).Aggregate(1L, (p, d) => p * d);
        var y = new List<double>();
        for (long o = 0; o < outer; o++)
        {
            foreach (RefTensor part in parts)
            {
                long block = part.Dims.Skip((int)axis).Aggregate(1L, (p, d) => p * d);
                y.AddRange(part.Data.Skip((int)(o * block)).Take((int)block));
            }
        }

        long[] dims = first.Dims.ToArray();
        dims[axis] = parts.Sum(p => p.Dims[axis]);
        return new RefTensor(dims, y.ToArray());
    }

    private static RefTensor Gather(RefTensor x, RefTensor indices, long axis)
    {
        axis = axis < 0 ? axis + x.Rank : axis;
        long outer = x.Dims.Take((int)axis).Aggregate(1L, (p, d) => p * d), size = x.Dims[axis], inner = x.Dims.Skip((int)axis + 1).Aggregate(1L, (p, d) => p * d);
        var y = new List<double>();
        for (long o = 0; o < outer; o++)
        {
            foreach (double index in indices.Data)
            {
                long i = index < 0 ? (long)index + size : (long)index;
                for (long k = 0; k < inner; k++)
                {
                    y.Add(x.Data[(((o * size) + i) * inner) + k]);
                }
            }
        }

        return new RefTensor(x.Dims.Take((int)axis).Concat(indices.Dims).Concat(x.Dims.Skip((int)axis + 1)).ToArray(), y.ToArray());
    }

    private static RefTensor Slice(RefTensor x, long[] starts, long[] ends, long[] axes, long[] steps)
    {
        long[] first = new long[x.Rank], step = Enumerable.Repeat(1L, x.Rank).ToArray(), dims = x.Dims.ToArray();
        for (int k = 0; k < axes.Length; k++)
        {
            int a = (int)(axes[k] < 0 ? axes[k] + x.Rank : axes[k]);
            long size = x.Dims[a], s = steps[k];
            long start = starts[k] < 0 ? starts[k] + size : starts[k];
            long end = ends[k] < 0 ? Math.Max(ends[k], long.MinValue / 2) + size : ends[k];
            start = s > 0 ? Math.Clamp(start, 0, size) : Math.Clamp(start, 0, size - 1);
            end = s > 0 ? Math.Clamp(end, 0, size) : Math.Clamp(end, -1, size - 1);
            var picked = new List<long>();
            for (long i = start; s > 0 ? i < end : i > end; i += s)
            {
                picked.Add(i);
            }

            first[a] = start;
            step[a] = s;
            dims[a] = picked.Count;
        }

        long[] strides = x.Strides();
        var y = new double[dims.Aggregate(1L, (p, d) => p * d)];
        var index = new long[x.Rank];
        for (int k = 0; k < y.Length; k++)
        {
            long source = 0;
            for (int a = 0; a < x.Rank; a++)
            {
                source += (first[a] + (index[a] * step[a])) * strides[a];
            }

            y[k] = x.Data[source];
            for (int a = x.Rank - 1; a >= 0 && ++index[a] == dims[a]; a--)
            {
                index[a] = 0;
            }
        }

        return new RefTensor(dims, y);
    }

    private static RefTensor Resize(RefTensor x, RefTensor scales, string mode, string transform, string nearest)
    {
        int n = x.Dim(0), c = x.Dim(1), h = x.Dim(2), w = x.Dim(3);
        int oh = (int)Math.Floor(h * scales.Data[2]), ow = (int)Math.Floor(w * scales.Data[3]);
        double Source(int o, int input, int output, double scale) => transform switch
        {
            "asymmetric" => o / scale,
            "pytorch_half_pixel" => output > 1 ? ((o + 0.5) / scale) - 0.5 : 0,
            _ => ((o + 0.5) / scale) - 0.5,
        };
        var y = new double[n * c * oh * ow];
        for (int s = 0; s < n * c; s++)
        {
            for (int i = 0; i < oh; i++)
            {
                double fi = Source(i, h, oh, scales.Data[2]);
                for (int j = 0; j < ow; j++)
                {
                    double fj = Source(j, w, ow, scales.Data[3]);
                    double At(long r, long col) => x.Data[(((s * h) + Math.Clamp(r, 0, h - 1)) * w) + Math.Clamp(col, 0, w - 1)];
                    if (mode == "nearest")
                    {
                        long Round(double v) => nearest switch
                        {
                            "floor" => (long)Math.Floor(v),
                            "ceil" => (long)Math.Ceiling(v),
                            "round_prefer_ceil" => (long)Math.Floor(v + 0.5),
                            _ => (long)Math.Ceiling(v - 0.5),
                        };
                        y[(((s * oh) + i) * ow) + j] = At(Round(fi), Round(fj));
                    }
                    else
                    {
                        double ci = Math.Clamp(fi, 0, h - 1), cj = Math.Clamp(fj, 0, w - 1);
                        long i0 = (long)Math.Floor(ci), j0 = (long)Math.Floor(cj);
                        double di = ci - i0, dj = cj - j0;
                        y[(((s * oh) + i) * ow) + j] = (At(i0, j0) * (1 - di) * (1 - dj)) + (At(i0, j0 + 1) * (1 - di) * dj)
                            + (At(i0 + 1, j0) * di * (1 - dj)) + (At(i0 + 1, j0 + 1) * di * dj);
                    }
                }
            }
        }

        return new RefTensor(new long[] { n, c, oh, ow }, y);
    }

    private static RefTensor Pad(RefTensor x, long[] pads, double value)
    {
        int rank = x.Rank;
        long[] dims = x.Dims.Select((d, a) => d + pads[a] + pads[a + rank]).ToArray();
        var y = Enumerable.Repeat(value, (int)dims.Aggregate(1L, (p, d) => p * d)).ToArray();
        long[] strides = new RefTensor(dims, y).Strides();
        var index = new long[rank];
        for (int k = 0; k < x.Data.Length; k++)
        {
            long target = 0;
            bool inside = true;
            for (int a = 0; a < rank; a++)
            {
                long at = index[a] + pads[a];
                inside &= at >= 0 && at < dims[a];
                target += at * strides[a];
            }

            if (inside)
            {
                y[target] = x.Data[k];
            }

            for (int a = rank - 1; a >= 0 && ++index[a] == x.Dims[a]; a--)
            {
                index[a] = 0;
            }
        }

        return new RefTensor(dims, y);
    }

    /// <summary>The error function in double precision: its power series below 2, the continued fraction of erfc
    /// above.</summary>
    public static double Erf(double x)
    {
        double a = Math.Abs(x);
        double result;
        if (a < 2)
        {
            double term = a, sum = a;
            for (int n = 1; n < 60; n++)
            {
                term *= -a * a / n;
                sum += term / ((2 * n) + 1);
            }

            result = sum * 2 / Math.Sqrt(Math.PI);
        }
        else
        {
            double fraction = 0;
            for (int k = 80; k >= 1; k--)
            {
                fraction = k / 2.0 / (a + fraction);
            }

            result = 1 - (Math.Exp(-a * a) / Math.Sqrt(Math.PI) / (a + fraction));
        }

        return x < 0 ? -result : result;
    }
}
