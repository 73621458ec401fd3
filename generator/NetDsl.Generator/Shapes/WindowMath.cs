using System;

namespace NetDsl.Generator.Shapes;

/// <summary>TensorFlow's window arithmetic, the one place it is written: output size and padding of a sliding
/// window (convolution kernel or pool).</summary>
internal static class WindowMath
{
    /// <summary>
    /// Valid: <c>out = floor((in - k) / s) + 1</c>, no padding (false when the window does not fit). Same:
    /// <c>out = ceil(in / s)</c>, padding <c>max((out - 1) * s + k - in, 0)</c> with the odd pixel at the
    /// bottom/right (false when the padding would not fit an int).
    /// </summary>
    public static bool TryResolve(Shape input, int kh, int kw, int sh, int sw, Padding padding, out Window window, out int outHeight, out int outWidth)
    {
        window = default;
        outHeight = outWidth = 0;
        if (padding == Padding.Valid)
        {
            if (kh > input.Height || kw > input.Width)
            {
                return false;
            }

            outHeight = ((input.Height - kh) / sh) + 1;
            outWidth = ((input.Width - kw) / sw) + 1;
            window = new Window(kh, kw, sh, sw, 0, 0, 0, 0);
            return true;
        }

        outHeight = (int)(((long)input.Height + sh - 1) / sh);
        outWidth = (int)(((long)input.Width + sw - 1) / sw);
        long padH = Math.Max((((long)outHeight - 1) * sh) + kh - input.Height, 0);
        long padW = Math.Max((((long)outWidth - 1) * sw) + kw - input.Width, 0);
        if (padH > int.MaxValue / 2 || padW > int.MaxValue / 2 || input.Height + padH > int.MaxValue || input.Width + padW > int.MaxValue)
        {
            return false;
        }

        window = new Window(kh, kw, sh, sw, (int)(padH / 2), (int)(padH - (padH / 2)), (int)(padW / 2), (int)(padW - (padW / 2)));
        return true;
    }
}
