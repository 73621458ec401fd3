extern alias Generator;

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Generator::NetDsl.Generator;

namespace NetDsl.Generator.Tests.Infrastructure;

/// <summary>
/// Runs an analyzer and a code fix with Microsoft.CodeAnalysis.Testing, with the NetDsl generator in the
/// compilation (so generated members exist) and this machine's framework assemblies as references (no
/// reference packages are downloaded).
/// </summary>
internal static class CodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public static Task VerifyAsync(string source, string fixedSource, int iterations = 1)
    {
        var test = new Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            NumberOfFixAllIterations = iterations,
        };
        return test.RunAsync();
    }

    private sealed class Test : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    {
        public Test()
        {
            ReferenceAssemblies = new ReferenceAssemblies("net10.0");
            TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
            foreach (MetadataReference reference in FrameworkReferences.Value)
            {
                TestState.AdditionalReferences.Add(reference);
                FixedState.AdditionalReferences.Add(reference);
            }
        }

        protected override IEnumerable<Type> GetSourceGenerators() => new[] { typeof(NetworkGenerator) };
    }

    private static readonly Lazy<MetadataReference[]> FrameworkReferences = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .Append(MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location))
            .ToArray());
}
