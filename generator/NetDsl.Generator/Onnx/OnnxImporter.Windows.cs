using System;
using System.Linq;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Shapes;

namespace NetDsl.Generator.Onnx;

/// <summary>Operators that slide a window over an NCHW map (convolutions, pooling), resample it or pad it, and the
/// choice between Keras's same padding and an explicit ZeroPadding2D.</summary>
internal sealed partial class OnnxImporter
{
    // ---- Convolutions ----

    private void ImportConv(OnnxNode node)
    {
        ImportedValue x = SpatialInput(node, 0);
        OnnxTensor w = Constant(node, 1, "weight");
        if (w.Dims.Length != 4)
        {
            throw new UnsupportedNodeException($"its weight has dims [{string.Join(", ", w.Dims)}]; NetDsl imports 2-D convolutions (a 4-D weight)");
        }

        int filters = (int)w.Dims[0], perGroup = (int)w.Dims[1], kh = (int)w.Dims[2], kw = (int)w.Dims[3];
        long group = Int(node, "group", 1);
        int channels = x.Channels;
        bool depthwise = group != 1;
        if (depthwise && !(group == channels && perGroup == 1 && filters % channels == 0))
        {
            throw new UnsupportedNodeException($"it is a grouped convolution (group {group}, {channels} input channels, {filters} filters); NetDsl has Conv2D (group 1) and DepthwiseConv2D (group = input channels)");
        }

        if (!depthwise && perGroup != channels)
        {
            throw new UnsupportedNodeException($"its weight reads {perGroup} channels, but its input {x.Describe()} has {channels}");
        }

        CheckKernelShape(node, kh, kw);
        (int sh, int sw) = Pair(node, "strides");
        (int dh, int dw) = Pair(node, "dilations");
        if ((dh > 1 || dw > 1) && (sh > 1 || sw > 1))
        {
            throw new UnsupportedNodeException($"it has dilations {dh}x{dw} with strides {sh}x{sw}; as in Keras, NetDsl dilates only convolutions of stride 1");
        }

        int eh = Size(((long)(kh - 1) * dh) + 1, "dilated kernel height"), ew = Size(((long)(kw - 1) * dw) + 1, "dilated kernel width");
        Border pads = ExplicitPads(node, x, eh, ew, sh, sw);
        Padding padding = ChoosePadding(node, x, eh, ew, sh, sw, pads, allowSame: true, zerosExact: true, why: string.Empty);
        x = PadIfNeeded(node, x, padding == Padding.Valid ? pads : default);
        Shape output = WindowOutput(node, x, eh, ew, sh, sw, padding, filters);
        OnnxTensor? bias = OptionalConstant(node, 2, "bias");
        CheckLength(bias, filters, "bias");

        int multiplier = filters / channels;
        ImportedLayer layer = AddLayer(node, depthwise ? DepthwiseConv2D : Conv2D, new[] { x }, output);
        if (!depthwise)
        {
            layer.With(Conv2DLayer.Filters, filters);
        }

        layer.With(Conv2DLayer.KernelHeight, kh).With(Conv2DLayer.KernelWidth, kw);
        WithStrides(layer, sh, sw, 1, 1);
        if (dh != 1 || dw != 1)
        {
            layer.With(CommonSettings.DilationHeight, dh).With(CommonSettings.DilationWidth, dw);
        }

        if (depthwise && multiplier != 1)
        {
            layer.With(CommonSettings.DepthMultiplier, multiplier);
        }

        WithPadding(layer, padding);
        if (depthwise)
        {
            layer.WithTensor("depthwise_kernel", new[] { kh, kw, channels, multiplier }, WeightLayouts.DepthwiseKernel(w.ToFloats(), channels, multiplier, kh, kw));
        }
        else
        {
            layer.WithTensor("kernel", new[] { kh, kw, channels, filters }, WeightLayouts.ConvKernel(w.ToFloats(), filters, channels, kh, kw));
        }

        if (bias is not null)
        {
            layer.WithTensor("bias", new[] { filters }, bias.ToFloats());
        }

        Produce(node, layer, ValueLayout.ChannelsFirst);
    }

    private void ImportConvTranspose(OnnxNode node)
    {
        ImportedValue x = SpatialInput(node, 0);
        OnnxTensor w = Constant(node, 1, "weight");
        if (w.Dims.Length != 4)
        {
            throw new UnsupportedNodeException($"its weight has dims [{string.Join(", ", w.Dims)}]; NetDsl imports 2-D transposed convolutions (a 4-D weight)");
        }

        int channels = (int)w.Dims[0], filters = (int)w.Dims[1], kh = (int)w.Dims[2], kw = (int)w.Dims[3];
        long group = Int(node, "group", 1);
        if (group != 1)
        {
            throw new UnsupportedNodeException($"it is a grouped transposed convolution (group {group}); NetDsl's Conv2DTranspose has one group");
        }

        if (channels != x.Channels)
        {
            throw new UnsupportedNodeException($"its weight reads {channels} channels, but its input {x.Describe()} has {x.Channels}");
        }

        CheckKernelShape(node, kh, kw);
        (int sh, int sw) = Pair(node, "strides");
        (int dh, int dw) = Pair(node, "dilations");
        if (dh != 1 || dw != 1)
        {
            throw new UnsupportedNodeException($"it has dilations {dh}x{dw}; NetDsl's Conv2DTranspose has none");
        }

        (int top, int height) = TransposedAxis(node, 0, x.Height, kh, sh);
        (int left, int width) = TransposedAxis(node, 1, x.Width, kw, sw);

        // Keras's same: out = in * s, its window padding; valid: out = in * s + max(k - s, 0), no padding. Both are
        // the full transposed convolution cropped (or extended with bias only) at the end, as ONNX's result is.
        Shape same = Shape.Map(Size((long)x.Height * sh, "output height"), Size((long)x.Width * sw, "output width"), filters);
        WindowMath.TryResolve(same, kh, kw, sh, sw, Padding.Same, out Window window, out _, out _);
        int validHeight = Size((long)same.Height + Math.Max(kh - sh, 0), "output height"), validWidth = Size((long)same.Width + Math.Max(kw - sw, 0), "output width");
        Padding padding;
        var crop = default(Border);
        if (height == same.Height && width == same.Width && top == window.PadTop && left == window.PadLeft)
        {
            padding = Padding.Same;
        }
        else
        {
            padding = Padding.Valid;
            crop = new Border(top, validHeight - top - height, left, validWidth - left - width);
            if (crop.Bottom < 0 || crop.Right < 0)
            {
                throw new UnsupportedNodeException($"its {height}x{width} output reaches past Keras's valid {validHeight}x{validWidth} (output_padding beyond the stride); NetDsl's Conv2DTranspose cannot compute it");
            }
        }

        OnnxTensor? bias = OptionalConstant(node, 2, "bias");
        CheckLength(bias, filters, "bias");
        Shape output = padding == Padding.Same ? same : Shape.Map(validHeight, validWidth, filters);
        ImportedLayer layer = AddLayer(node, Conv2DTranspose, new[] { x }, output)
            .With(Conv2DLayer.Filters, filters).With(Conv2DLayer.KernelHeight, kh).With(Conv2DLayer.KernelWidth, kw);
        WithStrides(layer, sh, sw, 1, 1);
        WithPadding(layer, padding);
        layer.WithTensor("kernel", new[] { kh, kw, filters, channels }, WeightLayouts.TransposedConvKernel(w.ToFloats(), channels, filters, kh, kw));
        if (bias is not null)
        {
            layer.WithTensor("bias", new[] { filters }, bias.ToFloats());
        }

        if (crop.IsZero)
        {
            Produce(node, layer, ValueLayout.ChannelsFirst);
            return;
        }

        ImportedValue full = new(layer.Index, output, ValueLayout.ChannelsFirst);
        ImportedLayer cropping = AddLayer(node, Cropping2D, new[] { full }, Shape.Map(height, width, filters), "crop_" + LayerNames.FromNode(node));
        WithBorder(cropping, crop);
        Produce(node, cropping, ValueLayout.ChannelsFirst);
    }

    /// <summary>One axis of a ConvTranspose: the rows its output drops at the start and its size (from
    /// <c>pads</c>, or from <c>output_shape</c> and <c>auto_pad</c> as ONNX derives the padding).</summary>
    private static (int Begin, int Size) TransposedAxis(OnnxNode node, int axis, int input, int kernel, int stride)
    {
        long[] outputPadding = Ints(node, "output_padding") ?? new long[2];
        long[]? outputShape = Ints(node, "output_shape");
        string autoPad = Text(node, "auto_pad", "NOTSET");
        if (outputPadding.Length != 2 || outputPadding.Any(p => p is < 0 or > int.MaxValue / 4) || (outputShape is not null && outputShape.Length is not (2 or 4)))
        {
            throw new UnsupportedNodeException("its output_padding or output_shape does not have one value per spatial axis");
        }

        long full = ((long)stride * (input - 1)) + outputPadding[axis] + kernel;
        if (outputShape is not null || autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            long size = outputShape is null ? (long)input * stride : outputShape[outputShape.Length - 2 + axis];
            long total = full - size;
            if (total < 0 || size < 1)
            {
                throw new UnsupportedNodeException($"its output_shape asks for {size} rows or columns where the transposed convolution has {full}");
            }

            return ((int)(autoPad == "SAME_UPPER" ? total / 2 : total - (total / 2)), Size(size, "output size"));
        }

        if (autoPad == "VALID")
        {
            return (0, Size(full, "output size"));
        }

        long[] pads = Ints(node, "pads") ?? new long[4];
        if (pads.Length != 4 || pads.Any(p => p is < 0 or > int.MaxValue / 4) || full - pads[axis] - pads[axis + 2] < 1)
        {
            throw new UnsupportedNodeException($"its pads [{string.Join(", ", pads)}] are not four non-negative values that leave an output");
        }

        return ((int)pads[axis], Size(full - pads[axis] - pads[axis + 2], "output size"));
    }

    // ---- Pooling ----

    private void ImportPool(OnnxNode node)
    {
        bool max = node.OpType == "MaxPool";
        ImportedValue x = SpatialInput(node, 0);
        long[]? kernel = Ints(node, "kernel_shape");
        if (kernel is not { Length: 2 } || kernel.Any(k => k is < 1 or > int.MaxValue))
        {
            throw new UnsupportedNodeException($"its kernel_shape {(kernel is null ? "is missing" : "[" + string.Join(", ", kernel) + "]")}; NetDsl imports 2-D pooling windows");
        }

        int kh = (int)kernel[0], kw = (int)kernel[1];
        (int sh, int sw) = Pair(node, "strides");
        (int dh, int dw) = Pair(node, "dilations");
        if (dh != 1 || dw != 1)
        {
            throw new UnsupportedNodeException($"its window is dilated ({dh}x{dw}); NetDsl's pooling windows are not");
        }

        if (max && node.Outputs.Count > 1 && Readers(node.Outputs[1]) > 0)
        {
            throw new UnsupportedNodeException("the graph reads the indices of its maxima");
        }

        Border pads = ExplicitPads(node, x, kh, kw, sh, sw);
        if (Int(node, "ceil_mode", 0) != 0)
        {
            // ceil_mode adds a last window where the floor would drop one: padding at the end that is never counted.
            var ceiled = new Border(pads.Top, pads.Bottom + CeilExtra(x.Height, kh, sh, pads.Top, pads.Bottom), pads.Left, pads.Right + CeilExtra(x.Width, kw, sw, pads.Left, pads.Right));
            if (!max && ceiled != pads)
            {
                throw new UnsupportedNodeException("with ceil_mode its last windows reach past the padded input, and ONNX averages them over the cells they cover; NetDsl cannot count those");
            }

            pads = ceiled;
        }

        bool countsPadding = !max && Int(node, "count_include_pad", 0) != 0;
        string why = max
            ? "max pooling pads with negative infinity; NetDsl's same padding is that only where it equals Keras's, and zeros are that only after a non-negative activation (ReLU, ReLU6, sigmoid, ...)"
            : countsPadding ? string.Empty : "average pooling without counting the padding (count_include_pad = 0) is NetDsl's same padding only where it equals Keras's";
        Padding padding = ChoosePadding(node, x, kh, kw, sh, sw, pads, allowSame: !countsPadding, zerosExact: max ? x.NonNegative : countsPadding, why);
        x = PadIfNeeded(node, x, padding == Padding.Valid ? pads : default);
        Shape output = WindowOutput(node, x, kh, kw, sh, sw, padding, x.Channels);
        ImportedLayer layer = AddLayer(node, max ? MaxPooling2D : AveragePooling2D, new[] { x }, output)
            .With(Pooling2DLayer.PoolHeight, kh).With(Pooling2DLayer.PoolWidth, kw);
        WithStrides(layer, sh, sw, kh, kw);
        WithPadding(layer, padding);
        Produce(node, layer, ValueLayout.ChannelsFirst, x.NonNegative);
    }

    /// <summary>The padding ceil_mode adds at the end of an axis: enough for one more window, unless that window
    /// would start in the end padding (which ONNX and PyTorch drop).</summary>
    private static int CeilExtra(int input, int kernel, int stride, int begin, int end)
    {
        long span = (long)input + begin + end - kernel;
        if (span < 0)
        {
            return 0;
        }

        long outFloor = (span / stride) + 1, outCeil = ((span + stride - 1) / stride) + 1;
        if ((outCeil - 1) * stride >= (long)input + begin)
        {
            outCeil--;
        }

        return outCeil > outFloor ? (int)(((outCeil - 1) * stride) + kernel - ((long)input + begin + end)) : 0;
    }

    private void ImportGlobalPool(OnnxNode node)
    {
        ImportedValue x = Value(node, 0);
        if (x.Layout != ValueLayout.ChannelsFirst)
        {
            throw new UnsupportedNodeException($"it pools {x.Describe()}, which is not an NCHW map");
        }

        GlobalPool(node, x, node.OpType == "GlobalMaxPool", ValueLayout.ChannelsFirst);
    }

    /// <summary>ReduceMean or ReduceMax over the height and width of a map (tf2onnx's global pooling, axes 1 and 2
    /// of NHWC; or 2 and 3 of NCHW): a global pooling, the reduced axes kept or not.</summary>
    private void ImportReduce(OnnxNode node)
    {
        ImportedValue x = Value(node, 0);
        long[]? given = _opset >= 18 ? (HasInput(node, 1) ? Integers(node, 1, "axes").Values : null) : Ints(node, "axes");
        long[] axes = (given ?? Array.Empty<long>()).Select(a => a < 0 ? a + x.Rank : a).OrderBy(a => a).ToArray();
        long[] spatial = x.Layout == ValueLayout.ChannelsLast ? new long[] { 1, 2 } : new long[] { 2, 3 };
        if (x.Rank != 4 || !axes.SequenceEqual(spatial))
        {
            throw new UnsupportedNodeException($"it reduces axes [{string.Join(", ", axes)}] of {x.Describe()}; NetDsl imports a mean or maximum over the height and width of a map (global pooling)");
        }

        bool keep = Int(node, "keepdims", 1) != 0;
        GlobalPool(node, x, node.OpType == "ReduceMax", keep ? x.Layout : ValueLayout.Features);
    }

    private void GlobalPool(OnnxNode node, ImportedValue x, bool max, ValueLayout layout)
    {
        if (!x.Shape.IsMap)
        {
            Alias(node, x with { Layout = layout });
            return;
        }

        ImportedLayer layer = AddLayer(node, max ? GlobalMaxPooling2D : GlobalAveragePooling2D, new[] { x }, Shape.Vector(x.Channels));
        Produce(node, layer, layout, x.NonNegative);
    }

    // ---- Resampling and borders ----

    private void ImportResize(OnnxNode node)
    {
        ImportedValue x = SpatialInput(node, 0);
        bool upsample = node.OpType == "Upsample";
        string mode = Text(node, "mode", "nearest");
        OnnxTensor? scales = upsample
            ? (_opset < 9 ? null : OptionalConstant(node, 1, "scales"))
            : OptionalConstant(node, _opset < 11 ? 1 : 2, "scales");
        double[]? factors = upsample && _opset < 9 ? node.Attribute("scales")?.Floats.Select(f => (double)f).ToArray() : scales?.Values;
        if (factors is null && !upsample && _opset >= 11 && HasInput(node, 3))
        {
            IntegerTensor sizes = Integers(node, 3, "sizes");
            long[] dims = x.Dims;
            factors = sizes.Values.Length == 4
                ? new[] { 1.0, sizes.Values[1] / (double)dims[0], sizes.Values[2] / (double)dims[1], sizes.Values[3] / (double)dims[2] }
                : null;
        }

        if (factors is not { Length: 4 } || factors[0] != 1 || factors[1] != 1 || factors.Skip(2).Any(f => !(f is >= 1 and <= 65536) || Math.Abs(f - Math.Round(f)) > 1e-6))
        {
            throw new UnsupportedNodeException($"it resizes by [{(factors is null ? "?" : string.Join(", ", factors))}]; NetDsl's UpSampling2D enlarges height and width by whole factors");
        }

        if (node.Attribute("axes") is not null)
        {
            throw new UnsupportedNodeException("it names the axes it resizes; NetDsl imports resizes of all four axes");
        }

        int fh = (int)Math.Round(factors[2]), fw = (int)Math.Round(factors[3]);
        string transform = upsample ? "asymmetric" : Text(node, "coordinate_transformation_mode", "half_pixel");
        string nearest = upsample ? "floor" : Text(node, "nearest_mode", "round_prefer_floor");
        Interpolation interpolation;
        if (mode == "nearest")
        {
            if (!RepeatsPixels(transform, nearest, fh, x.Height) || !RepeatsPixels(transform, nearest, fw, x.Width))
            {
                throw new UnsupportedNodeException($"its nearest resize ({transform}, {nearest}) does not repeat each pixel {fh}x{fw} times, as NetDsl's UpSampling2D does");
            }

            interpolation = Interpolation.Nearest;
        }
        else if (mode is "linear" or "bilinear" && (transform == "half_pixel" || (transform == "pytorch_half_pixel" && x.Height * fh > 1 && x.Width * fw > 1)))
        {
            interpolation = Interpolation.Bilinear;
        }
        else
        {
            throw new UnsupportedNodeException($"it resizes with mode {mode} ({transform}); NetDsl's UpSampling2D is nearest or bilinear with half-pixel centres");
        }

        ImportedLayer layer = AddLayer(node, UpSampling2D, new[] { x }, Shape.Map(Size((long)x.Height * fh, "output height"), Size((long)x.Width * fw, "output width"), x.Channels))
            .With(SizeHeight, fh).With(SizeWidth, fw);
        if (interpolation != Interpolation.Nearest)
        {
            layer.With(InterpolationSetting, (int)interpolation);
        }

        Produce(node, layer, ValueLayout.ChannelsFirst, x.NonNegative);
    }

    /// <summary>Whether ONNX's nearest resize by a whole <paramref name="factor"/> takes output pixel <c>o</c>
    /// from input pixel <c>o / factor</c> for every pixel of the axis (as Resize's reference computes it).</summary>
    private static bool RepeatsPixels(string transform, string nearest, int factor, int input)
    {
        int output = input * factor;
        for (int o = 0; o < output; o++)
        {
            double at = transform switch
            {
                "asymmetric" => o / (double)factor,
                "half_pixel" => ((o + 0.5) / factor) - 0.5,
                "pytorch_half_pixel" => output > 1 ? ((o + 0.5) / factor) - 0.5 : 0,
                "tf_half_pixel_for_nn" => (o + 0.5) / factor,
                "align_corners" => output > 1 ? o * (input - 1) / (double)(output - 1) : 0,
                _ => double.NaN,
            };
            double source = nearest switch
            {
                "floor" => Math.Floor(at),
                "ceil" => Math.Ceiling(at),
                "round_prefer_ceil" => Math.Floor(at + 0.5),
                "round_prefer_floor" => Math.Ceiling(at - 0.5),
                _ => double.NaN,
            };
            if (Math.Min(Math.Max(source, 0), input - 1) != o / factor)
            {
                return false;
            }
        }

        return true;
    }

    private void ImportPad(OnnxNode node)
    {
        ImportedValue x = Value(node, 0);
        bool channelsLast = x.Layout == ValueLayout.ChannelsLast;
        if (!channelsLast)
        {
            x = SpatialInput(node, 0);
        }

        if (!x.Shape.IsMap)
        {
            throw new UnsupportedNodeException($"it pads {x.Describe()}, which is not a map");
        }

        // The axes of height and width in ONNX's [n, C, H, W] or [n, H, W, C].
        int h = channelsLast ? 1 : 2, w = channelsLast ? 2 : 3, c = channelsLast ? 3 : 1;
        if (Text(node, "mode", "constant") != "constant")
        {
            throw new UnsupportedNodeException($"it pads in {Text(node, "mode", "constant")} mode; NetDsl's ZeroPadding2D pads with zeros");
        }

        long[] pads = _opset >= 11 ? Integers(node, 1, "pads").Values : Ints(node, "pads") ?? Array.Empty<long>();
        OnnxTensor? fill = _opset >= 11 ? OptionalConstant(node, 2, "constant value") : null;
        double value = _opset >= 11 ? fill?.Values[0] ?? 0 : Float(node, "value", 0f);
        if (HasInput(node, 3))
        {
            throw new UnsupportedNodeException("it names the axes it pads; NetDsl imports pads of all four axes of a map");
        }

        if (value != 0 || pads.Length != 8 || pads[0] != 0 || pads[c] != 0 || pads[4] != 0 || pads[4 + c] != 0)
        {
            throw new UnsupportedNodeException($"it pads by [{string.Join(", ", pads)}] with {Format(value)}; NetDsl's ZeroPadding2D adds zeros around the height and width of a map");
        }

        if (pads.Any(p => p is < -int.MaxValue / 4 or > int.MaxValue / 4))
        {
            throw new UnsupportedNodeException($"it pads by [{string.Join(", ", pads)}], more than NetDsl computes");
        }

        var border = new Border((int)pads[h], (int)pads[4 + h], (int)pads[w], (int)pads[4 + w]);
        if (border.IsZero)
        {
            Alias(node, x);
            return;
        }

        bool adds = pads.All(p => p >= 0);
        if (!adds && !pads.All(p => p <= 0))
        {
            throw new UnsupportedNodeException($"it pads some sides and crops others ([{string.Join(", ", pads)}])");
        }

        Border size = adds ? border : new Border(-border.Top, -border.Bottom, -border.Left, -border.Right);
        int sign = adds ? 1 : -1;
        var output = Shape.Map(Size(x.Height + ((long)sign * (size.Top + size.Bottom)), "height"), Size(x.Width + ((long)sign * (size.Left + size.Right)), "width"), x.Channels);
        ImportedLayer layer = AddLayer(node, adds ? ZeroPadding2D : Cropping2D, new[] { x }, output);
        WithBorder(layer, size);
        Produce(node, layer, x.Layout, x.NonNegative);
    }

    // ---- Windows and padding ----

    /// <summary>The input of a spatial layer: an NCHW value; a pooled vector becomes a 1x1 map first.</summary>
    private ImportedValue SpatialInput(OnnxNode node, int slot)
    {
        ImportedValue x = Value(node, slot);
        if (x.Layout != ValueLayout.ChannelsFirst)
        {
            throw new UnsupportedNodeException($"it reads {x.Describe()} as NCHW, but that value is {(x.Rank == 4 ? "laid out NHWC" : "a batch of vectors")}");
        }

        if (x.Shape.IsMap)
        {
            return x;
        }

        ImportedLayer layer = AddLayer(node, Reshape, new[] { x }, Shape.Map(1, 1, x.Channels), "reshape_" + LayerNames.FromNode(node))
            .With(InputLayer.Height, 1).With(InputLayer.Width, 1).With(InputLayer.Channels, x.Channels);
        return new ImportedValue(layer.Index, layer.Output, ValueLayout.ChannelsFirst, NonNegative: x.NonNegative);
    }

    /// <summary>The rows and columns a window adds on each side, from <c>auto_pad</c> and <c>pads</c>.</summary>
    private static Border ExplicitPads(OnnxNode node, ImportedValue x, int kh, int kw, int sh, int sw)
    {
        string autoPad = Text(node, "auto_pad", "NOTSET");
        switch (autoPad)
        {
            case "VALID":
                return default;
            case "SAME_UPPER":
            case "SAME_LOWER":
                WindowMath.TryResolve(x.Shape, kh, kw, sh, sw, Padding.Same, out Window same, out _, out _);
                return autoPad == "SAME_UPPER"
                    ? new Border(same.PadTop, same.PadBottom, same.PadLeft, same.PadRight)
                    : new Border(same.PadBottom, same.PadTop, same.PadRight, same.PadLeft);
            case "NOTSET":
                long[] pads = Ints(node, "pads") ?? new long[4];
                if (pads.Length != 4 || pads.Any(p => p is < 0 or > int.MaxValue / 4))
                {
                    throw new UnsupportedNodeException($"its pads [{string.Join(", ", pads)}] are not four non-negative values (top, left, bottom, right)");
                }

                return new Border((int)pads[0], (int)pads[2], (int)pads[1], (int)pads[3]);
            default:
                throw new UnsupportedNodeException($"its auto_pad is '{autoPad}'");
        }
    }

    /// <summary>
    /// Valid when nothing is padded; same when the padding is Keras's (and <paramref name="allowSame"/>: NetDsl's
    /// same never counts padded cells); else valid after a ZeroPadding2D, when zeros give ONNX's result
    /// (<paramref name="zerosExact"/>), or a problem saying <paramref name="why"/> not.
    /// </summary>
    private static Padding ChoosePadding(OnnxNode node, ImportedValue x, int kh, int kw, int sh, int sw, Border pads, bool allowSame, bool zerosExact, string why)
    {
        if (pads.IsZero)
        {
            return Padding.Valid;
        }

        WindowMath.TryResolve(x.Shape, kh, kw, sh, sw, Padding.Same, out Window same, out _, out _);
        if (allowSame && pads == new Border(same.PadTop, same.PadBottom, same.PadLeft, same.PadRight))
        {
            return Padding.Same;
        }

        if (zerosExact)
        {
            return Padding.Valid;
        }

        throw new UnsupportedNodeException($"it pads {x.Describe()} by {pads} where Keras's same padding is {new Border(same.PadTop, same.PadBottom, same.PadLeft, same.PadRight)}; {why}");
    }

    /// <summary>A ZeroPadding2D before a window that pads other than Keras's same.</summary>
    private ImportedValue PadIfNeeded(OnnxNode node, ImportedValue x, Border pads)
    {
        if (pads.IsZero)
        {
            return x;
        }

        var padded = Shape.Map(Size((long)x.Height + pads.Top + pads.Bottom, "padded height"), Size((long)x.Width + pads.Left + pads.Right, "padded width"), x.Channels);
        ImportedLayer layer = AddLayer(node, ZeroPadding2D, new[] { x }, padded, "pad_" + LayerNames.FromNode(node));
        WithBorder(layer, pads);
        return new ImportedValue(layer.Index, padded, ValueLayout.ChannelsFirst, NonNegative: x.NonNegative);
    }

    private static Shape WindowOutput(OnnxNode node, ImportedValue x, int kh, int kw, int sh, int sw, Padding padding, int channels)
    {
        if (!WindowMath.TryResolve(x.Shape, kh, kw, sh, sw, padding, out _, out int height, out int width))
        {
            throw new UnsupportedNodeException($"its {kh}x{kw} window does not fit its input {x.Describe()}");
        }

        return Shape.Map(height, width, channels);
    }

    /// <summary>A size the graph's numbers make, or a problem when it leaves what NetDsl computes with.</summary>
    private static int Size(long value, string what) =>
        value is >= 1 and <= int.MaxValue / 2 ? (int)value : throw new UnsupportedNodeException($"its {what} would be {value}, outside what NetDsl computes (1 to {int.MaxValue / 2:N0})");

    private static void CheckKernelShape(OnnxNode node, int kh, int kw)
    {
        long[]? shape = Ints(node, "kernel_shape");
        if (shape is not null && !(shape.Length == 2 && shape[0] == kh && shape[1] == kw))
        {
            throw new UnsupportedNodeException($"its kernel_shape [{string.Join(", ", shape)}] is not its weight's {kh}x{kw}");
        }
    }

    private static void CheckLength(OnnxTensor? tensor, int length, string role)
    {
        if (tensor is not null && tensor.ElementCount != length)
        {
            throw new UnsupportedNodeException($"its {role} '{tensor.Name}' has {tensor.ElementCount} values where {length} are needed");
        }
    }

    /// <summary>A pair of window settings (strides, dilations): 1x1 when not given.</summary>
    private static (int, int) Pair(OnnxNode node, string name)
    {
        long[]? values = Ints(node, name);
        if (values is null)
        {
            return (1, 1);
        }

        if (values.Length != 2 || values.Any(v => v is < 1 or > int.MaxValue / 4))
        {
            throw new UnsupportedNodeException($"its {name} [{string.Join(", ", values)}] are not two positive values (a 2-D window)");
        }

        return ((int)values[0], (int)values[1]);
    }

    private static void WithStrides(ImportedLayer layer, int sh, int sw, int defaultHeight, int defaultWidth)
    {
        if (sh != defaultHeight || sw != defaultWidth)
        {
            layer.With(CommonSettings.StrideHeight, sh).With(CommonSettings.StrideWidth, sw);
        }
    }

    private static void WithPadding(ImportedLayer layer, Padding padding)
    {
        if (padding == Padding.Same)
        {
            layer.With(CommonSettings.Padding, (int)Padding.Same);
        }
    }

    /// <summary>A ZeroPadding2D's or Cropping2D's sides, as the text writes them: <c>1x2</c> when symmetric.</summary>
    private static void WithBorder(ImportedLayer layer, Border border)
    {
        if (border.Top == border.Bottom && border.Left == border.Right)
        {
            layer.With(InputLayer.Height, border.Top).With(InputLayer.Width, border.Left);
        }
        else
        {
            layer.With(Top, border.Top).With(Bottom, border.Bottom).With(Left, border.Left).With(Right, border.Right);
        }
    }

    /// <summary>Rows and columns a window pads (or a Cropping2D removes) on each side.</summary>
    private readonly record struct Border(int Top, int Bottom, int Left, int Right)
    {
        public bool IsZero => Top == 0 && Bottom == 0 && Left == 0 && Right == 0;

        public override string ToString() => $"{Top}/{Bottom}/{Left}/{Right} (top/bottom/left/right)";
    }
}
