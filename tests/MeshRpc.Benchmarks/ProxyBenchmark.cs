using MeshRpc;
using MeshRpc.Hosting;
using MeshRpc.TestWorker;
using MeshRpc.Tickets;

namespace MeshRpc.Benchmarks;

/// <summary>Ghost proxy vs. a hand-written call on the same connection's channel, over one loopback connection to one worker.</summary>
internal static class ProxyBenchmark
{
    public static async Task RunAsync(int rounds, int sequentialCalls, int concurrentCalls)
    {
        var workerKey = new byte[32];
        var signer = TicketSigner.CreateEphemeral();
        await using var server = new WorkerServer(
            new WorkerServerOptions { WorkerId = "w-bench", WorkerKey = workerKey, Tickets = signer.CreateVerifier(), HeartbeatTimeout = TimeSpan.FromMinutes(10) },
            MeshContracts.Get<ITestWorker>(),
            new MeshRpc.TestWorker.TestWorker());
        var endpoint = server.Start();
        var contract = MeshContracts.Get<ITestWorker>();
        var ticket = signer.Issue("w-bench", workerKey, new TicketEndpoints($"tcp://{endpoint.Address}:{endpoint.Port}"), null, "local", contract.Name, contract.Hash, 600_000, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
        await using var connection = await WorkerConnection.ConnectAsync(ticket, MeshContracts.Get<ITestWorker>());
        var proxy = GhostProxies.Create<ITestWorker>(connection);
        var echoResult = connection.Calls.TypeInfo<string>();

        await SideBySide.RunAsync(
            "hand-written call on the connection", () => connection.CallAsync("Echo", "ping", static (writer, text) => writer.Write(text), echoResult, methodTimeoutMs: 0, byName: false, CancellationToken.None).AsTask(),
            "ghost proxy", () => proxy.EchoAsync("ping"),
            rounds, sequentialCalls, concurrentCalls, "one plain-TCP loopback connection shared by both variants");
    }
}
