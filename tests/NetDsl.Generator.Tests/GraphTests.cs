using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Tests.Infrastructure;

namespace NetDsl.Generator.Tests;

/// <summary>
/// Networks that are not straight chains: every graph mistake as one diagnostic at its location (attributes and
/// text), Keras's Connected to column, the text form with names, and the round trip of that text.
/// </summary>
public sealed class GraphTests
{
    public static IEnumerable<object[]> AttributeCases() => new[]
    {
        Case("NDSL0042", "Conv2D 'conv2d' has the dilation rate 2x2 and the strides 2x2; as in Keras, a dilation rate above 1 needs strides of 1", """
            [Network, Input(8, 8, 3)]
            [Conv2D(4, 3, Strides = 2, {|NDSL0042:DilationRate = 2|})]
            partial class Net;
            """),
        Case("NDSL0042", "DepthwiseConv2D 'depthwise_conv2d' has the dilation rate 1x2 and the strides 2x1; as in Keras, a dilation rate above 1 needs strides of 1", """
            [Network, Input(8, 8, 3)]
            [DepthwiseConv2D(3, StrideHeight = 2, {|NDSL0042:DilationWidth = 2|})]
            partial class Net;
            """),
        Case("NDSL0033", "Add 'add' takes the output of 'stme', but no layer before it has that name; did you mean 'stem'?", """
            [Network, Input(8, 8, 3), Conv2D(4, 3, Padding = Padding.Same, Name = "stem"), Conv2D(4, 3, Padding = Padding.Same)]
            [Add({|NDSL0033:"stme"|}, "conv2d")]
            partial class Net;
            """),
        Case("NDSL0033", "Conv2D 'conv2d' takes the output of 'trunk', but no layer before it has that name", """
            [Network, Input(8, 8, 3), Conv2D(4, 3, Name = "stem")]
            [Conv2D(4, 1, From = {|NDSL0033:"trunk"|})]
            partial class Net;
            """),
        Case("NDSL0034", "Add 'add' takes the output of 'later', which is written after it; a layer can only take the output of a layer written before it, so the network has no cycles", """
            [Network, Input(8, 8, 3), Conv2D(4, 3, Padding = Padding.Same)]
            [Add("conv2d", {|NDSL0034:"later"|})]
            [Conv2D(4, 3, Padding = Padding.Same, Name = "later")]
            partial class Net;
            """),
        Case("NDSL0034", "Conv2D 'self' takes the output of 'self', which is the layer itself; a layer can only take the output of a layer written before it, so the network has no cycles", """
            [Network, Input(8, 8, 3)]
            [Conv2D(4, 3, Name = "self", From = {|NDSL0034:"self"|})]
            partial class Net;
            """),
        Case("NDSL0035", "Add 'add' cannot merge 'a' (6x6x4) with 'b' (8x8x4): Add needs inputs of one shape", """
            [Network, Input(8, 8, 3), Conv2D(4, 3, Name = "a"), Conv2D(4, 3, Padding = Padding.Same, From = "input_layer", Name = "b")]
            [Add("a", {|NDSL0035:"b"|})]
            partial class Net;
            """),
        Case("NDSL0035", "Concatenate 'concatenate' cannot merge 'a' (6x6x4) with 'input_layer' (8x8x3): Concatenate joins the channels of feature maps of one height and width", """
            [Network, Input(8, 8, 3), Conv2D(4, 3, Name = "a")]
            [Concatenate("a", {|NDSL0035:"input_layer"|})]
            partial class Net;
            """),
        Case("NDSL0035", "Concatenate 'concatenate' cannot merge 'f' (32) with 'c' (2x2x8): Concatenate joins feature maps with feature maps, or vectors with vectors (add a Flatten)", """
            [Network, Input(4, 4, 2), Conv2D(8, 3, Name = "c"), Flatten(Name = "f")]
            [Concatenate("f", {|NDSL0035:"c"|})]
            partial class Net;
            """),
        Case("NDSL0036", "Two layers are named 'block'; layer names must be unique", """
            [Network, Input(8, 8, 3), Conv2D(4, 3, Padding = Padding.Same, Name = "block")]
            [Conv2D(4, 3, Padding = Padding.Same, Name = {|NDSL0036:"block"|})]
            partial class Net;
            """),
        Case("NDSL0036", "Two layers are named 'conv2d' in generated code ('conv_2d' and 'conv2d' are both Conv2d there); layer names must be unique", """
            [Network, Input(8, 8, 3), Conv2D(4, 3, Padding = Padding.Same, Name = "conv_2d")]
            [Conv2D(4, 3, Padding = Padding.Same, Name = {|NDSL0036:"conv2d"|})]
            partial class Net;
            """),
        Case("NDSL0036", "Two layers are named 'conv_kernel' in generated code: it and 'conv' both give the member ConvKernel; rename one; layer names must be unique", """
            [Network, Input(8, 8, 3), Conv2D(4, 3, Padding = Padding.Same, Name = "conv")]
            [{|NDSL0036:Conv2D(4, 3, Padding = Padding.Same, Name = "conv_kernel")|}]
            partial class Net;
            """),
        Case("NDSL0037", "'2nd' is not a layer name: use letters, digits and underscores, starting with a letter", """
            [Network, Input(8, 8, 3)]
            [Conv2D(4, 3, Name = {|NDSL0037:"2nd"|})]
            partial class Net;
            """),
        Case("NDSL0038", "The output of Conv2D 'dead' is not used: no layer takes it, and only the last layer is the network's output", """
            [Network, Input(8, 8, 3)]
            [{|NDSL0038:Conv2D(4, 3, Name = "dead")|}]
            [Conv2D(4, 3, From = "input_layer")]
            partial class Net;
            """),
        Case("NDSL0039", "Add 'add' merges two or more layers, named in order (only 'conv2d' is named); write for example [Add(\"a\", \"b\")] or 'add a b'", """
            [Network, Input(8, 8, 3), Conv2D(4, 3)]
            [Add({|NDSL0039:"conv2d"|})]
            partial class Net;
            """),
        Case("NDSL0039", "Add names the layers it merges in its constructor; From does not apply to it", """
            [Network, Input(8, 8, 3), Conv2D(4, 3, Padding = Padding.Same)]
            [Add("conv2d", "input_layer", From = {|NDSL0039:"conv2d"|})]
            partial class Net;
            """),
        Case("NDSL0039", "Input(8, 8, 3) is where the network starts: it takes no From", """
            [Network, Input(8, 8, 3, From = {|NDSL0039:"x"|}), Flatten]
            partial class Net;
            """),
        Case("NDSL0039", "Subtract 'subtract' subtracts exactly two layers, the second from the first; it names 3", """
            [Network, Input(8), Dense(4, Name = "a"), Dense(4, From = "input_layer", Name = "b")]
            [Subtract("a", "b", {|NDSL0039:"a"|})]
            partial class Net;
            """),
    };

    public static IEnumerable<object[]> TextCases() => new[]
    {
        Case("NDSL0036", "Two layers are named 'input_batch' with a member every network has (InputBatch in generated code); layer names must be unique", """
            [Network("input 4x4x2\nbatchnorm\n{|NDSL0036:input_batch: conv2d 2 3x3 same from input_layer|}\nadd batch_normalization input_batch")]
            """),
        Case("NDSL0036", "Two layers are named 'grad_c' with a gradient buffer every network may have (GradC in generated code); layer names must be unique", """
            [Network("input 4\n{|NDSL0036:grad_c: dense 2|}")]
            """),
        Case("NDSL0040", "Reshape 'reshape' cannot reshape 4x4x2 to 5x-1x2: the other sizes do not divide its 32 values", """
            [Network("input 4x4x2\n{|NDSL0040:reshape 5x-1x2|}\nflatten")]
            """),
        Case("NDSL0040", "Reshape 'reshape' cannot reshape 4x4x2 to 3x3x3: it holds 27 values, the input 32", """
            [Network("input 4x4x2\n{|NDSL0040:reshape 3x3x3|}")]
            """),
        Case("NDSL0041", "Cropping2D 'cropping2d' removes 4 rows and 2 columns of its 4x4x2 input; at most 3 rows and 3 columns can go", """
            [Network("input 4x4x2\n{|NDSL0041:cropping2d 2x1|}")]
            """),
        Case("NDSL0011", "UpSampling2D 'up_sampling2d' needs a height x width x channels feature map but is fed the vector 8; move it before 'flatten'", """
            [Network("input 8\n{|NDSL0011:upsampling2d|}")]
            """),
        Case("NDSL0033", "Add 'add' takes the output of 'stme', but no layer before it has that name; did you mean 'stem'?", """
            [Network("input 8x8x3\nstem: conv2d 4 3x3 same\nconv2d 4 3x3 same\nadd {|NDSL0033:stme|} conv2d")]
            """),
        Case("NDSL0035", "Concatenate 'concatenate' cannot merge 'a' (6x6x4) with 'input_layer' (8x8x3): Concatenate joins the channels of feature maps of one height and width", """
            [Network("input 8x8x3\na: conv2d 4 3x3\nconcat a {|NDSL0035:input_layer|}")]
            """),
        Case("NDSL0034", "Conv2D 'conv2d' takes the output of 'x', which is written after it; a layer can only take the output of a layer written before it, so the network has no cycles", """
            [Network("input 8x8x3\nconv2d 4 3x3 same from {|NDSL0034:x|}\nx: conv2d 4 3x3 same")]
            """),
        Case("NDSL0037", "'a-b' is not a layer name: use letters, digits and underscores, starting with a letter", """
            [Network("input 8x8x3\n{|NDSL0037:a-b|}: conv2d 4 3x3")]
            """),
        Case("NDSL0021", "from needs the name of an earlier layer: 'from conv2d'", """
            [Network("input 8x8x3\nconv2d 4 3x3 {|NDSL0021:from|}")]
            """),
        Case("NDSL0021", "a layer takes one 'from'; merge several layers with add, concat, multiply, average or maximum", """
            [Network("input 8x8x3\na: conv2d 4 3x3 same\nconv2d 4 3x3 from a {|NDSL0021:from|} input_layer")]
            """),
        Case("NDSL0021", "add names the layers it merges after its word: 'add a b'", """
            [Network("input 8x8x3\na: conv2d 4 3x3 same\nadd a {|NDSL0021:from|} input_layer")]
            """),
        Case("NDSL0039", "Add 'add' merges two or more layers, named in order (none is named); write for example [Add(\"a\", \"b\")] or 'add a b'", """
            [Network("input 8x8x3\n{|NDSL0039:add|}")]
            """),
    };

    [Theory]
    [MemberData(nameof(AttributeCases))]
    [MemberData(nameof(TextCases))]
    public void EachGraphMistakeIsOneDiagnosticAtItsLocation(string id, string message, string markup)
    {
        var parsed = Markup.Parse("using NetDsl;\n\n" + markup + (markup.Contains("partial class", System.StringComparison.Ordinal) ? string.Empty : "partial class Net;\n")
            + "static class Use { static int N => Net.InputLength + Net.OutputLength + Net.ParameterCount; }\n");
        GeneratorResult result = GeneratorHarness.Run(parsed.Source);

        (string expectedId, Microsoft.CodeAnalysis.Text.TextSpan expectedSpan) = Assert.Single(parsed.Expected);
        Diagnostic diagnostic = Assert.Single(result.AllDiagnostics);
        Assert.Equal(id, expectedId);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expectedSpan, diagnostic.Location.SourceSpan);
    }

    [Fact]
    public void AMergeOfManyInputsGetsAGradientBufferForEachAndCompiles()
    {
        // 27 inputs alive at once in the backward pass: gradient buffers past GradZ are Grad26, Grad27, ...
        string layers = string.Concat(Enumerable.Range(1, 27).Select(k => $"d{k}: dense 2 from input_layer\\n"));
        string names = string.Join(" ", Enumerable.Range(1, 27).Select(k => $"d{k}"));
        GeneratorResult result = GeneratorHarness.Run("using NetDsl;\n[Network(\"input 4\\n" + layers + "concat " + names + "\")]\npartial class Net;");
        Assert.Empty(result.AllDiagnostics);
        Assert.Contains("Grad27(", result.SingleSource, System.StringComparison.Ordinal);
    }

    [Fact]
    public void SummaryHasKerasConnectedToColumnForGraphs()
    {
        GeneratorResult result = GeneratorHarness.Run("using NetDsl;\n[Network(\"input 8x8x3\\nstem: conv2d 4 3x3 same relu\\nconv2d 4 3x3 same\\nadd stem conv2d\\n"
            + "globalavgpool\\ndense 3 softmax\")]\npartial class Net;");
        Assert.Empty(result.AllDiagnostics);

        // Keras's functional layout (columns of 32, 21, 12 and 33), the first column widened to the longest name.
        static string Row(string layer, string shape, string parameters, string connected) =>
            layer.PadRight(50) + shape.PadRight(21) + parameters.PadRight(12) + connected.PadRight(33);
        string[] expected =
        {
            "Model: \"Net\"",
            new string('_', 116),
            Row("Layer (type)", "Output Shape", "Param #", "Connected to"),
            new string('=', 116),
            Row("input_layer (InputLayer)", "[(None, 8, 8, 3)]", "0", string.Empty),
            new string('_', 116),
            Row("stem (Conv2D)", "(None, 8, 8, 4)", "112", "input_layer[0][0]"),
            new string('_', 116),
            Row("conv2d (Conv2D)", "(None, 8, 8, 4)", "148", "stem[0][0]"),
            new string('_', 116),
            Row("add (Add)", "(None, 8, 8, 4)", "0", "stem[0][0]"),
            Row(string.Empty, string.Empty, string.Empty, "conv2d[0][0]"),
            new string('_', 116),
            Row("global_average_pooling2d (GlobalAveragePooling2D)", "(None, 4)", "0", "add[0][0]"),
            new string('_', 116),
            Row("dense (Dense)", "(None, 3)", "15", "global_average_pooling2d[0][0]"),
            new string('=', 116),
            "Total params: 275",
            "Trainable params: 275",
            "Non-trainable params: 0",
            new string('_', 116),
        };
        Assert.Equal(string.Join("\n", expected), SummaryOf(result.SingleSource));
    }

    private static string SummaryOf(string source) => string.Join(string.Empty, source.Split('\n')
        .SkipWhile(line => !line.Contains("public static string Summary { get; } =", System.StringComparison.Ordinal))
        .Skip(1)
        .TakeWhile(line => line.TrimStart().StartsWith('"'))
        .Select(line => line.Trim().TrimEnd('+', ';', ' ').Trim('"').Replace("\\n", "\n", System.StringComparison.Ordinal).Replace("\\\"", "\"", System.StringComparison.Ordinal)));

    [Fact]
    public void GraphTextNamesLayersAndParsesBackToTheSameNetwork()
    {
        const string original = """
            using NetDsl;
            [Network]
            [Input(16, 16, 2, Name = "image")]
            [Conv2D(8, 3, Padding = Padding.Same, Activation = Activation.ReLU, Name = "enc")]
            [MaxPooling2D]
            [Conv2D(8, 3, Padding = Padding.Same, Activation = Activation.ReLU)]
            [Conv2D(8, 1, From = "max_pooling2d", Name = "shortcut")]
            [Add("conv2d", "shortcut")]
            [Multiply("add", "shortcut", "conv2d")]
            [Average("multiply", "add")]
            [Maximum("average", "shortcut", Name = "best")]
            [Subtract("best", "add")]
            [Concatenate("subtract", "max_pooling2d")]
            [Conv2D(3, 1, From = "concatenate")]
            partial class Net;
            """;
        string generated = GeneratorHarness.Run(original).SingleSource;
        string architecture = Architecture(generated);
        Assert.Equal(
            "image: input 16x16x2\nenc: conv2d 8 3x3 same relu\nmaxpool 2x2\nconv2d 8 3x3 same relu\nshortcut: conv2d 8 1x1 from max_pooling2d\nadd conv2d shortcut\n"
            + "multiply add shortcut conv2d\naverage multiply add\nbest: maximum average shortcut\nsubtract best add\nconcat subtract max_pooling2d\nconv2d 3 1x1",
            architecture);

        string roundTrip = GeneratorHarness.Run("using NetDsl;\n[Network(\"" + architecture.Replace("\n", "\\n", System.StringComparison.Ordinal) + "\")]\npartial class Net;").SingleSource;
        Assert.Equal(generated, roundTrip);
    }

    [Fact]
    public void TextNamesWithAndWithoutASpaceAfterTheColonAreOneNetwork()
    {
        string spaced = GeneratorHarness.Run("using NetDsl;\n[Network(\"input 8\\na: dense 4\\nb: dense 4 from input_layer\\nadd a b\")]\npartial class Net;").SingleSource;
        string tight = GeneratorHarness.Run("using NetDsl;\n[Network(\"input 8\\na:dense 4\\nb:dense 4 from input_layer\\nadd a b\")]\npartial class Net;").SingleSource;
        string attributes = GeneratorHarness.Run("using NetDsl;\n[Network, Input(8), Dense(4, Name = \"a\"), Dense(4, Name = \"b\", From = \"input_layer\"), Add(\"a\", \"b\")]\npartial class Net;").SingleSource;
        Assert.Equal(spaced, tight);
        Assert.Equal(attributes, spaced);
    }

    private static string Architecture(string source) => string.Join("\n", source.Split('\n')
        .SkipWhile(line => !line.Contains("public const string ArchitectureText", System.StringComparison.Ordinal))
        .Skip(1)
        .TakeWhile(line => line.TrimStart().StartsWith('"'))
        .Select(line => line.Trim().TrimEnd('+', ';', ' ').Trim('"').Replace("\\n", string.Empty, System.StringComparison.Ordinal)));

    private static object[] Case(string id, string message, string markup) => new object[] { id, message, markup };
}
