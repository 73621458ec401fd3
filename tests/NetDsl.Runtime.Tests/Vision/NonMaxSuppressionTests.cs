using System;
using System.Linq;
using NetDsl.Vision;

namespace NetDsl.Runtime.Tests.Vision;

/// <summary><see cref="NonMaxSuppression"/> and <see cref="BoundingBox.IoU"/>: TensorFlow's greedy rule.</summary>
public sealed class NonMaxSuppressionTests
{
    [Fact]
    public void IoUOfKnownBoxes()
    {
        var a = new BoundingBox(0, 0, 10, 10);
        Assert.Equal(1f, a.IoU(a));
        Assert.Equal(25f / 175f, a.IoU(new BoundingBox(5, 5, 15, 15)), 6);
        Assert.Equal(0f, a.IoU(new BoundingBox(10, 0, 20, 10))); // touching edges do not overlap
        Assert.Equal(0f, default(BoundingBox).IoU(default));
    }

    [Fact]
    public void KeepsTheBestOfOverlappingBoxesPerClassBestFirst()
    {
        Detection[] candidates =
        {
            new(new BoundingBox(0, 0, 10, 10), 0.8f, 1),
            new(new BoundingBox(1, 1, 11, 11), 0.9f, 1),   // overlaps the first (IoU 0.68): wins
            new(new BoundingBox(1, 0, 11, 10), 0.7f, 2),   // same place, another class: kept per class
            new(new BoundingBox(30, 30, 40, 40), 0.5f, 1), // apart: kept
            new(new BoundingBox(30, 30, 40, 40), 0.01f, 1), // below the score threshold
        };

        var kept = NonMaxSuppression.Apply(candidates, iouThreshold: 0.5f, scoreThreshold: 0.1f);
        Assert.Equal(new[] { 0.9f, 0.7f, 0.5f }, kept.Select(d => d.Score));

        var agnostic = NonMaxSuppression.Apply(candidates, iouThreshold: 0.5f, scoreThreshold: 0.1f, perClass: false);
        Assert.Equal(new[] { 0.9f, 0.5f }, agnostic.Select(d => d.Score));
        Assert.Single(NonMaxSuppression.Apply(candidates, maxDetections: 1));
        Assert.Equal(5, NonMaxSuppression.Apply(candidates, iouThreshold: 1f).Count);
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NonMaxSuppression.Apply(Array.Empty<Detection>(), iouThreshold: 1.5f));
        Assert.Throws<ArgumentException>(() => NonMaxSuppression.Apply(new[] { new Detection(default, float.NaN, 0) }));
        Assert.Throws<ArgumentNullException>(() => NonMaxSuppression.Apply(null!));
    }
}
