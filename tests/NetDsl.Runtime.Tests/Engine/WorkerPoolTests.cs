using System;
using System.Linq;
using System.Threading;
using NetDsl.Engine;

namespace NetDsl.Runtime.Tests.Engine;

public sealed class WorkerPoolTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 10)]
    [InlineData(4, 100)]
    public void EveryPartRunsExactlyOnce(int threads, int parts)
    {
        using var pool = new WorkerPool(threads);
        var work = new CountingWork(parts);
        for (int round = 0; round < 50; round++)
        {
            pool.Run(work, parts);
        }

        Assert.All(work.Counts, count => Assert.Equal(50, count));
    }

    [Fact]
    public void PartsRunOnSeveralThreads()
    {
        using var pool = new WorkerPool(3);
        var work = new ThreadRecordingWork(3);
        pool.Run(work, 3);
        Assert.Equal(3, work.Threads.Distinct().Count());
    }

    [Fact]
    public void AnExceptionInAPartIsRethrownAfterAllPartsFinish()
    {
        using var pool = new WorkerPool(2);
        var work = new FailingWork(4, failingPart: 2);
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => pool.Run(work, 4));
        Assert.Equal("part 2 failed", error.Message);
        Assert.Equal(3, work.Completed);

        var fine = new CountingWork(4);
        pool.Run(fine, 4); // the pool still works
        Assert.All(fine.Counts, count => Assert.Equal(1, count));
    }

    [Fact]
    public void RunAllocatesNothing()
    {
        using var pool = new WorkerPool(2);
        var work = new CountingWork(2);
        for (int i = 0; i < 200; i++)
        {
            pool.Run(work, 2); // warm up past the JIT's tiering
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            pool.Run(work, 2);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private sealed class CountingWork(int parts) : IParallelWork
    {
        public int[] Counts { get; } = new int[parts];

        public void Execute(int part) => Interlocked.Increment(ref Counts[part]);
    }

    private sealed class ThreadRecordingWork(int parts) : IParallelWork
    {
        private readonly Barrier _barrier = new(parts);

        public int[] Threads { get; } = new int[parts];

        public void Execute(int part)
        {
            Threads[part] = Environment.CurrentManagedThreadId;
            _barrier.SignalAndWait(TimeSpan.FromSeconds(10)); // every part must be running at once
        }
    }

    private sealed class FailingWork(int parts, int failingPart) : IParallelWork
    {
        private int _completed;

        public int Completed => _completed;

        public void Execute(int part)
        {
            _ = parts;
            if (part == failingPart)
            {
                throw new InvalidOperationException($"part {part} failed");
            }

            Interlocked.Increment(ref _completed);
        }
    }
}
