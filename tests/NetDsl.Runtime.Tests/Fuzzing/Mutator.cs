using System;
using System.Collections.Generic;

namespace NetDsl.Runtime.Tests.Fuzzing;

/// <summary>
/// Seeded byte-level mutations of a valid file, the kinds a corrupt disk, a truncated download or a crafted file
/// produce: flipped bits, bytes set to values that matter to parsers (0, 0xFF, quotes, brackets, digits, signs),
/// cuts, insertions, repeated ranges and 32/64-bit little- and big-endian integers overwritten with extremes.
/// </summary>
internal sealed class Mutator(int seed)
{
    private static readonly byte[] Interesting = [0, 1, 0x7F, 0x80, 0xFF, (byte)'"', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)',', (byte)':', (byte)'-', (byte)'9', (byte)'0', (byte)'e', (byte)'\\', (byte)' '];
    private static readonly long[] Extremes = [0, 1, -1, int.MaxValue, int.MinValue, uint.MaxValue, long.MaxValue, long.MinValue, 1L << 31, 1L << 32, 100_000_000, 8];

    private readonly DeterministicRandom _random = new(seed);

    /// <summary>One to three mutations of <paramref name="original"/>, which is not changed.</summary>
    public byte[] Mutate(byte[] original)
    {
        var bytes = new List<byte>(original);
        int count = 1 + Next(3);
        for (int m = 0; m < count && bytes.Count > 0; m++)
        {
            int at = Next(bytes.Count);
            switch (Next(7))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << Next(8));
                    break;
                case 1:
                    bytes[at] = Interesting[Next(Interesting.Length)];
                    break;
                case 2:
                    bytes.RemoveRange(at, bytes.Count - at); // truncate
                    break;
                case 3:
                    bytes.RemoveRange(at, Math.Min(1 + Next(16), bytes.Count - at));
                    break;
                case 4:
                    for (int i = Next(16); i >= 0; i--)
                    {
                        bytes.Insert(at, (byte)Next(256));
                    }

                    break;
                case 5:
                    int length = Math.Min(1 + Next(32), bytes.Count - at);
                    bytes.InsertRange(Next(bytes.Count), bytes.GetRange(at, length));
                    break;
                default:
                    long value = Extremes[Next(Extremes.Length)];
                    bool wide = Next(2) == 0, bigEndian = Next(2) == 0;
                    int size = wide ? 8 : 4;
                    for (int i = 0; i < size && at + i < bytes.Count; i++)
                    {
                        int shift = 8 * (bigEndian ? size - 1 - i : i);
                        bytes[at + i] = (byte)(value >> shift);
                    }

                    break;
            }
        }

        return bytes.ToArray();
    }

    private int Next(int bound) => (int)(_random.NextUInt32() % (uint)bound);
}
