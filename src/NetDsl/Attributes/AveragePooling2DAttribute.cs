using System;

namespace NetDsl;

/// <summary>Mean over each window, per channel (Keras <c>AveragePooling2D</c>; default pool 2x2).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AveragePooling2DAttribute : Pooling2DAttribute
{
    /// <summary>A 2x2 window, stride 2.</summary>
    public AveragePooling2DAttribute()
        : base(2, 2)
    {
    }

    /// <summary>A square window of <paramref name="poolSize"/>.</summary>
    public AveragePooling2DAttribute(int poolSize)
        : base(poolSize, poolSize)
    {
    }

    /// <summary>A <paramref name="poolHeight"/> x <paramref name="poolWidth"/> window.</summary>
    public AveragePooling2DAttribute(int poolHeight, int poolWidth)
        : base(poolHeight, poolWidth)
    {
    }
}
