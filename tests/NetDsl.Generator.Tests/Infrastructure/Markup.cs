using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.Text;

namespace NetDsl.Generator.Tests.Infrastructure;

/// <summary>
/// Source with expected diagnostics marked in place, Roslyn-test style: <c>{|NDSL0009:Conv2D(64, 7)|}</c>
/// marks the exact span where NDSL0009 must be reported.
/// </summary>
internal sealed class Markup
{
    private static readonly Regex Open = new(@"\{\|(?<id>[A-Z]+[0-9]+):", RegexOptions.Compiled);

    private Markup(string source, IReadOnlyList<(string Id, TextSpan Span)> expected)
    {
        Source = source;
        Expected = expected;
    }

    public string Source { get; }

    public IReadOnlyList<(string Id, TextSpan Span)> Expected { get; }

    public static Markup Parse(string markup)
    {
        var source = new StringBuilder();
        var expected = new List<(string, TextSpan)>();
        var open = new Stack<(string Id, int Start)>();
        int i = 0;
        while (i < markup.Length)
        {
            Match m = Open.Match(markup, i);
            if (m.Success && m.Index == i)
            {
                open.Push((m.Groups["id"].Value, source.Length));
                i += m.Length;
            }
            else if (markup[i] == '|' && i + 1 < markup.Length && markup[i + 1] == '}' && open.Count > 0)
            {
                (string id, int start) = open.Pop();
                expected.Add((id, TextSpan.FromBounds(start, source.Length)));
                i += 2;
            }
            else
            {
                source.Append(markup[i]);
                i++;
            }
        }

        return new Markup(source.ToString(), expected);
    }
}
