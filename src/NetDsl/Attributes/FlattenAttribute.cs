using System;

namespace NetDsl;

/// <summary>Turns an H x W x C feature map into a vector of H*W*C values, row-major over (H, W, C) as in
/// Keras. It costs nothing at run time: the buffer is already laid out that way.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FlattenAttribute : LayerAttribute
{
}
