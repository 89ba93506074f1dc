using System.Diagnostics;

namespace MeshRpc.NodeAgent.Sandboxes;

/// <summary>The lightest provider: the worker host is a plain child process of the agent, with no isolation.</summary>
public sealed class ProcessSandboxProvider : ISandboxProvider
{
    /// <inheritdoc />
    public string Name => "process";

    /// <inheritdoc />
    public Task<ISandbox> StartAsync(SandboxSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var start = new ProcessStartInfo(spec.HostCommand[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in spec.HostCommand.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{spec.HostCommand[0]}'.");
        return Task.FromResult<ISandbox>(new ProcessSandbox(spec.WorkerId, process));
    }

    private sealed class ProcessSandbox : ISandbox
    {
        private readonly Process _process;

        public ProcessSandbox(string workerId, Process process)
        {
            WorkerId = workerId;
            _process = process;
            Exited = WaitAsync();
        }

        public string WorkerId { get; }

        public StreamWriter Input => _process.StandardInput;

        public StreamReader Output => _process.StandardOutput;

        public Task<int> Exited { get; }

        public async Task KillAsync()
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }

            await Exited;
        }

        public async ValueTask DisposeAsync()
        {
            await KillAsync();
            _process.Dispose();
        }

        private async Task<int> WaitAsync()
        {
            await _process.WaitForExitAsync();
            return _process.ExitCode;
        }
    }
}
