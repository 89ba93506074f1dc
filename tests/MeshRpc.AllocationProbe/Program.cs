using System.Globalization;
using MeshRpc;
using MeshRpc.Hosting;
using MeshRpc.TestWorker;
using MeshRpc.Tickets;
using MeshRpc.Tls;

// Usage: MeshRpc.AllocationProbe [rounds]
// A worker server and a connection to it in this process, over plain TCP and over TLS; for each, `rounds` rounds of
// three calls (a nullable value in and out; no arguments and no result; two arguments, a token and a result), one at a
// time and then 64 in flight, after as many to warm up. Prints one line per run, "ALLOCATED <variant> <calls> <bytes>":
// the bytes this whole process (caller and worker) allocated meanwhile, as the runtime counts them.
var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3_000;
foreach (var tls in new[] { false, true })
{
    using var certificate = tls ? WorkerCertificate.Create() : null;
    var workerKey = new byte[32];
    var signer = TicketSigner.CreateEphemeral();
    var contract = MeshContracts.Get<IShapesWorker>();
    await using var server = new WorkerServer(
        new WorkerServerOptions
        {
            WorkerId = "w-probe", WorkerKey = workerKey, Tickets = signer.CreateVerifier(), HeartbeatTimeout = TimeSpan.FromMinutes(5), Certificate = certificate,
            // As a node's workers run: each call counted for the idle timeout.
            CallIdleTimeout = TimeSpan.FromMinutes(10),
        },
        contract,
        new ShapesWorker());
    var endpoint = server.Start();
    var fingerprint = certificate is null ? null : WorkerCertificate.Fingerprint(certificate);
    var ticket = signer.Issue("w-probe", workerKey, new TicketEndpoints(PinnedEndpoint.Direct("127.0.0.1", endpoint.Port, fingerprint)), PinnedEndpoint.Pin(fingerprint),
        "local", contract.Name, contract.Hash, 60_000, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
    await using var connection = await WorkerConnection.ConnectAsync(ticket, contract);
    var worker = GhostProxies.Create<IShapesWorker>(connection);
    using var cancellation = new CancellationTokenSource();
    var variant = tls ? "tls" : "plain";

    foreach (var inFlight in new[] { 1, 64 })
    {
        // The first pass fills the pools (pending calls, cancellation sources, buffers) and lets the JIT settle.
        await CallsAsync(worker, rounds, inFlight, cancellation.Token);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await CallsAsync(worker, rounds, inFlight, cancellation.Token);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Console.WriteLine(FormattableString.Invariant($"ALLOCATED {variant}-{inFlight} {3 * rounds} {allocated}"));
    }
}

static async Task CallsAsync(IShapesWorker worker, int rounds, int inFlight, CancellationToken token)
{
    var callers = new Task[inFlight];
    for (var i = 0; i < inFlight; i++)
    {
        callers[i] = CallerAsync(worker, rounds / inFlight, token);
    }

    await Task.WhenAll(callers);
}

static async Task CallerAsync(IShapesWorker worker, int rounds, CancellationToken token)
{
    for (var i = 0; i < rounds; i++)
    {
        if (await worker.MaybeAsync(i) != 2 * i)
        {
            throw new InvalidOperationException($"MaybeAsync({i}) answered wrongly.");
        }

        await worker.PingAsync();
        if (await worker.ScaleAsync(i, 3, token) != 3L * i)
        {
            throw new InvalidOperationException($"ScaleAsync({i}, 3) answered wrongly.");
        }
    }
}
