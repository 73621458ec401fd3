using System;

namespace NetDsl.Interop;

/// <summary>The layers without weights (activations, pooling, shapes, merges, resampling) and BatchNormalization.</summary>
public sealed partial class OnnxExport
{
    /// <summary>
    /// Keras <c>Activation</c> (and <c>LeakyReLU</c>, with its <paramref name="negativeSlope"/>): the element-wise
    /// activation, or softmax over the channels of each pixel (the features of a vector). Linear returns
    /// <paramref name="input"/> itself.
    /// </summary>
    public string Activation(string name, string input, Activation activation, float negativeSlope = Kernels.ActivationKernels.DefaultLeakyReLUSlope) =>
        Activate(name, Get(input), activation, negativeSlope).Name;

    /// <summary>Keras <c>MaxPooling2D</c>: ONNX <c>MaxPool</c> with explicit padding (padded positions never win).</summary>
    public string MaxPooling2D(string name, string input, int poolHeight, int poolWidth, int strideHeight, int strideWidth, int padTop, int padBottom, int padLeft, int padRight) =>
        Pool(name, input, "MaxPool", "MaxPooling2D", poolHeight, poolWidth, strideHeight, strideWidth, padTop, padBottom, padLeft, padRight);

    /// <summary>Keras <c>AveragePooling2D</c>: ONNX <c>AveragePool</c> with explicit padding, each window averaged
    /// over the input pixels it covers (<c>count_include_pad = 0</c>, as Keras's <c>same</c>).</summary>
    public string AveragePooling2D(string name, string input, int poolHeight, int poolWidth, int strideHeight, int strideWidth, int padTop, int padBottom, int padLeft, int padRight) =>
        Pool(name, input, "AveragePool", "AveragePooling2D", poolHeight, poolWidth, strideHeight, strideWidth, padTop, padBottom, padLeft, padRight);

    /// <summary>Keras <c>GlobalAveragePooling2D</c>: the mean over height and width, a vector of the channels.</summary>
    public string GlobalAveragePooling2D(string name, string input) => GlobalPool(name, input, "ReduceMean", "GlobalAveragePooling2D");

    /// <summary>Keras <c>GlobalMaxPooling2D</c>: the maximum over height and width, a vector of the channels.</summary>
    public string GlobalMaxPooling2D(string name, string input) => GlobalPool(name, input, "ReduceMax", "GlobalMaxPooling2D");

    /// <summary>Keras <c>Flatten</c>: a map's values in NetDsl's order (height, width, channels) as a vector;
    /// a vector is returned as it is.</summary>
    public string Flatten(string name, string input)
    {
        Value x = Get(input);
        if (!x.IsMap)
        {
            return x.Name;
        }

        Value last = ChannelsLast(x);
        return Node(new Value(name, Layout.Vector, 1, 1, checked((int)x.Length)), name, "Flatten", new[] { last.Name }, OnnxAttribute.OfInt("axis", 1)).Name;
    }

    /// <summary>Keras <c>Reshape</c> to a <paramref name="height"/> x <paramref name="width"/> x
    /// <paramref name="channels"/> map (channels-last, as NetDsl reads the values).</summary>
    public string Reshape(string name, string input, int height, int width, int channels)
    {
        Value x = Get(input);
        Positive(height, nameof(height));
        Positive(width, nameof(width));
        Positive(channels, nameof(channels));
        return ReshapeTo(name, x, new Value(name, Layout.ChannelsLast, height, width, channels), height, width, channels);
    }

    /// <summary>Keras <c>Reshape</c> to a vector of <paramref name="length"/> (a map is read channels-last).</summary>
    public string Reshape(string name, string input, int length)
    {
        Value x = Get(input);
        Positive(length, nameof(length));
        return !x.IsMap && x.Channels == length ? x.Name : ReshapeTo(name, x, new Value(name, Layout.Vector, 1, 1, length), length);
    }

    /// <summary>
    /// Keras <c>BatchNormalization</c> at inference over the channels (a vector's features):
    /// <c>gamma (x - moving_mean) / sqrt(moving_variance + epsilon) + beta</c>. An empty <paramref name="gamma"/>
    /// (<c>scale=False</c>) is ones, an empty <paramref name="beta"/> (<c>center=False</c>) zeros.
    /// </summary>
    public string BatchNormalization(string name, string input, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> movingMean, ReadOnlySpan<float> movingVariance, float epsilon)
    {
        Value x = Get(input);
        int channels = x.Channels;
        Length(movingMean, channels, nameof(movingMean), "BatchNormalization's moving_mean");
        Length(movingVariance, channels, nameof(movingVariance), "BatchNormalization's moving_variance");
        float[] scale = gamma.IsEmpty ? Filled(channels, 1f) : Checked(gamma, channels, nameof(gamma), "BatchNormalization's gamma");
        float[] shift = beta.IsEmpty ? new float[channels] : Checked(beta, channels, nameof(beta), "BatchNormalization's beta");
        if (!(epsilon > 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Must be positive.");
        }

        Value source = x.IsMap ? ChannelsFirst(x) : x;
        long[] dims = { channels };
        string[] inputs =
        {
            source.Name,
            Initializer(name + "/gamma", dims, scale),
            Initializer(name + "/beta", dims, shift),
            Initializer(name + "/moving_mean", dims, movingMean.ToArray()),
            Initializer(name + "/moving_variance", dims, movingVariance.ToArray()),
        };
        return Node(source, name, "BatchNormalization", inputs, OnnxAttribute.OfFloat("epsilon", epsilon)).Name;
    }

    /// <summary>Keras <c>Dropout</c>: the identity at inference; returns <paramref name="input"/>.</summary>
    public string Dropout(string name, string input) => Identity(name, input);

    /// <summary>Keras <c>SpatialDropout2D</c>: the identity at inference; returns <paramref name="input"/>.</summary>
    public string SpatialDropout2D(string name, string input) => Identity(name, input);

    /// <summary>Keras <c>Add</c>: the element-wise sum of two or more values of one shape.</summary>
    public string Add(string name, params ReadOnlySpan<string> inputs) => Merge(name, inputs, inputs.Length == 2 ? "Add" : "Sum", "Add");

    /// <summary>Keras <c>Subtract</c>: <paramref name="first"/> less <paramref name="second"/>.</summary>
    public string Subtract(string name, string first, string second) => Merge(name, new[] { first, second }, "Sub", "Subtract");

    /// <summary>Keras <c>Multiply</c>: the element-wise product (a chain of <c>Mul</c>).</summary>
    public string Multiply(string name, params ReadOnlySpan<string> inputs) => Merge(name, inputs, "Mul", "Multiply");

    /// <summary>Keras <c>Average</c>: the element-wise mean.</summary>
    public string Average(string name, params ReadOnlySpan<string> inputs) => Merge(name, inputs, "Mean", "Average");

    /// <summary>Keras <c>Maximum</c>: the element-wise maximum.</summary>
    public string Maximum(string name, params ReadOnlySpan<string> inputs) => Merge(name, inputs, "Max", "Maximum");

    /// <summary>Keras <c>Concatenate</c> on the last axis: maps of one height and width along their channels
    /// (in input order), vectors end to end.</summary>
    public string Concatenate(string name, params ReadOnlySpan<string> inputs)
    {
        Value[] xs = Inputs(inputs, "Concatenate");
        int channels = 0;
        foreach (Value v in xs)
        {
            if (v.IsMap != xs[0].IsMap || (v.IsMap && (v.Height != xs[0].Height || v.Width != xs[0].Width)))
            {
                throw new ArgumentException($"Concatenate needs maps of one height and width, or vectors; got {xs[0].Shape} and {v.Shape}.", nameof(inputs));
            }

            channels = checked(channels + v.Channels);
        }

        xs = SameLayout(xs);
        return Node(xs[0] with { Channels = channels }, name, "Concat", Array.ConvertAll(xs, v => v.Name), OnnxAttribute.OfInt("axis", xs[0].ChannelAxis)).Name;
    }

    /// <summary>
    /// Keras <c>UpSampling2D</c>: ONNX <c>Resize</c> by <paramref name="sizeHeight"/> x <paramref name="sizeWidth"/>.
    /// Nearest repeats each pixel (asymmetric coordinates, floor); bilinear uses TensorFlow's half-pixel rule with
    /// the border repeated, as NetDsl.
    /// </summary>
    public string UpSampling2D(string name, string input, int sizeHeight, int sizeWidth, Interpolation interpolation = Interpolation.Nearest)
    {
        Value x = ChannelsFirst(GetMap(input, "UpSampling2D"));
        Positive(sizeHeight, nameof(sizeHeight));
        Positive(sizeWidth, nameof(sizeWidth));
        string scales = Initializer(name + "/scales", new long[] { 4 }, new[] { 1f, 1f, sizeHeight, (float)sizeWidth });
        OnnxAttribute[] attributes = interpolation == Interpolation.Bilinear
            ? new[] { OnnxAttribute.OfString("mode", "linear"), OnnxAttribute.OfString("coordinate_transformation_mode", "half_pixel") }
            : new[] { OnnxAttribute.OfString("mode", "nearest"), OnnxAttribute.OfString("coordinate_transformation_mode", "asymmetric"), OnnxAttribute.OfString("nearest_mode", "floor") };
        Value shape = x with { Height = checked(x.Height * sizeHeight), Width = checked(x.Width * sizeWidth) };
        return Node(shape, name, "Resize", new[] { x.Name, string.Empty, scales }, attributes).Name;
    }

    /// <summary>Keras <c>ZeroPadding2D</c>: ONNX <c>Pad</c> with zeros, in the input's own layout.</summary>
    public string ZeroPadding2D(string name, string input, int top, int bottom, int left, int right)
    {
        Value x = GetMap(input, "ZeroPadding2D");
        Border(top, bottom, left, right);
        long[] pads = x.Layout == Layout.ChannelsLast
            ? new long[] { 0, top, left, 0, 0, bottom, right, 0 }
            : new long[] { 0, 0, top, left, 0, 0, bottom, right };
        Value shape = x with { Height = checked(x.Height + top + bottom), Width = checked(x.Width + left + right) };
        return Node(shape, name, "Pad", new[] { x.Name, Int64Initializer(name + "/pads", pads) }).Name;
    }

    /// <summary>Keras <c>Cropping2D</c>: ONNX <c>Slice</c> of height and width, in the input's own layout.</summary>
    public string Cropping2D(string name, string input, int top, int bottom, int left, int right)
    {
        Value x = GetMap(input, "Cropping2D");
        Border(top, bottom, left, right);
        int height = x.Height - top - bottom, width = x.Width - left - right;
        if (height < 1 || width < 1)
        {
            throw new ArgumentException($"Cropping {top}/{bottom}/{left}/{right} leaves nothing of the {x.Shape} map.", nameof(top));
        }

        string[] inputs =
        {
            x.Name,
            Int64Initializer(name + "/starts", top, left),
            Int64Initializer(name + "/ends", top + height, left + width),
            Int64Initializer(name + "/axes", x.SpatialAxes),
        };
        return Node(x with { Height = height, Width = width }, name, "Slice", inputs).Name;
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>
    /// <paramref name="activation"/> of <paramref name="x"/> into a value named <paramref name="name"/> (steps of a
    /// composite activation are <c>name/...</c>); linear returns <paramref name="x"/>.
    /// </summary>
    private Value Activate(string name, Value x, Activation activation, float negativeSlope)
    {
        string[] input = { x.Name };
        switch (activation)
        {
            case NetDsl.Activation.None:
                return x;
            case NetDsl.Activation.ReLU:
                return Node(x, name, "Relu", input);
            case NetDsl.Activation.Sigmoid:
                return Node(x, name, "Sigmoid", input);
            case NetDsl.Activation.Tanh:
                return Node(x, name, "Tanh", input);
            case NetDsl.Activation.Softmax:
                return Node(x, name, "Softmax", input, OnnxAttribute.OfInt("axis", x.ChannelAxis));
            case NetDsl.Activation.LeakyReLU:
                return Node(x, name, "LeakyRelu", input, OnnxAttribute.OfFloat("alpha", negativeSlope));
            case NetDsl.Activation.ELU:
                return Node(x, name, "Elu", input, OnnxAttribute.OfFloat("alpha", 1f));
            case NetDsl.Activation.SELU:
                return Node(x, name, "Selu", input, OnnxAttribute.OfFloat("alpha", Kernels.ActivationKernels.SeluAlpha), OnnxAttribute.OfFloat("gamma", Kernels.ActivationKernels.SeluScale));
            case NetDsl.Activation.GELU:
            {
                // Opset 13 has no Gelu: 0.5 x (1 + erf(x / sqrt 2)).
                Value scaled = Node(x, name + "/scaled", "Mul", new[] { x.Name, Scalar(0.70710678118654752f) });
                Value erf = Node(x, name + "/erf", "Erf", new[] { scaled.Name });
                Value plusOne = Node(x, name + "/plus_one", "Add", new[] { erf.Name, Scalar(1f) });
                Value product = Node(x, name + "/product", "Mul", new[] { x.Name, plusOne.Name });
                return Node(x, name, "Mul", new[] { product.Name, Scalar(0.5f) });
            }

            case NetDsl.Activation.Swish:
            {
                Value sigmoid = Node(x, name + "/sigmoid", "Sigmoid", input);
                return Node(x, name, "Mul", new[] { x.Name, sigmoid.Name });
            }

            case NetDsl.Activation.ReLU6:
                return Node(x, name, "Clip", new[] { x.Name, Scalar(0f), Scalar(6f) });
            case NetDsl.Activation.Softplus:
                return Node(x, name, "Softplus", input);
            case NetDsl.Activation.Softsign:
                return Node(x, name, "Softsign", input);
            case NetDsl.Activation.HardSigmoid:
                // relu6(x + 3) / 6 = clip(x / 6 + 1 / 2, 0, 1).
                return Node(x, name, "HardSigmoid", input, OnnxAttribute.OfFloat("alpha", 1f / 6f), OnnxAttribute.OfFloat("beta", 0.5f));
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Not an activation NetDsl knows.");
        }
    }

    private string Pool(string name, string input, string opType, string layer, int poolHeight, int poolWidth, int strideHeight, int strideWidth, int padTop, int padBottom, int padLeft, int padRight)
    {
        Value x = ChannelsFirst(GetMap(input, layer));
        var window = new ConvWindow(poolHeight, poolWidth, strideHeight, strideWidth, 1, 1, padTop, padBottom, padLeft, padRight);
        (int outHeight, int outWidth) = window.OutputSize(x, layer);
        if (padTop >= poolHeight || padBottom >= poolHeight || padLeft >= poolWidth || padRight >= poolWidth)
        {
            throw new ArgumentException($"{layer} pads {padTop}/{padBottom}/{padLeft}/{padRight} would give windows of padding alone (pool {poolHeight}x{poolWidth}).", nameof(padTop));
        }

        var attributes = new System.Collections.Generic.List<OnnxAttribute>
        {
            OnnxAttribute.OfInts("kernel_shape", poolHeight, (long)poolWidth),
            OnnxAttribute.OfInts("strides", strideHeight, (long)strideWidth),
            OnnxAttribute.OfInts("pads", padTop, padLeft, padBottom, (long)padRight),
        };
        if (opType == "AveragePool")
        {
            attributes.Add(OnnxAttribute.OfInt("count_include_pad", 0));
        }

        return Node(x with { Height = outHeight, Width = outWidth }, name, opType, new[] { x.Name }, attributes.ToArray()).Name;
    }

    private string GlobalPool(string name, string input, string opType, string layer)
    {
        Value x = GetMap(input, layer);
        return Node(new Value(name, Layout.Vector, 1, 1, x.Channels), name, opType, new[] { x.Name },
            OnnxAttribute.OfInts("axes", x.SpatialAxes), OnnxAttribute.OfInt("keepdims", 0)).Name;
    }

    private string ReshapeTo(string name, Value x, Value target, params long[] dims)
    {
        if (target.Length != x.Length)
        {
            throw new ArgumentException($"Reshape to {target.Shape} needs {target.Length} values; '{x.Name}' ({x.Shape}) has {x.Length}.", nameof(x));
        }

        Value source = ChannelsLast(x);

        // 0 keeps the input's batch size (opset 13's Reshape copies a 0 from the input).
        long[] shape = new long[dims.Length + 1];
        dims.CopyTo(shape, 1);
        return Node(target, name, "Reshape", new[] { source.Name, Int64Initializer(name + "/shape", shape) }).Name;
    }

    private string Identity(string name, string input)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Get(input).Name;
    }

    private Value[] Inputs(ReadOnlySpan<string> inputs, string layer)
    {
        if (inputs.Length < 2)
        {
            throw new ArgumentException($"{layer} merges two or more values; got {inputs.Length}.", nameof(inputs));
        }

        var xs = new Value[inputs.Length];
        for (int k = 0; k < inputs.Length; k++)
        {
            xs[k] = Get(inputs[k]);
        }

        return xs;
    }

    private string Merge(string name, ReadOnlySpan<string> inputs, string opType, string layer)
    {
        Value[] xs = Inputs(inputs, layer);
        foreach (Value v in xs)
        {
            if (v.IsMap != xs[0].IsMap || v.Height != xs[0].Height || v.Width != xs[0].Width || v.Channels != xs[0].Channels)
            {
                throw new ArgumentException($"{layer} needs inputs of one shape; got {xs[0].Shape} and {v.Shape}.", nameof(inputs));
            }
        }

        xs = SameLayout(xs);
        if (opType != "Mul" || xs.Length == 2)
        {
            return Node(xs[0], name, opType, Array.ConvertAll(xs, v => v.Name)).Name;
        }

        // Mul is binary: a chain, the last step named after the layer.
        Value product = xs[0];
        for (int k = 1; k < xs.Length; k++)
        {
            string output = k == xs.Length - 1 ? name : name + "/product" + k;
            product = Node(xs[0], output, "Mul", new[] { product.Name, xs[k].Name });
        }

        return product.Name;
    }

    private static void Border(int top, int bottom, int left, int right)
    {
        NonNegative(top, nameof(top));
        NonNegative(bottom, nameof(bottom));
        NonNegative(left, nameof(left));
        NonNegative(right, nameof(right));
    }

    private static float[] Filled(int length, float value)
    {
        var result = new float[length];
        Array.Fill(result, value);
        return result;
    }

    private static float[] Checked(ReadOnlySpan<float> span, int length, string parameter, string what)
    {
        Length(span, length, parameter, what);
        return span.ToArray();
    }
}
