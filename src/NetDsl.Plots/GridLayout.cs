using System;

namespace NetDsl.Plots;

/// <summary>Where tile <c>i</c> of a grid of equally sized, scaled tiles lands in the image: tiles fill rows left
/// to right, with <see cref="Gap"/> pixels between tiles and around the grid.</summary>
internal readonly record struct GridLayout(int Count, int TileHeight, int TileWidth, int Scale, int Gap, int Columns)
{
    public int Rows => (Count + Columns - 1) / Columns;

    public int CellWidth => TileWidth * Scale;

    public int CellHeight => TileHeight * Scale;

    public int ImageWidth => Gap + Columns * (CellWidth + Gap);

    public int ImageHeight => Gap + Rows * (CellHeight + Gap);

    /// <summary>The top-left pixel of tile <paramref name="index"/>.</summary>
    public (int X, int Y) TileOrigin(int index) =>
        (Gap + index % Columns * (CellWidth + Gap), Gap + index / Columns * (CellHeight + Gap));

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
        int columns = options.Columns > 0 ? Math.Min(options.Columns, count) : (int)Math.Ceiling(Math.Sqrt(count));
        return new GridLayout(count, tileHeight, tileWidth, scale, options.Gap, columns);
    }
}
