using System;
using System.Collections.Generic;
using System.Text;

namespace NetDsl.Generator.Emit;

/// <summary>A small indenting writer for generated C#; lines end with <c>\n</c> on every platform.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    public SourceWriter(int indent = 0)
    {
        _indent = indent;
    }

    /// <summary>Columns of indentation of the next line.</summary>
    public int Indentation => _indent * 4;

    public void Indent() => _indent++;

    public void Outdent() => _indent--;

    /// <summary>Adds text already indented and ending with a line break (from another writer).</summary>
    public SourceWriter Raw(string text)
    {
        _builder.Append(text);
        return this;
    }

    public SourceWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            _builder.Append(' ', _indent * 4);
        }

        _builder.Append(text).Append('\n');
        return this;
    }

    /// <summary>The width generated lines stay within where they can.</summary>
    public const int Width = 120;

    /// <summary>A statement, its call's arguments wrapped onto indented lines when it is too long for one.</summary>
    public SourceWriter Statement(string code)
    {
        if (Indentation + code.Length <= Width)
        {
            return Line(code);
        }

        // The call whose argument list runs to the end of the statement: "prefix(" + arguments + ")" + suffix.
        int open = -1, close = -1;
        for (int i = 0; i < code.Length && open < 0; i++)
        {
            if (code[i] != '(')
            {
                continue;
            }

            int end = MatchingParenthesis(code, i);
            if (end > 0 && code.Substring(end + 1).Trim() is ";" or ")" or ");" or "" or "=>")
            {
                open = i;
                close = end;
            }
        }

        if (open < 0)
        {
            return Line(code);
        }

        Line(code.Substring(0, open + 1));
        _indent++;
        var line = new StringBuilder();
        List<string> arguments = SplitArguments(code.Substring(open + 1, close - open - 1));
        for (int a = 0; a < arguments.Count; a++)
        {
            string piece = arguments[a] + (a == arguments.Count - 1 ? code.Substring(close) : ",");
            if (line.Length > 0 && Indentation + line.Length + 1 + piece.Length > Width)
            {
                Line(line.ToString());
                line.Clear();
            }

            line.Append(line.Length == 0 ? string.Empty : " ").Append(piece);
        }

        Line(line.ToString());
        _indent--;
        return this;
    }

    /// <summary>A <c>//</c> comment, wrapped at word boundaries.</summary>
    public SourceWriter Comment(string text)
    {
        var line = new StringBuilder("//");
        foreach (string word in text.Split(' '))
        {
            if (line.Length > 2 && Indentation + line.Length + 1 + word.Length > Width)
            {
                Line(line.ToString());
                line.Clear().Append("//  ");
            }

            line.Append(' ').Append(word);
        }

        return Line(line.ToString());
    }

    private static int MatchingParenthesis(string code, int open)
    {
        int depth = 0;
        bool inString = false;
        for (int i = open; i < code.Length; i++)
        {
            char c = code[i];
            if (c == '"' && (i == 0 || code[i - 1] != '\\'))
            {
                inString = !inString;
            }
            else if (!inString && c == '(')
            {
                depth++;
            }
            else if (!inString && c == ')' && --depth == 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static List<string> SplitArguments(string arguments)
    {
        var result = new List<string>();
        int depth = 0, start = 0;
        bool inString = false;
        for (int i = 0; i < arguments.Length; i++)
        {
            char c = arguments[i];
            if (c == '"' && (i == 0 || arguments[i - 1] != '\\'))
            {
                inString = !inString;
            }
            else if (!inString && c is '(' or '[' or '{' or '<')
            {
                depth++;
            }
            else if (!inString && c is ')' or ']' or '}' or '>')
            {
                depth--;
            }
            else if (!inString && depth == 0 && c == ',')
            {
                result.Add(arguments.Substring(start, i - start).Trim());
                start = i + 1;
            }
        }

        result.Add(arguments.Substring(start).Trim());
        return result;
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

    public override string ToString() => _builder.ToString();
}
