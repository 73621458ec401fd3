using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;

namespace NetDsl.Benchmarks.Compare;

/// <summary>
/// PyTorch CPU training of the seed model in a python3 subprocess (<c>pytorch/train_seed.py --serve</c>):
/// each <see cref="Run"/> asks it for a number of training steps and gets back the seconds it measured
/// itself, so the pipe is not timed and NetDsl and PyTorch blocks can alternate in one run. Between
/// requests the subprocess waits on stdin and uses no CPU.
/// </summary>
internal sealed class PyTorchTrainer : IContender, IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private PyTorchTrainer(Process process, string name, PythonWithTorch python)
    {
        _process = process;
        Name = name;
        Python = python;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        ReadyLine = ReadLine(process, out _);
    }

    public string Name { get; }

    /// <summary>The python3 that runs the script.</summary>
    public PythonWithTorch Python { get; }

    /// <summary>What the script said when it started (version, threads, batch).</summary>
    public string ReadyLine { get; }

    /// <summary>The script, next to the executable.</summary>
    public static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "pytorch", "train_seed.py");

    /// <summary>
    /// Finds a python3 that can import torch: <paramref name="preferred"/> if given, else <c>/usr/bin/python3</c>
    /// (Debian's python3-torch), then <c>python3</c> on the PATH. Returns null with the reason when there is none.
    /// </summary>
    public static PythonWithTorch? FindInterpreter(string? preferred, out string reason)
    {
        var candidates = preferred is not null ? new[] { preferred } : new[] { "/usr/bin/python3", "python3" };
        var failures = new List<string>();
        foreach (string candidate in candidates)
        {
            (int exitCode, string output, string error) = RunToEnd(candidate, ["-c", "import sys, torch; print(torch.__version__, sys.version.split()[0])"], TimeSpan.FromSeconds(120));
            if (exitCode != 0)
            {
                string last = error.Trim().Split('\n')[^1];
                failures.Add($"{candidate}: {(string.IsNullOrEmpty(last) ? $"exit code {exitCode}" : last)}");
                continue;
            }

            string[] versions = output.Trim().Split(' ');
            reason = string.Empty;
            return new PythonWithTorch(candidate, versions[0], versions.Length > 1 ? versions[1] : "?");
        }

        reason = $"no python3 that can import torch ({string.Join("; ", failures)}); on Debian: apt-get install python3-torch";
        return null;
    }

    /// <summary>
    /// Starts the script with <paramref name="python"/>, <paramref name="threads"/> threads and batch
    /// <paramref name="batchSize"/>; <paramref name="environment"/> adds variables (e.g. OpenMP settings).
    /// </summary>
    /// <exception cref="InvalidOperationException">The script did not start.</exception>
    public static PyTorchTrainer Start(PythonWithTorch python, int threads, int batchSize, string name, IReadOnlyDictionary<string, string>? environment = null, string model = "seed")
    {
        var start = new ProcessStartInfo(python.Interpreter)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "-u", ScriptPath, "--serve", "--threads", threads.ToString(CultureInfo.InvariantCulture), "--batch", batchSize.ToString(CultureInfo.InvariantCulture), "--model", model })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {python.Interpreter}.");
        var trainer = new PyTorchTrainer(process, name, python);
        if (!trainer.ReadyLine.StartsWith("ready", StringComparison.Ordinal))
        {
            process.WaitForExit(5000);
            string message = $"{python.Interpreter} {ScriptPath} did not start: '{trainer.ReadyLine}' {trainer.StandardError}";
            trainer.Dispose();
            throw new InvalidOperationException(message);
        }

        return trainer;
    }

    /// <summary>Runs <paramref name="operations"/> training steps in PyTorch; returns the seconds PyTorch measured.</summary>
    public double Run(int operations)
    {
        _process.StandardInput.WriteLine($"run {operations.ToString(CultureInfo.InvariantCulture)}");
        _process.StandardInput.Flush();
        string line = ReadLine(_process, out bool ended);
        const string Prefix = "done seconds=";
        if (ended || !line.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"PyTorch script failed: '{line}' {StandardError}");
        }

        return double.Parse(line.AsSpan(Prefix.Length), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString().Trim();
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine("quit");
                _process.StandardInput.Flush();
                if (!_process.WaitForExit(5000))
                {
                    _process.Kill();
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private static string ReadLine(Process process, out bool ended)
    {
        string? line = process.StandardOutput.ReadLine();
        ended = line is null;
        return line ?? string.Empty;
    }

    private static (int ExitCode, string Output, string Error) RunToEnd(string fileName, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return (-1, string.Empty, "could not start");
            }

            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(timeout))
            {
                process.Kill();
                return (-1, output, "timed out");
            }

            return (process.ExitCode, output, error.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, string.Empty, e.Message);
        }
    }
}

/// <summary>A python3 interpreter that can import torch, and the versions it reported.</summary>
internal sealed record PythonWithTorch(string Interpreter, string TorchVersion, string PythonVersion);
