using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using MeshRpc.Hosting;

namespace MeshRpc.IntegrationTests.Infrastructure;

/// <summary>A .NET program from the test's output folder, run as a separate OS process with its output captured.</summary>
public sealed partial class ChildProcess : IAsyncDisposable
{
    private const int Sigterm = 15;
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(Func<string, bool> Matches, TaskCompletionSource<string> Line)> _waiters = [];

    private ChildProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>The process's standard input.</summary>
    public StreamWriter Input => _process.StandardInput;

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process printed so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <c>dotnet {assembly} {arguments}</c> from the test's output folder.</summary>
    public static ChildProcess Start(string assembly, params string[] arguments) =>
        StartProgram(DotnetMuxer.Path, [Path.Combine(AppContext.BaseDirectory, assembly), .. arguments]);

    /// <summary>Starts <c>dotnet {assembly} {arguments}</c> with these environment variables set (null: removed).</summary>
    public static ChildProcess Start(string assembly, IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        StartProgram(DotnetMuxer.Path, environment, [Path.Combine(AppContext.BaseDirectory, assembly), .. arguments]);

    /// <summary>Starts any program.</summary>
    public static ChildProcess StartProgram(string program, params string[] arguments) =>
        StartProgram(program, new Dictionary<string, string?>(), arguments);

    /// <summary>Starts any program with these environment variables set (null: removed).</summary>
    public static ChildProcess StartProgram(string program, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return new ChildProcess(Process.Start(start)!);
    }

    /// <summary>Waits for a line starting with <paramref name="prefix"/> and returns the rest of it.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        var line = await WaitForAsync(l => l.StartsWith(prefix, StringComparison.Ordinal), $"a line starting with '{prefix}'", timeout);
        return line[prefix.Length..].Trim();
    }

    /// <summary>Waits for the <paramref name="occurrence"/>th line containing <paramref name="text"/> (the first by default).</summary>
    public Task<string> WaitForTextAsync(string text, TimeSpan timeout, int occurrence = 1)
    {
        // Called under the output lock for each line in order, earlier output first, so the count is exact.
        var seen = 0;
        return WaitForAsync(l => l.Contains(text, StringComparison.Ordinal) && ++seen == occurrence, $"line {occurrence} containing '{text}'", timeout);
    }

    private async Task<string> WaitForAsync(Func<string, bool> matches, string what, TimeSpan timeout)
    {
        var waiter = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            if (_output.ToString().Split('\n').FirstOrDefault(matches) is { } seen)
            {
                return seen;
            }

            _waiters.Add((matches, waiter));
        }

        try
        {
            return await waiter.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No {what} within {timeout}. Output so far:\n{Output}");
        }
    }

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The process did not exit within {timeout}. Output so far:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>SIGTERM: asks the process to stop, as a service manager does.</summary>
    public void Terminate() => _ = SendSignal(_process.Id, Sigterm);

    /// <summary>SIGKILL: the process gets no chance to clean up.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: false);

    /// <summary>SIGTERM, then SIGKILL if it has not exited within ten seconds.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = SendSignal(_process.Id, Sigterm);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Append(line).Append('\n');
            foreach (var waiter in _waiters.Where(w => w.Matches(line)).ToList())
            {
                waiter.Line.TrySetResult(line);
                _waiters.Remove(waiter);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
