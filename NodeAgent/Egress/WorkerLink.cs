using System.Globalization;
using System.Net;

namespace MeshRpc.NodeAgent.Egress;

/// <summary>
/// One worker's way out: a veth pair on a /30 of the agent's egress subnet. The node keeps the host end (its firewall
/// decides what passes); the sandbox gets the worker end, as LXC's <c>phys</c> device or inside a named network
/// namespace for bubblewrap.
/// </summary>
/// <param name="Slot">The /30's index in the subnet.</param>
/// <param name="HostInterface">The node's end.</param>
/// <param name="WorkerInterface">The sandbox's end.</param>
/// <param name="HostAddress">The node's address on the link: the worker's default gateway, and nothing it can connect to.</param>
/// <param name="WorkerAddress">The worker's address.</param>
/// <param name="Namespace">The network namespace the worker end was moved into, if any.</param>
public sealed record WorkerLink(int Slot, string HostInterface, string WorkerInterface, IPAddress HostAddress, IPAddress WorkerAddress, string? Namespace)
{
    /// <summary>The link's prefix length.</summary>
    public const int PrefixLength = 30;

    private const string Ip = "ip";

    /// <summary>The worker's address with its prefix, <c>10.231.0.2/30</c>.</summary>
    public string WorkerCidr => string.Create(CultureInfo.InvariantCulture, $"{WorkerAddress}/{PrefixLength}");

    /// <summary>Creates the pair with the host end addressed and up; the worker end waits in the node's namespace for its sandbox.</summary>
    internal async Task CreateAsync()
    {
        await HostCommand.RunAsync(Ip, ["-batch", "-"], string.Join('\n',
            $"link add {HostInterface} type veth peer name {WorkerInterface}",
            string.Create(CultureInfo.InvariantCulture, $"addr add {HostAddress}/{PrefixLength} dev {HostInterface}"),
            $"link set {HostInterface} up",
            string.Empty));
    }

    /// <summary>Moves the worker end into a new network namespace named <paramref name="name"/>, addressed, with its default route and loopback up.</summary>
    internal async Task<WorkerLink> IntoNamespaceAsync(string name)
    {
        await HostCommand.RunAsync(Ip, ["netns", "add", name]);
        var moved = this with { Namespace = name };
        try
        {
            await HostCommand.RunAsync(Ip, ["link", "set", WorkerInterface, "netns", name]);
            await HostCommand.RunAsync(Ip, ["-n", name, "-batch", "-"], string.Join('\n',
                $"addr add {WorkerCidr} dev {WorkerInterface}",
                $"link set {WorkerInterface} up",
                "link set lo up",
                $"route add default via {HostAddress}",
                string.Empty));
            return moved;
        }
        catch (InvalidOperationException)
        {
            await moved.DeleteAsync();
            throw;
        }
    }

    /// <summary>Removes the pair (wherever its worker end is) and the namespace; safe to call for a half-made link.</summary>
    internal async Task DeleteAsync()
    {
        if (Namespace is not null)
        {
            await HostCommand.RunAsync(Ip, ["netns", "delete", Namespace], check: false);
        }

        await HostCommand.RunAsync(Ip, ["link", "delete", HostInterface], check: false);
    }
}
