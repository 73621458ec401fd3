namespace NetDsl;

/// <summary>Shared settings of <see cref="MaxPooling2DAttribute"/> and <see cref="AveragePooling2DAttribute"/>.</summary>
public abstract class Pooling2DAttribute : LayerAttribute
{
    private protected Pooling2DAttribute(int poolHeight, int poolWidth)
    {
        PoolHeight = poolHeight;
        PoolWidth = poolWidth;
    }

    /// <summary>Window rows.</summary>
    public int PoolHeight { get; }

    /// <summary>Window columns.</summary>
    public int PoolWidth { get; }

    /// <summary>Step of the window in both directions; defaults to the pool size, as in Keras.</summary>
    public int Strides { get; set; }

    /// <summary>Vertical step; overrides <see cref="Strides"/> when set.</summary>
    public int StrideHeight { get; set; }

    /// <summary>Horizontal step; overrides <see cref="Strides"/> when set.</summary>
    public int StrideWidth { get; set; }

    /// <summary><see cref="NetDsl.Padding.Valid"/> (default) or <see cref="NetDsl.Padding.Same"/>.
    /// Padded cells never win a max and are not counted in an average.</summary>
    public Padding Padding { get; set; }
}
