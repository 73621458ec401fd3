using System;
using System.Collections.Generic;

namespace NetDsl.Vision;

/// <summary>An axis-aligned box in pixels: left and top inclusive, right and bottom exclusive.</summary>
public readonly record struct BoundingBox(float Left, float Top, float Right, float Bottom)
{
    /// <summary>Width times height (0 for an empty box).</summary>
    public float Area => Math.Max(0f, Right - Left) * Math.Max(0f, Bottom - Top);

    /// <summary>Intersection over union with <paramref name="other"/> (0 when both are empty).</summary>
    public float IoU(BoundingBox other)
    {
        float w = Math.Min(Right, other.Right) - Math.Max(Left, other.Left);
        float h = Math.Min(Bottom, other.Bottom) - Math.Max(Top, other.Top);
        float intersection = Math.Max(0f, w) * Math.Max(0f, h);
        float union = Area + other.Area - intersection;
        return union <= 0f ? 0f : intersection / union;
    }
}

/// <summary>One detected object: its box, its score in [0, 1] and its class.</summary>
public readonly record struct Detection(BoundingBox Box, float Score, int Class);

/// <summary>
/// Non-maximum suppression, as detectors use it (TensorFlow's <c>non_max_suppression</c>): detections in order of
/// score, each kept unless it overlaps a kept one (of its class, by default) by more than the IoU threshold.
/// </summary>
public static class NonMaxSuppression
{
    /// <summary>The detections that survive, best first.</summary>
    /// <param name="detections">Candidates, in any order.</param>
    /// <param name="iouThreshold">Overlap above which the lower-scored of two detections is dropped (default 0.5).</param>
    /// <param name="scoreThreshold">Candidates scoring below it are dropped first (default 0).</param>
    /// <param name="perClass">Whether only detections of one class suppress each other (default true).</param>
    /// <param name="maxDetections">At most this many are kept (default: all).</param>
    public static List<Detection> Apply(IEnumerable<Detection> detections, float iouThreshold = 0.5f, float scoreThreshold = 0f, bool perClass = true, int maxDetections = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(detections);
        if (!(iouThreshold >= 0f && iouThreshold <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(iouThreshold), iouThreshold, "The IoU threshold must be in [0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(maxDetections);
        var candidates = new List<Detection>();
        foreach (Detection detection in detections)
        {
            if (float.IsNaN(detection.Score))
            {
                throw new ArgumentException("A detection's score is NaN.", nameof(detections));
            }

            if (detection.Score >= scoreThreshold)
            {
                candidates.Add(detection);
            }
        }

        // Stable: equal scores keep their input order.
        var order = new int[candidates.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => candidates[b].Score.CompareTo(candidates[a].Score) is var c && c != 0 ? c : a.CompareTo(b));
        var kept = new List<Detection>();
        foreach (int index in order)
        {
            if (kept.Count >= maxDetections)
            {
                break;
            }

            Detection candidate = candidates[index];
            bool suppressed = false;
            foreach (Detection other in kept)
            {
                if ((!perClass || other.Class == candidate.Class) && other.Box.IoU(candidate.Box) > iouThreshold)
                {
                    suppressed = true;
                    break;
                }
            }

            if (!suppressed)
            {
                kept.Add(candidate);
            }
        }

        return kept;
    }
}
