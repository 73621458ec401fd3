using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Tests.Infrastructure;

namespace NetDsl.Generator.Tests;

/// <summary>
/// The reproducers of declarations that once broke builds: names that differ only in case, escaped keywords as
/// names and namespaces, classes named like NetDsl's implementation types or like one of their own layers, and
/// networks nested in structs, records and interfaces. All of them together build without a single warning,
/// and every network works.
/// </summary>
public sealed class BuildSafetyTests
{
    private const string Source = """
        using System;
        using NetDsl;

        namespace @namespace.@class
        {
            [Network, Input(4), Dense(2)]
            public partial class Net;

            [Network, Input(4), Dense(3)]
            public partial class NET;

            [Network("input 4\ndense 5")]
            public partial class net;

            [Network, Input(4), Dense(2, Activation = Activation.Softmax)]
            public partial class @class;

            [Network, Input(4), Dense(2)]
            public partial class Kernel;

            [Network, Input(2, 2, 1), Conv2D(2, 1)]
            public partial class Workspace;

            [Network, Input(4), Dense(2)]
            public partial class Dense;

            [Network, Input(4), BatchNormalization, Dense(2)]
            public partial class Activations;

            [Network, Input(4), Dense(2)]
            public partial class Scratch { public Scratch(string name) : this(name.Length) { } }
        }

        namespace Other
        {
            [Network, Input(4), Dense(2)]
            internal partial class Net;

            public partial struct Holder
            {
                [Network, Input(4), Dropout(0.5), Dense(2)]
                internal partial class Net;
            }

            public partial record Record
            {
                [Network, Input(4), Dense(2)]
                private partial class Net;

                public static int Size => Net.OutputLength;
            }

            public partial interface IHolder
            {
                [Network, Input(4), Dense(2)]
                public partial class Net;
            }
        }

        static class Use
        {
            static float Run()
            {
                var input = new float[4];
                var output = new float[5];
                new @namespace.@class.Net(1).Predict(input, output.AsSpan(0, 2));
                new @namespace.@class.NET(1).Predict(input, output.AsSpan(0, 3));
                new @namespace.@class.net(1).Predict(input, output);
                new @namespace.@class.@class(1).Predict(input, output.AsSpan(0, 2));
                new @namespace.@class.Kernel(1).Predict(input, output.AsSpan(0, 2));
                new @namespace.@class.Dense(1).Predict(input, output.AsSpan(0, 2));
                new @namespace.@class.Activations(1).Predict(input, output.AsSpan(0, 2));
                new @namespace.@class.Scratch("abc").Predict(input, output.AsSpan(0, 2));
                new Other.Net(1).Predict(input, output.AsSpan(0, 2));
                new Other.Holder.Net(1).Predict(input, output.AsSpan(0, 2));
                new Other.IHolder.Net(1).Predict(input, output.AsSpan(0, 2));
                return output[0] + @namespace.@class.Workspace.InputLength + Other.Record.Size;
            }
        }
        """;

    [Fact]
    public void OddButLegalDeclarationsBuildWithoutAWarning()
    {
        GeneratorResult result = GeneratorHarness.Run(Source);

        Assert.Empty(result.AllDiagnostics);
        Assert.Equal(13, result.Sources.Count);
        Assert.Equal(13, result.Sources.Keys.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains("file sealed class DenseNetworkKernel", result.Sources.Single(s => s.Value.Contains("partial class Dense ", StringComparison.Ordinal)).Value);
    }

    [Fact]
    public void CaseOnlyDifferencesDoNotCostOtherNetworksTheirCode()
    {
        // Once, two such names made Roslyn reject a hint name (CS8785), and every network lost its code.
        GeneratorResult result = GeneratorHarness.Run("""
            using NetDsl;
            [Network, Input(4), Dense(2)] public partial class Model;
            [Network, Input(4), Dense(3)] public partial class MODEL;
            [Network, Input(4), Dense(4)] public partial class Other;
            static class Use { static int N => Model.OutputLength + MODEL.OutputLength + Other.OutputLength; }
            """);

        Assert.Empty(result.AllDiagnostics);
        Assert.Equal(3, result.Sources.Count);
        Assert.Equal(3, result.Sources.Keys.Select(k => k.ToUpperInvariant()).Distinct().Count());
        INamedTypeSymbol model = result.Compilation.GetTypeByMetadataName("MODEL")!;
        Assert.Equal(3, model.GetMembers("OutputLength").OfType<IFieldSymbol>().Single().ConstantValue);
    }
}
