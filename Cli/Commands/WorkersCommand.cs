using System.CommandLine;
using System.Globalization;
using MeshRpc.ControlPlane;
using Spectre.Console;

namespace MeshRpc.Cli.Commands;

/// <summary><c>x-hauki-core workers [--json]</c>: the credential's own live workers (every caller's, for an administrator).</summary>
internal static class WorkersCommand
{
    public static Command Create()
    {
        var json = Output.JsonOption();
        var command = new Command("workers", "Lists live workers: yours, or every caller's with an admin credential.") { json, GatewayAccess.GatewayOption };
        command.Examples("x-hauki-core workers", "x-hauki-core workers --json --gateway http://10.0.0.5:7700");
        command.SetAction((parsed, cancellationToken) => GatewayAccess.RunAsync(parsed, async client =>
        {
            var workers = await client.Gateway.ListWorkersAsync(cancellationToken);
            if (parsed.GetValue(json))
            {
                Output.Json(workers, ControlPlaneJsonContext.Default.ListWorkerReport);
                return ExitCodes.Ok;
            }

            var table = Output.Table("WORKER", "OWNER", "CONTRACT", "ENDPOINT", "PID", "AGE");
            foreach (var worker in workers.OrderBy(w => w.StartedAt))
            {
                table.AddRow(
                    Output.Cell(worker.WorkerId),
                    Output.Cell(worker.Owner),
                    Output.Cell(worker.Contract),
                    Output.Cell(worker.Endpoint),
                    worker.ProcessId.ToString(CultureInfo.InvariantCulture),
                    Output.Age(worker.StartedAt));
            }

            Output.Print(table, "No live worker.");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
