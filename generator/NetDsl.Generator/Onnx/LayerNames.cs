using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using NetDsl.Generator.Model;
using NetDsl.Generator.Planning;

namespace NetDsl.Generator.Onnx;

/// <summary>
/// Names for imported layers: taken from the ONNX node's name, made a valid NetDsl layer name (an ASCII letter,
/// then letters, digits and underscores, at most 128 characters) and kept apart from every name given before it,
/// as the shape checker and planner require: no two alike, nor alike in generated code (<c>conv_1</c> and
/// <c>conv1</c> are both <c>Conv1</c>), nor giving a member another layer's name gives or every network has
/// (<c>input</c>, <c>conv</c> beside <c>conv_kernel</c>), nor a gradient buffer's name.
/// </summary>
internal sealed class LayerNames
{
    private const int MaxLength = 128;

    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly List<string> _pascal = new();

    /// <summary>
    /// The part of a node's name that names its layer. PyTorch names nodes by module scope and operator
    /// (<c>/layer1/layer1.0/conv1/Conv</c>), tf2onnx by TensorFlow scope (<c>model/conv2d/BiasAdd</c>): the
    /// operator part goes, and a scope that the next one repeats with a dotted suffix (<c>layer1</c> before
    /// <c>layer1.0</c>). A name without a scope stays unless it is the operator's automatic name (<c>Conv_3</c>).
    /// </summary>
    public static string FromNode(OnnxNode node)
    {
        List<string> parts = node.Name.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries).ToList();
        if (parts.Count > 1)
        {
            parts.RemoveAt(parts.Count - 1);
        }
        else if (parts.Count == 1 && IsAutomaticName(parts[0], node.OpType))
        {
            parts.Clear();
        }

        for (int k = parts.Count - 2; k >= 0; k--)
        {
            if (parts[k + 1].StartsWith(parts[k] + ".", StringComparison.Ordinal))
            {
                parts.RemoveAt(k);
            }
        }

        return string.Join("_", parts);
    }

    /// <summary>Claims a name for a layer: <paramref name="preferred"/> made valid (prefixed with
    /// <paramref name="prefix"/>, Keras's automatic prefix of its kind, when it is empty or does not start with a
    /// letter), with <c>_1</c>, <c>_2</c>, ... added until it clashes with no name claimed before.</summary>
    public string Claim(string preferred, string prefix)
    {
        string stem = Sanitize(preferred);
        if (stem.Length == 0)
        {
            stem = prefix;
        }
        else if (!IsAsciiLetter(stem[0]))
        {
            stem = prefix + "_" + stem;
        }

        if (stem.Length > MaxLength - 8)
        {
            stem = stem.Substring(0, MaxLength - 8).TrimEnd('_');
        }

        string name = stem;
        for (int k = 1; Clashes(name); k++)
        {
            name = stem + "_" + k;
        }

        _names.Add(name);
        _pascal.Add(Identifiers.Pascal(name));
        return name;
    }

    private bool Clashes(string name)
    {
        if (_names.Contains(name))
        {
            return true;
        }

        string pascal = Identifiers.Pascal(name);
        return BufferRef.IsSlotName(pascal)
            || NetworkPlanner.Reserved.Any(r => r == pascal || ExtendsBySuffix(r, pascal))
            || _pascal.Any(p => p == pascal || ExtendsBySuffix(p, pascal) || ExtendsBySuffix(pascal, p));
    }

    /// <summary>Whether <paramref name="longer"/> is <paramref name="shorter"/> and a word of letters that starts
    /// with a capital: the shape of the suffixes generated members add to a layer's name (<c>Kernel</c>,
    /// <c>Geometry</c>, <c>Stride</c>), so such names might clash. (A digit in the rest rules it out: no suffix has
    /// one.)</summary>
    private static bool ExtendsBySuffix(string longer, string shorter) =>
        longer.Length > shorter.Length && longer.StartsWith(shorter, StringComparison.Ordinal)
        && char.IsUpper(longer[shorter.Length]) && longer.Substring(shorter.Length).All(IsAsciiLetter);

    private static bool IsAutomaticName(string name, string opType) =>
        string.Equals(name, opType, StringComparison.Ordinal)
        || (name.Length > opType.Length + 1 && name.StartsWith(opType, StringComparison.Ordinal)
            && name[opType.Length] is '_' or '.' && name.Substring(opType.Length + 1).All(c => c is >= '0' and <= '9'));

    /// <summary>Letters, digits and underscores, every other run of characters one underscore, none at the ends.</summary>
    private static string Sanitize(string text)
    {
        var sb = new StringBuilder();
        foreach (char c in text)
        {
            if (IsAsciiLetter(c) || c is >= '0' and <= '9')
            {
                sb.Append(c);
            }
            else if (sb.Length > 0 && sb[sb.Length - 1] != '_')
            {
                sb.Append('_');
            }
        }

        return sb.ToString().TrimEnd('_');
    }

    private static bool IsAsciiLetter(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');
}
