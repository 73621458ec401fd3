using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Parsing;

/// <summary>What the text front end read: the optional header (file host) and the layers.</summary>
internal sealed record DslDocument(
    string? NetworkName,
    LocationInfo? NetworkLocation,
    string? Namespace,
    EquatableArray<LayerSpec> Layers,
    EquatableArray<DiagnosticInfo> Diagnostics,
    (string Path, Weights.WeightsFormat Format, LocationInfo? Location)? Weights = null)
{
    public bool HasErrors => Diagnostics.Count > 0;
}

/// <summary>
/// Parses NetDsl's text form: one layer per line (every Unicode line break ends a line), Keras's words, <c>#</c>
/// comments. Each line is a layer word and its values and options, read through the layer definition's
/// <see cref="ArgumentSchema"/>, so text and attributes accept the same settings. Every token keeps its position,
/// so diagnostics point inside the text. Numbers are ASCII digits.
/// <code>
/// network MnistNet            # .netdsl files only
/// namespace Samples           # optional, .netdsl files only
/// weights Models/mnist.safetensors  # optional, .netdsl files only: trained weights to embed (Pretrained())
/// input 28x28x1               # or: input 784
/// conv2d 32 3x3 relu          # filters, kernel; options: stride N|HxW, same|valid, activation, nobias
/// batchnorm                   # options: momentum R, epsilon R, nocenter, noscale
/// maxpool 2x2                 # or avgpool; size optional (2x2); options: stride, same|valid
/// dropout 0.25
/// flatten
/// dense 10 softmax            # units; options: activation, nobias
/// </code>
/// Any layer can be named (<c>skip: conv2d 16 3x3 same</c>) and take another earlier layer's output
/// (<c>conv2d 16 3x3 from skip</c>); merges name their inputs: <c>add skip conv2d_1</c>, <c>concat a b</c>.
/// </summary>
internal static class DslParser
{
    /// <summary>Parses <paramref name="text"/>. <paramref name="locate"/> turns a (start, length) in the text into a
    /// source location; <paramref name="allowHeader"/> permits the <c>network</c> and <c>namespace</c> lines.</summary>
    public static DslDocument Parse(string text, Func<int, int, LocationInfo?> locate, bool allowHeader)
    {
        var parser = new Parser(text, locate, allowHeader);
        parser.Run();
        return new DslDocument(parser.NetworkName, parser.NetworkLocation, parser.Namespace, parser.Layers.ToEquatableArray(), parser.Diagnostics.ToEquatableArray(), parser.Weights);
    }

    /// <summary>Whether <paramref name="c"/> ends a line: every mandatory break of Unicode (UAX #14: LF, VT, FF, CR, NEL, LS, PS).</summary>
    public static bool IsLineBreak(char c) => c is '\n' or '\v' or '\f' or '\r' or '\u0085' or '\u2028' or '\u2029';

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

        public (string Path, Weights.WeightsFormat Format, LocationInfo? Location)? Weights { get; private set; }

        public List<LayerSpec> Layers { get; } = new();

        public List<DiagnosticInfo> Diagnostics { get; } = new();

        public void Run()
        {
            int lineStart = 0;
            while (lineStart <= _text.Length)
            {
                int lineEnd = lineStart;
                while (lineEnd < _text.Length && !IsLineBreak(_text[lineEnd]))
                {
                    lineEnd++;
                }

                ParseLine(Tokenize(lineStart, lineEnd));

                // \r\n is one line break.
                lineStart = lineEnd + (lineEnd + 1 < _text.Length && _text[lineEnd] == '\r' && _text[lineEnd + 1] == '\n' ? 2 : 1);
            }

            if (_allowHeader && NetworkName is null && Diagnostics.Count == 0)
            {
                Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DslMissingNetworkName, _locate(0, 0)));
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

            Token first = tokens[0];
            string word = first.Text.ToLowerInvariant();
            if (word is "network" or "namespace")
            {
                ParseHeader(word, tokens);
                return;
            }

            if (word is "weights" or "onnx")
            {
                ParseWeights(word, tokens);
                return;
            }

            // "name: conv2d ..." (or "name:conv2d ...") names the layer.
            NameRef? name = null;
            int colon = first.Text.IndexOf(':');
            if (colon >= 0)
            {
                if (colon == 0)
                {
                    Report(DiagnosticDescriptors.DslSyntax, first, "a name goes before the colon: 'skip: conv2d 16 3x3'");
                    return;
                }

                name = new NameRef(first.Text.Substring(0, colon), Locate(first.Start, colon));
                tokens.RemoveAt(0);
                if (colon + 1 < first.Text.Length)
                {
                    tokens.Insert(0, new Token(first.Text.Substring(colon + 1), first.Start + colon + 1));
                }

                if (tokens.Count == 0)
                {
                    Report(DiagnosticDescriptors.DslSyntax, first, $"'{name.Text}:' names a layer: write the layer after it, e.g. '{name.Text}: conv2d 16 3x3'");
                    return;
                }
            }

            Token keyword = tokens[0];
            LayerDefinition? definition = LayerRegistry.ByDslWord(keyword.Text);
            if (definition is null)
            {
                Report(DiagnosticDescriptors.DslUnknownLayer, keyword, keyword.Text, LayerRegistry.WordList);
                return;
            }

            Token last = tokens[tokens.Count - 1];
            LocationInfo? location = Locate(first.Start, last.Start + last.Length - first.Start);
            var inputs = new List<NameRef>();
            if (definition.IsMerge)
            {
                // add a b [c ...]: the merged layers' names.
                for (int i = 1; i < tokens.Count; i++)
                {
                    if (string.Equals(tokens[i].Text, "from", StringComparison.OrdinalIgnoreCase))
                    {
                        Report(DiagnosticDescriptors.DslSyntax, tokens[i], $"{definition.Word} names the layers it merges after its word: '{definition.Word} a b'");
                        return;
                    }

                    inputs.Add(new NameRef(tokens[i].Text, Locate(tokens[i])));
                }

                Layers.Add(new LayerSpec(definition.ClassName, location, EquatableArray<LayerArgument>.Empty, name, inputs.ToEquatableArray()));
                return;
            }

            // "from NAME", anywhere after the word: the layer's input.
            for (int i = 1; i < tokens.Count; i++)
            {
                if (!string.Equals(tokens[i].Text, "from", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (inputs.Count > 0)
                {
                    Report(DiagnosticDescriptors.DslSyntax, tokens[i], "a layer takes one 'from'; merge several layers with add, concat, multiply, average or maximum");
                    return;
                }

                if (i + 1 >= tokens.Count)
                {
                    Report(DiagnosticDescriptors.DslSyntax, tokens[i], "from needs the name of an earlier layer: 'from conv2d'");
                    return;
                }

                inputs.Add(new NameRef(tokens[i + 1].Text, Locate(tokens[i + 1])));
                tokens.RemoveRange(i, 2);
                i--;
            }

            var arguments = new List<LayerArgument>();
            if (ParseArguments(definition, tokens, arguments))
            {
                Layers.Add(new LayerSpec(definition.ClassName, location, arguments.ToEquatableArray(), name, inputs.ToEquatableArray()));
            }
        }

        /// <summary><c>weights PATH</c> or <c>onnx PATH</c>: the rest of the line is the path (quotes optional).</summary>
        private void ParseWeights(string word, List<Token> tokens)
        {
            Token keyword = tokens[0];
            if (!_allowHeader)
            {
                Report(DiagnosticDescriptors.DslSyntax, keyword, word == "weights"
                    ? "'weights' lines belong in .netdsl files; in C#, write [Network(\"...\", Weights = \"path\")]"
                    : "'onnx' lines belong in .netdsl files; in C#, write [Network(Onnx = \"path\")]");
                return;
            }

            if (tokens.Count < 2)
            {
                Report(DiagnosticDescriptors.DslSyntax, keyword, $"write '{word} path/to/file.{(word == "weights" ? "safetensors" : "onnx")}'");
                return;
            }

            if (Weights is not null)
            {
                Report(DiagnosticDescriptors.DslSyntax, keyword, "the network already names its weights; a .netdsl file takes one 'weights' or 'onnx' line");
                return;
            }

            Token last = tokens[tokens.Count - 1];
            int start = tokens[1].Start;
            int end = last.Start + last.Length;
            string path = _text.Substring(start, end - start);
            if (path.Length >= 2 && path[0] == '"' && path[path.Length - 1] == '"')
            {
                path = path.Substring(1, path.Length - 2);
            }

            Weights = (path, word == "weights" ? NetDsl.Generator.Weights.WeightsFormat.Safetensors : NetDsl.Generator.Weights.WeightsFormat.Onnx, Locate(start, end - start));
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

        /// <summary>Positional values in the schema's order (optional ones when the token fits), then options.</summary>
        private bool ParseArguments(LayerDefinition definition, List<Token> tokens, List<LayerArgument> arguments)
        {
            ArgumentSchema schema = definition.Schema;
            string layer = definition.Word;
            int next = 1;
            foreach (TextPositional positional in schema.Positionals)
            {
                if (next >= tokens.Count)
                {
                    if (positional.Optional)
                    {
                        break;
                    }

                    return Fail(tokens[0], $"{layer} needs {Describe(positional)}: '{schema.Usage(layer)}'");
                }

                Token token = tokens[next];
                if (positional.Optional && !LooksLike(positional.Kind, token.Text))
                {
                    continue;
                }

                if (!TryValue(positional.Kind, token, positional.Targets, arguments, out string? problem))
                {
                    return Fail(token, problem ?? (positional.Kind == TextKind.Size
                        ? $"'{token.Text}' is not a {positional.Example.ToLowerInvariant()} size; write 3x3 or 3"
                        : $"'{token.Text}' is not {Describe(positional)}; write for example '{schema.Usage(layer)}'"));
                }

                next++;
            }

            var seen = new HashSet<string>();
            for (int i = next; i < tokens.Count; i++)
            {
                Token token = tokens[i];
                TextOption? option = FindOption(schema, token.Text);
                if (option is null)
                {
                    if (schema.Options.Count == 0)
                    {
                        return Fail(token, $"{layer} takes {(schema.Positionals.Count == 0 ? "no settings" : "no more settings")}: '{schema.Usage(layer)}'");
                    }

                    return Fail(token, $"unknown setting '{token.Text}' for {layer}; expected {Expected(schema)}");
                }

                if (!seen.Add(option.Group))
                {
                    return Fail(token, $"{layer} already has {(option.Group == "activation" ? "an activation" : "a " + option.Group + " setting")}");
                }

                if (option.Value is not TextKind kind)
                {
                    foreach (string target in option.Targets)
                    {
                        arguments.Add(new LayerArgument(target, new ArgumentValue(option.Fixed), Locate(token)));
                    }

                    // "fixed sobel_x": values of the option the word continues into may follow it directly.
                    if (option.Continues is not null && i + 1 < tokens.Count && FindOption(schema, tokens[i + 1].Text) is null
                        && FindOption(schema, option.Continues) is { Value: TextKind continued } continues && seen.Add(continues.Group)
                        && !TryList(schema, continued, tokens, ref i, continues.Targets, arguments))
                    {
                        return false;
                    }

                    continue;
                }

                if (kind is TextKind.KernelNames or TextKind.Reals)
                {
                    if (i + 1 >= tokens.Count || FindOption(schema, tokens[i + 1].Text) is not null)
                    {
                        return Fail(token, $"{token.Text.ToLowerInvariant()} needs {(kind == TextKind.Reals ? "numbers" : "kernel names")}, e.g. '{token.Text.ToLowerInvariant()} {Example(kind)}'");
                    }

                    if (!TryList(schema, kind, tokens, ref i, option.Targets, arguments))
                    {
                        return false;
                    }

                    continue;
                }

                if (i + 1 >= tokens.Count)
                {
                    return Fail(token, $"{token.Text.ToLowerInvariant()} needs a value, e.g. '{token.Text.ToLowerInvariant()} {Example(kind)}'");
                }

                Token value = tokens[++i];
                if (!TryValue(kind, value, option.Targets, arguments, out string? valueProblem))
                {
                    return Fail(value, valueProblem ?? $"'{value.Text}' is not a value for {token.Text.ToLowerInvariant()}; e.g. '{token.Text.ToLowerInvariant()} {Example(kind)}'");
                }
            }

            return true;
        }

        private static TextOption? FindOption(ArgumentSchema schema, string word) =>
            schema.Options.FirstOrDefault(o => o.Words.Any(w => string.Equals(w, word, StringComparison.OrdinalIgnoreCase)));

        /// <summary>The values after <c>tokens[i]</c> up to the next option word (kernel names) or the next token
        /// that is not a number (reals), at least one; <paramref name="i"/> ends on the last. Kernel names: one
        /// sets the first target, several the second as a list.</summary>
        private bool TryList(ArgumentSchema schema, TextKind kind, List<Token> tokens, ref int i, string[] targets, List<LayerArgument> arguments)
        {
            var values = new List<double>();
            int first = i + 1;
            while (i + 1 < tokens.Count && FindOption(schema, tokens[i + 1].Text) is null
                && (kind == TextKind.KernelNames || values.Count == 0 || LooksLike(TextKind.Real, tokens[i + 1].Text)))
            {
                Token value = tokens[++i];
                if (kind == TextKind.KernelNames)
                {
                    if (!ConstantKernels.TryParse(value.Text, out FixedKernel named))
                    {
                        string? closest = Shapes.ShapeChecker.Closest(value.Text, ConstantKernels.AllKinds.Select(FixedKernels.Word));
                        return Fail(value, $"'{value.Text}' is not a kernel name{(closest is null ? string.Empty : $" (did you mean '{closest}'?)")}; expected {ConstantKernels.WordList}");
                    }

                    values.Add((int)named);
                }
                else
                {
                    if (!TryReal(value.Text, out double real, out string? problem))
                    {
                        return Fail(value, problem!);
                    }

                    values.Add(real);
                }
            }

            LocationInfo? where = Locate(tokens[first].Start, tokens[i].Start + tokens[i].Length - tokens[first].Start);
            arguments.Add(kind == TextKind.KernelNames && values.Count == 1
                ? new LayerArgument(targets[0], new ArgumentValue(values[0]), where)
                : new LayerArgument(targets[targets.Length - 1], ArgumentValue.Of(values), where));
            return true;
        }

        private static string Describe(TextPositional positional) => positional.Kind switch
        {
            TextKind.Integer => "a whole number (" + positional.Example.ToLowerInvariant() + ")",
            TextKind.Size => "a size, N or HxW (" + positional.Example.ToLowerInvariant() + ")",
            TextKind.Real => "a number (" + positional.Example.ToLowerInvariant() + ")",
            TextKind.Activation => "an activation (" + Activations.List + ")",
            _ => "a shape: height x width x channels (28x28x1) or a length (784)",
        };

        private static string Example(TextKind kind) => kind switch
        {
            TextKind.KernelNames => "sobel_x",
            TextKind.Reals => "0 1 0 1 -4 1 0 1 0",
            TextKind.Size => "2 or 2x1",
            TextKind.Real => "0.9",
            TextKind.Activation => "relu",
            _ => "2",
        };

        private static string Expected(ArgumentSchema schema) =>
            string.Join(", ", schema.Options.GroupBy(o => o.Group).Select(g => g.Key == "activation"
                ? "an activation (" + Activations.List + ")"
                : string.Join(" or ", g.Select(o => o.Value switch
                {
                    null => o.Words[0] + (o.Continues is null ? string.Empty : " [" + Example(TextKind.KernelNames) + " ...]"),
                    TextKind.Size => o.Words[0] + " N or " + o.Words[0] + " HxW",
                    TextKind kind => o.Words[0] + " " + Example(kind),
                }))));

        /// <summary>Whether a token is meant as a value of <paramref name="kind"/> (for optional positionals).</summary>
        private static bool LooksLike(TextKind kind, string text) => kind switch
        {
            TextKind.Activation => Activations.TryParse(text, out _),
            _ => text.Length > 0 && (char.IsDigit(text[0]) || text[0] is '.' or '-' or '+'),
        };

        private bool TryValue(TextKind kind, Token token, string[] targets, List<LayerArgument> arguments, out string? problem)
        {
            problem = null;
            LocationInfo? where = Locate(token);
            switch (kind)
            {
                case TextKind.Integer:
                    if (!TryNumber(token, token.Text, out int number, out problem))
                    {
                        return false;
                    }

                    arguments.Add(new LayerArgument(targets[0], new ArgumentValue(number), where));
                    return true;
                case TextKind.Size:
                    string[] parts = token.Text.Split('x', 'X');
                    if (parts.Length is < 1 or > 2)
                    {
                        return false;
                    }

                    var sizes = new int[parts.Length];
                    for (int p = 0; p < parts.Length; p++)
                    {
                        if (!TryNumber(token, parts[p], out sizes[p], out problem))
                        {
                            return false;
                        }
                    }

                    arguments.Add(new LayerArgument(targets[0], new ArgumentValue(sizes[0]), where));
                    arguments.Add(new LayerArgument(targets[1], new ArgumentValue(sizes[sizes.Length - 1]), where));
                    return true;
                case TextKind.Real:
                    if (!TryReal(token.Text, out double real, out problem))
                    {
                        return false;
                    }

                    arguments.Add(new LayerArgument(targets[0], new ArgumentValue(real), where));
                    return true;
                case TextKind.Activation:
                    if (!Activations.TryParse(token.Text, out Activation activation))
                    {
                        problem = $"'{token.Text}' is not an activation; expected {Activations.List}";
                        return false;
                    }

                    arguments.Add(new LayerArgument(targets[0], new ArgumentValue((int)activation), where));
                    return true;
                default:
                    string[] dims = token.Text.Split('x', 'X');
                    if (dims.Length is not (1 or 3))
                    {
                        problem = $"'{token.Text}' is not an input shape; write height x width x channels (28x28x1) or a length (784)";
                        return false;
                    }

                    var values = new int[dims.Length];
                    for (int d = 0; d < dims.Length; d++)
                    {
                        if (dims[d] == "-1")
                        {
                            values[d] = -1; // Reshape's inferred size; anywhere else its rule reports it
                            continue;
                        }

                        if (!TryNumber(token, dims[d], out values[d], out problem))
                        {
                            problem ??= $"'{token.Text}' is not an input shape; write height x width x channels (28x28x1) or a length (784)";
                            return false;
                        }
                    }

                    if (dims.Length == 1)
                    {
                        arguments.Add(new LayerArgument(targets[3], new ArgumentValue(values[0]), where));
                    }
                    else
                    {
                        for (int d = 0; d < 3; d++)
                        {
                            arguments.Add(new LayerArgument(targets[d], new ArgumentValue(values[d]), where));
                        }
                    }

                    return true;
            }
        }

        /// <summary>A whole number of ASCII digits; a number too large for an int is an error of its own.</summary>
        private static bool TryNumber(Token token, string text, out int value, out string? problem)
        {
            value = 0;
            problem = null;
            if (text.Length == 0)
            {
                return false;
            }

            if (text.Any(c => c is < '0' or > '9'))
            {
                if (text.Any(c => char.IsDigit(c) && c is < '0' or > '9'))
                {
                    problem = $"'{token.Text}' has digits other than 0-9; write numbers with ASCII digits";
                }
                else if (text[0] == '-')
                {
                    problem = $"'{token.Text}' is negative; sizes and counts are at least 1";
                }

                return false;
            }

            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
            {
                problem = $"'{text}' is too large: at most {int.MaxValue}";
                return false;
            }

            return true;
        }

        /// <summary>A real number in invariant notation (<c>0.25</c>, <c>1e-3</c>), ASCII only.</summary>
        private static bool TryReal(string text, out double value, out string? problem)
        {
            value = 0;
            problem = null;
            if (text.Any(c => c > '\u007f'))
            {
                problem = $"'{text}' has characters other than ASCII; write numbers like 0.25 or 1e-3";
                return false;
            }

            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || double.IsNaN(value) || double.IsInfinity(value))
            {
                problem = $"'{text}' is not a number; write numbers like 0.25 or 1e-3";
                return false;
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

        private LocationInfo? Locate(Token token) => _locate(token.Start, token.Length);

        private LocationInfo? Locate(int start, int length) => _locate(start, length);
    }
}
