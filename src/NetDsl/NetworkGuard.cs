using System;
using System.ComponentModel;

namespace NetDsl;

/// <summary>Argument checks shared by every generated network, with messages that name the expected length.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class NetworkGuard
{
    /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void CheckLength(int actual, int expected, string parameterName)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Expected a span of length {expected} (one sample), but '{parameterName}' has length {actual}.", parameterName);
        }
    }

    /// <summary>Throws unless <paramref name="actual"/> holds exactly <paramref name="batchSize"/> samples of
    /// <paramref name="sampleLength"/>.</summary>
    /// <exception cref="ArgumentException">The batch size is negative or the length is wrong.</exception>
    public static void CheckBatch(int actual, int batchSize, int sampleLength, string parameterName)
    {
        if (batchSize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must not be negative.");
        }

        long expected = (long)batchSize * sampleLength;
        if (actual != expected)
        {
            throw new ArgumentException($"Expected a span of length {expected} ({batchSize} samples of {sampleLength}), but '{parameterName}' has length {actual}.", parameterName);
        }
    }
}
