using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using NetDsl.Generator.Shapes;

namespace NetDsl.Generator.Layers;

/// <summary>Pieces of the generated Python: literals, sizes, padding tuples, safe names.</summary>
internal static class PyTorchSyntax
{
    /// <summary>Python's keywords: no attribute or variable may be called so.</summary>
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else", "except",
        "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
        "while", "with", "yield",
    };

    /// <summary>The names <c>nn.Module</c> (PyTorch 1.13 to 2.x) and the generated class already give their instances:
    /// a layer called so cannot be a plain attribute.</summary>
    private static readonly HashSet<string> ModuleMembers = new(StringComparer.Ordinal)
    {
        "T_destination", "add_module", "apply", "bfloat16", "buffers", "call_super_init", "children", "compile", "cpu", "cuda", "double",
        "dump_patches", "eval", "extra_repr", "float", "forward", "get_buffer", "get_extra_state", "get_parameter", "get_submodule", "half",
        "ipu", "load_state_dict", "modules", "mtia", "named_buffers", "named_children", "named_modules", "named_parameters", "parameters",
        "register_backward_hook", "register_buffer", "register_forward_hook", "register_forward_pre_hook", "register_full_backward_hook",
        "register_full_backward_pre_hook", "register_load_state_dict_post_hook", "register_load_state_dict_pre_hook", "register_module",
        "register_parameter", "register_state_dict_post_hook", "register_state_dict_pre_hook", "requires_grad_", "set_extra_state",
        "set_submodule", "share_memory", "state_dict", "to", "to_empty", "train", "training", "type", "xpu", "zero_grad",
        "reset_parameters", "NETDSL_TENSORS",
    };

    /// <summary>Whether <paramref name="name"/> (a NetDsl layer name: ASCII letters, digits, underscores) can be an
    /// attribute of the module: <c>self.conv2d</c>.</summary>
    public static bool IsPlainAttribute(string name) => !Keywords.Contains(name) && !ModuleMembers.Contains(name);

    /// <summary>Whether a submodule may be called <paramref name="name"/>: not <c>training</c>, the flag
    /// <c>nn.Module.train()</c> assigns (a submodule of that name makes <c>train()</c> and <c>eval()</c> fail).</summary>
    public static bool IsSubmoduleName(string name) => name != "training";

    /// <summary>Whether <paramref name="name"/> is a Python keyword.</summary>
    public static bool IsKeyword(string name) => Keywords.Contains(name);

    /// <summary>A Python string literal: <c>"conv2d/kernel"</c>.</summary>
    public static string Str(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < ' ' || c > '~')
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    /// <summary>A Python float that reads back as the same double: <c>0.001</c>, <c>1e-05</c>, <c>0.5</c>.</summary>
    public static string Real(double value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e");
        return text.IndexOfAny(new[] { '.', 'e' }) < 0 ? text + ".0" : text;
    }

    /// <summary>PyTorch's BatchNormalization momentum for Keras's: <c>1 - momentum</c>, printed as a person would
    /// (0.99 gives 0.01, not 0.010000000000000009).</summary>
    public static string ComplementReal(double value)
    {
        decimal keras = (decimal)value;
        return Real((double)(1m - keras));
    }

    /// <summary>An integer.</summary>
    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A kernel, stride or pool size: <c>3</c> when square, else <c>(3, 2)</c>.</summary>
    public static string Size(int height, int width) => height == width ? Int(height) : "(" + Int(height) + ", " + Int(width) + ")";

    /// <summary>A tuple of integers: <c>(3, 3, 1, 32)</c>, <c>(32,)</c>.</summary>
    public static string Tuple(IEnumerable<int> values)
    {
        string[] items = values.Select(v => Int(v)).ToArray();
        return "(" + string.Join(", ", items) + (items.Length == 1 ? ",)" : ")");
    }

    /// <summary>A list of integers: <c>[0, 1, 0, 1]</c> (what TorchScript takes for <c>List[int]</c>).</summary>
    public static string List(params int[] values) => "[" + string.Join(", ", values.Select(v => Int(v))) + "]";

    /// <summary><c>F.pad</c>'s order for a window's padding: <c>(left, right, top, bottom)</c>.</summary>
    public static string Pads(Window window) => Tuple(new[] { window.PadLeft, window.PadRight, window.PadTop, window.PadBottom });

    /// <summary>Whether the padding is the same on both sides of each axis (PyTorch's <c>padding=</c> argument).</summary>
    public static bool IsSymmetric(Window window) => window.PadTop == window.PadBottom && window.PadLeft == window.PadRight;

    /// <summary>The <c>padding=</c> argument of a symmetric window (<c>, padding=1</c>), or nothing.</summary>
    public static string PaddingArgument(Window window) =>
        window.IsPadded ? ", padding=" + Size(window.PadTop, window.PadLeft) : string.Empty;

    /// <summary>The forward input of a window that pads unevenly: <c>F.pad(x, (0, 1, 0, 1))</c> (zeros, or
    /// <paramref name="value"/>); the input itself when the module pads.</summary>
    public static string PadUnevenly(string x, Window window, string? value = null) =>
        !window.IsPadded || IsSymmetric(window) ? x : "F.pad(" + x + ", " + Pads(window) + (value is null ? string.Empty : ", value=" + value) + ")";

    /// <summary>A batch's shape in PyTorch's layout, for comments: <c>(N, 32, 26, 26)</c> or <c>(N, 10)</c>.</summary>
    public static string BatchShape(Shape shape) =>
        shape.IsMap ? "(N, " + Int(shape.Channels) + ", " + Int(shape.Height) + ", " + Int(shape.Width) + ")" : "(N, " + Int(shape.Channels) + ")";
}
