using System.Diagnostics;
using System.Text.Json;
using MeshRpc;
using Quickstart;
using Quickstart.Worker;

// The MeshRpc lifecycle end to end: summon, forge, handshake, ghost-proxy calls, teardown.
var json = args.Contains("--json");
var clock = new PhaseClock(quiet: json);
if (!json)
{
    Console.WriteLine("MeshRpc quick start");
}

await using var embedded = await clock.TimeAsync("mesh", "started UAH CORE and one node agent", () => EmbeddedMesh.StartAsync(CancellationToken.None));
using var mesh = new MeshClient(embedded.GatewayAddress);

var contract = MeshContracts.Get<ICalculator>();
var published = await clock.TimeAsync("publish", $"published {CalculatorGem.Pointer}", () => mesh.PublishGemAsync(CalculatorGem.Pack()));

var spawned = await clock.TimeAsync("summon", "summoned: placed and forged on a node, ticket issued",
    () => mesh.SpawnAsync(contract, SummonRequest.FromGem(CalculatorGem.Pointer)));
clock.Record("forge", $"of which the node's forge ({spawned.Ticket.NodeId})", spawned.Timings.ForgeMs);

var calculator = await clock.TimeAsync("handshake", $"connected to {spawned.Ticket.Endpoints.Direct} and proved the ticket",
    () => mesh.ConnectAsync<ICalculator>(spawned.Ticket));

var results = await clock.TimeAsync("calls", "called the worker directly through the ghost proxy", async () =>
{
    var sum = await calculator.AddAsync(2, 3);
    var quotient = await calculator.DivideAsync(84, 2);
    var whereabouts = await calculator.WhereAmIAsync();
    var error = await Assert.ThrowsRemoteAsync(() => calculator.DivideAsync(1, 0));
    return new CallResults(sum, quotient, whereabouts.ProcessId, error.RemoteTypeName, error.RemoteMessage);
});

await clock.TimeAsync("teardown", "disposed the proxy: the worker's sandbox is gone", async () =>
{
    await calculator.DisposeAsync();
    return true;
});

var gone = ProcessIsGone(results.WorkerProcessId);
if (json)
{
    var report = new QuickstartReport("process", clock.Phases, spawned.Ticket.WorkerId, spawned.Ticket.NodeId, published.Digest, results, gone);
    Console.WriteLine(JsonSerializer.Serialize(report, QuickstartJsonContext.Default.QuickstartReport));
}
else
{
    Console.WriteLine();
    Console.WriteLine($"  2 + 3 = {results.Add}; 84 / 2 = {results.Divide}; 1 / 0 -> {results.RemoteErrorType}: {results.RemoteErrorMessage}");
    Console.WriteLine($"  worker {spawned.Ticket.WorkerId} ran as pid {results.WorkerProcessId} (this process is {Environment.ProcessId}); gone after teardown: {gone}");
}

return gone && results is { Add: 5, Divide: 42 } ? 0 : 1;

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
internal static class Assert
{
    public static async Task<RemoteWorkerException> ThrowsRemoteAsync(Func<Task> call)
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
