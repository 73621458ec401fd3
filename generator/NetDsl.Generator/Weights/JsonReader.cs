using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetDsl.Generator.Weights;

/// <summary>
/// A small JSON reader for safetensors headers: objects become <c>Dictionary&lt;string, object?&gt;</c> (keys in
/// order, a repeated key is an error), arrays <c>List&lt;object?&gt;</c>, numbers <c>double</c>, and strings,
/// booleans and null themselves. Nesting is limited, so a hostile header cannot exhaust the stack.
/// </summary>
internal static class JsonReader
{
    private const int MaxDepth = 64;

    public static object? Parse(string json)
    {
        int position = 0;
        object? value = ReadValue(json, ref position, 0);
        SkipWhitespace(json, ref position);
        if (position != json.Length)
        {
            throw Error(position, "text after the end of the header's JSON");
        }

        return value;
    }

    private static object? ReadValue(string json, ref int position, int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error(position, "the header's JSON is nested too deeply");
        }

        SkipWhitespace(json, ref position);
        if (position >= json.Length)
        {
            throw Error(position, "the header's JSON ends early");
        }

        char c = json[position];
        switch (c)
        {
            case '{':
                return ReadObject(json, ref position, depth);
            case '[':
                return ReadArray(json, ref position, depth);
            case '"':
                return ReadString(json, ref position);
            case 't':
                Expect(json, ref position, "true");
                return true;
            case 'f':
                Expect(json, ref position, "false");
                return false;
            case 'n':
                Expect(json, ref position, "null");
                return null;
            default:
                return ReadNumber(json, ref position);
        }
    }

    private static Dictionary<string, object?> ReadObject(string json, ref int position, int depth)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        position++;
        SkipWhitespace(json, ref position);
        if (position < json.Length && json[position] == '}')
        {
            position++;
            return result;
        }

        while (true)
        {
            SkipWhitespace(json, ref position);
            if (position >= json.Length || json[position] != '"')
            {
                throw Error(position, "a key was expected in the header's JSON");
            }

            string key = ReadString(json, ref position);
            SkipWhitespace(json, ref position);
            if (position >= json.Length || json[position] != ':')
            {
                throw Error(position, "':' was expected in the header's JSON");
            }

            position++;
            object? value = ReadValue(json, ref position, depth + 1);
            if (result.ContainsKey(key))
            {
                throw Error(position, $"the header names '{key}' twice");
            }

            result.Add(key, value);
            SkipWhitespace(json, ref position);
            if (position < json.Length && json[position] == ',')
            {
                position++;
                continue;
            }

            if (position < json.Length && json[position] == '}')
            {
                position++;
                return result;
            }

            throw Error(position, "',' or '}' was expected in the header's JSON");
        }
    }

    private static List<object?> ReadArray(string json, ref int position, int depth)
    {
        var result = new List<object?>();
        position++;
        SkipWhitespace(json, ref position);
        if (position < json.Length && json[position] == ']')
        {
            position++;
            return result;
        }

        while (true)
        {
            result.Add(ReadValue(json, ref position, depth + 1));
            SkipWhitespace(json, ref position);
            if (position < json.Length && json[position] == ',')
            {
                position++;
                continue;
            }

            if (position < json.Length && json[position] == ']')
            {
                position++;
                return result;
            }

            throw Error(position, "',' or ']' was expected in the header's JSON");
        }
    }

    private static string ReadString(string json, ref int position)
    {
        var sb = new StringBuilder();
        position++;
        while (position < json.Length)
        {
            char c = json[position++];
            if (c == '"')
            {
                return sb.ToString();
            }

            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            if (position >= json.Length)
            {
                break;
            }

            char escape = json[position++];
            switch (escape)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    if (position + 4 > json.Length || !int.TryParse(json.Substring(position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                    {
                        throw Error(position, "an invalid \\u escape in the header's JSON");
                    }

                    sb.Append((char)code);
                    position += 4;
                    break;
                default:
                    throw Error(position, "an invalid escape in the header's JSON");
            }
        }

        throw Error(position, "a string in the header's JSON is not closed");
    }

    private static double ReadNumber(string json, ref int position)
    {
        int start = position;
        while (position < json.Length && (char.IsDigit(json[position]) || json[position] is '-' or '+' or '.' or 'e' or 'E'))
        {
            position++;
        }

        if (position == start || !double.TryParse(json.Substring(start, position - start), NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            throw Error(start, "an unexpected character in the header's JSON");
        }

        return value;
    }

    private static void Expect(string json, ref int position, string word)
    {
        if (string.CompareOrdinal(json, position, word, 0, word.Length) != 0)
        {
            throw Error(position, "an unexpected word in the header's JSON");
        }

        position += word.Length;
    }

    private static void SkipWhitespace(string json, ref int position)
    {
        while (position < json.Length && json[position] is ' ' or '\t' or '\n' or '\r')
        {
            position++;
        }
    }

    private static FormatException Error(int position, string message) => new(message + " (at character " + position.ToString(CultureInfo.InvariantCulture) + ")");
}
