using System.Diagnostics;

namespace MeshRpc.NodeAgent.Sandboxes;

/// <summary>A sandbox whose root is one child process of the agent (the worker host, bwrap, or lxc-execute).</summary>
internal sealed class ChildProcessSandbox : ISandbox
{
    private readonly Process _process;
    private readonly Func<Task> _destroy;
    private readonly Action _cleanUp;
    private int _disposed;

    private ChildProcessSandbox(string name, Process process, int dataPlanePort, Func<Task> destroy, Action cleanUp)
    {
        Name = name;
        DataPlanePort = dataPlanePort;
        _process = process;
        _destroy = destroy;
        _cleanUp = cleanUp;
        Exited = WaitAsync();
    }

    public string Name { get; }

    /// <summary>The host pid of the sandbox's root process.</summary>
    public int RootProcessId => _process.Id;

    public StreamWriter Input => _process.StandardInput;

    public StreamReader Output => _process.StandardOutput;

    public StreamReader Errors => _process.StandardError;

    public Task<int> Exited { get; }

    public int DataPlanePort { get; }

    /// <summary>
    /// Starts <paramref name="command"/>, which ends with the worker host's own command line, with the agent's
    /// environment plus <paramref name="environment"/>, handing it a data-plane socket listening on
    /// <paramref name="dataPlaneAddress"/>; <paramref name="destroy"/> kills what the root process alone cannot.
    /// </summary>
    public static ChildProcessSandbox Start(
        string name,
        IReadOnlyList<string> command,
        string dataPlaneAddress,
        IEnumerable<KeyValuePair<string, string>>? environment = null,
        Func<Process, Task>? destroy = null,
        Action? cleanUp = null)
    {
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,

            // Into the worker's spool: a worker's stderr must neither reach the agent's own log nor block on a full pipe.
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (variable, value) in environment ?? [])
        {
            start.Environment[variable] = value;
        }

        var (process, port) = DataPlaneHandoff.Start(start, dataPlaneAddress);
        return new ChildProcessSandbox(name, process, port, () => destroy is null ? KillTree(process) : destroy(process), cleanUp ?? (() => { }));
    }

    // Should the worker have left the tree already, the sandbox's own root stands for it: never an id from another namespace.
    public int HostProcessIdOf(int sandboxProcessId) => HostProcesses.Find(_process.Id, sandboxProcessId) ?? _process.Id;

    public async Task KillAsync()
    {
        // Taken before the kill: once the root dies, its orphans are no longer reachable from it in /proc.
        var tree = HostProcesses.Tree(_process.Id).ToList();
        if (!_process.HasExited)
        {
            await _destroy();
        }

        await Exited;

        // The root can exit a moment before the rest of the tree it took down; "gone" means every process in it.
        // SIGKILLed processes end within milliseconds; the bound only keeps a process stuck in the kernel from hanging teardown.
        await HostProcesses.WaitUntilEndedAsync(tree, TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await KillAsync();
        _process.Dispose();
        _cleanUp();
    }

    private static Task KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }

        return Task.CompletedTask;
    }

    private async Task<int> WaitAsync()
    {
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }
}
