// No namespace and no `using NetDsl.Training;`: net.Evaluate(dataset) must compile with `using NetDsl;` alone (it used
// to be CS7036, the compiler trying INetwork.Evaluate(inputs, labels)). The test is that this file compiles.
using NetDsl;
using NetDsl.Data;
using NetDsl.Tests.Networks;

internal static class EvaluateWithoutTrainingNamespace
{
    public static BatchStatistics Run(Dataset test) => new SmallDigitNet(seed: 1).Evaluate(test);
}
