using System.Collections.Generic;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Shapes;

namespace NetDsl.Generator.Emit;

/// <summary>
/// A network's PyTorch module, decided before anything is printed (<see cref="PyTorchWriter.Plan"/>): its
/// submodules, Keras's initialisation, the statements of <c>forward</c> with their variables, and the table of
/// tensors the weight-file helpers convert. <see cref="PyTorchWriter.Print"/> only formats it.
/// </summary>
/// <param name="ClassName">The Python class: the C# class's name.</param>
/// <param name="NetworkName">The C# class's name, for messages.</param>
/// <param name="Architecture">NetDsl's text form of the network.</param>
/// <param name="Input">One input sample's shape (channels-last).</param>
/// <param name="Output">One output sample's shape (channels-last).</param>
/// <param name="Modules">The submodules <c>__init__</c> creates, in layer order.</param>
/// <param name="Initialization">The statements of <c>reset_parameters</c>.</param>
/// <param name="Forward">The lines of <c>forward</c>'s body.</param>
/// <param name="LogitsActivation">The final activation <c>logits=True</c> leaves out, or null.</param>
/// <param name="Tensors">NetDsl's tensors in NetDsl's order.</param>
/// <param name="Helpers">The module-level functions the layers call.</param>
/// <param name="Unsupported">The layers without a PyTorch form, each with why (<c>'name' (Kind): ...</c>): when any, the class only
/// raises <c>NotImplementedError</c>.</param>
internal sealed record PyTorchModulePlan(
    string ClassName,
    string NetworkName,
    string Architecture,
    Shape Input,
    Shape Output,
    IReadOnlyList<PyTorchSubmodule> Modules,
    IReadOnlyList<string> Initialization,
    IReadOnlyList<PyTorchLine> Forward,
    Activation? LogitsActivation,
    IReadOnlyList<PyTorchTensorRow> Tensors,
    IReadOnlyList<PyTorchHelper> Helpers,
    IReadOnlyList<string> Unsupported);

/// <summary>A submodule: <c>self.conv2d = nn.Conv2d(1, 32, 3)</c>, after a comment naming the layer.</summary>
/// <param name="Comment">The layer, as the C# kernel's comments name it: <c>conv2d: Conv2D 32 3x3, ...; 28x28x1 -> 26x26x32</c>.</param>
/// <param name="Target">What is assigned: <c>self.conv2d</c>, or <c>self._modules["forward"]</c> for a name
/// <c>nn.Module</c> already uses.</param>
/// <param name="Module">The constructor call (possibly several lines).</param>
/// <param name="Setup">Statements after the assignment.</param>
internal sealed record PyTorchSubmodule(string Comment, string Target, string Module, IReadOnlyList<string> Setup);

/// <summary>A line of <c>forward</c>: code at an indentation (in levels, relative to the body) and a trailing
/// comment (the value's shape), or a comment line alone when <see cref="Code"/> is empty.</summary>
internal sealed record PyTorchLine(int Indent, string Code, string? Comment = null);

/// <summary>One row of <c>NETDSL_TENSORS</c>: NetDsl's name and shape, the <c>state_dict()</c> key, the layout.</summary>
internal sealed record PyTorchTensorRow(string Name, IReadOnlyList<int> Shape, string Key, string Layout);
