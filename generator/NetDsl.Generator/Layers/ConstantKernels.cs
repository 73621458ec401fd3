using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;
using static NetDsl.Generator.Model.Identifiers;

namespace NetDsl.Generator.Layers;

/// <summary>
/// A Conv2D's constant kernel as written (Keras <c>kernel_initializer=Constant</c>): a named kernel for every filter
/// (<c>Kernel</c>, <c>kernel laplacian</c>), one named kernel per filter (<c>Kernels</c>, <c>fixed sobel_x sobel_y</c>),
/// or explicit values (<c>KernelValues</c>, <c>kernel_values ...</c>): <c>kh * kw</c> of them for every filter, or the
/// whole kernel in Keras's layout. The values of the named kernels come from <see cref="FixedKernels"/>, the
/// runtime's own table compiled in.
/// </summary>
internal sealed class ConstantKernels
{
    private ConstantKernels(int height, int width, int filters, EquatableArray<int> names, EquatableArray<double> values)
    {
        Height = height;
        Width = width;
        Filters = filters;
        Names = names;
        Values = values;
    }

    public int Height { get; }

    public int Width { get; }

    public int Filters { get; }

    /// <summary>The named kernels as written: one (every filter) or one per filter; empty with <see cref="Values"/>.</summary>
    public EquatableArray<int> Names { get; }

    /// <summary>The explicit values as written; empty with <see cref="Names"/>.</summary>
    public EquatableArray<double> Values { get; }

    /// <summary>
    /// Reads the layer's constant kernel, if it has one (<paramref name="constant"/> null when not). False, with
    /// NDSL0047 at the setting, when more than one of the three is given, when a kernel that exists in 3x3 only
    /// meets another size, when the number of named kernels is not the number of filters, or when the number of
    /// values is neither <c>kh * kw</c> nor the whole kernel's.
    /// </summary>
    public static bool TryRead(LayerContext context, int height, int width, int filters, out ConstantKernels? constant)
    {
        constant = null;
        LayerArgument?[] given =
        {
            context.Spec.Find(Conv2DLayer.NamedKernel), context.Spec.Find(Conv2DLayer.NamedKernels), context.Spec.Find(Conv2DLayer.KernelValues),
        };
        LayerArgument?[] set = given.Where(a => a is not null).ToArray();
        if (set.Length == 0)
        {
            return true;
        }

        if (set.Length > 1)
        {
            return Fail(context, set[1]!, "give one of Kernel, Kernels and KernelValues (DSL: kernel NAME..., or kernel_values)");
        }

        if (given[2] is { } explicitValues)
        {
            EquatableArray<double> values = explicitValues.Value.List;
            long one = (long)height * width, whole = one * context.Input.Channels * filters;
            if (values.Count != one && values.Count != whole)
            {
                return Fail(context, explicitValues, "KernelValues has " + Count(values.Count, "value") + "; a " + height + "x" + width + " kernel takes " + Int(one)
                    + (whole == one ? string.Empty : " (one kernel, row by row, for every filter) or " + Int(whole)
                        + " (Keras's [" + height + ", " + width + ", " + context.Input.Channels + ", " + filters + "])"));
            }

            constant = new ConstantKernels(height, width, filters, EquatableArray<int>.Empty, values);
            return true;
        }

        LayerArgument names = set[0]!;
        int[] kinds = given[0] is { } single ? new[] { single.Value.Integer } : names.Value.List.Select(v => (int)v).ToArray();
        if (given[1] is not null && kinds.Length != filters)
        {
            return Fail(context, names, "Kernels names " + Count(kinds.Length, "kernel") + " for " + Count(filters, "filter") + "; give one per filter, or one Kernel for every filter");
        }

        foreach (int kind in kinds)
        {
            if (!FixedKernels.Fits((FixedKernel)kind, height, width))
            {
                return Fail(context, names, ((FixedKernel)kind) + " (" + FixedKernels.Word((FixedKernel)kind) + ") is a 3x3 kernel, and the layer's is " + height + "x" + width
                    + "; BoxBlur and GaussianBlur take any size, and KernelValues any values");
            }
        }

        constant = new ConstantKernels(height, width, filters, kinds.ToEquatableArray(), EquatableArray<double>.Empty);
        return true;
    }

    /// <summary>The kernel tensor in Keras's layout <c>[kh, kw, in, filters]</c>: filter <c>f</c>'s kernel <c>K_f</c>
    /// divided among the <paramref name="channels"/> (<c>K_f / in</c> for each, so the filter sees their mean), or
    /// the explicit values as they are when there are all of them.</summary>
    public ConstantTensor Tensor(int channels)
    {
        int area = Height * Width;
        var values = new float[area * channels * Filters];
        if (Values.Count == values.Length)
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)Values[i];
            }

            return new ConstantTensor(values.ToEquatableArray(), "KernelValues, in Keras's layout");
        }

        var perFilter = new float[Filters][];
        for (int f = 0; f < Filters; f++)
        {
            perFilter[f] = Names.Count == 0
                ? Values.Select(v => (float)v).ToArray()
                : FixedKernels.Create((FixedKernel)Names[Names.Count == 1 ? 0 : f], Height, Width);
        }

        for (int k = 0; k < area; k++)
        {
            for (int c = 0; c < channels; c++)
            {
                for (int f = 0; f < Filters; f++)
                {
                    values[(((k * channels) + c) * Filters) + f] = perFilter[f][k] / channels;
                }
            }
        }

        string what = Names.Count == 0 ? "KernelValues" : string.Join(", ", Names.Distinct().Select(n => "FixedKernel." + (FixedKernel)n));
        string each = Names.Count > 1 ? " (filter by filter)" : " for every filter";
        return new ConstantTensor(values.ToEquatableArray(), what + each + (channels > 1 ? ", divided among " + Int(channels) + " input channels" : string.Empty));
    }

    /// <summary>The text form after the layer's other settings: <c> sobel_x sobel_y</c> after <c>fixed</c>, else
    /// <c> kernel laplacian</c>; <c> kernel_values 0 1 0 ...</c>.</summary>
    public static string Describe(EquatableArray<int> names, EquatableArray<double> values, bool afterFixed)
    {
        if (names.Count > 0)
        {
            return (afterFixed ? " " : " kernel ") + string.Join(" ", names.Select(n => FixedKernels.Word((FixedKernel)n)));
        }

        return values.Count > 0 ? " kernel_values " + string.Join(" ", values.Select(v => ((float)v).ToString("R", CultureInfo.InvariantCulture))) : string.Empty;
    }

    /// <summary>For titles: <c>, kernel sobel_x sobel_y</c>, <c>, kernel values</c>.</summary>
    public static string Title(EquatableArray<int> names, EquatableArray<double> values) =>
        names.Count > 0 ? ", kernel " + string.Join(" ", names.Select(n => FixedKernels.Word((FixedKernel)n)))
        : values.Count > 0 ? ", kernel values" : string.Empty;

    /// <summary>The DSL words of the named kernels, for messages: <c>sobel_x, sobel_y, ...</c>.</summary>
    public static string WordList => string.Join(", ", AllKinds.Select(FixedKernels.Word));

    /// <summary>Every named kernel, in the enum's order.</summary>
    public static IEnumerable<FixedKernel> AllKinds => System.Enum.GetValues(typeof(FixedKernel)).Cast<FixedKernel>();

    /// <summary>The named kernel whose DSL word is <paramref name="word"/> (any case).</summary>
    public static bool TryParse(string word, out FixedKernel kind)
    {
        foreach (FixedKernel candidate in AllKinds)
        {
            if (string.Equals(FixedKernels.Word(candidate), word, System.StringComparison.OrdinalIgnoreCase))
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }

    private static bool Fail(LayerContext context, LayerArgument argument, string problem)
    {
        context.Report(DiagnosticDescriptors.ConstantKernelMismatch, argument.Location ?? context.Location, context.Description, problem);
        return false;
    }

    private static string Count(long n, string noun) => Int(n) + " " + noun + (n == 1 ? string.Empty : "s");
}
