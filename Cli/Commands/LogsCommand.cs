using System.CommandLine;
using System.Net.ServerSentEvents;
using System.Text.Json;
using MeshRpc.ControlPlane;
using Refit;

namespace MeshRpc.Cli.Commands;

/// <summary>
/// <c>x-hauki-core logs WORKER [-f] [--json]</c>: what a worker printed (its node's <c>omega_spool</c>), standard output
/// to standard output and standard error to standard error; with <c>-f</c>, then every line as it comes until the
/// worker ends (or Ctrl+C).
/// </summary>
internal static class LogsCommand
{
    public static Command Create()
    {
        var worker = new Argument<string>("worker") { Description = "The worker's id (x-hauki-core workers lists them)." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing lines as the worker prints them, until it ends." };
        var json = new Option<bool>("--json") { Description = "Print each line as JSON ({at, stream, text}): an array, or with -f one object per line." };
        var command = new Command("logs", "Prints what one of your workers printed (any worker's, with an admin credential); with -f, follows it.") { worker, follow, json, GatewayAccess.GatewayOption };
        command.Examples("x-hauki-core logs w-7f9aa9045a174ee5", "x-hauki-core logs w-7f9aa9045a174ee5 -f --json");
        command.SetAction((parsed, cancellationToken) => GatewayAccess.RunAsync(parsed, async client =>
        {
            var id = parsed.GetValue(worker)!;
            if (!parsed.GetValue(follow))
            {
                var lines = await client.Gateway.GetLogsAsync(id, cancellationToken);
                if (parsed.GetValue(json))
                {
                    Output.Json(lines, ControlPlaneJsonContext.Default.ListWorkerLogLine);
                }
                else
                {
                    lines.ForEach(Print);
                }

                return ExitCodes.Ok;
            }

            using var response = await client.Gateway.FollowLogsAsync(id, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw await ApiException.Create(response.RequestMessage!, HttpMethod.Get, response, new RefitSettings());
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
            {
                if (parsed.GetValue(json))
                {
                    Console.WriteLine(item.Data);
                }
                else if (JsonSerializer.Deserialize(item.Data, ControlPlaneJsonContext.Default.WorkerLogLine) is { } line)
                {
                    Print(line);
                }
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static void Print(WorkerLogLine line) =>
        (line.Stream == "stderr" ? Console.Error : Console.Out).WriteLine(line.Text);
}
