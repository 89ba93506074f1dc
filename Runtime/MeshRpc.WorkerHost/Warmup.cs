using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MeshRpc.HostProtocol;
using MeshRpc.Hosting;
using MeshRpc.Tickets;
using MeshRpc.Tls;

namespace MeshRpc.WorkerHost;

/// <summary>
/// Walks a pooled host through everything a summon will make it do, so its hot paths are compiled before a summon
/// arrives rather than while the caller waits: the start-up protocol's JSON, loading an assembly into a gem context,
/// and one TLS connection, handshake and call against itself over loopback (TLS, framing, handshake, formatter, dispatch).
/// </summary>
internal static class Warmup
{
    public static async Task RunAsync(X509Certificate2? certificate)
    {
        RehearseStartupProtocol();
        RehearseGemLoad();
        await RehearseCallAsync(certificate);
    }

    private static void RehearseStartupProtocol()
    {
        var config = new WorkerHostConfig
        {
            WorkerId = "warmup", WorkerKey = "AA==", TicketKeyId = "warmup", TicketPublicKey = "AA==", BindAddress = "127.0.0.1",
            HeartbeatTimeoutMs = 1, Contract = "warmup", Gem = new GemLocation("/", "warmup.dll", "Warmup"),
        };
        var line = JsonSerializer.Serialize(new WorkerHostInstruction { Start = config }, WorkerHostJsonContext.Default.WorkerHostInstruction);
        _ = JsonSerializer.Deserialize(line, WorkerHostJsonContext.Default.WorkerHostInstruction);
        _ = JsonSerializer.Serialize(new WorkerHostStatus(1, 1, null), WorkerHostJsonContext.Default.WorkerHostStatus);

        // Opens standard output's writer; an empty write puts nothing on the pipe the agent reads the status from.
        Console.Out.Write(string.Empty);
        Console.Out.Flush();
    }

    // A throwaway context over the host's own folder: the real loader's path (context, file load, module
    // constructor, type lookup, activation) without touching any gem.
    private static void RehearseGemLoad()
    {
        var abstractions = typeof(MeshWorkerAttribute).Assembly.Location;
        var context = new GemLoadContext(Path.GetDirectoryName(abstractions)!);
        var assembly = context.LoadFromAssemblyPath(abstractions);
        MeshContracts.RegisterFrom(assembly);
        var type = assembly.GetType(typeof(MeshWorkerAttribute).FullName!, throwOnError: false);
        _ = type is null ? null : Activator.CreateInstance(type);
    }

    private static async Task RehearseCallAsync(X509Certificate2? certificate)
    {
        var workerKey = new byte[32];
        var signer = TicketSigner.CreateEphemeral();
        var contract = new MeshContract<IWarmup>("meshrpc.warmup", "warmup");
        // As the generator writes a contract's dispatch, so the warm-up compiles the same serving path a gem's takes.
        MeshDispatchers.Register(contract, static (dispatcher, target) => dispatcher.Add<string>("Echo", 1, cancellable: false, (ref MeshArguments arguments, CancellationToken _) =>
            new ValueTask<string>(target.EchoAsync(arguments.Next<string>()))));
        await using var server = new WorkerServer(
            new WorkerServerOptions { WorkerId = "warmup", WorkerKey = workerKey, Tickets = signer.CreateVerifier(), BindAddress = IPAddress.Loopback, HeartbeatTimeout = TimeSpan.FromMinutes(1), Certificate = certificate },
            contract,
            new Echo());
        var endpoint = server.Start();
        var fingerprint = certificate is null ? null : WorkerCertificate.Fingerprint(certificate);
        var ticket = signer.Issue("warmup", workerKey, new TicketEndpoints(PinnedEndpoint.Direct("127.0.0.1", endpoint.Port, fingerprint)), PinnedEndpoint.Pin(fingerprint),
            "local", contract.Name, contract.Hash, 60_000, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        await using var connection = await WorkerConnection.ConnectAsync(ticket, contract);
        await new EchoProxy(connection).EchoAsync("warm");
    }

    public interface IWarmup
    {
        Task<string> EchoAsync(string text);
    }

    // Written as the generator writes a ghost proxy, so the warm-up compiles the same call path a caller's proxy takes.
    private sealed class EchoProxy(WorkerConnection connection) : GhostProxy(connection), IWarmup
    {
        public Task<string> EchoAsync(string text) => CallAsync<string, string>("Echo", text, static (writer, arguments) => writer.Write(arguments), timeoutMs: 0, CancellationToken.None).AsTask();
    }

    private sealed class Echo : IWarmup
    {
        public Task<string> EchoAsync(string text) => Task.FromResult(text);
    }
}
