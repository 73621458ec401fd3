using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Tests.Infrastructure;

namespace NetDsl.Generator.Tests;

/// <summary>
/// Thousands of networks declared the odd but legal ways users write classes: names that are keywords, differ
/// only in case or match NetDsl's own types and members; escaped and clashing namespaces; nested in classes,
/// structs, records and interfaces; every accessibility; constructors and members of their own; layers from
/// attributes, inline text and .netdsl files, valid or not. For every compilation (fixed seeds): the generator
/// never throws and never reports CS8785; every network gets its code or an NDSL error; and when no NDSL error
/// is reported, everything compiles.
/// </summary>
public sealed class DeclarationFuzzTests
{
    private const int NetworksPerCompilation = 12;

    private static readonly string[] Names =
    {
        "Net", "NET", "net", "Kernel", "Workspace", "@class", "@namespace", "@int", "Activations", "Scratch", "Instance", "NetDsl",
        "Generated", "Engine", "Span", "Array", "INetwork", "NetworkKernel", "NetworkRuntime", "TensorShape", "Activation", "Padding",
        "Summary", "Parameters", "Predict", "InputLength", "Load", "_netDsl", "Conv2D", "Dense", "Model", "Über", "Σ", "Net1",
    };

    // Not NetDsl.Generated, which holds the generated kernels; in NetDsl itself, no names of NetDsl's own types.
    private static readonly string[] Namespaces = { "", "", "A", "A.B", "@namespace.@class", "NetDsl", "NetDsl.Samples", "System.Models", "Kernel", "global_" };

    private static readonly HashSet<string> NetDslTypes = new(typeof(NetworkAttribute).Assembly.GetExportedTypes()
        .Select(t => t.Namespace == "NetDsl" ? t.Name : t.Namespace!.Split('.').ElementAtOrDefault(1) ?? t.Name)
        .Append("Generated"));

    /// <summary>Where a network's name would also be a namespace (A.B, Kernel, ...): the user's own conflict.</summary>
    private static bool IsNamespace(string ns, string name)
    {
        string prefix = ns.Length == 0 ? name : ns.Replace("@", string.Empty, StringComparison.Ordinal) + "." + name;
        return Namespaces.Select(n => n.Replace("@", string.Empty, StringComparison.Ordinal))
            .Any(n => n == prefix || n.StartsWith(prefix + ".", StringComparison.Ordinal));
    }

    private static readonly string[] Containers =
    {
        "", "", "", "public static partial class Outer", "internal partial class Inner", "partial struct Holder", "partial record RecordHolder",
        "public partial interface IHolder", "partial class Kernel", "partial class Net",
    };

    private static readonly string[] Accessibility = { "", "public ", "internal ", "public sealed ", "internal sealed ", "sealed " };

    private static readonly string[] NestedAccessibility = { "private ", "protected ", "private protected ", "protected internal " };

    private static readonly string[] Bodies =
    {
        ";", "{ }", "{ public NAME(string text) : this(text.Length) { } }", "{ public int Predict(int x) => x; }",
        "{ public const int Size = 3; public static int Twice(int x) => 2 * x; }", "{ public override string ToString() => \"net\"; }",
        "{ public NAME(int a, int b) : this(a + b) { } }", "{ private readonly int _seed; }", "{ public int Kernel => 1; public int Scratch => 2; }",
    };

    private static readonly string[] AttributeLayers =
    {
        "[Conv2D(4, 3)]", "[Conv2D(3, 2, Padding = Padding.Same, Activation = Activation.GELU)]", "[Conv2D(2, 1, UseBias = false)]",
        "[MaxPooling2D]", "[AveragePooling2D(2, Strides = 1)]", "[GlobalAveragePooling2D]", "[GlobalMaxPooling2D]", "[Flatten]",
        "[Dense(5)]", "[Dense(3, Activation = Activation.Softmax)]", "[Activation(Activation.Swish)]", "[LeakyReLU]", "[LeakyReLU(0.1)]",
        "[BatchNormalization]", "[BatchNormalization(Momentum = 0.9, Center = false)]", "[Dropout(0.5)]", "[SpatialDropout2D(0.2)]",
        "[Dropout(1.5)]", "[Conv2D(0, 3)]", "[Dense(-1)]", "[Input(3)]",
        "[DepthwiseConv2D(3, Padding = Padding.Same)]", "[SeparableConv2D(3, 2, DepthMultiplier = 2)]", "[Conv2DTranspose(2, 3, Strides = 2)]",
        "[Conv2D(2, 2, DilationRate = 2)]", "[UpSampling2D]", "[ZeroPadding2D]", "[Cropping2D(1)]", "[Reshape(-1)]",
        "[Add(\"input_layer\", \"input_layer\")]", "[Concatenate(\"input_layer\", \"input_layer\")]",
        "[Conv2D(2, 1, From = \"input_layer\", Name = \"side\")]", "[Dense(2, Name = \"2bad\")]",
    };

    private static readonly string[] TextLayers =
    {
        "conv2d 4 3x3", "conv2d 3 2 same gelu", "conv2d 2 1 nobias", "maxpool", "avgpool 2 stride 1", "globalavgpool", "globalmaxpool",
        "flatten", "dense 5", "dense 3 softmax", "activation swish", "leakyrelu", "leakyrelu 0.1", "batchnorm", "batchnorm momentum 0.9 nocenter",
        "dropout 0.5", "spatialdropout2d 0.2", "dropout 1.5", "conv2d 0 3", "dense", "input 3",
        "depthwiseconv2d 3 same", "separableconv2d 3 2 multiplier 2", "conv2dtranspose 2 3 stride 2", "conv2d 2 2 dilation 2", "upsampling2d",
        "zeropadding2d", "cropping2d 1", "reshape -1", "add input_layer input_layer", "concat input_layer input_layer",
        "side: conv2d 2 1 from input_layer", "2bad: dense 2",
    };

    private static readonly string[] Inputs = { "Input(6, 6, 2)", "Input(5, 4, 3)", "Input(8)", "Input(1, 1, 1)" };

    public static IEnumerable<object[]> Seeds() => Enumerable.Range(0, 10).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void EveryNetworkGetsItsCodeOrAnErrorAndTheCodeCompiles(int seed)
    {
        var random = new Random(seed);
        for (int compilation = 0; compilation < 25; compilation++)
        {
            var declared = new List<(string MetadataName, string Display)>();
            var used = new Dictionary<string, string>(StringComparer.Ordinal);
            var sources = new List<string>();
            var files = new List<AdditionalText>();
            for (int i = 0; i < NetworksPerCompilation; i++)
            {
                if (random.Next(6) == 0)
                {
                    files.Add(NetDslFile(random, files.Count, declared, used));
                }
                else
                {
                    sources.Add(Declaration(random, sources.Count, declared, used));
                }
            }

            GeneratorResult result = GeneratorHarness.Run(sources.ToArray(), files.ToArray());
            string context = "seed " + seed + ", compilation " + compilation + ":\n" + string.Join("\n", sources) + "\n" + string.Join("\n", files.Select(f => f.Path + ":\n" + f.GetText()));

            Assert.DoesNotContain(result.GeneratorDiagnostics, d => d.Id == "CS8785");
            Assert.DoesNotContain(result.AllDiagnostics, d => d.Id == "NDSL0015");
            List<Diagnostic> ndslErrors = result.AllDiagnostics.Where(d => d.Id.StartsWith("NDSL", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error).ToList();
            foreach ((string metadataName, string display) in declared.Distinct())
            {
                INamedTypeSymbol? type = result.Compilation.GetTypeByMetadataName(metadataName);
                bool generated = type is not null && type.GetMembers("InputLength").Length > 0;
                bool reported = ndslErrors.Any(d => Mentions(d, display, type));
                Assert.True(generated || reported, $"{display} ({metadataName}) got neither code nor an NDSL error\n{context}");
            }

            List<Diagnostic> compilerErrors = result.CompilerDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (ndslErrors.Count == 0)
            {
                Assert.True(compilerErrors.Count == 0, $"no NDSL error, but the build fails: {string.Join("\n", compilerErrors.Take(5))}\n{context}");
            }
            else
            {
                // A network with errors still gets a surface that compiles (no follow-up errors in generated files).
                List<Diagnostic> inGenerated = compilerErrors.Where(d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true).ToList();
                Assert.True(inGenerated.Count == 0, $"errors in generated code: {string.Join("\n", inGenerated.Take(5))}\n{context}");
            }
        }
    }

    /// <summary>Whether an NDSL error is about the network: located in its declaration or naming it.</summary>
    private static bool Mentions(Diagnostic diagnostic, string display, INamedTypeSymbol? type)
    {
        if (type is not null && diagnostic.Location.IsInSource
            && type.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == diagnostic.Location.SourceTree && r.Span.Contains(diagnostic.Location.SourceSpan)))
        {
            return true;
        }

        string message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        return message.Contains("'" + display.TrimStart('@') + "'", StringComparison.Ordinal);
    }

    /// <summary>A declaration that is valid C# on its own and with the others: every network and containing type
    /// has one role and one set of modifiers per full name (names may still differ only in case).</summary>
    private static string Declaration(Random random, int index, List<(string MetadataName, string Display)> declared, Dictionary<string, string> used)
    {
        string name, ns, container, bare, access, body;
        while (true)
        {
            name = Pick(random, Names);
            ns = Pick(random, Namespaces);
            container = Pick(random, Containers);
            bare = name.TrimStart('@');
            if ((ns == "NetDsl" && NetDslTypes.Contains(bare)) || (container.Length == 0 && IsNamespace(ns, bare)))
            {
                continue; // the user's own NetDsl.INetwork would hide NetDsl's; a class and a namespace of one name clash
            }

            if (container.EndsWith(" " + bare, StringComparison.Ordinal))
            {
                container = string.Empty; // a type cannot contain a member of its own name
            }

            bool inner = container.Length > 0;
            access = inner && random.Next(3) == 0 ? Pick(random, NestedAccessibility) : Pick(random, Accessibility);
            body = Pick(random, Bodies).Replace("NAME", name, StringComparison.Ordinal);
            if (body.Contains(" " + bare + "(", StringComparison.Ordinal) && !body.Contains("public " + name + "(", StringComparison.Ordinal)
                || body.Contains(" " + bare + " =>", StringComparison.Ordinal))
            {
                continue; // a member named like its class (CS0542) is the user's own error
            }

            string key = Key(ns, inner ? container.Split(' ').Last() : string.Empty, bare);
            string containerKey = Key(ns, string.Empty, inner ? container.Split(' ').Last() : string.Empty);
            if (used.ContainsKey(key) || (inner && used.TryGetValue(containerKey, out string? role) && role != container)
                || (!inner && used.Keys.Any(k => k == Key(ns, string.Empty, bare))))
            {
                continue;
            }

            used[key] = "network";
            if (inner)
            {
                used[containerKey] = container;
            }

            break;
        }

        bool nested = container.Length > 0;
        if (container.Contains("interface", StringComparison.Ordinal) && access.Contains("private", StringComparison.Ordinal))
        {
            access = "public "; // members of interfaces cannot be private
        }

        if (container.Contains("struct", StringComparison.Ordinal) && access.Contains("protected", StringComparison.Ordinal))
        {
            access = "internal ";
        }

        var text = new StringBuilder("using NetDsl;\n");
        if (ns.Length > 0)
        {
            text.Append("namespace ").Append(ns).Append(" {\n");
        }

        if (nested)
        {
            text.Append(container).Append(" {\n");
        }

        if (random.Next(4) == 0)
        {
            string layers = string.Join("\\n", Enumerable.Range(0, random.Next(1, 5)).Select(_ => Pick(random, TextLayers)));
            text.Append("[Network(\"input 6x6x2\\n").Append(layers).Append("\")]\n");
        }
        else
        {
            text.Append("[Network]\n[").Append(Pick(random, Inputs)).Append("]\n");
            for (int i = random.Next(0, 5); i > 0; i--)
            {
                text.Append(Pick(random, AttributeLayers)).Append('\n');
            }
        }

        text.Append(access).Append("partial class ").Append(name).Append(' ').Append(body).Append('\n');
        if (nested)
        {
            text.Append("}\n");
        }

        if (ns.Length > 0)
        {
            text.Append("}\n");
        }

        string containerName = nested ? container.Split(' ').Last() : string.Empty;
        string metadata = string.Join(".", ns.Split('.', StringSplitOptions.RemoveEmptyEntries).Select(p => p.TrimStart('@')));
        metadata = (metadata.Length > 0 ? metadata + "." : string.Empty) + (nested ? containerName + "+" : string.Empty) + bare;
        declared.Add((metadata, name));
        return "// file " + index + "\n" + text;
    }

    private static AdditionalText NetDslFile(Random random, int index, List<(string MetadataName, string Display)> declared, Dictionary<string, string> used)
    {
        string name, ns;
        do
        {
            name = Pick(random, Names).TrimStart('@');
            ns = Pick(random, Namespaces).Replace("@", string.Empty, StringComparison.Ordinal);
        }
        while (used.ContainsKey(Key(ns, string.Empty, name)) || (ns == "NetDsl" && NetDslTypes.Contains(name)) || IsNamespace(ns, name));

        used[Key(ns, string.Empty, name)] = "network";
        var text = new StringBuilder("network ").Append(name).Append('\n');
        if (ns.Length > 0)
        {
            text.Append("namespace ").Append(ns).Append('\n');
        }

        text.Append("input 6x6x2\n");
        for (int i = random.Next(0, 5); i > 0; i--)
        {
            text.Append(Pick(random, TextLayers)).Append('\n');
        }

        declared.Add(((ns.Length > 0 ? ns + "." : string.Empty) + name, name));
        return new InMemoryAdditionalText($"/fuzz/{index}/{name}.netdsl", text.ToString());
    }

    private static string Key(string ns, string container, string name) =>
        ns.Replace("@", string.Empty, StringComparison.Ordinal) + "|" + container + "|" + name;

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];
}
