namespace NetDsl.Generator.Polyfills;

/// <summary>FNV-style hash combining (System.HashCode is not in netstandard2.0).</summary>
internal static class HashCodeCombiner
{
    public static int Combine(int hash, int value) => unchecked((hash * 16777619) ^ value);

    public const int Seed = unchecked((int)2166136261);
}
