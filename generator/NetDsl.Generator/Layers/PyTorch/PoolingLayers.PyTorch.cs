using NetDsl.Generator.Shapes;
using static NetDsl.Generator.Layers.PyTorchSyntax;

namespace NetDsl.Generator.Layers;

internal abstract partial class Pooling2DLayer
{
    /// <summary>
    /// <c>nn.MaxPool2d</c> or <c>nn.AvgPool2d</c>. Keras's <c>same</c> padding never lets a padded cell win a max
    /// or count in an average: even padding is the module's (which pads max pooling with -inf, and average
    /// pooling without <c>count_include_pad</c>); uneven padding is <c>F.pad</c> with -inf before a max pool, and
    /// <c>average_pool_same</c>, which divides by the cells inside, for an average.
    /// </summary>
    public override PyTorchLayer? PyTorch(LayerModel layer)
    {
        Window w = ((PoolingDetails)layer.Details).Window;
        string stride = w.StrideHeight == w.Height && w.StrideWidth == w.Width ? string.Empty : ", stride=" + Size(w.StrideHeight, w.StrideWidth);
        string note = layer.Name + ": Keras's 'same' pads " + w.PadTop + "/" + w.PadBottom + "/" + w.PadLeft + "/" + w.PadRight + " (top/bottom/left/right), "
            + (IsMax ? "never the maximum" : "not counted");
        if (IsSymmetric(w))
        {
            return new PyTorchLayer
            {
                Module = (IsMax ? "nn.MaxPool2d(" : "nn.AvgPool2d(") + Size(w.Height, w.Width) + stride + PaddingArgument(w)
                    + (!IsMax && w.IsPadded ? ", count_include_pad=False" : string.Empty) + ")",
                Forward = (x, m) => m + "(" + x[0] + ")",
            };
        }

        if (IsMax)
        {
            return new PyTorchLayer
            {
                Module = "nn.MaxPool2d(" + Size(w.Height, w.Width) + stride + ")",
                Forward = (x, m) => m + "(" + PadUnevenly(x[0], w, "-math.inf") + ")",
                Note = note,
            };
        }

        return new PyTorchLayer
        {
            Forward = (x, _) => PyTorchHelper.AveragePoolSame.Name + "(" + x[0] + ", " + List(w.Height, w.Width) + ", " + List(w.StrideHeight, w.StrideWidth) + ", "
                + List(w.PadLeft, w.PadRight, w.PadTop, w.PadBottom) + ")",
            Note = note,
            Helpers = new[] { PyTorchHelper.AveragePoolSame },
        };
    }
}

internal abstract partial class GlobalPooling2DLayer
{
    /// <summary>The mean or maximum over height and width.</summary>
    public override PyTorchLayer? PyTorch(LayerModel layer) => new()
    {
        Forward = (x, _) => x[0] + (IsMax ? ".amax(dim=(2, 3))" : ".mean(dim=(2, 3))"),
    };
}
