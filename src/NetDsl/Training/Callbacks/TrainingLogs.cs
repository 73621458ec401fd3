using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace NetDsl.Training;

/// <summary>
/// The logs a <see cref="Callback"/> hook receives, as Keras's <c>logs</c> dictionary: names (<c>loss</c>,
/// <c>accuracy</c>, <c>val_loss</c>, <c>val_accuracy</c>, <c>learning_rate</c>, ...) to values, in the order they
/// were added. A hook may add or replace entries for the callbacks after it.
/// </summary>
public sealed class TrainingLogs : IReadOnlyDictionary<string, double>
{
    /// <summary>Keras's name of the training loss.</summary>
    public const string LossKey = "loss";

    /// <summary>Keras's name of the validation loss.</summary>
    public const string ValidationLossKey = "val_loss";

    /// <summary>Keras's name of the optimizer's learning rate.</summary>
    public const string LearningRateKey = "learning_rate";

    private readonly List<KeyValuePair<string, double>> _entries = new();

    /// <summary>Empty logs.</summary>
    public TrainingLogs()
    {
    }

    /// <summary>Logs holding <paramref name="entries"/>, in order (to drive a callback by hand).</summary>
    public TrainingLogs(IEnumerable<KeyValuePair<string, double>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (KeyValuePair<string, double> entry in entries)
        {
            this[entry.Key] = entry.Value;
        }
    }

    /// <summary>The training loss (<c>loss</c>), when logged.</summary>
    public double? Loss => Find(LossKey);

    /// <summary>The validation loss (<c>val_loss</c>), when logged.</summary>
    public double? ValidationLoss => Find(ValidationLossKey);

    /// <summary>The learning rate (<c>learning_rate</c>), when logged.</summary>
    public double? LearningRate => Find(LearningRateKey);

    /// <inheritdoc/>
    public int Count => _entries.Count;

    /// <summary>The names, in the order they were added.</summary>
    public IEnumerable<string> Keys
    {
        get
        {
            foreach (KeyValuePair<string, double> entry in _entries)
            {
                yield return entry.Key;
            }
        }
    }

    /// <summary>The values, in the order of <see cref="Keys"/>.</summary>
    public IEnumerable<double> Values
    {
        get
        {
            foreach (KeyValuePair<string, double> entry in _entries)
            {
                yield return entry.Value;
            }
        }
    }

    /// <summary>Gets a value, or adds (at the end) or replaces one.</summary>
    /// <exception cref="KeyNotFoundException">Getting a name that is not logged; the message lists those that are.</exception>
    public double this[string key]
    {
        get => Find(key) ?? throw new KeyNotFoundException($"The logs have no '{key}'; they have: {string.Join(", ", Keys)}.");
        set
        {
            ArgumentNullException.ThrowIfNull(key);
            int i = IndexOf(key);
            if (i >= 0)
            {
                _entries[i] = new(key, value);
            }
            else
            {
                _entries.Add(new(key, value));
            }
        }
    }

    /// <summary>The value of <paramref name="key"/>, or null when it is not logged.</summary>
    public double? Find(string key)
    {
        int i = IndexOf(key);
        return i >= 0 ? _entries[i].Value : null;
    }

    /// <inheritdoc/>
    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out double value)
    {
        int i = IndexOf(key);
        value = i >= 0 ? _entries[i].Value : 0;
        return i >= 0;
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, double>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Names and values, <c>loss: 0.1234 - accuracy: 0.9612</c> (Keras's progress bar format).</summary>
    public override string ToString() => string.Join(" - ", _entries.ConvertAll(e => $"{e.Key}: {MetricFormat.Format(e.Value)}"));

    internal void Clear() => _entries.Clear();

    private int IndexOf(string key)
    {
        for (int i = 0; i < _entries.Count; i++)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
