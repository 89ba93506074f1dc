using System.Globalization;
using System.Net;
using System.Text;

namespace MeshRpc.NodeAgent.Egress;

/// <summary>
/// The node's nftables table for one agent's worker links. Nothing a worker sends reaches the node itself (every
/// address of it, on any interface) or another worker; what it sends elsewhere passes only where its own chain accepts
/// it, masqueraded behind the node's address; only replies come back in. The worker cannot change any of it: the
/// rules live in the node's network namespace, where it holds nothing.
/// </summary>
/// <param name="Table">The table's name, one per agent.</param>
/// <param name="HostInterfaces">An nftables wildcard matching the host ends of this agent's links.</param>
/// <param name="Subnet">The agent's egress subnet, the links' source addresses.</param>
internal sealed record EgressFirewall(string Table, string HostInterfaces, IPNetwork Subnet)
{
    private const string Nft = "nft";

    /// <summary>
    /// The table that keeps a node on which an agent turned IPv4 forwarding on from forwarding anything but workers'
    /// traffic. Shared by every agent of the node and never removed by one: forwarding stays on after an agent stops.
    /// </summary>
    public const string GuardScript =
        "table inet meshrpc_forwarding_guard {}\nflush table inet meshrpc_forwarding_guard\n" +
        "table inet meshrpc_forwarding_guard {\n  chain forward {\n    type filter hook forward priority filter; policy accept;\n    iifname != \"mw*\" oifname != \"mw*\" drop\n  }\n}\n";

    /// <summary>The table's script: every chain, and the map from a link's host end to its worker's chain.</summary>
    public string TableScript()
    {
        var reject = "reject with icmpx admin-prohibited";
        return new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"table inet {Table} {{\n")
            .Append("  map workers { type ifname : verdict; }\n")
            .Append("  chain forward {\n    type filter hook forward priority filter; policy accept;\n")
            .Append(CultureInfo.InvariantCulture, $"    oifname \"{HostInterfaces}\" ct state established,related accept\n")
            .Append(CultureInfo.InvariantCulture, $"    oifname \"{HostInterfaces}\" {reject}\n")
            .Append(CultureInfo.InvariantCulture, $"    iifname \"{HostInterfaces}\" iifname vmap @workers\n")
            .Append(CultureInfo.InvariantCulture, $"    iifname \"{HostInterfaces}\" {reject}\n")
            .Append("  }\n")
            .Append(CultureInfo.InvariantCulture, $"  chain input {{\n    type filter hook input priority filter; policy accept;\n    iifname \"{HostInterfaces}\" {reject}\n  }}\n")
            .Append(CultureInfo.InvariantCulture, $"  chain postrouting {{\n    type nat hook postrouting priority srcnat; policy accept;\n    ip saddr {Subnet} oifname != \"{HostInterfaces}\" masquerade\n  }}\n")
            .Append("}\n")
            .ToString();
    }

    /// <summary>The script that gives one link its chain: accept what the destinations allow (the rest falls to the reject).</summary>
    public string AllowScript(WorkerLink link, IReadOnlyList<EgressDestination> destinations)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(destinations);
        var chain = ChainOf(link);
        var script = new StringBuilder().Append(CultureInfo.InvariantCulture, $"add chain inet {Table} {chain}\n");
        foreach (var destination in destinations)
        {
            var port = destination.Port == 0 ? "meta l4proto tcp" : string.Create(CultureInfo.InvariantCulture, $"tcp dport {destination.Port}");
            script.Append(CultureInfo.InvariantCulture, $"add rule inet {Table} {chain} ip daddr {destination.Network} {port} accept\n");
        }

        return script.Append(CultureInfo.InvariantCulture, $"add element inet {Table} workers {{ \"{link.HostInterface}\" : jump {chain} }}\n").ToString();
    }

    /// <summary>Replaces the table (a killed predecessor's included) with an empty one.</summary>
    public async Task ResetAsync()
    {
        await HostCommand.RunAsync(Nft, ["delete", "table", "inet", Table], check: false);
        await HostCommand.RunAsync(Nft, ["-f", "-"], TableScript());
    }

    /// <summary>Installs the forwarding guard (<see cref="GuardScript"/>), replacing its rule if it is there.</summary>
    public static Task GuardForwardingAsync() => HostCommand.RunAsync(Nft, ["-f", "-"], GuardScript);

    /// <summary>Lets the link's worker reach its destinations.</summary>
    public Task AllowAsync(WorkerLink link, IReadOnlyList<EgressDestination> destinations) =>
        HostCommand.RunAsync(Nft, ["-f", "-"], AllowScript(link, destinations));

    /// <summary>Removes the link's chain.</summary>
    public Task RevokeAsync(WorkerLink link)
    {
        ArgumentNullException.ThrowIfNull(link);
        var chain = ChainOf(link);
        return HostCommand.RunAsync(Nft, ["-f", "-"],
            $"delete element inet {Table} workers {{ \"{link.HostInterface}\" }}\nflush chain inet {Table} {chain}\ndelete chain inet {Table} {chain}\n", check: false);
    }

    /// <summary>Deletes the table.</summary>
    public Task DeleteAsync() => HostCommand.RunAsync(Nft, ["delete", "table", "inet", Table], check: false);

    private static string ChainOf(WorkerLink link) => string.Create(CultureInfo.InvariantCulture, $"w{link.Slot:x4}");
}
