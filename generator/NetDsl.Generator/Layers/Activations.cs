using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Emit;
using NetDsl.Generator.Model;
using NetDsl.Generator.Planning;

namespace NetDsl.Generator.Layers;

/// <summary>The activations: their DSL words (Keras's names) and the calls that apply them.</summary>
internal static class Activations
{
    /// <summary>Every DSL word, the first of each value being the one <c>Architecture</c> prints.</summary>
    public static readonly IReadOnlyList<(string Word, Activation Value)> Words = new[]
    {
        ("linear", Activation.None),
        ("none", Activation.None),
        ("relu", Activation.ReLU),
        ("sigmoid", Activation.Sigmoid),
        ("tanh", Activation.Tanh),
        ("softmax", Activation.Softmax),
        ("leakyrelu", Activation.LeakyReLU),
        ("leaky_relu", Activation.LeakyReLU),
        ("elu", Activation.ELU),
        ("selu", Activation.SELU),
        ("gelu", Activation.GELU),
        ("swish", Activation.Swish),
        ("silu", Activation.Swish),
        ("relu6", Activation.ReLU6),
        ("softplus", Activation.Softplus),
        ("softsign", Activation.Softsign),
        ("hardsigmoid", Activation.HardSigmoid),
        ("hard_sigmoid", Activation.HardSigmoid),
    };

    /// <summary>The words a message lists: <c>relu, sigmoid, ... or linear</c>.</summary>
    public static string List =>
        string.Join(", ", Words.Where(w => w.Value != Activation.None).GroupBy(w => w.Value).Select(g => g.First().Word)) + " or linear";

    /// <summary>Keras's default negative slope of <c>keras.activations.leaky_relu</c>.</summary>
    public const double DefaultSlope = 0.2;

    public static bool TryParse(string word, out Activation activation)
    {
        foreach ((string w, Activation value) in Words)
        {
            if (string.Equals(w, word, StringComparison.OrdinalIgnoreCase))
            {
                activation = value;
                return true;
            }
        }

        activation = default;
        return false;
    }

    /// <summary>The word <c>Architecture</c> prints for <paramref name="activation"/>.</summary>
    public static string Word(Activation activation) => Words.First(w => w.Value == activation).Word;

    /// <summary>Whether the backward pass needs the activation's input (its output does not determine it).</summary>
    public static bool NeedsInput(Activation activation) => activation is Activation.GELU or Activation.Swish;

    /// <summary><c>Activation.ReLU</c>, as generated code names it.</summary>
    public static string Member(Activation activation) => "Activation." + activation;

    /// <summary>
    /// Applies <paramref name="activation"/> from <paramref name="x"/> to <paramref name="y"/> (which may be the
    /// same expression); softmax runs over groups of <paramref name="group"/> values.
    /// </summary>
    public static void EmitForward(PassWriter w, Activation activation, double slope, string x, string y, int group)
    {
        switch (activation)
        {
            case Activation.None:
                if (x != y)
                {
                    w.Statement(x + ".CopyTo(" + y + ");");
                }

                break;
            case Activation.Softmax:
                w.Statement(x == y
                    ? "ActivationKernels.Softmax(" + y + ", " + Identifiers.Int(group) + ");"
                    : "ActivationKernels.Softmax(" + x + ", " + y + ", " + Identifiers.Int(group) + ");");
                break;
            default:
                w.Statement("ActivationKernels.Forward(" + Member(activation) + ", " + x + ", " + y + SlopeArgument(activation, slope) + ");");
                break;
        }
    }

    /// <summary>Turns the gradient <paramref name="dy"/> into the gradient of the activation's input, in place.</summary>
    public static void EmitBackward(PassWriter w, Activation activation, double slope, string x, string y, string dy, int group)
    {
        switch (activation)
        {
            case Activation.None:
                break;
            case Activation.Softmax:
                w.Statement("ActivationKernels.SoftmaxBackward(" + y + ", " + dy + ", " + Identifiers.Int(group) + ");");
                break;
            default:
                string source = NeedsInput(activation) ? x + ", default" : "default, " + y;
                w.Statement("ActivationKernels.Backward(" + Member(activation) + ", " + source + ", " + dy + SlopeArgument(activation, slope) + ");");
                break;
        }
    }

    /// <summary>
    /// A Conv2D's or Dense's activation after its linear part computed <paramref name="z"/>, into
    /// <paramref name="y"/>: a final softmax fused with the loss only when not computing logits; a ReLU a
    /// convolution kernel already applied (<paramref name="applied"/>) not again.
    /// </summary>
    public static void EmitOutputActivation(PassWriter w, LayerPlan layer, Activation activation, string z, string y, Activation applied = Activation.None)
    {
        LayerModel l = layer.Layer;
        if (w.MaySkipSoftmax(layer))
        {
            if (z != y)
            {
                w.Line(z + ".CopyTo(" + y + ");");
            }

            w.Line("if (!logits) ActivationKernels.Softmax(" + y + ", " + Identifiers.Int(l.Output.Channels) + ");");
            return;
        }

        if (activation != applied)
        {
            EmitForward(w, activation, l.Slope, z, y, l.Output.Channels);
        }
    }

    /// <summary>The backward pass of <see cref="EmitOutputActivation"/>, in place on <paramref name="dy"/>.</summary>
    public static void EmitOutputActivationBackward(PassWriter w, LayerPlan layer, string z, string y, string dy)
    {
        LayerModel l = layer.Layer;
        if (w.MaySkipSoftmax(layer))
        {
            w.Line("if (!logits) ActivationKernels.SoftmaxBackward(" + y + ", " + dy + ", " + Identifiers.Int(l.Output.Channels) + ");");
        }
        else if (!layer.ActivationBackwardDone)
        {
            EmitBackward(w, l.Activation, l.Slope, z, y, dy, l.Output.Channels);
        }
    }

    private static string SlopeArgument(Activation activation, double slope) =>
        activation == Activation.LeakyReLU && slope != DefaultSlope ? ", slope: " + Identifiers.Float(slope) : string.Empty;
}
