using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Shapes;
using static NetDsl.Generator.Layers.PyTorchSyntax;

namespace NetDsl.Generator.Emit;

/// <summary>
/// Prints a checked network as the Python source of a PyTorch <c>nn.Module</c> (the generated
/// <c>PyTorchModule</c>): the same forward pass as NetDsl's inference, on NCHW tensors, with NetDsl's layer
/// names as attribute names (so <c>state_dict()</c> keys are <c>conv2d.weight</c>, ...), Keras's initialisation,
/// and dependency-free helpers that read and write NetDsl's weight files. Each layer kind says how it is written
/// (<see cref="LayerDefinition.PyTorch"/>); this plans the module (<see cref="Plan"/>), then prints it
/// (<see cref="Print"/>).
/// </summary>
internal static class PyTorchWriter
{
    /// <summary>The names the module's code uses at module level and in <c>forward</c>, and Python's common
    /// built-in functions: no class or variable is called so.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "self", "x", "logits", "torch", "nn", "F", "math", "array", "json", "struct", "sys", "OrderedDict",
        "save_netdsl", "load_netdsl", "_unwrapped", "_to_netdsl", "_from_netdsl", PyTorchHelper.GlorotUniform.Name, PyTorchHelper.AveragePoolSame.Name,
        "abs", "all", "any", "bool", "bytes", "dict", "dir", "divmod", "enumerate", "filter", "float", "format", "getattr", "hash", "id", "input",
        "int", "isinstance", "iter", "len", "list", "map", "max", "min", "next", "object", "open", "pow", "print", "range", "repr", "reversed",
        "round", "set", "setattr", "slice", "sorted", "str", "sum", "super", "tuple", "type", "vars", "zip",
    };

    public static string Write(NetworkModel model) => Print(Plan(model));

    /// <summary>The generated class's <c>PyTorchModule</c> constant: the module's source, a literal per line.</summary>
    public static void EmitMember(SourceWriter w, NetworkModel model)
    {
        NetworkEmitter.Doc(w, "The network as a PyTorch module: Python source of <c>class " + NetworkEmitter.EscapeXml(ClassNameOf(model.Target.Name))
            + "(nn.Module)</c>, the same forward pass as <c>Predict</c> on NCHW tensors, with this network's layer names as <c>state_dict()</c> keys, "
            + "and <c>save_netdsl</c> and <c>load_netdsl</c> for NetDsl's weight files. Write it to a <c>.py</c> file, train there, and read the weights back "
            + "with <see cref=\"Load(string, global::NetDsl.WeightLayout)\"/>.");
        w.Line("public const string PyTorchModule =");
        string[] lines = Write(model).TrimEnd('\n').Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            w.Line("    " + Model.Identifiers.Literal(lines[i] + "\n") + (i == lines.Length - 1 ? ";" : " +"));
        }

        w.Line();
    }

    /// <summary>
    /// Decides the module. Values flow through <c>x</c> while each is read only by the next layer; a value read
    /// elsewhere (a skip connection, a merge's other input, the input read twice) gets a variable named after
    /// its layer. A final softmax or sigmoid, past any views after it, is left out under <c>logits=True</c>.
    /// </summary>
    /// <param name="model">A valid checked network.</param>
    /// <param name="definitionOf">Each layer's definition (tests substitute kinds); by default its registered one.</param>
    public static PyTorchModulePlan Plan(NetworkModel model, Func<LayerModel, LayerDefinition>? definitionOf = null)
    {
        definitionOf ??= layer => layer.Definition;
        IReadOnlyList<LayerModel> layers = model.Layers;
        List<int>[] readers = ReadersOf(layers);
        string[] variables = VariablesOf(model, readers);
        string Var(int value) => variables[value + 1];

        int logitsLayer = LogitsLayer(layers, readers, definitionOf);
        var modules = new List<PyTorchSubmodule>();
        var initialization = new List<string>();
        var forward = new List<PyTorchLine>();
        var tensors = new List<PyTorchTensorRow>();
        var helpers = new List<PyTorchHelper>();
        var unsupported = new List<string>();
        if (Var(-1) != "x")
        {
            forward.Add(new PyTorchLine(0, Var(-1) + " = x"));
        }

        foreach (LayerModel layer in layers)
        {
            PyTorchLayer? form = definitionOf(layer).PyTorch(layer);
            List<PyTorchTensorRow>? rows = form is null ? null : TensorRows(layer, form);
            if (form is null || rows is null || Unsupported(layer, form, rows) is not null)
            {
                unsupported.Add("'" + layer.Name + "' (" + layer.Kind + "): " + (form is null ? "it has no PyTorch form" : Unsupported(layer, form, rows)));
                continue;
            }

            string reference = IsPlainAttribute(layer.Name) ? "self." + layer.Name : "self._modules[" + Str(layer.Name) + "]";
            if (form.Module is not null)
            {
                modules.Add(new PyTorchSubmodule(layer.Name + ": " + definitionOf(layer).Title(layer) + "; " + Inputs(model, layer) + " -> " + layer.Output,
                    reference, form.Module, (form.Setup?.Invoke(reference) ?? Array.Empty<string>())
                        .Concat(CommonSettings.IsFrozen(layer) ? new[] { reference + ".requires_grad_(False)  # fixed: training leaves it as it is" } : Array.Empty<string>()).ToList()));
            }

            initialization.AddRange(form.Initialization?.Invoke(reference) ?? Array.Empty<string>());
            tensors.AddRange(rows);
            helpers.AddRange(form.Helpers.Where(h => !helpers.Contains(h)));
            if (form.Note is not null)
            {
                forward.Add(new PyTorchLine(0, string.Empty, form.Note));
            }

            forward.AddRange(Step(layer, form.Forward(layer.Sources.Select(Var).ToList(), reference), Var(layer.Index), layer.Index == logitsLayer));
        }

        forward.Add(new PyTorchLine(0, "return " + Var(layers.Count - 1)));
        return new PyTorchModulePlan(ClassNameOf(model.Target.Name), model.Target.Name, ArchitectureWriter.Write(model), model.Input, model.Output,
            modules, initialization, forward, logitsLayer >= 0 ? layers[logitsLayer].Activation : null, tensors, helpers, unsupported);
    }

    /// <summary>Who reads each value, at index + 1 (the input, -1, first).</summary>
    private static List<int>[] ReadersOf(IReadOnlyList<LayerModel> layers)
    {
        List<int>[] readers = Enumerable.Range(0, layers.Count + 1).Select(_ => new List<int>()).ToArray();
        foreach (LayerModel layer in layers)
        {
            foreach (int source in layer.Sources.Count == 0 ? new[] { layer.Index - 1 } : layer.Sources.ToArray())
            {
                if (!readers[source + 1].Contains(layer.Index))
                {
                    readers[source + 1].Add(layer.Index);
                }
            }
        }

        return readers;
    }

    /// <summary>The variable of each value, at index + 1: <c>x</c> when only the next layer reads it (or it is the
    /// output), else the layer's (or the input's) name, made safe.</summary>
    private static string[] VariablesOf(NetworkModel model, List<int>[] readers)
    {
        int count = model.Layers.Count;
        var taken = new HashSet<string>(model.Layers.Select(l => l.Name).Append(model.InputName), StringComparer.Ordinal);
        return Enumerable.Range(-1, count + 1).Select(value =>
        {
            List<int> r = readers[value + 1];
            bool chain = (r.Count == 1 && r[0] == value + 1) || (value == count - 1 && r.Count == 0);
            return chain ? "x" : SafeName(model.NameOf(value), taken);
        }).ToArray();
    }

    /// <summary>Why a layer whose kind has a PyTorch form still cannot be written, or null.</summary>
    private static string? Unsupported(LayerModel layer, PyTorchLayer form, List<PyTorchTensorRow>? rows) =>
        PyTorchActivations.Apply(layer.Activation, layer.Slope, "x") is null ? "its activation " + layer.Activation + " has none"
        : rows is null ? "a tensor of it has no place in its PyTorch form"
        : form.Module is not null && !IsSubmoduleName(layer.Name) ? "nn.Module keeps its training flag under that name: rename the layer"
        : null;

    /// <summary>A layer's lines in <c>forward</c>: its value, with its activation, into its variable (nothing for
    /// an identity); the network's final softmax or sigmoid under <c>if not logits:</c>.</summary>
    private static IEnumerable<PyTorchLine> Step(LayerModel layer, string value, string output, bool leftOutForLogits)
    {
        string shape = BatchShape(layer.Output);
        if (leftOutForLogits)
        {
            if (value != output)
            {
                yield return new PyTorchLine(0, output + " = " + value, shape);
            }

            yield return new PyTorchLine(0, "if not logits:");
            yield return new PyTorchLine(1, output + " = " + PyTorchActivations.Apply(layer.Activation, layer.Slope, output));
        }
        else if (PyTorchActivations.Apply(layer.Activation, layer.Slope, value) is { } computed && computed != output)
        {
            yield return new PyTorchLine(0, output + " = " + computed, shape);
        }
    }

    /// <summary>The layer whose softmax or sigmoid gives the network's output (through views after it that
    /// nothing else reads), or -1.</summary>
    private static int LogitsLayer(IReadOnlyList<LayerModel> layers, List<int>[] readers, Func<LayerModel, LayerDefinition> definitionOf)
    {
        int last = layers.Count - 1;
        while (last >= 0 && definitionOf(layers[last]).IsView)
        {
            int source = layers[last].Source;
            if (source < 0 || readers[source + 1].Count != 1)
            {
                return -1;
            }

            last = source;
        }

        return last >= 0 && PyTorchActivations.IsLogitsActivation(layers[last].Activation) ? last : -1;
    }

    /// <summary>The layer's rows of <c>NETDSL_TENSORS</c>, in Keras's order, or null when a tensor has no place in
    /// the PyTorch form.</summary>
    private static List<PyTorchTensorRow>? TensorRows(LayerModel layer, PyTorchLayer form)
    {
        var rows = new List<PyTorchTensorRow>();
        foreach (ParameterModel parameter in layer.Parameters)
        {
            PyTorchTensor? tensor = form.Tensors.FirstOrDefault(t => t.Role == parameter.Role);
            if (tensor is null)
            {
                return null;
            }

            rows.Add(new PyTorchTensorRow(layer.Name + "/" + parameter.Role, parameter.Shape.ToArray(), layer.Name + "." + tensor.Key, tensor.Layout));
        }

        return rows;
    }

    /// <summary>A layer's input shapes for its comment: <c>28x28x1</c>, or <c>8x8x4 + 8x8x4</c> for a merge.</summary>
    private static string Inputs(NetworkModel model, LayerModel layer) =>
        layer.Sources.Count > 1 ? string.Join(" + ", layer.Sources.Select(s => s < 0 ? model.Input : model.Layers[s].Output)) : layer.Input.ToString();

    /// <summary>A variable for a value: its name, with underscores after it while that is a keyword, a name the
    /// module's code uses, or another layer's.</summary>
    private static string SafeName(string name, HashSet<string> taken)
    {
        if (!IsKeyword(name) && !Reserved.Contains(name))
        {
            return name;
        }

        string safe = name + "_";
        while (IsKeyword(safe) || Reserved.Contains(safe) || taken.Contains(safe))
        {
            safe += "_";
        }

        taken.Add(safe);
        return safe;
    }

    /// <summary>The Python class: the C# class's name, with an underscore after it when Python or the module's
    /// code already uses it.</summary>
    private static string ClassNameOf(string name) => IsKeyword(name) || Reserved.Contains(name) ? name + "_" : name;

    // ---- Printing ----

    /// <summary>The module's source.</summary>
    public static string Print(PyTorchModulePlan plan)
    {
        var w = new SourceWriter();
        PrintDocstring(w, plan);
        w.Line();
        var body = new SourceWriter();
        PrintClass(body, plan);
        string code = body.ToString() + string.Concat(plan.Helpers.Select(h => h.Source));
        PrintImports(w, code);
        foreach (PyTorchHelper helper in plan.Helpers)
        {
            w.Line();
            w.Line();
            foreach (string line in helper.Source.Split('\n'))
            {
                w.Line(line);
            }
        }

        w.Line();
        w.Line();
        w.Raw(body.ToString());
        foreach (string line in WeightFileHelpers)
        {
            w.Line(line);
        }

        return w.ToString();
    }

    private static void PrintDocstring(SourceWriter w, PyTorchModulePlan plan)
    {
        w.Line("\"\"\"" + plan.NetworkName + ", a NetDsl network, as a PyTorch module (generated by NetDsl " + NetworkEmitter.GeneratorVersion + "; do not edit).");
        w.Line();
        w.Line("NetDsl's architecture:");
        w.Line();
        foreach (string line in plan.Architecture.Split('\n'))
        {
            w.Line("    " + line);
        }

        w.Line();
        w.Line("Train it with PyTorch (DistributedDataParallel under torchrun scales it out) and bring the weights back:");
        w.Line("safetensors.torch.save_file(net.state_dict(), path), then net.Load(path, WeightLayout.PyTorch) in C#; or");
        w.Line("save_netdsl(net, path), then net.Load(path). load_netdsl(net, path) reads weights NetDsl saved (net.Save(path)).");
        w.Line("\"\"\"");
    }

    /// <summary>The imports the code uses: the standard library's, then PyTorch's.</summary>
    private static void PrintImports(SourceWriter w, string code)
    {
        w.Line("import array");
        w.Line("import json");
        if (Regex.IsMatch(code, @"\bmath\."))
        {
            w.Line("import math");
        }

        w.Line("import struct");
        w.Line("import sys");
        if (code.Contains("OrderedDict("))
        {
            w.Line("from collections import OrderedDict");
        }

        if (code.Contains("List["))
        {
            w.Line("from typing import List");
        }

        w.Line();
        w.Line("import torch");
        w.Line("from torch import nn");
        if (Regex.IsMatch(code, @"\bF\."))
        {
            w.Line("from torch.nn import functional as F");
        }
    }

    private static void PrintClass(SourceWriter w, PyTorchModulePlan plan)
    {
        w.Line("class " + plan.ClassName + "(nn.Module):");
        w.Indent();
        PrintClassDocstring(w, plan);
        w.Line();
        if (plan.Unsupported.Count > 0)
        {
            w.Line("def __init__(self):");
            w.Indent();
            w.Line("super().__init__()");
            w.Line("raise NotImplementedError(" + Str(plan.NetworkName + " has no PyTorch form in NetDsl " + NetworkEmitter.GeneratorVersion + ": layer "
                + string.Join("; layer ", plan.Unsupported) + ".") + ")");
            w.Outdent();
            w.Outdent();
            return;
        }

        w.Line("# NetDsl's tensors, in NetDsl's order: name, NetDsl (Keras) shape, state_dict() key, layout in PyTorch.");
        if (plan.Tensors.Count == 0)
        {
            w.Line("NETDSL_TENSORS = ()");
        }
        else
        {
            w.Line("NETDSL_TENSORS = (");
            foreach (PyTorchTensorRow row in plan.Tensors)
            {
                w.Line("    (" + Str(row.Name) + ", " + Tuple(row.Shape) + ", " + Str(row.Key) + ", " + Str(row.Layout) + "),");
            }

            w.Line(")");
        }

        w.Line();
        w.Line("def __init__(self):");
        w.Indent();
        w.Line("super().__init__()");
        foreach (PyTorchSubmodule module in plan.Modules)
        {
            w.Line("# " + module.Comment);
            string[] lines = module.Module.Split('\n');
            w.Line(module.Target + " = " + lines[0]);
            foreach (string line in lines.Skip(1))
            {
                w.Line(line);
            }

            foreach (string setup in module.Setup)
            {
                w.Line(setup);
            }
        }

        w.Line("self.reset_parameters()");
        w.Outdent();
        w.Line();
        w.Line("def reset_parameters(self):");
        w.Indent();
        w.Line("\"\"\"Keras's initialisation, as NetDsl's: Glorot-uniform kernels, zero biases, BatchNormalization's ones and zeros.\"\"\"");
        foreach (string line in plan.Initialization)
        {
            w.Line(line);
        }

        w.Outdent();
        w.Line();
        w.Line("def forward(self, x: torch.Tensor, logits: bool = False) -> torch.Tensor:");
        w.Indent();
        foreach (PyTorchLine line in plan.Forward)
        {
            string indent = new(' ', 4 * line.Indent);
            w.Line(line.Code.Length == 0 ? "# " + line.Comment : indent + line.Code + (line.Comment is null ? string.Empty : "  # " + line.Comment));
        }

        w.Outdent();
        w.Outdent();
    }

    private static void PrintClassDocstring(SourceWriter w, PyTorchModulePlan plan)
    {
        w.Line("\"\"\"The NetDsl network " + plan.NetworkName + ": the same forward pass as NetDsl's Predict, in PyTorch's layout.");
        w.Line();
        string input = plan.Input.IsMap
            ? BatchShape(plan.Input) + ", NCHW (Predict takes each sample as " + plan.Input + ", channels-last),"
            : BatchShape(plan.Input);
        string output = plan.Output.IsMap
            ? BatchShape(plan.Output) + ", NCHW (Predict writes " + plan.Output + ", channels-last)."
            : BatchShape(plan.Output) + ", as Predict.";
        string logits = plan.LogitsActivation switch
        {
            Activation.Softmax => "forward(x, logits=True) leaves out the final softmax, to train with F.cross_entropy.",
            Activation.Sigmoid => "forward(x, logits=True) leaves out the final sigmoid, to train with F.binary_cross_entropy_with_logits.",
            _ => "The output has no final softmax or sigmoid: forward(x, logits=True) returns the same.",
        };
        string keys = plan.Tensors.Count == 0
            ? "It has no parameters."
            : "The state_dict() keys are NetDsl's layer names (" + string.Join(", ", plan.Tensors.Take(2).Select(t => t.Key)) + (plan.Tensors.Count > 2 ? ", ..." : string.Empty) + ").";
        foreach (string line in Wrap("forward(x) takes x as " + input + " and returns " + output + " " + logits + " " + keys, 112))
        {
            w.Line(line);
        }

        w.Line("\"\"\"");
    }

    /// <summary>Words in lines of at most <paramref name="width"/> characters where they fit; a parenthesis is
    /// one word (a shape stays on one line).</summary>
    private static IEnumerable<string> Wrap(string text, int width)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        int depth = 0;
        foreach (char c in text)
        {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (c == ' ' && depth == 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
            else
            {
                word.Append(c);
            }
        }

        words.Add(word.ToString());
        var line = new System.Text.StringBuilder();
        foreach (string next in words)
        {
            if (line.Length > 0 && line.Length + 1 + next.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }

            line.Append(line.Length == 0 ? string.Empty : " ").Append(next);
        }

        yield return line.ToString();
    }

    /// <summary><c>save_netdsl</c> and <c>load_netdsl</c>: NetDsl's safetensors files, written and read by hand
    /// (no package beyond PyTorch), converted with <c>NETDSL_TENSORS</c>.</summary>
    private static readonly string[] WeightFileHelpers =
    {
        "",
        "",
        "def save_netdsl(module, path):",
        "    \"\"\"Writes module's weights as a safetensors file with NetDsl's names and layouts.",
        "",
        "    NetDsl reads it with net.Load(path), and [Network(Weights = \"...\")] embeds it in an assembly at build time.",
        "    \"\"\"",
        "    module = _unwrapped(module)",
        "    state = module.state_dict()",
        "    header = {\"__metadata__\": {\"format\": \"netdsl\", \"network\": type(module).__name__}}",
        "    blobs, offset = [], 0",
        "    for name, shape, key, layout in module.NETDSL_TENSORS:",
        "        values = array.array(\"f\", _to_netdsl(state[key].detach().to(\"cpu\", torch.float32), layout, shape).flatten().tolist())",
        "        if sys.byteorder == \"big\":",
        "            values.byteswap()",
        "        blob = values.tobytes()",
        "        header[name] = {\"dtype\": \"F32\", \"shape\": list(shape), \"data_offsets\": [offset, offset + len(blob)]}",
        "        blobs.append(blob)",
        "        offset += len(blob)",
        "    encoded = json.dumps(header, separators=(\",\", \":\")).encode(\"utf-8\")",
        "    encoded += b\" \" * (-len(encoded) % 8)",
        "    with open(path, \"wb\") as file:",
        "        file.write(struct.pack(\"<Q\", len(encoded)))",
        "        file.write(encoded)",
        "        for blob in blobs:",
        "            file.write(blob)",
        "",
        "",
        "def load_netdsl(module, path):",
        "    \"\"\"Reads weights NetDsl saved (net.Save(path)) into module: all of them, or none when the file does not match.\"\"\"",
        "    module = _unwrapped(module)",
        "    with open(path, \"rb\") as file:",
        "        (length,) = struct.unpack(\"<Q\", file.read(8))",
        "        header = json.loads(file.read(length))",
        "        data = file.read()",
        "    expected = {name for name, _, _, _ in module.NETDSL_TENSORS}",
        "    unexpected = sorted(set(header) - expected - {\"__metadata__\"})",
        "    if unexpected:",
        "        raise ValueError(f\"{path} holds tensors {type(module).__name__} does not have: {', '.join(unexpected)}\")",
        "    state, values = module.state_dict(), {}",
        "    for name, shape, key, layout in module.NETDSL_TENSORS:",
        "        entry = header.get(name)",
        "        if entry is None:",
        "            raise ValueError(f\"{path} has no tensor '{name}'\")",
        "        if entry[\"dtype\"] != \"F32\" or tuple(entry[\"shape\"]) != shape:",
        "            raise ValueError(f\"{path}: '{name}' is {entry['dtype']} {entry['shape']}, but {type(module).__name__} has F32 {list(shape)}\")",
        "        begin, end = entry[\"data_offsets\"]",
        "        floats = array.array(\"f\")",
        "        floats.frombytes(data[begin:end])",
        "        if sys.byteorder == \"big\":",
        "            floats.byteswap()",
        "        values[key] = _from_netdsl(torch.frombuffer(floats, dtype=torch.float32).clone().reshape(shape), layout, shape)",
        "        if values[key].shape != state[key].shape:",
        "            raise ValueError(f\"{path}: '{name}' converts to {list(values[key].shape)}, but {key} is {list(state[key].shape)}\")",
        "    with torch.no_grad():",
        "        for key, value in values.items():",
        "            state[key].copy_(value)",
        "",
        "",
        "def _unwrapped(module):",
        "    \"\"\"The network inside a DistributedDataParallel or DataParallel wrapper.\"\"\"",
        "    return module.module if isinstance(module, (nn.DataParallel, nn.parallel.DistributedDataParallel)) else module",
        "",
        "",
        "def _to_netdsl(tensor, layout, shape):",
        "    \"\"\"A state_dict() tensor in NetDsl's layout; shape is NetDsl's.\"\"\"",
        "    if layout == \"conv\":  # [out, in, kh, kw] -> [kh, kw, in, out]; transposed: [in, out, kh, kw] -> [kh, kw, out, in]",
        "        return tensor.permute(2, 3, 1, 0)",
        "    if layout == \"dense\":  # [out, in] -> [in, out]",
        "        return tensor.t()",
        "    if layout == \"depthwise\":  # [in * multiplier, 1, kh, kw] -> [kh, kw, in, multiplier]",
        "        return tensor.reshape(shape[2], shape[3], shape[0], shape[1]).permute(2, 3, 0, 1)",
        "    return tensor",
        "",
        "",
        "def _from_netdsl(tensor, layout, shape):",
        "    \"\"\"A NetDsl tensor (of NetDsl's shape) in its state_dict() layout: the inverse of _to_netdsl.\"\"\"",
        "    if layout == \"conv\":",
        "        return tensor.permute(3, 2, 0, 1)",
        "    if layout == \"dense\":",
        "        return tensor.t()",
        "    if layout == \"depthwise\":",
        "        return tensor.permute(2, 3, 0, 1).reshape(shape[2] * shape[3], 1, shape[0], shape[1])",
        "    return tensor",
    };
}
