using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;

namespace NetDsl.Serialization;

/// <summary>
/// Everything a safetensors file holds, as returned by <see cref="Safetensors.Read(string)"/>: the tensors
/// (any dtype) in data-offset order and the <c>__metadata__</c> strings. For tools; networks load their
/// weights with <see cref="Safetensors.Load(string, IReadOnlyList{ParameterTensor}, Span{float}, bool)"/>.
/// </summary>
public sealed class SafetensorsFile
{
    private readonly Dictionary<string, SafetensorsTensor> _byName;

    internal SafetensorsFile(string sourceName, Dictionary<string, string> metadata, List<SafetensorsTensor> tensors)
    {
        SourceName = sourceName;
        Metadata = new ReadOnlyDictionary<string, string>(metadata);
        Tensors = tensors.AsReadOnly();
        _byName = new Dictionary<string, SafetensorsTensor>(tensors.Count, StringComparer.Ordinal);
        foreach (SafetensorsTensor tensor in tensors)
        {
            _byName.Add(tensor.Name, tensor);
        }
    }

    /// <summary>The path or name the file was read from, as used in error messages.</summary>
    public string SourceName { get; }

    /// <summary>The header's <c>__metadata__</c> object; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Every tensor, in the order of their data in the file.</summary>
    public IReadOnlyList<SafetensorsTensor> Tensors { get; }

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The file has no tensor of that name.</exception>
    public SafetensorsTensor this[string name]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(name);
            return _byName.TryGetValue(name, out SafetensorsTensor? tensor)
                ? tensor
                : throw new KeyNotFoundException($"The safetensors file '{SourceName}' has no tensor '{name}'.");
        }
    }

    /// <summary>Looks a tensor up by name.</summary>
    /// <returns>False when the file has no tensor of that name.</returns>
    public bool TryGetTensor(string name, [NotNullWhen(true)] out SafetensorsTensor? tensor)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out tensor);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{SourceName}: {Tensors.Count} tensors";
}
