extern alias Generator;

using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Tests.Infrastructure;
using Layers = Generator::NetDsl.Generator.Layers;
using Writer = Generator::NetDsl.Generator.Emit.PyTorchWriter;

namespace NetDsl.Generator.Tests;

/// <summary>
/// The generated <c>PyTorchModule</c>: its Python for every layer kind (a snapshot, <c>.py</c>), and what happens
/// to a layer that has no PyTorch form. (NetDsl.Tests runs the modules in PyTorch.)
/// </summary>
public sealed class PyTorchModuleTests
{
    /// <summary>Every layer kind with the settings that change its Python: uneven and even 'same' padding,
    /// strides, dilation, depth multipliers, BatchNormalization with only one of center and scale, pooling that
    /// pads unevenly, both upsamplings, borders, views between maps and vectors, every merge, the dropouts.</summary>
    private const string EveryLayerKind = """
        input 17x16x3
        stem: conv2d 8 3x3 stride 2 same relu
        depthwiseconv2d 3x3 multiplier 2 same
        batchnorm noscale
        separableconv2d 8 3x3 dilation 2 same swish
        leakyrelu 0.1
        skip: conv2d 8 1x1 nobias from stem
        batchnorm nocenter
        sum: add leaky_re_lu batch_normalization_1
        activation elu
        maxpool 2x2 same
        avgpool 3x3 stride 2 same
        upsampling2d 2x2 bilinear
        conv2dtranspose 4 3x3 stride 2 same tanh
        zeropadding2d 1x1
        cropping2d top 1 bottom 0 left 2 right 1
        upsampling2d 1x2
        spatialdropout2d 0.2
        globalmaxpool
        pooled: globalavgpool from sum
        concat global_max_pooling2d pooled
        dense 16 gelu
        dropout 0.5
        reshape 2x2x4
        conv2d 6 2x2 relu6
        flatten
        p: dense 6 hardsigmoid
        q: dense 6 softplus from flatten
        subtract p q
        multiply p q
        maximum p q
        average subtract multiply maximum
        dense 5 softmax
        """;

    [Fact]
    public void EveryLayerKindInPython()
    {
        GeneratorResult result = GeneratorHarness.Run("using NetDsl;\n\nnamespace Samples;\n\n[Network(\"\"\"\n" + EveryLayerKind + "\n\"\"\")]\npublic partial class EveryKindNet;\n");

        Assert.Empty(result.AllDiagnostics);
        Snapshot.Verify(PyTorchModule(result, "Samples.EveryKindNet"), "EveryLayerKind.PyTorch", "py");
    }

    [Fact]
    public void ALayerKindWithoutAPyTorchFormMakesTheModuleRaiseNotImplementedError()
    {
        Generator::NetDsl.Generator.Shapes.NetworkModel model = CheckedModel("""
            using NetDsl;

            [Network, Input(4), Dense(3, Name = "hidden"), Dense(2)]
            public partial class Small;
            """);

        string python = Writer.Print(Writer.Plan(model, layer => layer.Name == "hidden" ? new WithoutPyTorchForm(layer.Definition) : layer.Definition));

        Assert.Contains("""
                def __init__(self):
                    super().__init__()
                    raise NotImplementedError("Small has no PyTorch form in NetDsl
            """.TrimEnd('\n'), python);
        Assert.Contains(": layer 'hidden' (Dense): it has no PyTorch form.\")", python);
        Assert.DoesNotContain("def forward", python);
        Assert.Contains("def save_netdsl(module, path):", python);
    }

    [Fact]
    public void ASubmoduleCannotBeCalledTraining()
    {
        // nn.Module.train() assigns self.training: a submodule of that name breaks train() and eval().
        GeneratorResult result = GeneratorHarness.Run("""
            using NetDsl;

            [Network, Input(4), Dense(3, Name = "training"), Dense(2)]
            public partial class Trained;

            [Network, Input(4), Dense(3, Name = "a"), Dense(3, From = "input_layer", Name = "b"), Add("a", "b", Name = "training"), Dense(2)]
            public partial class MergedAsTraining;
            """);

        Assert.Empty(result.AllDiagnostics);
        Assert.Contains("raise NotImplementedError(\"Trained has no PyTorch form in NetDsl", PyTorchModule(result, "Trained"));
        Assert.Contains(": layer 'training' (Dense): nn.Module keeps its training flag under that name: rename the layer.\")", PyTorchModule(result, "Trained"));
        string merged = PyTorchModule(result, "MergedAsTraining");
        Assert.DoesNotContain("NotImplementedError", merged);
        Assert.True(merged.Contains("        x = a + x  # (N, 3)\n        x = self.dense(x)  # (N, 2)\n", StringComparison.Ordinal), merged);
    }

    [Fact]
    public void TheUsersClassMayNotDeclareTheGeneratedMembers()
    {
        GeneratorResult result = GeneratorHarness.Run("""
            using NetDsl;

            [Network, Input(4), Dense(2)]
            public partial class Mine
            {
                public const string PyTorchModule = "";

                public void Load(string path, WeightLayout layout) { }

                public void Load(string path, int other) { }
            }
            """);

        Assert.Equal(new[] { "NDSL0028", "NDSL0028" }, result.AllDiagnostics.Select(d => d.Id).Where(id => id.StartsWith("NDSL", StringComparison.Ordinal)).ToArray());
    }

    /// <summary>The value of the generated <c>PyTorchModule</c> constant.</summary>
    private static string PyTorchModule(GeneratorResult result, string type) =>
        (string)result.Compilation.GetTypeByMetadataName(type)!.GetMembers("PyTorchModule").OfType<IFieldSymbol>().Single().ConstantValue!;

    private static Generator::NetDsl.Generator.Shapes.NetworkModel CheckedModel(string source)
    {
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(GeneratorHarness.CreateCompilation(source));
        return driver.GetRunResult().Results.Single().TrackedSteps[Generator::NetDsl.Generator.NetworkGenerator.Steps.Model]
            .SelectMany(step => step.Outputs)
            .Select(o => ((Generator::NetDsl.Generator.CheckedNetwork)o.Value).Model)
            .Single();
    }

    /// <summary>A layer kind as some future kind might be: everything but a PyTorch form.</summary>
    private sealed class WithoutPyTorchForm : Layers.LayerDefinition
    {
        private readonly Layers.LayerDefinition _kind;

        public WithoutPyTorchForm(Layers.LayerDefinition kind) => _kind = kind;

        public override string ClassName => _kind.ClassName;

        public override string? AttributeName => _kind.AttributeName;

        public override string NamePrefix => _kind.NamePrefix;

        public override string Word => _kind.Word;

        public override Layers.ArgumentSchema Schema => _kind.Schema;

        public override bool IsView => _kind.IsView;

        public override Layers.LayerModel? Check(Layers.LayerContext context) => _kind.Check(context);

        public override string Describe(Layers.LayerModel layer) => _kind.Describe(layer);

        public override string Title(Layers.LayerModel layer) => _kind.Title(layer);

        public override void EmitInference(Generator::NetDsl.Generator.Emit.PassWriter w, Generator::NetDsl.Generator.Planning.LayerPlan layer) => throw new NotSupportedException();

        public override void EmitTrainingForward(Generator::NetDsl.Generator.Emit.PassWriter w, Generator::NetDsl.Generator.Planning.LayerPlan layer) => throw new NotSupportedException();

        public override void EmitBackward(Generator::NetDsl.Generator.Emit.PassWriter w, Generator::NetDsl.Generator.Planning.LayerPlan layer) => throw new NotSupportedException();

        public override string OnnxCall(Layers.LayerModel layer, System.Collections.Generic.IReadOnlyList<string> inputs) => _kind.OnnxCall(layer, inputs);
    }
}
