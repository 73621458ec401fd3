using System;
using NetDsl.Training;
using Spectre.Console;

namespace NetDsl.Samples.Mnist;

/// <summary>Shows training progress: a live progress bar in a terminal, one line per epoch otherwise (CI logs).</summary>
internal static class ProgressDisplay
{
    public static TrainingHistory Run(Func<IProgress<TrainingProgress>, TrainingHistory> train, int epochs)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            return train(new LineReporter());
        }

        TrainingHistory? history = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask("epoch 1", maxValue: epochs);
                history = train(new BarReporter(task));
            });
        return history!;
    }

    private static string Describe(EpochResult e) =>
        $"epoch {e.Epoch,2}: loss {e.Loss:F4}, accuracy {e.Accuracy * 100:F2}%, val_loss {e.ValidationLoss:F4}, val_accuracy {e.ValidationAccuracy * 100:F2}% ({e.Duration.TotalSeconds:F1} s)";

    /// <summary>Reports synchronously on the training thread (unlike <see cref="Progress{T}"/>).</summary>
    private sealed class BarReporter(ProgressTask task) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            task.Value = value.Epoch - 1 + ((double)value.Batch / value.Batches);
            task.Description = $"epoch {value.Epoch}/{value.Epochs}  loss {value.Loss:F4}  acc {value.Accuracy * 100:F2}%";
            if (value.CompletedEpoch is { } epoch)
            {
                AnsiConsole.MarkupLine(Markup.Escape(Describe(epoch)));
            }
        }
    }

    private sealed class LineReporter : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.CompletedEpoch is { } epoch)
            {
                Console.WriteLine(Describe(epoch));
            }
        }
    }
}
