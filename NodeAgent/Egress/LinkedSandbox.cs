using MeshRpc.NodeAgent.Sandboxes;

namespace MeshRpc.NodeAgent.Egress;

/// <summary>A sandbox with a worker link: disposing it kills the sandbox, then removes the link and its firewall chain.</summary>
internal sealed class LinkedSandbox(ISandbox inner, WorkerLink link, EgressNetwork network) : ISandbox
{
    private int _disposed;

    public string Name => inner.Name;

    public StreamWriter Input => inner.Input;

    public StreamReader Output => inner.Output;

    public StreamReader Errors => inner.Errors;

    public Task<int> Exited => inner.Exited;

    public int DataPlanePort => inner.DataPlanePort;

    public int HostProcessIdOf(int sandboxProcessId) => inner.HostProcessIdOf(sandboxProcessId);

    public Task KillAsync() => inner.KillAsync();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await inner.DisposeAsync();
        }
        finally
        {
            await network.CloseAsync(link);
        }
    }
}
