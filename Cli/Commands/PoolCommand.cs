using System.CommandLine;
using System.Globalization;
using System.Text.Json.Serialization;
using MeshRpc.ControlPlane;
using Spectre.Console;

namespace MeshRpc.Cli.Commands;

/// <summary><c>x-hauki-core pool [--json]</c>: idle warm-pool hosts by node and gem, from the service registry (needs <c>admin</c>).</summary>
internal static class PoolCommand
{
    public static Command Create()
    {
        var json = Output.JsonOption();
        var command = new Command("pool", "Lists the warm pools: idle hosts per node, by the gem each is primed with. Needs an admin credential.") { json, GatewayAccess.GatewayOption };
        command.Examples("x-hauki-core pool", "x-hauki-core pool --json");
        command.SetAction((parsed, cancellationToken) => GatewayAccess.RunAsync(parsed, async client =>
        {
            var registry = await client.Gateway.GetServiceRegistryAsync(cancellationToken);
            List<PoolEntry> pools = [.. registry.Nodes.Where(n => n.Status == "live")
                .SelectMany(n => n.WarmHosts.Select(w => new PoolEntry(n.NodeId, w.GemDigest, w.Idle)))];
            if (parsed.GetValue(json))
            {
                Output.Json(pools, PoolJsonContext.Default.ListPoolEntry);
                return ExitCodes.Ok;
            }

            var table = Output.Table("NODE", "PRIMED WITH", "IDLE");
            foreach (var pool in pools)
            {
                table.AddRow(Output.Cell(pool.NodeId), Output.Cell(pool.GemDigest ?? "any gem or source"), pool.Idle.ToString(CultureInfo.InvariantCulture));
            }

            Output.Print(table, "No idle warm host on any live node.");
            return ExitCodes.Ok;
        }));
        return command;
    }
}

/// <summary>One node's idle hosts primed with one gem (null: with none, ready for any gem or source).</summary>
internal sealed record PoolEntry(string NodeId, string? GemDigest, int Idle);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<PoolEntry>))]
internal sealed partial class PoolJsonContext : JsonSerializerContext
{
}
