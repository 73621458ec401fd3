extern alias Generator;

using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetDsl.Generator.Tests.Infrastructure;
using Generator::NetDsl.Generator;

namespace NetDsl.Generator.Tests;

/// <summary>
/// The incremental pipeline caches on values: edits that do not change a network leave its spec, model and
/// generated source cached (checked with a step-tracking <see cref="GeneratorDriver"/>).
/// </summary>
public sealed class CachingTests
{
    private const string SeedNetwork = """
        using NetDsl;

        namespace Samples;

        [Network]
        [Input(28, 28, 1)]
        [Conv2D(32, 3, Activation = Activation.ReLU)]
        [MaxPooling2D(2)]
        [Flatten]
        [Dense(10, Activation = Activation.Softmax)]
        public partial class MnistNet;
        """;

    private const string OtherNetwork = """
        using NetDsl;

        [Network]
        [Input(16)]
        [Dense(4)]
        partial class Small;
        """;

    private const string Unrelated = """
        namespace Samples;

        public static class Helpers
        {
            public static int Twice(int x) => 2 * x;
        }
        """;

    [Fact]
    public void UnrelatedEditLeavesEveryStepCached()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(SeedNetwork, Unrelated);
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);

        SyntaxTree unrelatedTree = compilation.SyntaxTrees.Last();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(
            unrelatedTree,
            CSharpSyntaxTree.ParseText(Unrelated.Replace("2 * x", "x + x"), GeneratorHarness.ParseOptions, unrelatedTree.FilePath));
        driver = driver.RunGenerators(edited);

        GeneratorRunResult run = driver.GetRunResult().Results.Single();
        AssertAllOutputs(run, NetworkGenerator.Steps.Spec, IncrementalStepRunReason.Cached);
        AssertAllOutputs(run, NetworkGenerator.Steps.Model, IncrementalStepRunReason.Cached);
        Assert.All(run.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void EditThatKeepsTheNetworkEqualStopsAtTheSpec()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(SeedNetwork);
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);

        // A comment after the class re-runs the front end for this file, but the spec it reads is equal.
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(
            tree,
            CSharpSyntaxTree.ParseText(SeedNetwork + "\n// trailing comment\n", GeneratorHarness.ParseOptions, tree.FilePath));
        driver = driver.RunGenerators(edited);

        GeneratorRunResult run = driver.GetRunResult().Results.Single();
        Assert.All(
            run.TrackedSteps[NetworkGenerator.Steps.Spec].SelectMany(s => s.Outputs),
            o => Assert.Contains(o.Reason, new[] { IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached }));
        AssertAllOutputs(run, NetworkGenerator.Steps.Model, IncrementalStepRunReason.Cached);
        Assert.All(run.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void EditingOneNetworkLeavesTheOtherCached()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(SeedNetwork, OtherNetwork);
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);

        SyntaxTree otherTree = compilation.SyntaxTrees.Last();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(
            otherTree,
            CSharpSyntaxTree.ParseText(OtherNetwork.Replace("[Dense(4)]", "[Dense(5)]"), GeneratorHarness.ParseOptions, otherTree.FilePath));
        driver = driver.RunGenerators(edited);

        GeneratorRunResult run = driver.GetRunResult().Results.Single();
        ImmutableArray<IncrementalGeneratorRunStep> models = run.TrackedSteps[NetworkGenerator.Steps.Model];
        Assert.Equal(2, models.Length);
        var reasons = models.SelectMany(step => step.Outputs).Select(o => o.Reason).OrderBy(r => r).ToArray();
        Assert.Equal(new[] { IncrementalStepRunReason.Modified, IncrementalStepRunReason.Cached }.OrderBy(r => r), reasons);
        Assert.Contains("public const int OutputLength = 5;", run.GeneratedSources.Single(s => s.HintName == "Small.g.cs").SourceText.ToString());
    }

    [Fact]
    public void PipelineModelsHoldNoSymbolsSyntaxOrCompilation()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(SeedNetwork);
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);
        GeneratorRunResult run = driver.GetRunResult().Results.Single();

        foreach (string step in new[] { NetworkGenerator.Steps.Spec, NetworkGenerator.Steps.Model })
        {
            foreach (object value in run.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Value))
            {
                ModelGraph.AssertOnlyPlainValues(value);
            }
        }
    }

    [Fact]
    public void EditingOneNetDslFileLeavesTheOtherFilesNetworksCached()
    {
        var first = new InMemoryAdditionalText("/models/a.netdsl", "network A\ninput 28x28x1\nconv2d 8 3x3 relu\nflatten\ndense 10\n");
        var second = new InMemoryAdditionalText("/models/b.netdsl", "network B\ninput 784\ndense 10\n");
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(Unrelated);
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true, additionalFiles: new[] { first, second }).RunGenerators(compilation);

        driver = driver.ReplaceAdditionalText(second, new InMemoryAdditionalText("/models/b.netdsl", "network B\ninput 784\ndense 12\n"));
        driver = driver.RunGenerators(compilation);

        GeneratorRunResult run = driver.GetRunResult().Results.Single();
        var reasons = run.TrackedSteps[NetworkGenerator.Steps.FileModel]
            .SelectMany(step => step.Outputs)
            .Select(o => (((Generator::NetDsl.Generator.CheckedNetwork)o.Value).Model.Target.Name, o.Reason))
            .ToList();
        Assert.Contains(("A", IncrementalStepRunReason.Cached), reasons);
        Assert.Contains(("B", IncrementalStepRunReason.Modified), reasons);
        Assert.Contains("OutputLength = 12", run.GeneratedSources.Single(s => s.HintName == "B.netdsl.g.cs").SourceText.ToString());

        // An unrelated C# edit leaves both files' networks cached.
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(Unrelated + "\n// edit", GeneratorHarness.ParseOptions, tree.FilePath)));
        run = driver.GetRunResult().Results.Single();
        Assert.All(run.TrackedSteps[NetworkGenerator.Steps.FileModel].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void EditingInlineTextRegeneratesOnlyThatNetwork()
    {
        const string inline = "using NetDsl;\n[Network(\"input 784\\ndense 10\")]\npartial class Inline;\n";
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(SeedNetwork, inline);
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);

        SyntaxTree tree = compilation.SyntaxTrees.Last();
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(inline.Replace("dense 10", "dense 11"), GeneratorHarness.ParseOptions, tree.FilePath)));

        GeneratorRunResult run = driver.GetRunResult().Results.Single();
        var reasons = run.TrackedSteps[NetworkGenerator.Steps.Model]
            .SelectMany(step => step.Outputs)
            .Select(o => (((Generator::NetDsl.Generator.CheckedNetwork)o.Value).Model.Target.Name, o.Reason))
            .ToList();
        Assert.Contains(("MnistNet", IncrementalStepRunReason.Cached), reasons);
        Assert.Contains(("Inline", IncrementalStepRunReason.Modified), reasons);
    }

    private static void AssertAllOutputs(GeneratorRunResult run, string step, IncrementalStepRunReason reason)
    {
        ImmutableArray<IncrementalGeneratorRunStep> steps = run.TrackedSteps[step];
        Assert.NotEmpty(steps);
        Assert.All(steps.SelectMany(s => s.Outputs), output => Assert.Equal(reason, output.Reason));
    }
}
