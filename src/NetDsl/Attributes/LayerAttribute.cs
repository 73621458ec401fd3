using System;

namespace NetDsl;

/// <summary>Base class of the layer attributes. Layers apply in the order they are written.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public abstract class LayerAttribute : Attribute
{
    private protected LayerAttribute()
    {
    }
}
