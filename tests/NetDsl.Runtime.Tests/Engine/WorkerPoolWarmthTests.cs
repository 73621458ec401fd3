using System.Threading;
using System.Threading.Tasks;
using NetDsl.Engine;

namespace NetDsl.Runtime.Tests.Engine;

/// <summary>What short jobs (an optimizer step) ask the pool: which threads are still spinning after a run, and
/// whether the pool is free right now.</summary>
public sealed class WorkerPoolWarmthTests
{
    [Fact]
    public void HelpersAreWarmRightAfterARunAndColdWhenIdle()
    {
        using var pool = new WorkerPool(2);

        // Warm for about a millisecond after a run; a few tries, in case this thread is descheduled in between.
        int warm = 0;
        for (int attempt = 0; attempt < 20 && warm < 2; attempt++)
        {
            pool.Run(new NoWork(), 2);
            warm = pool.WarmThreads;
        }

        Assert.Equal(2, warm);
        Thread.Sleep(50); // far past the spin
        Assert.Equal(1, pool.WarmThreads);
    }

    [Fact]
    public void APoolWithoutHelpersHasOnlyTheCaller()
    {
        using var pool = new WorkerPool(1);
        pool.Run(new NoWork(), 4);
        Assert.Equal(1, pool.WarmThreads);
        Assert.True(pool.TryRun(new NoWork(), 4));
    }

    [Fact]
    public async Task TryRunGivesWayToARunInProgress()
    {
        using var pool = new WorkerPool(2);
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        Task running = Task.Run(() => pool.Run(new BlockingWork(started, release), 1));
        Assert.True(started.Wait(10_000));

        var work = new CountingWork();
        Assert.False(pool.TryRun(work, 2));
        Assert.Equal(0, work.Parts);

        release.Set();
        await running.WaitAsync(System.TimeSpan.FromSeconds(10));
        Assert.True(pool.TryRun(work, 2));
        Assert.Equal(2, work.Parts);
    }

    private sealed class NoWork : IParallelWork
    {
        public void Execute(int part)
        {
        }
    }

    private sealed class CountingWork : IParallelWork
    {
        private int _parts;

        public int Parts => _parts;

        public void Execute(int part) => Interlocked.Increment(ref _parts);
    }

    private sealed class BlockingWork(ManualResetEventSlim started, ManualResetEventSlim release) : IParallelWork
    {
        public void Execute(int part)
        {
            started.Set();
            release.Wait();
        }
    }
}
