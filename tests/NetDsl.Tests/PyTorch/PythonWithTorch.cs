using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;

namespace NetDsl.Tests.PyTorch;

/// <summary>
/// A Python with PyTorch for the interop tests: <c>NETDSL_PYTHON</c> if set, else the first of <c>python3</c> and
/// <c>/usr/bin/python3</c> that imports <c>torch</c>. Without one the tests are skipped, saying so.
/// </summary>
internal static class PythonWithTorch
{
    public const string Variable = "NETDSL_PYTHON";

    private static readonly Lazy<string?> Found = new(Find);

    /// <summary>The executable, or null when none imports torch.</summary>
    public static string? Executable => Found.Value;

    /// <summary>Why the tests are skipped, or null when they run.</summary>
    public static string? SkipReason => Executable is null
        ? "No Python with PyTorch: 'python3 -c \"import torch\"' failed for " + string.Join(", ", Candidates()) + "; set " + Variable + " to one that has it."
        : null;

    private static string[] Candidates() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } chosen ? new[] { chosen } : new[] { "python3", "/usr/bin/python3" };

    private static string? Find()
    {
        foreach (string candidate in Candidates())
        {
            try
            {
                if (Run(candidate, new[] { "-c", "import torch" }, Path.GetTempPath(), TimeSpan.FromMinutes(2)).ExitCode == 0)
                {
                    return candidate;
                }
            }
            catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException or TimeoutException)
            {
                // Not installed, or not runnable: try the next.
            }
        }

        return null;
    }

    /// <summary>Runs <paramref name="executable"/> and returns its exit code and everything it printed.</summary>
    /// <exception cref="TimeoutException">It ran longer than <paramref name="timeout"/> (it is killed).</exception>
    public static (int ExitCode, string Output) Run(string executable, string[] arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{executable} {string.Join(" ", arguments)} did not finish within {timeout}.");
        }

        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }
}

/// <summary>A fact that needs Python with PyTorch (skipped, saying why, without it).</summary>
public sealed class PyTorchFactAttribute : FactAttribute
{
    public PyTorchFactAttribute() => Skip = PythonWithTorch.SkipReason;
}

/// <summary>A theory that needs Python with PyTorch (skipped, saying why, without it).</summary>
public sealed class PyTorchTheoryAttribute : TheoryAttribute
{
    public PyTorchTheoryAttribute() => Skip = PythonWithTorch.SkipReason;
}
