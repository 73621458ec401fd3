using System.Threading;
using NetDsl.Engine;

namespace NetDsl.Runtime.Tests.Engine;

/// <summary>The pool tells whether its threads are still spinning after a run (short jobs use it then only).</summary>
public sealed class WorkerPoolWarmthTests
{
    [Fact]
    public void IsWarmRightAfterARunAndColdWhenIdle()
    {
        using var pool = new WorkerPool(2);
        Assert.False(pool.IsWarm); // never ran

        // Warm for about a millisecond after a run; a few tries, in case this thread is descheduled in between.
        bool warm = false;
        for (int attempt = 0; attempt < 20 && !warm; attempt++)
        {
            pool.Run(new NoWork(), 2);
            warm = pool.IsWarm;
        }

        Assert.True(warm);
        Thread.Sleep(50); // far past the spin
        Assert.False(pool.IsWarm);
    }

    [Fact]
    public void APoolWithoutHelpersIsNeverWarm()
    {
        using var pool = new WorkerPool(1);
        pool.Run(new NoWork(), 4);
        Assert.False(pool.IsWarm);
    }

    private sealed class NoWork : IParallelWork
    {
        public void Execute(int part)
        {
        }
    }
}
