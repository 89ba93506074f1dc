using System.Text.Json;
using MeshRpc.HostProtocol;
using MeshRpc.Hosting;
using MeshRpc.NodeAgent.Sandboxes;

namespace MeshRpc.NodeAgent.Forge;

/// <summary>Writes to a worker host's start-up channel, its standard input: one JSON instruction per line.</summary>
internal static class HostInput
{
    public static async Task WriteAsync(ISandbox sandbox, WorkerHostInstruction instruction, CancellationToken cancellationToken)
    {
        var line = JsonSerializer.Serialize(instruction, WorkerHostJsonContext.Default.WorkerHostInstruction);
        await sandbox.Input.WriteLineAsync(line.AsMemory(), cancellationToken);
        await sandbox.Input.FlushAsync(cancellationToken);
    }
}
