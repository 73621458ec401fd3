using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;
using NetDsl.Generator.Planning;
using NetDsl.Generator.Shapes;
using static NetDsl.Generator.Model.Identifiers;

namespace NetDsl.Generator.Emit;

/// <summary>
/// Prints the file-local kernel class of a network: its parameter offsets and layout, its layers' geometries, its
/// buffers (<c>Activations</c> per sample, <c>Scratch</c> per thread), and its passes (inference, and training
/// segment by segment), each a sequence of calls into the runtime's kernels with a comment per step. Every layer
/// writes its own steps (<see cref="LayerDefinition"/>); this class only arranges them.
/// </summary>
internal static class KernelEmitter
{
    private const string ReadOnlySpan = "ReadOnlySpan<float>";
    private const string Span = "Span<float>";

    public static void Emit(SourceWriter w, NetworkPlan plan, string kernel, Weights.EmbeddedParameters? embedded = null)
    {
        NetworkModel model = plan.Model;
        w.Line("namespace NetDsl.Generated");
        w.OpenBrace();
        // global::, so that a user's class named System or NetDsl cannot capture the names.
        w.Line("using global::System;");
        w.Line("using global::System.Collections.Generic;");
        w.Line("using global::NetDsl.Engine;");
        w.Line("using global::NetDsl.Kernels;");
        w.Line();
        NetworkEmitter.Doc(w, "The passes of " + model.Target.Name + ", specialised for its shapes: the runtime (<see cref=\"NetworkEngine{TActivations, TScratch}\"/>) runs them over samples and batches.");
        string declaration = "file sealed class " + kernel + " : NetworkKernel<" + kernel + ".Activations, " + kernel + ".Scratch>";
        if (w.Indentation + declaration.Length <= SourceWriter.Width)
        {
            w.Line(declaration);
        }
        else
        {
            w.Line("file sealed class " + kernel);
            w.Line("    : NetworkKernel<" + kernel + ".Activations, " + kernel + ".Scratch>");
        }
        w.OpenBrace();
        EmitLayout(w, plan);
        EmitLayers(w, plan);
        foreach (LayerPlan layer in plan.Layers)
        {
            var declarations = new SourceWriter(w.Indentation / 4);
            layer.Definition.EmitDeclarations(declarations, layer);
            string text = declarations.ToString();
            if (text.Length > 0)
            {
                w.Raw(text);
                w.Line();
            }
        }

        NetworkEmitter.Doc(w, "The architecture in NetDsl's text form, stored with saved weights.");
        w.Line("public const string ArchitectureText =");
        NetworkEmitter.EmitMultilineLiteral(w, ArchitectureWriter.Write(model));
        w.Line();
        w.Line("// After the fields above: static fields initialise in order, and the constructor reads the layout.");
        w.Line("public static readonly " + kernel + " Instance = new();");
        w.Line();
        w.Line("private " + kernel + "()");
        w.Indent();
        w.Statement(": base(\"" + model.Target.Name + "\", inputLength: " + Int(model.Input.Length) + ", outputLength: " + Int(model.Output.Length)
            + ", ParameterLayout, ArchitectureText, segments: " + Int(plan.Segments) + ", foldedLength: " + Int(plan.FoldedLength)
            + (model.Output.Channels != model.Output.Length ? ", outputChannels: " + Int(model.Output.Channels) : string.Empty) + ", layers: LayerInfos)");
        w.Outdent();
        w.OpenBrace().CloseBrace();
        w.Line();
        NetworkEmitter.Doc(w, "A new runtime of the network, its parameters initialised from <paramref name=\"seed\"/> as Keras does.");
        w.Line("public static NetworkRuntime CreateRuntime(int seed) => NetworkRuntime.Create(Instance, seed);");
        w.Line();
        if (embedded is not null)
        {
            NetworkEmitter.Doc(w, "A new runtime of the network holding the parameters embedded at build time (<see cref=\"EmbeddedParameters\"/>).");
            w.Line("public static NetworkRuntime CreatePretrainedRuntime() => NetworkRuntime.CreatePretrained(Instance, EmbeddedParameters);");
            w.Line();
        }

        w.Line("public override Activations CreateActivations(int capacity) => new(capacity);");
        w.Line();
        w.Line("public override Scratch CreateScratch() => new();");
        EmitFold(w, plan);
        EmitBeginTraining(w, plan);
        EmitInferenceOverrides(w, plan);
        EmitInference(w, plan);
        EmitLayerOutput(w, plan);
        EmitTraining(w, plan);
        EmitActivations(w, plan);
        EmitScratch(w, plan);
        EmitOnnxExport(w, plan);
        if (embedded is not null)
        {
            EmitEmbeddedParameters(w, plan, embedded);
        }

        w.CloseBrace();
        w.CloseBrace();
    }

    /// <summary>
    /// <c>ExportOnnx</c>: one builder call per layer (each layer kind's <see cref="LayerDefinition.OnnxCall"/>),
    /// in the network's order, each output kept in a local named after the layer.
    /// </summary>
    private static void EmitOnnxExport(SourceWriter w, NetworkPlan plan)
    {
        NetworkModel model = plan.Model;
        var taken = new HashSet<string>(System.StringComparer.Ordinal) { "onnx", "p" };
        string Local(string name)
        {
            string pascal = Pascal(name);
            string local = char.ToLowerInvariant(pascal[0]) + pascal.Substring(1);
            string unique = local;
            for (int i = 2; !taken.Add(unique); i++)
            {
                unique = local + "_" + Int(i);
            }

            return Escape(unique);
        }

        string input = Local(model.InputName);
        var locals = new string[model.Layers.Count];
        w.Line();
        NetworkEmitter.Doc(w, "The network as an ONNX model (opset 13) with the parameters <paramref name=\"p\"/>: the input is <c>[N, "
            + (model.Input.Rank == 3 ? Int(model.Input.Height) + ", " + Int(model.Input.Width) + ", " + Int(model.Input.Channels) : Int(model.Input.Length))
            + "]</c>, channels-last as <c>Predict</c> takes it, and the output is what <c>Predict</c> gives.");
        w.Block("public static global::NetDsl.Interop.OnnxExport ExportOnnx(ReadOnlySpan<float> p)", () =>
        {
            w.Line("var onnx = new global::NetDsl.Interop.OnnxExport(" + Literal(model.Target.Name) + ");");
            w.Statement("string " + input + " = onnx.Input(" + Literal(model.InputName) + ", "
                + (model.Input.Rank == 3 ? Int(model.Input.Height) + ", " + Int(model.Input.Width) + ", " + Int(model.Input.Channels) : Int(model.Input.Length)) + ");");
            foreach (LayerModel layer in model.Layers)
            {
                IReadOnlyList<string> inputs = layer.Sources.Select(source => source < 0 ? input : locals[source]).ToList();
                locals[layer.Index] = Local(layer.Name);
                w.Line("// " + layer.Name + ": " + layer.Definition.Title(layer));
                w.Statement("string " + locals[layer.Index] + " = " + layer.Definition.OnnxCall(layer, inputs) + ";");
            }

            string output = model.Layers.Count == 0 ? input : locals[model.Layers.Count - 1];
            w.Line("onnx.Output(" + output + ", " + Literal(model.Layers.Count == 0 ? "output" : model.Layers[model.Layers.Count - 1].Name) + ");");
            w.Line("return onnx;");
        });
    }

    /// <summary>
    /// The parameters from the weights file, as static data in the assembly: a UTF-8 literal is stored as is
    /// (no array is built at start-up), and base64 keeps the source small enough for the compiler to take a 10 MB
    /// file in stride (one token, not millions of array elements).
    /// </summary>
    private static void EmitEmbeddedParameters(SourceWriter w, NetworkPlan plan, Weights.EmbeddedParameters embedded)
    {
        const int LineLength = 100;
        w.Line();
        NetworkEmitter.Doc(w, "The parameters embedded from <c>" + NetworkEmitter.EscapeXml(embedded.Source) + "</c> at build time: " + (embedded.Data.Length / 4).ToString("N0", System.Globalization.CultureInfo.InvariantCulture)
            + " floats in ParameterLayout's order and layouts, little-endian float32, base64-encoded.");
        w.Line("private static ReadOnlySpan<byte> EmbeddedParameters => \"\"\"");
        string base64 = Convert.ToBase64String(embedded.Data);
        var data = new System.Text.StringBuilder(base64.Length + (base64.Length / LineLength * (w.Indentation + 5)) + 64);
        string indent = new(' ', w.Indentation + 4);
        for (int i = 0; i < base64.Length; i += LineLength)
        {
            data.Append(indent).Append(base64, i, Math.Min(LineLength, base64.Length - i)).Append('\n');
        }

        w.Raw(data.ToString());
        w.Line("    \"\"\"u8;");
    }

    private static void EmitLayout(SourceWriter w, NetworkPlan plan)
    {
        var tensors = plan.Layers.SelectMany(l => l.Layer.Parameters.Select(p => (l.Layer, Parameter: p))).ToList();
        if (tensors.Count > 0)
        {
            w.Line("// Where each tensor starts in the parameters.");
            foreach ((LayerModel layer, ParameterModel parameter) in tensors)
            {
                w.Line("private const int " + PassWriter.OffsetName(layer, parameter) + " = " + Int(parameter.Offset) + ";");
            }

            w.Line();
        }

        foreach ((LayerModel layer, ParameterModel p) in tensors)
        {
            if (p.Constant is not null)
            {
                EmitConstant(w, layer, p);
            }
        }

        NetworkEmitter.Doc(w, "The parameter tensors: Keras names and layouts, in Keras's order.");
        w.Line("public static readonly IReadOnlyList<ParameterTensor> ParameterLayout = Array.AsReadOnly(new ParameterTensor[]");
        w.OpenBrace();
        foreach ((LayerModel layer, ParameterModel p) in tensors)
        {
            w.Statement("new(\"" + layer.Name + "/" + p.Role + "\", new(" + string.Join(", ", p.Shape.Select(d => Int(d))) + "), "
                + PassWriter.OffsetName(layer, p) + ", " + Int(p.Length) + ", " + (p.Constant is null ? "ParameterInitializer." + p.Initializer : ConstantName(layer, p))
                + (p.Trainable ? string.Empty : ", trainable: false") + "),");
        }

        w.CloseBrace(");");
        w.Line();
    }

    /// <summary><c>LayerInfos</c>, the layers as Summary lists them, and <c>LayerIndex</c>, from a layer's name to its index there.</summary>
    private static void EmitLayers(SourceWriter w, NetworkPlan plan)
    {
        EquatableArray<LayerModel> layers = plan.Model.Layers;
        NetworkEmitter.Doc(w, "The layers in order, as Summary lists them: name, Keras class name, output shape, parameters.");
        w.Line("public static readonly IReadOnlyList<LayerInfo> LayerInfos = Array.AsReadOnly(new LayerInfo[]");
        w.OpenBrace();
        foreach (LayerModel layer in layers)
        {
            w.Statement("new(" + Literal(layer.Name) + ", " + Literal(layer.Kind) + ", new(" + layer.Output.ToArgumentList() + "), " + Int(layer.ParameterCount) + "),");
        }

        w.CloseBrace(");");
        w.Line();
        NetworkEmitter.Doc(w, "The index in <see cref=\"LayerInfos\"/> of the layer named <paramref name=\"name\"/>.");
        w.Line("public static int LayerIndex(string name) => name switch");
        w.OpenBrace();
        foreach (LayerModel layer in layers)
        {
            w.Line(Literal(layer.Name) + " => " + Int(layer.Index) + ",");
        }

        w.Line("_ => throw NetworkGuard.UnknownLayer(name, " + Literal(plan.Model.Target.Name) + ", LayerInfos),");
        w.CloseBrace(";");
        w.Line();
    }

    /// <summary>The name of a constant tensor's values: <c>Conv2dKernelValues</c>.</summary>
    private static string ConstantName(LayerModel layer, ParameterModel parameter) => PassWriter.OffsetName(layer, parameter) + "Values";

    /// <summary>A constant tensor's values (a Conv2D's named or explicit kernel) as static data, one kernel row
    /// (<c>kw * in * filters</c> values) a line where that fits.</summary>
    private static void EmitConstant(SourceWriter w, LayerModel layer, ParameterModel parameter)
    {
        const int MaxPerLine = 12;
        EquatableArray<int> shape = parameter.Shape;
        int perLine = shape.Count == 4 && shape[1] * shape[2] * shape[3] <= MaxPerLine ? shape[1] * shape[2] * shape[3]
            : shape.Count == 4 && shape[2] * shape[3] <= MaxPerLine ? shape[2] * shape[3]
            : MaxPerLine;
        w.Line("// " + layer.Name + "/" + parameter.Role + ": " + parameter.Constant!.Note + "; [" + string.Join(", ", shape.Select(d => Int(d))) + "] in Keras's layout.");
        w.Line("private static readonly float[] " + ConstantName(layer, parameter) + " =");
        w.OpenBrace();
        EquatableArray<float> values = parameter.Constant.Values;
        for (int i = 0; i < values.Count; i += perLine)
        {
            w.Line(string.Join(", ", Enumerable.Range(i, Math.Min(perLine, values.Count - i)).Select(k => Float(values[k]))) + ",");
        }

        w.CloseBrace(";");
        w.Line();
    }

    private static void EmitFold(SourceWriter w, NetworkPlan plan)
    {
        if (plan.FoldedLength == 0)
        {
            return;
        }

        w.Line();
        NetworkEmitter.Doc(w, "The inference parameters derived from <paramref name=\"p\"/>: each BatchNormalization's scale and shift from its moving statistics, folded into the kernel and bias of the layer before it where there is one; transposed kernels.");
        w.Block("public override void Fold(" + ReadOnlySpan + " p, " + Span + " f)", () =>
        {
            foreach (LayerPlan layer in plan.Layers)
            {
                if (layer.Definition.SynchronizesBatch)
                {
                    LayerPlan? into = plan.Layers.FirstOrDefault(l => l.FoldedFrom == layer.Layer.Index);
                    layer.Definition.EmitFold(w, layer, into);
                }
                else if (layer.Definition.DerivedLength(layer.Layer) > 0)
                {
                    layer.Definition.EmitFold(w, layer, null);
                }
            }
        });
    }

    private static void EmitBeginTraining(SourceWriter w, NetworkPlan plan)
    {
        var body = new SourceWriter(w.Indentation / 4 + 1);
        foreach (LayerPlan layer in plan.Layers)
        {
            layer.Definition.EmitBeginTraining(body, layer);
        }

        if (body.ToString().Length == 0)
        {
            return;
        }

        w.Line();
        NetworkEmitter.Doc(w, "Before a thread's training passes: the kernels transposed for the input gradients.");
        w.Line("public override void BeginTraining(" + ReadOnlySpan + " p, Scratch s)");
        w.OpenBrace();
        w.Raw(body.ToString());
        w.CloseBrace();
    }

    private static void EmitInferenceOverrides(SourceWriter w, NetworkPlan plan)
    {
        string loss = LossCall(plan, "s.Output", "label", "default");
        w.Line();
        w.Statement("public override void Predict(" + ReadOnlySpan + " p, " + ReadOnlySpan + " f, " + ReadOnlySpan + " input, Activations a, Scratch s, " + Span + " output) =>");
        w.Line("    Infer(p, f, input, a, s, output, logits: false);");
        w.Line();
        w.Statement("public override int Classify(" + ReadOnlySpan + " p, " + ReadOnlySpan + " f, " + ReadOnlySpan + " input, Activations a, Scratch s)");
        w.OpenBrace();
        w.Line("Infer(p, f, input, a, s, s.Output, logits: true);");
        w.Line("return VectorOps.ArgMax(s.Output);");
        w.CloseBrace();
        w.Line();
        w.Statement("public override float Evaluate(" + ReadOnlySpan + " p, " + ReadOnlySpan + " f, " + ReadOnlySpan + " input, int label, Activations a, Scratch s, out int predicted)");
        w.OpenBrace();
        w.Line("Infer(p, f, input, a, s, s.Output, logits: true);");
        w.Line("predicted = VectorOps.ArgMax(s.Output);");
        w.Line("return " + loss + ";");
        w.CloseBrace();
    }

    /// <summary>The inference pass: a comment and a call per step; fused and left-out layers are named in the
    /// comment of the step that does their work.</summary>
    private static void EmitInference(SourceWriter w, NetworkPlan plan)
    {
        w.Line();
        NetworkEmitter.Doc(w, "Inference of one sample, layer by layer (BatchNormalization folded, Dropout left out, fusions as noted). With <paramref name=\"logits\"/>, a final softmax that is fused with the loss is left out.");
        w.Statement("private static void Infer(" + ReadOnlySpan + " p, " + ReadOnlySpan + " f, " + ReadOnlySpan + " input, Activations a, Scratch s, " + Span + " output, bool logits)");
        w.OpenBrace();
        SourceWriter outer = w;
        w = new SourceWriter(outer.Indentation / 4);
        var pass = new PassWriter(w, Pass.Inference, plan);
        EquatableArray<LayerPlan> layers = plan.Layers;
        for (int i = 0; i < layers.Count; i++)
        {
            LayerPlan layer = layers[i];
            if (layer.Inference != InferenceRole.Compute)
            {
                continue;
            }

            // The skipped layers whose work this step does or whose output it is: those that read it.
            var group = new List<LayerPlan> { layer };
            for (int k = i + 1; k < layers.Count; k++)
            {
                if (layers[k].Inference == InferenceRole.Skip && group.Any(g => g.Layer.Index == layers[k].Layer.Source))
                {
                    group.Add(layers[k]);
                }
            }

            pass.Comment(InferenceComment(plan, group));
            layer.Definition.EmitInference(pass, layer);
        }

        if (plan.InferenceFinalCopy is { } copy)
        {
            pass.Comment("every layer is the identity in inference");
            pass.Line(pass.Ref(copy) + ".CopyTo(output);");
        }

        string body = w.ToString();
        if (body.Contains("(n)"))
        {
            outer.Line("const int n = 0; // one sample: the first slot of the activations");
        }

        outer.Raw(body);
        outer.CloseBrace();
    }

    /// <summary>
    /// <c>LayerOutput</c>: the last layer by <c>Infer</c> (so its output is Predict's, bit for bit); any other layer
    /// by the layers before it and itself, in order, each as in inference but into its training buffer and without
    /// fusions (every layer's output exists there), then a copy of the requested layer's output.
    /// </summary>
    private static void EmitLayerOutput(SourceWriter outer, NetworkPlan plan)
    {
        EquatableArray<LayerPlan> layers = plan.Layers;
        if (layers.Count == 0)
        {
            return;
        }

        outer.Line();
        NetworkEmitter.Doc(outer, "Inference of one sample up to layer <paramref name=\"layer\"/> (its index in <see cref=\"LayerInfos\"/>), whose output is written to <paramref name=\"output\"/>: the layers before it and itself in order, unfused, each into its training buffer (BatchNormalization with its moving statistics, Dropout the identity); the last layer as Predict.");
        outer.Statement("public override void LayerOutput(int layer, " + ReadOnlySpan + " p, " + ReadOnlySpan + " f, " + ReadOnlySpan + " input, Activations a, Scratch s, " + Span + " output)");
        outer.OpenBrace();
        LayerModel last = layers[layers.Count - 1].Layer;
        outer.Block("if (layer == " + Int(last.Index) + ")", () =>
        {
            outer.Comment(last.Name + ", the last layer: exactly what Predict gives");
            outer.Line("Infer(p, f, input, a, s, output, logits: false);");
            outer.Line("return;");
        });
        outer.Line();

        var w = new SourceWriter(outer.Indentation / 4);
        var pass = new PassWriter(w, Pass.LayerOutputs, plan);
        if (CopiesInput(plan))
        {
            pass.Comment("the input, where the layers that read it find it in training");
            w.Line("input.CopyTo(a.Input(n));");
        }

        for (int i = 0; i < layers.Count - 1; i++)
        {
            LayerPlan layer = layers[i];
            LayerModel l = layer.Layer;
            if (layer.Definition.IsView)
            {
                pass.Comment(l.Name + ": " + layer.Definition.Title(l) + From(plan, l) + ", a view; " + l.Input + " -> " + l.Output);
            }
            else
            {
                pass.Comment(l.Name + ": " + layer.Definition.Title(l) + From(plan, l) + "; " + l.Input + " -> " + l.Output);
                layer.Definition.EmitLayerOutputStep(pass, layer);
            }

            w.Block("if (layer == " + Int(l.Index) + ")", () =>
            {
                w.Line(pass.Ref(layer.TrainOutput) + ".CopyTo(output);");
                w.Line("return;");
            });
            w.Line();
        }

        w.Line("throw new ArgumentOutOfRangeException(nameof(layer), layer, \"The network has " + Int(layers.Count) + " layers.\");");
        string body = w.ToString();
        if (body.Contains("(n)"))
        {
            outer.Line("const int n = 0; // one sample: the first slot of the activations");
        }

        outer.Raw(body);
        outer.CloseBrace();
    }

    /// <summary>Whether training keeps the input in a per-sample buffer (a batch-wide layer reads it).</summary>
    private static bool CopiesInput(NetworkPlan plan) => plan.Buffers.Any(b => b.Kind == BufferKind.Sample && b.Name == "Input");

    private static string InferenceComment(NetworkPlan plan, List<LayerPlan> group)
    {
        LayerPlan first = group[0];
        var notes = new List<string>();
        foreach (LayerPlan other in group.Skip(1))
        {
            LayerModel l = other.Layer;
            if (first.FoldedFrom == l.Index)
            {
                notes.Add(l.Name + " folded into its kernel");
            }
            else if (first.PooledWith == l.Index)
            {
                notes.Add("then " + l.Name + " (" + other.Definition.Title(l) + ") in the same kernel");
            }
            else if (other.Definition.IsFusableReLU(l) && first.InferenceActivation == Activation.ReLU && first.Layer.Activation != Activation.ReLU)
            {
                notes.Add("then " + l.Name + " (ReLU) in the same kernel");
            }
            else if (other.Definition.IsInferenceIdentity)
            {
                notes.Add(l.Name + " is the identity in inference");
            }
        }

        LayerModel last = group[group.Count - 1].Layer;
        return first.Layer.Name + ": " + first.Definition.Title(first.Layer) + From(plan, first.Layer) + (notes.Count == 0 ? string.Empty : "; " + string.Join("; ", notes))
            + "; " + first.Layer.Input + " -> " + last.Output;
    }

    private static void EmitTraining(SourceWriter w, NetworkPlan plan)
    {
        int last = plan.Segments - 1;
        w.Line();
        w.Statement("public override float TrainForward(int segment, in TrainingStep step, " + ReadOnlySpan + " input, int label, " + ReadOnlySpan
            + " outputGradient, Activations a, Scratch s, " + Span + " g, " + Span + " inputGradient, out int predicted)");
        w.OpenBrace();
        if (plan.Segments == 1)
        {
            EmitLastSegment(w, plan, last);
        }
        else
        {
            w.Block("if (segment < " + Int(last) + ")", () =>
            {
                w.Line("predicted = 0;");
                w.Line("ForwardSegment(segment, step, input, a, s);");
                w.Line("return 0f;");
            });
            w.Line();
            EmitLastSegment(w, plan, last);
        }

        w.CloseBrace();
        if (plan.Segments == 1)
        {
            return;
        }

        w.Line();
        NetworkEmitter.Doc(w, "The forward pass of a segment before the last, for one sample of the batch.");
        w.Block("private static void ForwardSegment(int segment, in TrainingStep step, " + ReadOnlySpan + " input, Activations a, Scratch s)", () =>
        {
            EmitSegmentSwitch(w, last, k => EmitForwardSteps(w, plan, k));
        });

        w.Line();
        w.Statement("public override void TrainBackward(int segment, in TrainingStep step, " + ReadOnlySpan + " input, Activations a, Scratch s, " + Span
            + " g, " + Span + " inputGradient)");
        w.OpenBrace();
        EmitSegmentSwitch(w, last, k => EmitBackwardSteps(w, plan, k));
        w.CloseBrace();

        w.Line();
        w.Line("public override void SynchronizeForward(int segment, " + Span + " p, Activations a, int count)");
        w.OpenBrace();
        EmitSynchronize(w, plan, forward: true);
        w.CloseBrace();
        w.Line();
        w.Line("public override void SynchronizeBackward(int segment, " + ReadOnlySpan + " p, Activations a, int count, " + Span + " g)");
        w.OpenBrace();
        EmitSynchronize(w, plan, forward: false);
        w.CloseBrace();
    }

    private static void EmitSynchronize(SourceWriter w, NetworkPlan plan, bool forward)
    {
        w.Line("switch (segment)");
        w.OpenBrace();
        foreach (LayerPlan layer in plan.Layers.Where(l => l.Definition.SynchronizesBatch))
        {
            w.Line("case " + Int(layer.Segment - 1) + ":");
            w.Indent();
            if (forward)
            {
                layer.Definition.EmitSynchronizeForward(w, layer);
            }
            else
            {
                layer.Definition.EmitSynchronizeBackward(w, layer);
            }

            w.Line("break;");
            w.Outdent();
        }

        w.CloseBrace();
    }

    /// <summary>The last segment: its forward pass, the loss, and its backward pass.</summary>
    private static void EmitLastSegment(SourceWriter outer, NetworkPlan plan, int last)
    {
        var w = new SourceWriter(outer.Indentation / 4);
        EmitForwardSteps(w, plan, last);
        if (plan.Layers.All(l => l.Definition.IsView))
        {
            w.Comment("no layer computes: the output is the input");
            w.Line("input.CopyTo(s.Output);");
        }

        int length = plan.Model.Output.Length;
        BufferRef target = plan.Layers.Count == 0 ? BufferRef.Gradient(0, length) : plan.Layers[plan.Layers.Count - 1].GradientIn;
        var pass = new PassWriter(w, Pass.TrainingBackward, plan);
        string gradient = pass.Ref(target);
        bool fused = plan.Loss.FusedSoftmaxLayer >= 0 || plan.Loss.PerPositionSoftmaxLayer >= 0;
        pass.Comment("loss: the given output gradient, sparse categorical cross-entropy " + (plan.Loss.FromLogits ? "from logits" : "from probabilities")
            + ", or the step's loss" + (fused ? " (from the logits when it takes them)" : string.Empty));
        w.Line("predicted = VectorOps.ArgMax(s.Output);");
        w.Line("float loss = 0f;");
        w.Line("if (!outputGradient.IsEmpty) outputGradient.CopyTo(" + gradient + ");");
        w.Line("else if (step.Loss is null) loss = " + LossCall(plan, "s.Output", "label", gradient) + ";");
        w.Statement("else loss = LossKernels.Custom(step, s.Output, " + gradient + ", " + Int(plan.Model.Output.Channels) + ", softmaxLogits: " + (fused ? "logits" : "false") + ");");
        EmitBackwardSteps(w, plan, last);
        if (plan.Layers.All(l => l.Definition.IsView))
        {
            w.Line("if (!inputGradient.IsEmpty) " + gradient + ".CopyTo(inputGradient);");
        }

        w.Line("return loss;");
        string body = w.ToString();
        if (body.Contains("p.Slice(") || body.Contains("(p,"))
        {
            outer.Line("ReadOnlySpan<float> p = step.Parameters;");
        }

        if (body.Contains("(n)"))
        {
            outer.Line(plan.Segments == 1 ? "const int n = 0; // one sample at a time: the first slot of the thread's activations" : "int n = step.Sample;");
        }

        if (plan.Loss.FusedSoftmaxLayer >= 0)
        {
            outer.Line("bool logits = outputGradient.IsEmpty && step.LossTakesSoftmaxLogits; // else the final softmax is applied");
        }
        else if (plan.Loss.PerPositionSoftmaxLayer >= 0)
        {
            outer.Line("bool logits = outputGradient.IsEmpty && step.LossTakesSoftmaxLogitsPerPosition; // per pixel");
        }

        outer.Raw(body);
    }

    private static void EmitForwardSteps(SourceWriter w, NetworkPlan plan, int segment)
    {
        var pass = new PassWriter(w, Pass.TrainingForward, plan);
        if (segment == 0 && CopiesInput(plan))
        {
            pass.Comment("the input, kept for the batch's statistics");
            w.Line("input.CopyTo(a.Input(n));");
        }

        foreach (LayerPlan layer in plan.Layers)
        {
            if (layer.Segment != segment || layer.Definition.IsView)
            {
                continue;
            }

            pass.Comment(layer.Layer.Name + ": " + layer.Definition.Title(layer.Layer) + From(plan, layer.Layer) + "; " + layer.Layer.Input + " -> " + layer.Layer.Output);
            layer.Definition.EmitTrainingForward(pass, layer);
        }
    }

    /// <summary>The backward pass of a segment: first the per-sample part of the batch-wide layer that starts the
    /// next segment, then the segment's own layers in reverse (a batch-wide layer that starts this segment runs in
    /// the segment before).</summary>
    private static void EmitBackwardSteps(SourceWriter w, NetworkPlan plan, int segment)
    {
        var pass = new PassWriter(w, Pass.TrainingBackward, plan);
        var steps = new List<LayerPlan>();
        steps.AddRange(plan.Layers.Where(l => l.Definition.SynchronizesBatch && l.Segment == segment + 1));
        steps.AddRange(plan.Layers.Where(l => l.Segment == segment && !l.Definition.IsView && !l.Definition.SynchronizesBatch).Reverse());
        foreach (LayerPlan layer in steps)
        {
            pass.Comment(layer.Layer.Name + " backward: " + layer.Definition.Title(layer.Layer) + (layer.ActivationBackwardDone ? " (its ReLU backward is in the pooling's)" : string.Empty));
            layer.Definition.EmitBackward(pass, layer);
            if (layer.Transfer is { } transfer)
            {
                string statement = transfer.Accumulate
                    ? "VectorOps.Add(" + pass.Ref(layer.GradientOut) + ", " + pass.Ref(transfer.Buffer) + ");"
                    : pass.Ref(layer.GradientOut) + ".CopyTo(" + pass.Ref(transfer.Buffer) + ");";
                w.Line((transfer.Optional ? "if (!inputGradient.IsEmpty) " : string.Empty) + statement);
            }
        }
    }

    /// <summary>Where a layer's inputs come from, when it is not just the layer before: <c> from add, conv2d_2</c>.</summary>
    private static string From(NetworkPlan plan, LayerModel layer) =>
        layer.Sources.Count == 1 && layer.Sources[0] == layer.Index - 1 ? string.Empty
        : " from " + string.Join(", ", layer.Sources.Select(plan.Model.NameOf));

    private static string LossCall(NetworkPlan plan, string output, string label, string gradient) =>
        (plan.Loss.FromLogits ? "LossKernels.SoftmaxCrossEntropy(" : "LossKernels.CrossEntropyFromProbabilities(") + output + ", " + label + ", " + gradient + ")";

    /// <summary>The per-sample buffers for a number of samples, then the per-batch ones.</summary>
    private static void EmitActivations(SourceWriter w, NetworkPlan plan)
    {
        var samples = plan.Buffers.Where(b => b.Kind == BufferKind.Sample).ToList();
        var batch = plan.Buffers.Where(b => b.Kind == BufferKind.Batch).ToList();
        var batchWide = new HashSet<string>(plan.Layers.Where(l => l.Definition.SynchronizesBatch)
            .SelectMany(l => new[] { l.TrainInput.Name, l.Pascal + "Gradient" }));
        long perSample = samples.Sum(b => (long)NetworkPlanner.RoundUp(b.Length));
        long batchFloats = batch.Sum(b => (long)NetworkPlanner.RoundUp(b.Length));
        w.Line();
        NetworkEmitter.Doc(w, "Per-sample buffers for a number of samples (each buffer's samples one after another), and per-batch statistics; one 64-byte aligned block, every buffer of its exact size.");
        w.Line("public sealed class Activations");
        w.OpenBrace();
        foreach (BufferDeclaration buffer in samples.Where(b => batchWide.Contains(b.Name)))
        {
            w.Line("public const int " + buffer.Name + "Stride = " + Int(NetworkPlanner.RoundUp(buffer.Length)) + ";");
        }

        if (samples.Any(b => batchWide.Contains(b.Name)))
        {
            w.Line();
        }

        w.Line("private readonly AlignedBuffer _arena;");
        w.Line("private readonly int _capacity;");
        w.Line();
        w.Block("public Activations(int capacity)", () =>
        {
            w.Line("_capacity = capacity;");
            w.Line("_arena = AlignedBuffer.ForSamples(capacity, samples: " + Int(perSample) + ", shared: " + Int(batchFloats) + ");");
        });

        long offset = 0;
        foreach (BufferDeclaration buffer in samples)
        {
            int stride = NetworkPlanner.RoundUp(buffer.Length);
            string start = offset == 0 ? string.Empty : "_capacity * " + Int(offset) + " + ";
            w.Line();
            NetworkEmitter.Doc(w, Capitalize(buffer.Description) + ".");
            w.Statement("public Span<float> " + buffer.Name + "(int n) => _arena.Slice(" + start + "n * " + Int(stride) + ", " + Int(buffer.Length) + ");");
            if (batchWide.Contains(buffer.Name))
            {
                w.Line();
                NetworkEmitter.Doc(w, "The first <paramref name=\"count\"/> samples of " + buffer.Name + ", " + buffer.Name + "Stride apart.");
                w.Statement("public Span<float> " + buffer.Name + "Batch(int count) => _arena.Slice(" + (offset == 0 ? "0" : "_capacity * " + Int(offset)) + ", (count - 1) * " + Int(stride) + " + " + Int(buffer.Length) + ");");
            }

            offset += stride;
        }

        long shared = 0;
        foreach (BufferDeclaration buffer in batch)
        {
            w.Line();
            NetworkEmitter.Doc(w, Capitalize(buffer.Description) + ".");
            w.Statement("public Span<float> " + buffer.Name + " => _arena.Slice(_capacity * " + Int(perSample) + " + " + Int(shared) + ", " + Int(buffer.Length) + ");");
            shared += NetworkPlanner.RoundUp(buffer.Length);
        }

        w.CloseBrace();
    }

    /// <summary>One thread's buffers: parameter-derived ones, temporary space, the output and the two gradient buffers.</summary>
    private static void EmitScratch(SourceWriter w, NetworkPlan plan)
    {
        var scratch = plan.Buffers.Where(b => b.Kind == BufferKind.Scratch).ToList();
        long offset = 0;
        var lines = new List<(string Doc, string Member)>();
        foreach (BufferDeclaration buffer in scratch)
        {
            lines.Add((Capitalize(buffer.Description) + ".", "public Span<float> " + buffer.Name + " => _arena.Slice(" + Int(offset) + ", " + Int(buffer.Length) + ");"));
            offset += NetworkPlanner.RoundUp(buffer.Length);
        }

        int gradient = NetworkPlanner.RoundUp(plan.GradientLength);
        for (int slot = 0; slot < plan.GradientSlots; slot++)
        {
            string doc = plan.GradientSlots == 2
                ? (slot == 0 ? "The first <paramref name=\"length\"/> floats of one of the two buffers gradients alternate between on the way back."
                    : "The first <paramref name=\"length\"/> floats of the other gradient buffer.")
                : "The first <paramref name=\"length\"/> floats of gradient buffer " + (char)('A' + slot) + " (of " + Int(plan.GradientSlots) + " that gradients move through on the way back).";
            lines.Add((doc, "public Span<float> " + BufferRef.SlotName(slot) + "(int length) => _arena.Slice(" + Int(offset + ((long)slot * gradient)) + ", length);"));
        }

        long total = offset + ((long)plan.GradientSlots * gradient);

        w.Line();
        NetworkEmitter.Doc(w, "One thread's buffers, of their exact sizes, in one 64-byte aligned block.");
        w.Line("public sealed class Scratch");
        w.OpenBrace();
        w.Line("private readonly AlignedBuffer _arena = new(" + Int(total) + ");");
        foreach ((string doc, string member) in lines)
        {
            w.Line();
            NetworkEmitter.Doc(w, doc);
            w.Statement(member);
        }

        w.CloseBrace();
    }

    /// <summary>A switch over the segments before the last, one sample's steps per case.</summary>
    private static void EmitSegmentSwitch(SourceWriter w, int segments, System.Action<int> emitSteps)
    {
        w.Line("ReadOnlySpan<float> p = step.Parameters;");
        w.Line("int n = step.Sample;");
        w.Line("switch (segment)");
        w.OpenBrace();
        for (int k = 0; k < segments; k++)
        {
            w.Line("case " + Int(k) + ":");
            w.Indent();
            emitSteps(k);
            w.Line("break;");
            w.Outdent();
        }

        w.CloseBrace();
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);
}
