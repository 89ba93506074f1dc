using MeshRpc.TestWorker;
using MeshRpc.Testing;

namespace MeshRpc.Benchmarks;

/// <summary>
/// The same worker called over its direct TLS endpoint and over the relay (caller → gateway's YARP route → node agent →
/// worker, TLS end to end), side by side: two connections to one worker, the same ghost-proxy call on each.
/// </summary>
internal static class RelayBenchmark
{
    public static async Task RunAsync(int rounds, int sequentialCalls, int concurrentCalls)
    {
        await using var mesh = await EmbeddedMesh.StartAsync("process", CancellationToken.None);
        using var client = new MeshClient(mesh.GatewayAddress, mesh.Caller);
        await client.PublishGemAsync(TestGem.Pack());
        await using var direct = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer));
        var ticket = ((IGhostProxy)direct).Connection.Ticket;
        await using var relayed = await WorkerConnection.ConnectAsync(ticket, MeshContracts.Get<ITestWorker>(), new WorkerConnectOptions { Route = DataPlaneRoute.Relay });
        var viaRelay = GhostProxies.Create<ITestWorker>(relayed);

        await SideBySide.RunAsync(
            "direct (TLS)", () => direct.EchoAsync("ping"),
            "relay (WebSocket via gateway and agent, TLS inside)", () => viaRelay.EchoAsync("ping"),
            rounds, sequentialCalls, concurrentCalls, "gateway, agent and worker (plain-process sandbox) on loopback");
    }
}
