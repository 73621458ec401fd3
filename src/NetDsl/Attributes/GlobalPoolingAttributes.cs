using System;

namespace NetDsl;

/// <summary>Mean of each channel over the whole feature map: H x W x C becomes C
/// (Keras <c>GlobalAveragePooling2D</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GlobalAveragePooling2DAttribute : LayerAttribute
{
}

/// <summary>Maximum of each channel over the whole feature map: H x W x C becomes C
/// (Keras <c>GlobalMaxPooling2D</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GlobalMaxPooling2DAttribute : LayerAttribute
{
}
