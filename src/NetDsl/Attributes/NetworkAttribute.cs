using System;

namespace NetDsl;

/// <summary>
/// Marks a <c>partial class</c> as a network. The layers are the layer attributes on the same declaration,
/// in source order, starting with <see cref="InputAttribute"/>. The NetDsl generator checks every shape at
/// build time and fills in the class: shapes, <c>Summary</c>, <c>Parameters</c>, <c>Predict</c> and more.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
}
