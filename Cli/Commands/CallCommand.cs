using System.CommandLine;
using System.Text.Json;
using MeshRpc.Cli.Workers;

namespace MeshRpc.Cli.Commands;

/// <summary>
/// <c>x-hauki-core call WORKER METHOD [ARGUMENTS]</c>: calls one method of a worker by its wire name, over a real
/// ticket (the one <c>summon</c> keeps, or <c>--ticket FILE</c>), straight to the worker as a ghost proxy would, and
/// prints the JSON result.
/// </summary>
internal static class CallCommand
{
    public static Command Create()
    {
        var worker = new Argument<string>("worker") { Description = "The worker's id, as 'x-hauki-core summon' printed it." };
        var method = new Argument<string>("method") { Description = "The method's wire name: its C# name without Async (Add for AddAsync); an overloaded one with its parameter types (Add(int,int))." };
        var arguments = new Argument<string>("arguments") { Description = "The arguments as a JSON array, e.g. '[2, 3]' (default: none).", DefaultValueFactory = _ => "[]" };
        var ticketFile = new Option<FileInfo>("--ticket") { Description = $"The worker's ticket file (default: the one 'x-hauki-core summon' keeps in {TicketFiles.Directory})." };
        ticketFile.AcceptExistingOnly();
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the result.", DefaultValueFactory = _ => 100 };
        var command = new Command("call", "Calls a method of a worker you hold with 'x-hauki-core summon', by name with JSON arguments, and prints its JSON result.")
        {
            worker, method, arguments, ticketFile, timeout,
        };
        command.Validators.Add(result =>
        {
            // Validators run before defaults fill in: no arguments given is '[]'.
            if (result.GetValue(arguments) is { } given && !IsJsonArray(given))
            {
                result.AddError($"'{result.GetValue(arguments)}' is not a JSON array of arguments: give them like '[2, 3]', or '[]' for none.");
            }
        });
        command.Examples("x-hauki-core call w-7f9aa9045a174ee5 Add '[2, 3]'", "x-hauki-core call w-7f9aa9045a174ee5 WhereAmI");
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var id = parsed.GetValue(worker)!;
            var path = parsed.GetValue(ticketFile)?.FullName ?? TicketFiles.PathOf(id);
            if (path is null || !File.Exists(path))
            {
                return GatewayAccess.Fail(ExitCodes.NotFound,
                    $"No ticket for worker {id} here. 'x-hauki-core summon' keeps its worker's ticket in {TicketFiles.Directory} while it runs; summon the worker (or pass --ticket FILE).");
            }

            CapabilityTicket ticket;
            try
            {
                ticket = await TicketFiles.ReadAsync(path, cancellationToken);
            }
            catch (JsonException ex)
            {
                return GatewayAccess.Fail(ExitCodes.BadArgument, $"{path} is not a Capability Ticket: {ex.Message}");
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(parsed.GetValue(timeout)));
            var options = WorkerConnectOptions.Default with { RelayCredential = MeshCredential.FromEnvironment() };
            try
            {
                await using var connection = await WorkerConnection.ConnectAsync(ticket, MeshContract.ForWire(ticket.Contract.Name, ticket.Contract.Hash), options, deadline.Token);
                var result = await connection.InvokeAsync(parsed.GetValue(method)!, JsonDocument.Parse(parsed.GetValue(arguments)!).RootElement.EnumerateArray().ToList(), deadline.Token);
                Console.WriteLine(JsonSerializer.Serialize(result, CliJsonContext.Default.JsonElement));
                return ExitCodes.Ok;
            }
            catch (RemoteWorkerException ex)
            {
                return GatewayAccess.Fail(ExitCodes.Failed, $"Worker {id} threw {ex.RemoteTypeName}: {ex.RemoteMessage}");
            }
            catch (CallRefusedException ex) when (ex.InnerException is WorkerErrorReplyException { MethodNotFound: true })
            {
                return GatewayAccess.Fail(ExitCodes.NotFound, ex.Message);
            }
            catch (MeshRpcException ex)
            {
                return DataPlaneFailures.Fail(ex);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return GatewayAccess.Fail(ExitCodes.Failed, $"Worker {id} did not answer within {parsed.GetValue(timeout)} s; raise --timeout for a longer call.");
            }
        });
        return command;
    }

    private static bool IsJsonArray(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Array;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
