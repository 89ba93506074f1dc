using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using MeshRpc;
using MeshRpc.Testing;
using Quickstart;
using Quickstart.Contract;
using Quickstart.Worker;

// The MeshRpc lifecycle end to end: summon, forge, handshake, ghost-proxy calls, teardown.
// Usage: Quickstart [--json] [--sandbox lxc|bwrap|process|auto]
var json = args.Contains("--json");
var sandboxIndex = Array.IndexOf(args, "--sandbox");
var sandbox = sandboxIndex >= 0 && sandboxIndex + 1 < args.Length ? args[sandboxIndex + 1] : "auto";
var clock = new PhaseClock(quiet: json);
using var tracing = QuickstartTracing.Listen();
if (!json)
{
    Console.WriteLine("MeshRpc quick start");
}

await using var embedded = await clock.TimeAsync("mesh", "started UAH CORE and one node agent", () => EmbeddedMesh.StartAsync(sandbox, CancellationToken.None));
using var mesh = new MeshClient(embedded.GatewayAddress, embedded.Caller);
if (!json)
{
    Console.WriteLine(embedded.Sandbox == "process"
        ? "  sandbox: process (contains nothing: the summon from source runs with your rights, allowed for this local mesh only)"
        : $"  sandbox: {embedded.Sandbox}");
}

var published = await clock.TimeAsync("publish", $"published {CalculatorGem.Pointer}", () => mesh.PublishGemAsync(CalculatorGem.Pack()));
var summons = new List<SummonReport>
{
    await SummonAndCallAsync("gem", SummonRequest.FromGem(CalculatorGem.Pointer)),
    await SummonAndCallAsync("source", SummonRequest.FromSource(CalculatorSource.Text)),
};

if (json)
{
    var report = new QuickstartReport(embedded.Sandbox, clock.Phases, published.Digest, summons);
    Console.WriteLine(JsonSerializer.Serialize(report, QuickstartJsonContext.Default.QuickstartReport));
}

return summons.All(s => s.WorkerProcessGone && s.Results is { Add: 5, Divide: 42 }) ? 0 : 1;

async Task<SummonReport> SummonAndCallAsync(string kind, SummonRequest request)
{
    var phases = new PhaseClock(quiet: json);
    using var trace = QuickstartTracing.Source.StartActivity("summon by " + kind);
    var traceId = trace!.TraceId.ToHexString();
    if (!json)
    {
        Console.WriteLine($"  -- summon by {kind} (trace {traceId})");
    }

    var spawned = await phases.TimeAsync("summon", "placed and forged on a node, ticket issued",
        () => mesh.SpawnAsync(MeshContracts.Get<ICalculator>(), request));
    phases.Record("forge", $"of which the node's forge ({spawned.Ticket.NodeId})", spawned.Timings.ForgeMs);
    var calculator = await phases.TimeAsync("handshake", $"connected to {spawned.Ticket.Endpoints.Direct} and proved the ticket",
        () => mesh.ConnectAsync<ICalculator>(spawned.Ticket));
    var hostPid = await embedded.HostProcessIdOfAsync(spawned.Ticket.WorkerId);

    var results = await phases.TimeAsync("calls", "called the worker directly through the ghost proxy", async () =>
    {
        var sum = await calculator.AddAsync(2, 3);
        var quotient = await calculator.DivideAsync(84, 2);
        var whereabouts = await calculator.WhereAmIAsync();
        var error = await Expect.RemoteErrorAsync(() => calculator.DivideAsync(1, 0));
        return new CallResults(sum, quotient, whereabouts.ProcessId, error.RemoteTypeName, error.RemoteMessage);
    });

    await phases.TimeAsync("teardown", "disposed the proxy: the worker's sandbox is gone", async () =>
    {
        await calculator.DisposeAsync();
        return true;
    });

    var gone = ProcessIsGone(hostPid);
    if (!json)
    {
        Console.WriteLine($"  2 + 3 = {results.Add}; 84 / 2 = {results.Divide}; 1 / 0 -> {results.RemoteErrorType}: {results.RemoteErrorMessage}");
        Console.WriteLine($"  worker {spawned.Ticket.WorkerId}: pid {hostPid} on the node, pid {results.WorkerProcessIdInSandbox} in its sandbox; gone after teardown: {gone}");
    }

    return new SummonReport(kind, traceId, Redacted(spawned.Ticket), spawned.Ticket.WorkerId, spawned.Ticket.NodeId, hostPid, phases.Phases, results, gone);
}

// The ticket exactly as the caller received it, but for the secret, which must never be printed.
static JsonNode Redacted(CapabilityTicket ticket)
{
    var json = JsonSerializer.SerializeToNode(ticket, MeshRpc.ControlPlane.ControlPlaneJsonContext.Default.CapabilityTicket)!;
    json["auth"]!["secret"] = "<redacted>";
    return json;
}

static bool ProcessIsGone(int processId)
{
    try
    {
        using var process = Process.GetProcessById(processId);
        return process.HasExited;
    }
    catch (ArgumentException)
    {
        return true;
    }
}

/// <summary>Small helper so the sample reads top to bottom.</summary>
internal static class Expect
{
    public static async Task<RemoteWorkerException> RemoteErrorAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (RemoteWorkerException ex)
        {
            return ex;
        }

        throw new InvalidOperationException("The worker was expected to throw, but the call succeeded.");
    }
}
