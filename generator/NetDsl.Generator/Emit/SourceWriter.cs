using System;
using System.Text;

namespace NetDsl.Generator.Emit;

/// <summary>A small indenting writer for generated C#; lines end with <c>\n</c> on every platform.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    public SourceWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            _builder.Append(' ', _indent * 4);
        }

        _builder.Append(text).Append('\n');
        return this;
    }

    public SourceWriter OpenBrace()
    {
        Line("{");
        _indent++;
        return this;
    }

    public SourceWriter CloseBrace(string suffix = "")
    {
        _indent--;
        return Line("}" + suffix);
    }

    /// <summary>Writes <paramref name="header"/>, then a braced block whose body is <paramref name="body"/>.</summary>
    public SourceWriter Block(string header, Action body)
    {
        Line(header);
        OpenBrace();
        body();
        return CloseBrace();
    }

    /// <summary>A writer at the same indentation, whose text is added later with <see cref="Append"/>.</summary>
    public SourceWriter Fork() => new() { _indent = _indent };

    /// <summary>Adds the text of a forked writer.</summary>
    public SourceWriter Append(SourceWriter fork)
    {
        _builder.Append(fork._builder);
        return this;
    }

    public override string ToString() => _builder.ToString();
}
