using System;
using System.Threading;

namespace NetDsl.Engine;

/// <summary>
/// A small lock-free pool of reusable objects (workspaces, batch jobs): <see cref="Rent"/> takes one or creates
/// one, <see cref="Return"/> gives it back. Once as many exist as threads use them at once, renting allocates
/// nothing; objects returned to a full pool are left to the garbage collector.
/// </summary>
internal sealed class ObjectPool<T>
    where T : class
{
    private readonly T?[] _slots;
    private readonly Func<T> _create;

    public ObjectPool(Func<T> create, int capacity)
    {
        _create = create;
        _slots = new T?[Math.Max(1, capacity)];
    }

    private int _created;

    /// <summary>Objects created so far (for tests).</summary>
    public int Created => Volatile.Read(ref _created);

    public T Rent()
    {
        T?[] slots = _slots;
        for (int i = 0; i < slots.Length; i++)
        {
            T? item = Interlocked.Exchange(ref slots[i], null);
            if (item is not null)
            {
                return item;
            }
        }

        Interlocked.Increment(ref _created);
        return _create();
    }

    public void Return(T item)
    {
        T?[] slots = _slots;
        for (int i = 0; i < slots.Length; i++)
        {
            if (Interlocked.CompareExchange(ref slots[i], item, null) is null)
            {
                return;
            }
        }
    }
}
