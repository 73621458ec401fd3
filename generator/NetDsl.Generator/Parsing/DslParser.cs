using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Parsing;

/// <summary>What the text front end read: the optional header (file host) and the layers.</summary>
internal sealed record DslDocument(
    string? NetworkName,
    LocationInfo? NetworkLocation,
    string? Namespace,
    EquatableArray<LayerSpec> Layers,
    EquatableArray<DiagnosticInfo> Diagnostics)
{
    public bool HasErrors => Diagnostics.Count > 0;
}

/// <summary>
/// Parses NetDsl's text form: one layer per line, Keras words, <c>#</c> comments. The same layers, settings and
/// defaults as the attributes; every token keeps its position so diagnostics point inside the text.
/// <code>
/// network MnistNet            # .netdsl files only
/// namespace Samples           # optional, .netdsl files only
/// input 28x28x1               # or: input 784
/// conv2d 32 3x3 relu          # filters, kernel; options: stride N|HxW, same|valid, activation, nobias
/// maxpool 2x2                 # or avgpool; size optional (2x2); options: stride, same|valid
/// globalavgpool               # or globalmaxpool
/// flatten
/// dense 10 softmax            # units; options: activation, nobias
/// activation relu             # relu, sigmoid, tanh, softmax, linear
/// </code>
/// </summary>
internal static class DslParser
{
    private static readonly Dictionary<string, LayerKind> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["input"] = LayerKind.Input,
        ["conv2d"] = LayerKind.Conv2D,
        ["maxpool"] = LayerKind.MaxPooling2D,
        ["maxpooling2d"] = LayerKind.MaxPooling2D,
        ["max_pooling2d"] = LayerKind.MaxPooling2D,
        ["avgpool"] = LayerKind.AveragePooling2D,
        ["averagepooling2d"] = LayerKind.AveragePooling2D,
        ["average_pooling2d"] = LayerKind.AveragePooling2D,
        ["globalavgpool"] = LayerKind.GlobalAveragePooling2D,
        ["globalaveragepooling2d"] = LayerKind.GlobalAveragePooling2D,
        ["global_average_pooling2d"] = LayerKind.GlobalAveragePooling2D,
        ["globalmaxpool"] = LayerKind.GlobalMaxPooling2D,
        ["globalmaxpooling2d"] = LayerKind.GlobalMaxPooling2D,
        ["global_max_pooling2d"] = LayerKind.GlobalMaxPooling2D,
        ["flatten"] = LayerKind.Flatten,
        ["dense"] = LayerKind.Dense,
        ["activation"] = LayerKind.Activation,
    };

    private static readonly Dictionary<string, ActivationKind> Activations = new(StringComparer.OrdinalIgnoreCase)
    {
        ["linear"] = ActivationKind.None,
        ["none"] = ActivationKind.None,
        ["relu"] = ActivationKind.ReLU,
        ["sigmoid"] = ActivationKind.Sigmoid,
        ["tanh"] = ActivationKind.Tanh,
        ["softmax"] = ActivationKind.Softmax,
    };

    private const string LayerList = "input, conv2d, maxpool, avgpool, globalavgpool, globalmaxpool, flatten, dense or activation";
    private const string ActivationList = "relu, sigmoid, tanh, softmax or linear";

    /// <summary>Parses <paramref name="text"/>. <paramref name="locate"/> turns a (start, length) in the text into a
    /// source location; <paramref name="allowHeader"/> permits the <c>network</c> and <c>namespace</c> lines.</summary>
    public static DslDocument Parse(string text, Func<int, int, LocationInfo?> locate, bool allowHeader)
    {
        var parser = new Parser(text, locate, allowHeader);
        parser.Run();
        return new DslDocument(parser.NetworkName, parser.NetworkLocation, parser.Namespace, parser.Layers.ToEquatableArray(), parser.Diagnostics.ToEquatableArray());
    }

    private readonly struct Token
    {
        public Token(string text, int start)
        {
            Text = text;
            Start = start;
        }

        public string Text { get; }

        public int Start { get; }

        public int Length => Text.Length;
    }

    private sealed class Parser
    {
        private readonly string _text;
        private readonly Func<int, int, LocationInfo?> _locate;
        private readonly bool _allowHeader;

        public Parser(string text, Func<int, int, LocationInfo?> locate, bool allowHeader)
        {
            _text = text;
            _locate = locate;
            _allowHeader = allowHeader;
        }

        public string? NetworkName { get; private set; }

        public LocationInfo? NetworkLocation { get; private set; }

        public string? Namespace { get; private set; }

        public List<LayerSpec> Layers { get; } = new();

        public List<DiagnosticInfo> Diagnostics { get; } = new();

        public void Run()
        {
            int lineStart = 0;
            while (lineStart <= _text.Length)
            {
                int lineEnd = _text.IndexOf('\n', lineStart);
                if (lineEnd < 0)
                {
                    lineEnd = _text.Length;
                }

                ParseLine(Tokenize(lineStart, lineEnd));
                lineStart = lineEnd + 1;
            }

            if (_allowHeader && NetworkName is null && Diagnostics.Count == 0)
            {
                Report(DiagnosticDescriptors.DslMissingNetworkName, 0, 0);
            }
        }

        private List<Token> Tokenize(int start, int end)
        {
            var tokens = new List<Token>();
            int i = start;
            while (i < end)
            {
                char c = _text[i];
                if (c == '#')
                {
                    break;
                }

                if (char.IsWhiteSpace(c))
                {
                    i++;
                    continue;
                }

                int tokenStart = i;
                while (i < end && !char.IsWhiteSpace(_text[i]) && _text[i] != '#')
                {
                    i++;
                }

                tokens.Add(new Token(_text.Substring(tokenStart, i - tokenStart), tokenStart));
            }

            return tokens;
        }

        private void ParseLine(List<Token> tokens)
        {
            if (tokens.Count == 0)
            {
                return;
            }

            Token keyword = tokens[0];
            string word = keyword.Text.ToLowerInvariant();
            if (word is "network" or "namespace")
            {
                ParseHeader(word, tokens);
                return;
            }

            if (!Keywords.TryGetValue(keyword.Text, out LayerKind kind))
            {
                Report(DiagnosticDescriptors.DslUnknownLayer, keyword, keyword.Text, LayerList);
                return;
            }

            var arguments = new List<LayerArgument>();
            bool ok = kind switch
            {
                LayerKind.Input => ParseInput(tokens, arguments),
                LayerKind.Conv2D => ParseConv2D(tokens, arguments),
                LayerKind.MaxPooling2D or LayerKind.AveragePooling2D => ParsePooling(tokens, arguments),
                LayerKind.Dense => ParseDense(tokens, arguments),
                LayerKind.Activation => ParseActivation(tokens, arguments),
                _ => ExpectNoArguments(tokens),
            };
            if (ok)
            {
                Token last = tokens[tokens.Count - 1];
                Layers.Add(new LayerSpec(kind, Locate(keyword.Start, last.Start + last.Length - keyword.Start), arguments.ToEquatableArray()));
            }
        }

        private void ParseHeader(string word, List<Token> tokens)
        {
            Token keyword = tokens[0];
            if (!_allowHeader)
            {
                Report(DiagnosticDescriptors.DslSyntax, keyword, $"'{word}' lines belong in .netdsl files; in [Network(\"...\")] the class is the network");
                return;
            }

            if (tokens.Count != 2)
            {
                Report(DiagnosticDescriptors.DslSyntax, keyword, word == "network" ? "write 'network Name', with the class name to generate" : "write 'namespace Name.Space'");
                return;
            }

            Token name = tokens[1];
            if (word == "network")
            {
                if (NetworkName is not null)
                {
                    Report(DiagnosticDescriptors.DslSyntax, keyword, $"this file already defines the network '{NetworkName}'; a .netdsl file holds one network");
                }
                else if (!SyntaxFacts.IsValidIdentifier(name.Text))
                {
                    Report(DiagnosticDescriptors.DslSyntax, name, $"'{name.Text}' is not a valid C# class name");
                }
                else
                {
                    NetworkName = name.Text;
                    NetworkLocation = Locate(keyword.Start, name.Start + name.Length - keyword.Start);
                }

                return;
            }

            if (Namespace is not null)
            {
                Report(DiagnosticDescriptors.DslSyntax, keyword, $"the namespace is already '{Namespace}'");
            }
            else if (!name.Text.Split('.').All(SyntaxFacts.IsValidIdentifier))
            {
                Report(DiagnosticDescriptors.DslSyntax, name, $"'{name.Text}' is not a valid namespace");
            }
            else
            {
                Namespace = name.Text;
            }
        }

        private bool ParseInput(List<Token> tokens, List<LayerArgument> arguments)
        {
            if (tokens.Count != 2)
            {
                return Fail(tokens[0], "input needs one shape: 'input 28x28x1' (height x width x channels) or 'input 784'");
            }

            Token shape = tokens[1];
            string[] parts = shape.Text.Split('x', 'X');
            if (parts.Length == 1 && TryNumber(shape, out int length))
            {
                arguments.Add(new LayerArgument(ArgumentKind.Length, length, Locate(shape)));
                return true;
            }

            if (parts.Length == 3 && TryParts(shape, parts, out int[] values))
            {
                arguments.Add(new LayerArgument(ArgumentKind.Height, values[0], Locate(shape)));
                arguments.Add(new LayerArgument(ArgumentKind.Width, values[1], Locate(shape)));
                arguments.Add(new LayerArgument(ArgumentKind.Channels, values[2], Locate(shape)));
                return true;
            }

            return Fail(shape, $"'{shape.Text}' is not an input shape; write height x width x channels (28x28x1) or a length (784)");
        }

        private bool ParseConv2D(List<Token> tokens, List<LayerArgument> arguments)
        {
            if (tokens.Count < 3)
            {
                return Fail(tokens[0], "conv2d needs a filter count and a kernel size, e.g. 'conv2d 32 3x3'");
            }

            if (!TryNumber(tokens[1], out int filters))
            {
                return Fail(tokens[1], $"'{tokens[1].Text}' is not a filter count");
            }

            arguments.Add(new LayerArgument(ArgumentKind.Filters, filters, Locate(tokens[1])));
            if (!TrySize(tokens[2], out int kh, out int kw))
            {
                return Fail(tokens[2], $"'{tokens[2].Text}' is not a kernel size; write 3x3 or 3");
            }

            arguments.Add(new LayerArgument(ArgumentKind.KernelHeight, kh, Locate(tokens[2])));
            arguments.Add(new LayerArgument(ArgumentKind.KernelWidth, kw, Locate(tokens[2])));
            return ParseOptions(tokens, 3, "conv2d", arguments, allowStride: true, allowPadding: true, allowActivation: true, allowBias: true);
        }

        private bool ParsePooling(List<Token> tokens, List<LayerArgument> arguments)
        {
            string name = tokens[0].Text.ToLowerInvariant();
            int next = 1;
            if (tokens.Count > 1 && char.IsDigit(tokens[1].Text[0]))
            {
                if (!TrySize(tokens[1], out int ph, out int pw))
                {
                    return Fail(tokens[1], $"'{tokens[1].Text}' is not a pool size; write 2x2 or 2");
                }

                arguments.Add(new LayerArgument(ArgumentKind.PoolHeight, ph, Locate(tokens[1])));
                arguments.Add(new LayerArgument(ArgumentKind.PoolWidth, pw, Locate(tokens[1])));
                next = 2;
            }

            return ParseOptions(tokens, next, name, arguments, allowStride: true, allowPadding: true, allowActivation: false, allowBias: false);
        }

        private bool ParseDense(List<Token> tokens, List<LayerArgument> arguments)
        {
            if (tokens.Count < 2 || !TryNumber(tokens[1], out int units))
            {
                return Fail(tokens.Count < 2 ? tokens[0] : tokens[1], "dense needs a number of units, e.g. 'dense 64 relu'");
            }

            arguments.Add(new LayerArgument(ArgumentKind.Units, units, Locate(tokens[1])));
            return ParseOptions(tokens, 2, "dense", arguments, allowStride: false, allowPadding: false, allowActivation: true, allowBias: true);
        }

        private bool ParseActivation(List<Token> tokens, List<LayerArgument> arguments)
        {
            if (tokens.Count != 2 || !Activations.TryGetValue(tokens[1].Text, out ActivationKind activation))
            {
                return Fail(tokens.Count < 2 ? tokens[0] : tokens[1], $"activation needs one of {ActivationList}, e.g. 'activation relu'");
            }

            arguments.Add(new LayerArgument(ArgumentKind.Activation, (int)activation, Locate(tokens[1])));
            return true;
        }

        private bool ExpectNoArguments(List<Token> tokens)
        {
            if (tokens.Count > 1)
            {
                return Fail(tokens[1], $"{tokens[0].Text.ToLowerInvariant()} takes no settings");
            }

            return true;
        }

        private bool ParseOptions(List<Token> tokens, int start, string layer, List<LayerArgument> arguments, bool allowStride, bool allowPadding, bool allowActivation, bool allowBias)
        {
            var seen = new HashSet<string>();
            for (int i = start; i < tokens.Count; i++)
            {
                Token token = tokens[i];
                string word = token.Text.ToLowerInvariant();
                string group;
                if (allowStride && word is "stride" or "strides")
                {
                    if (i + 1 >= tokens.Count || !TrySize(tokens[i + 1], out int sh, out int sw))
                    {
                        return Fail(i + 1 < tokens.Count ? tokens[i + 1] : token, "stride needs a size, e.g. 'stride 2' or 'stride 2x1'");
                    }

                    arguments.Add(new LayerArgument(ArgumentKind.StrideHeight, sh, Locate(tokens[i + 1])));
                    arguments.Add(new LayerArgument(ArgumentKind.StrideWidth, sw, Locate(tokens[i + 1])));
                    i++;
                    group = "stride";
                }
                else if (allowPadding && word is "same" or "valid")
                {
                    arguments.Add(new LayerArgument(ArgumentKind.Padding, word == "same" ? (int)PaddingKind.Same : (int)PaddingKind.Valid, Locate(token)));
                    group = "padding";
                }
                else if (allowActivation && Activations.TryGetValue(word, out ActivationKind activation))
                {
                    arguments.Add(new LayerArgument(ArgumentKind.Activation, (int)activation, Locate(token)));
                    group = "activation";
                }
                else if (allowBias && word == "nobias")
                {
                    arguments.Add(new LayerArgument(ArgumentKind.UseBias, 0, Locate(token)));
                    group = "nobias";
                }
                else
                {
                    return Fail(token, $"unknown setting '{token.Text}' for {layer}; expected {Expected(allowStride, allowPadding, allowActivation, allowBias)}");
                }

                if (!seen.Add(group))
                {
                    return Fail(token, $"{layer} already has a {group} setting");
                }
            }

            return true;
        }

        private static string Expected(bool stride, bool padding, bool activation, bool bias)
        {
            var parts = new List<string>();
            if (stride)
            {
                parts.Add("stride N or stride HxW");
            }

            if (padding)
            {
                parts.Add("same or valid");
            }

            if (activation)
            {
                parts.Add("an activation (" + ActivationList + ")");
            }

            if (bias)
            {
                parts.Add("nobias");
            }

            return string.Join(", ", parts);
        }

        private bool TrySize(Token token, out int height, out int width)
        {
            string[] parts = token.Text.Split('x', 'X');
            height = width = 0;
            if (parts.Length == 1 && TryNumber(token, out int size))
            {
                height = width = size;
                return true;
            }

            if (parts.Length == 2 && TryParts(token, parts, out int[] values))
            {
                height = values[0];
                width = values[1];
                return true;
            }

            return false;
        }

        private bool TryParts(Token token, string[] parts, out int[] values)
        {
            values = new int[parts.Length];
            for (int i = 0; i < parts.Length; i++)
            {
                if (!TryNumber(new Token(parts[i], token.Start), out values[i]))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>A whole number; a number too large for an int is an error of its own (not "not a number").</summary>
        private bool TryNumber(Token token, out int value)
        {
            value = 0;
            if (token.Text.Length == 0 || !token.Text.All(char.IsDigit))
            {
                return false;
            }

            if (!int.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
            {
                Report(DiagnosticDescriptors.DslSyntax, token, $"'{token.Text}' is too large");
                value = int.MaxValue;
            }

            return true;
        }

        private bool Fail(Token token, string message)
        {
            Report(DiagnosticDescriptors.DslSyntax, token, message);
            return false;
        }

        private void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, Token token, params object[] arguments) =>
            Diagnostics.Add(DiagnosticInfo.Create(descriptor, Locate(token), arguments));

        private void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, int start, int length, params object[] arguments) =>
            Diagnostics.Add(DiagnosticInfo.Create(descriptor, _locate(start, length), arguments));

        private LocationInfo? Locate(Token token) => _locate(token.Start, token.Length);

        private LocationInfo? Locate(int start, int length) => _locate(start, length);
    }
}
