using System;

namespace NetDsl.Plots;

/// <summary>Where tile <c>i</c> of a grid of equally sized, scaled tiles lands in the image: tiles fill rows left
/// to right, with <see cref="Gap"/> pixels between tiles and around the grid, below an optional title band of
/// <see cref="TitleHeight"/> pixels, each tile with an optional caption band of <see cref="LabelHeight"/> pixels.</summary>
internal readonly record struct GridLayout(int Count, int TileHeight, int TileWidth, int Scale, int Gap, int Columns, int TitleHeight = 0, int LabelHeight = 0)
{
    /// <summary>Height of the title band, in pixels, when a grid has a title.</summary>
    public const int TitleBand = 26;

    /// <summary>Height of a caption band under each tile, in pixels, when a grid has labels.</summary>
    public const int LabelBand = 18;

    public int Rows => (Count + Columns - 1) / Columns;

    public int CellWidth => TileWidth * Scale;

    public int CellHeight => TileHeight * Scale;

    public int ImageWidth => Gap + Columns * (CellWidth + Gap);

    public int ImageHeight => TitleHeight + Gap + Rows * (CellHeight + LabelHeight + Gap);

    /// <summary>The top-left pixel of tile <paramref name="index"/>.</summary>
    public (int X, int Y) TileOrigin(int index) =>
        (Gap + index % Columns * (CellWidth + Gap), TitleHeight + Gap + index / Columns * (CellHeight + LabelHeight + Gap));

    public static GridLayout Create(int count, int tileHeight, int tileWidth, GridOptions? options)
    {
        options ??= GridOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileWidth);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Scale, nameof(options.Scale));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Gap, nameof(options.Gap));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Columns, nameof(options.Columns));
        int scale = options.Scale > 0
            ? options.Scale
            : Math.Max(1, (GridOptions.AutoScaleTarget + Math.Max(tileHeight, tileWidth) - 1) / Math.Max(tileHeight, tileWidth));
        if (options.Labels is { } labels)
        {
            if (labels.Count != count)
            {
                throw new ArgumentException($"Labels has {labels.Count} captions for {count} tiles; give one per tile.", nameof(options));
            }

            scale = Math.Max(scale, (GridOptions.LabeledTileWidth + tileWidth - 1) / tileWidth);
        }

        int columns = options.Columns > 0 ? Math.Min(options.Columns, count) : (int)Math.Ceiling(Math.Sqrt(count));
        return new GridLayout(count, tileHeight, tileWidth, scale, options.Gap, columns,
            string.IsNullOrEmpty(options.Title) ? 0 : TitleBand, options.Labels is null ? 0 : LabelBand);
    }
}
