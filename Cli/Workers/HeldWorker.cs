using System.Globalization;
using MeshRpc.ControlPlane;
using Spectre.Console;

namespace MeshRpc.Cli.Workers;

/// <summary>
/// Summons a worker and holds it as its caller: connected and heartbeating, its ticket in this user's ticket directory
/// for <c>call</c>, until Ctrl+C or SIGTERM (then torn down, sandbox and all) or until it ends some other way
/// (<c>kill</c>, its sandbox exiting, its node dying).
/// </summary>
internal static class HeldWorker
{
    public static async Task<int> SummonAndHoldAsync(MeshClient client, MeshContract contract, SummonRequest request, bool json, CancellationToken cancellationToken)
    {
        using var stop = new StopSignal();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stop.Token);
        SpawnEphemeralResponse spawned;
        try
        {
            spawned = await Output.ProgressAsync($"Summoning {request.Gem?.ToString() ?? "the source"}…", () => client.SpawnAsync(contract, request, cancel.Token));
        }
        catch (SummonFailedException ex)
        {
            return Refused(ex);
        }
        catch (OperationCanceledException) when (stop.Token.IsCancellationRequested)
        {
            Console.WriteLine("Stopped before the worker was up; one forged meanwhile dies on its own within its heartbeat timeout.");
            return ExitCodes.Ok;
        }

        var ticket = spawned.Ticket;
        WorkerConnection connection;
        try
        {
            var options = client.ConnectOptions with { RelayCredential = MeshCredential.FromEnvironment() };
            connection = await WorkerConnection.ConnectAsync(ticket, contract, options, cancel.Token);
        }
        catch (Exception ex) when (ex is MeshRpcException or OperationCanceledException)
        {
            await TeardownAsync(client, ticket.WorkerId);
            return ex is OperationCanceledException ? ExitCodes.Ok : DataPlaneFailures.Fail(ex);
        }

        await using (connection)
        {
            string file;
            try
            {
                file = await TicketFiles.SaveAsync(ticket, cancel.Token);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await TeardownAsync(client, ticket.WorkerId);
                return GatewayAccess.Fail(ExitCodes.Failed, $"Cannot keep the worker's ticket in {TicketFiles.Directory}: {ex.Message}. Set XDG_STATE_HOME to a directory of yours.");
            }

            try
            {
                Announce(spawned, file, json);
                var closed = connection.Closed;
                if (await Task.WhenAny(stop.Requested, closed) == closed && !stop.Token.IsCancellationRequested)
                {
                    Console.WriteLine($"Worker {ticket.WorkerId} has ended: it was torn down ('x-hauki-core kill'), its sandbox exited, or its node is gone.");
                    return ExitCodes.Ok;
                }
            }
            finally
            {
                TicketFiles.Delete(ticket.WorkerId);
            }
        }

        Console.WriteLine($"Tearing worker {ticket.WorkerId} down…");
        try
        {
            await client.TeardownAsync(ticket.WorkerId, CancellationToken.None);
        }
        catch (TeardownFailedException ex)
        {
            return GatewayAccess.Fail(ExitCodes.Failed, ex.Message);
        }

        Console.WriteLine($"Worker {ticket.WorkerId} torn down.");
        return ExitCodes.Ok;
    }

    private static void Announce(SpawnEphemeralResponse spawned, string ticketFile, bool json)
    {
        var ticket = spawned.Ticket;
        if (json)
        {
            Output.JsonLine(new SummonedWorker(ticket.WorkerId, ticket.Contract.Name, ticket.NodeId, ticketFile, spawned.Timings.PlacementMs, spawned.Timings.ForgeMs), CliJsonContext.Default.SummonedWorker);
            return;
        }

        var forged = spawned.Timings.ForgeMs.ToString("0", CultureInfo.InvariantCulture);
        Console.WriteLine($"Worker {ticket.WorkerId} is up: {ticket.Contract.Name} on {ticket.NodeId}, forged in {forged} ms.");
        Console.WriteLine("It lives while this runs; Ctrl+C tears it down. From another shell:");
        Console.WriteLine($"  x-hauki-core call {ticket.WorkerId} METHOD '[arguments as JSON]'");
        Console.WriteLine($"  x-hauki-core logs {ticket.WorkerId} -f");
        Console.WriteLine($"  x-hauki-core kill {ticket.WorkerId}");
    }

    private static async Task TeardownAsync(MeshClient client, string workerId)
    {
        try
        {
            await client.TeardownAsync(workerId, CancellationToken.None);
        }
        catch (TeardownFailedException)
        {
            // The failure already reported is the one that matters; this worker never had a heartbeat and dies at its timeout.
        }
    }

    private static int Refused(SummonFailedException ex)
    {
        var exitCode = GatewayAccess.Fail(ex.Reason switch
        {
            SummonFailureReason.InvalidRequest or SummonFailureReason.CompileFailed or SummonFailureReason.ContractMismatch => ExitCodes.BadArgument,
            SummonFailureReason.GemNotFound => ExitCodes.NotFound,
            SummonFailureReason.Unauthenticated or SummonFailureReason.Forbidden => ExitCodes.Refused,
            SummonFailureReason.GatewayUnavailable => ExitCodes.Unreachable,
            _ => ExitCodes.Failed,
        }, ex.Message);
        foreach (var diagnostic in ex.Diagnostics)
        {
            Console.Error.WriteLine($"  {diagnostic.File}({diagnostic.Line},{diagnostic.Column}) {diagnostic.Severity} {diagnostic.Id}: {diagnostic.Message}");
        }

        return exitCode;
    }
}
