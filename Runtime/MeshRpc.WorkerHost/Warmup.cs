using System.Net;
using MeshRpc.Hosting;
using MeshRpc.Tickets;

namespace MeshRpc.WorkerHost;

/// <summary>
/// Runs one handshake and one call against itself over loopback, so a pooled host has compiled its hot paths
/// (framing, handshake, formatter, dispatch) before a summon arrives, rather than while the caller waits.
/// </summary>
internal static class Warmup
{
    public static async Task RunAsync()
    {
        var workerKey = new byte[32];
        var signer = TicketSigner.CreateEphemeral();
        var contract = new MeshContract<IWarmup>("meshrpc.warmup", "warmup", _ => throw new NotSupportedException(), static (dispatcher, target) =>
            dispatcher.Add("Echo", new Func<string, Task<string>>(target.EchoAsync)));
        await using var server = new WorkerServer(
            new WorkerServerOptions { WorkerId = "warmup", WorkerKey = workerKey, Tickets = signer.CreateVerifier(), BindAddress = IPAddress.Loopback, HeartbeatTimeout = TimeSpan.FromMinutes(1) },
            contract,
            new Echo());
        var endpoint = server.Start();
        var ticket = signer.Issue("warmup", workerKey, $"tcp://127.0.0.1:{endpoint.Port}", "local", contract.Name, contract.Hash, 60_000, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        await using var connection = await WorkerConnection.ConnectAsync(ticket, contract);
        await connection.Rpc.InvokeWithCancellationAsync<string>("Echo", ["warm"], CancellationToken.None);
    }

    public interface IWarmup
    {
        Task<string> EchoAsync(string text);
    }

    private sealed class Echo : IWarmup
    {
        public Task<string> EchoAsync(string text) => Task.FromResult(text);
    }
}
