using System.CommandLine;
using System.Globalization;
using MeshRpc.ControlPlane;
using Spectre.Console;

namespace MeshRpc.Cli.Commands;

/// <summary><c>x-hauki-core nodes [--json]</c>: the swarm's nodes, from the service registry (needs <c>admin</c>).</summary>
internal static class NodesCommand
{
    public static Command Create()
    {
        var json = Output.JsonOption();
        var command = new Command("nodes", "Lists the swarm's nodes: liveness, sandbox, workers against slots, idle warm hosts, labels. Needs an admin credential.") { json, GatewayAccess.GatewayOption };
        command.Examples("x-hauki-core nodes", "x-hauki-core nodes --json | jq '.nodes[].nodeId'");
        command.SetAction((parsed, cancellationToken) => GatewayAccess.RunAsync(parsed, async client =>
        {
            var registry = await client.Gateway.GetServiceRegistryAsync(cancellationToken);
            if (parsed.GetValue(json))
            {
                Output.Json(registry, ControlPlaneJsonContext.Default.ServiceRegistry);
                return ExitCodes.Ok;
            }

            var table = Output.Table("NODE", "STATUS", "SANDBOX", "WORKERS", "WARM", "CORES", "MEMORY/WORKER", "LABELS", "HEARTBEAT");
            foreach (var node in registry.Nodes)
            {
                table.AddRow(
                    Output.Cell(node.NodeId),
                    node.Status,
                    Output.Cell(node.Sandbox),
                    $"{node.Workers.Count}/{node.Slots}" + (node.LostWorkers.Count > 0 ? $" ({node.LostWorkers.Count} lost)" : ""),
                    node.WarmHosts.Sum(w => w.Idle).ToString(CultureInfo.InvariantCulture),
                    node.Cores.ToString(CultureInfo.InvariantCulture),
                    $"{node.WorkerMemoryMb} MiB",
                    Output.Cell(node.Labels.Count == 0 ? "-" : string.Join(",", node.Labels)),
                    Output.Age(node.LastHeartbeat) + " ago");
            }

            Output.Print(table, "No node has joined this mesh.");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
