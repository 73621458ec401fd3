// Both namespaces imported at the same level must not make Evaluate ambiguous (CS0121). The test is that this
// file compiles.
using NetDsl;
using NetDsl.Data;
using NetDsl.Tests.Networks;
using NetDsl.Training;

internal static class EvaluateWithBothNamespaces
{
    public static BatchStatistics Run(Dataset test) => new SmallDigitNet(seed: 1).Evaluate(test, new SparseCategoricalCrossentropy());
}
