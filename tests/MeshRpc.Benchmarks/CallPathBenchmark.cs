using System.Security.Cryptography.X509Certificates;
using MeshRpc.Hosting;
using MeshRpc.TestWorker;
using MeshRpc.Testing;
using MeshRpc.Tickets;
using MeshRpc.Tls;

namespace MeshRpc.Benchmarks;

/// <summary>
/// Every way a call can travel, in one run, against the floor of a raw socket round trip (issue 17), and the same
/// round trip inside TLS, the floor of a TLS call: the ghost proxy
/// over plain TCP and over TLS to a worker in this process, then to a worker in its own process (a node's sandbox)
/// directly over TLS and through the relay (gateway and agent, TLS end to end).
/// </summary>
internal static class CallPathBenchmark
{
    // About the size of the proxy's JSON-RPC request for EchoAsync("ping").
    private const int RequestBytes = 64;

    public static async Task RunAsync(int rounds, int sequentialCalls, int concurrentCalls)
    {
        await using var floor = new SocketEcho(RequestBytes);
        await floor.StartAsync();

        using var certificate = WorkerCertificate.Create();
        await using var tlsFloor = new SocketEcho(RequestBytes, certificate);
        await tlsFloor.StartAsync();
        await using var plain = await InProcessAsync(certificate: null);
        await using var tls = await InProcessAsync(certificate);

        await using var mesh = await EmbeddedMesh.StartAsync("process", CancellationToken.None);
        using var client = mesh.CreateClient();
        await using var direct = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(await mesh.PublishAsync<ITestWorker, MeshRpc.TestWorker.TestWorker>("bench-worker")));
        await using var relayed = await WorkerConnection.ConnectAsync(
            ((IGhostProxy)direct).Connection.Ticket, MeshContracts.Get<ITestWorker>(), new WorkerConnectOptions { Route = DataPlaneRoute.Relay, RelayCredential = mesh.Caller });
        var viaRelay = GhostProxies.Create<ITestWorker>(relayed);

        await Lineup.RunAsync(
            [
                ("raw socket round trip (floor)", floor.CallAsync),
                ("raw socket round trip inside TLS (SslStream, a worker's TLS options)", tlsFloor.CallAsync),
                ("ghost proxy, plain TCP, worker in this process", () => plain.Proxy.EchoAsync("ping")),
                ("ghost proxy, TLS, worker in this process", () => tls.Proxy.EchoAsync("ping")),
                ("ghost proxy, TLS, worker in a sandbox process", () => direct.EchoAsync("ping")),
                ("ghost proxy, relayed (gateway, agent; TLS inside)", () => viaRelay.EchoAsync("ping")),
            ],
            rounds, sequentialCalls, concurrentCalls, "one connection per variant, all on loopback; the sandboxed worker runs under the plain-process provider");
    }

    private static async Task<InProcessWorker> InProcessAsync(X509Certificate2? certificate)
    {
        var workerKey = new byte[32];
        var signer = TicketSigner.CreateEphemeral();
        var contract = MeshContracts.Get<ITestWorker>();
        var server = new WorkerServer(
            new WorkerServerOptions { WorkerId = "w-bench", WorkerKey = workerKey, Tickets = signer.CreateVerifier(), HeartbeatTimeout = TimeSpan.FromMinutes(10), Certificate = certificate },
            contract,
            new MeshRpc.TestWorker.TestWorker());
        var endpoint = server.Start();
        var fingerprint = certificate is null ? null : WorkerCertificate.Fingerprint(certificate);
        var ticket = signer.Issue("w-bench", workerKey, new TicketEndpoints(PinnedEndpoint.Direct(endpoint.Address.ToString(), endpoint.Port, fingerprint)),
            PinnedEndpoint.Pin(fingerprint), "local", contract.Name, contract.Hash, 600_000, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
        var connection = await WorkerConnection.ConnectAsync(ticket, contract);
        return new InProcessWorker(server, connection, GhostProxies.Create<ITestWorker>(connection));
    }

    private sealed record InProcessWorker(WorkerServer Server, WorkerConnection Connection, ITestWorker Proxy) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Connection.DisposeAsync();
            await Server.DisposeAsync();
        }
    }
}
