using System.Text.Json;
using MeshRpc.HostProtocol;
using MeshRpc.Hosting;

namespace MeshRpc.IntegrationTests.Infrastructure;

/// <summary>Talks to a worker host process through its start-up channel, as the node agent does.</summary>
internal static class HostChannel
{
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Writes one instruction line on the host's standard input.</summary>
    public static async Task SendAsync(ChildProcess host, WorkerHostInstruction instruction)
    {
        var line = JsonSerializer.Serialize(instruction, WorkerHostJsonContext.Default.WorkerHostInstruction);
        await host.Input.WriteLineAsync(line.AsMemory(), TestContext.Current.CancellationToken);
        await host.Input.FlushAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Waits for the host's status line.</summary>
    public static async Task<WorkerHostStatus> StatusAsync(ChildProcess host)
    {
        var line = await host.WaitForLineAsync("{", StatusTimeout);
        return JsonSerializer.Deserialize("{" + line, WorkerHostJsonContext.Default.WorkerHostStatus)!;
    }
}
