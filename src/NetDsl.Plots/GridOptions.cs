namespace NetDsl.Plots;

/// <summary>How <see cref="FilterGrid"/>, <see cref="FeatureMapGrid"/> and <see cref="ImageGrid"/> lay out their tiles.</summary>
public sealed record GridOptions
{
    /// <summary>Each value becomes a <c>Scale x Scale</c> block of pixels (nearest-neighbour). 0 chooses the
    /// smallest scale that makes a tile at least <see cref="AutoScaleTarget"/> pixels on its longer side.</summary>
    public int Scale { get; init; }

    /// <summary>Pixels between tiles and around the grid.</summary>
    public int Gap { get; init; } = 2;

    /// <summary>Tiles per row; 0 chooses <c>ceil(sqrt(count))</c>.</summary>
    public int Columns { get; init; }

    /// <summary>A title drawn above the grid, or null for none.</summary>
    public string? Title { get; init; }

    /// <summary>One caption per tile, drawn under it (e.g. <c>"Sobel x"</c>), or null for none. When given there
    /// must be exactly one per tile, and tiles are made at least <see cref="LabeledTileWidth"/> pixels wide.</summary>
    public System.Collections.Generic.IReadOnlyList<string>? Labels { get; init; }

    /// <summary>The narrowest tile a grid with <see cref="Labels"/> gets, in pixels, so that short captions fit.</summary>
    public const int LabeledTileWidth = 84;

    /// <summary>The tile size that <see cref="Scale"/> = 0 aims for, in pixels.</summary>
    public const int AutoScaleTarget = 48;

    /// <summary>The defaults.</summary>
    public static GridOptions Default { get; } = new();
}

/// <summary>How a Conv2D kernel with several input channels becomes one tile per filter.</summary>
public enum FilterChannels
{
    /// <summary>RGB when the layer has 3 input channels, otherwise the mean over the input channels.</summary>
    Auto = 0,

    /// <summary>The mean over the input channels, in gray.</summary>
    Mean = 1,

    /// <summary>Input channel 0 only, in gray.</summary>
    First = 2,

    /// <summary>Input channels 0, 1, 2 as red, green, blue, normalised together (so the colours keep their
    /// relative strength); needs exactly 3 input channels.</summary>
    Rgb = 3,
}
