using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using MeshRpc.NodeAgent.Configuration;

namespace MeshRpc.NodeAgent.Egress;

/// <summary>
/// Gives workers whose summon lists egress destinations a link out of their sandbox, and the firewall that lets them
/// reach those alone. Off unless the operator names a subnet for the links (<c>--egress-subnet</c>): then the node
/// routes for its workers, so the agent turns IPv4 forwarding on if it is off, and then forwards nothing else.
/// </summary>
public sealed class EgressNetwork
{
    private const string ForwardingSwitch = "/proc/sys/net/ipv4/ip_forward";

    private readonly IPNetwork? _subnet;
    private readonly string _tag = string.Empty;
    private readonly EgressFirewall? _firewall;
    private readonly Lock _slots = new();
    private readonly HashSet<int> _taken = [];
    private readonly int _slotCount;
    private int _next;

    /// <summary>Creates the network for <paramref name="options"/>' subnet (none: egress is off).</summary>
    public EgressNetwork(NodeAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.EgressSubnet is not { } subnet)
        {
            return;
        }

        _subnet = subnet;
        // Several agents may share a machine: each names its links, namespaces and table after its own subnet.
        _tag = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subnet.ToString())))[..4];
        _firewall = new EgressFirewall("meshrpc_" + _tag, $"mw{_tag}h*", subnet);
        _slotCount = (int)Math.Min(1L << (32 - subnet.PrefixLength - 2), 0x10000);
    }

    /// <summary>Whether workers may get egress on this node.</summary>
    public bool Enabled => _firewall is not null;

    /// <summary>Removes what a killed predecessor left (links, namespaces, rules) and installs the firewall; a no-op when egress is off.</summary>
    public async Task StartAsync()
    {
        if (_firewall is null)
        {
            return;
        }

        foreach (var line in (await HostCommand.RunAsync("ip", ["-o", "link", "show"])).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // "83: mwab12h0001@mwab12n0001: <...>"
            var name = line.Split(':', 3)[1].Trim().Split('@')[0];
            if (name.StartsWith($"mw{_tag}", StringComparison.Ordinal))
            {
                await HostCommand.RunAsync("ip", ["link", "delete", name], check: false);
            }
        }

        foreach (var line in (await HostCommand.RunAsync("ip", ["netns", "list"])).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(' ')[0];
            if (name.StartsWith(NamespacePrefix, StringComparison.Ordinal))
            {
                await HostCommand.RunAsync("ip", ["netns", "delete", name], check: false);
            }
        }

        // The guard goes in before forwarding comes on, so that the node never forwards for anyone else.
        if (File.ReadAllText(ForwardingSwitch).Trim() == "0")
        {
            await EgressFirewall.GuardForwardingAsync();
            File.WriteAllText(ForwardingSwitch, "1");
        }

        await _firewall.ResetAsync();
    }

    /// <summary>Removes the firewall table once every worker (and so every link) is gone.</summary>
    public Task StopAsync() => _firewall?.DeleteAsync() ?? Task.CompletedTask;

    /// <summary>Creates a link whose worker may reach <paramref name="destinations"/> and nothing else.</summary>
    public async Task<WorkerLink> OpenAsync(IReadOnlyList<EgressDestination> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        var firewall = _firewall ?? throw new InvalidOperationException("Egress is off on this node: its agent runs without --egress-subnet.");
        var slot = Take();
        var link = LinkOf(slot);
        try
        {
            // The chain exists before the link can carry anything.
            await firewall.AllowAsync(link, destinations);
            await link.CreateAsync();
            return link;
        }
        catch
        {
            await CloseAsync(link);
            throw;
        }
    }

    /// <summary>Moves the link's worker end into a network namespace of its own (for sandboxes that join one rather than make one).</summary>
    public Task<WorkerLink> IntoNamespaceAsync(WorkerLink link)
    {
        ArgumentNullException.ThrowIfNull(link);
        return link.IntoNamespaceAsync(string.Create(CultureInfo.InvariantCulture, $"{NamespacePrefix}{link.Slot:x4}"));
    }

    /// <summary>Removes the link, its namespace and its chain, and frees its slot.</summary>
    public async Task CloseAsync(WorkerLink link)
    {
        ArgumentNullException.ThrowIfNull(link);
        await link.DeleteAsync();
        await _firewall!.RevokeAsync(link);
        lock (_slots)
        {
            _taken.Remove(link.Slot);
        }
    }

    private string NamespacePrefix => $"meshrpc-{_tag}-";

    private int Take()
    {
        lock (_slots)
        {
            for (var tried = 0; tried < _slotCount; tried++)
            {
                var slot = _next;
                _next = (_next + 1) % _slotCount;
                if (_taken.Add(slot))
                {
                    return slot;
                }
            }
        }

        throw new InvalidOperationException($"All {_slotCount} worker links of egress subnet {_subnet} are in use; give the agent a larger --egress-subnet.");
    }

    private WorkerLink LinkOf(int slot)
    {
        var first = BinaryPrimitives.ReadUInt32BigEndian(_subnet!.Value.BaseAddress.GetAddressBytes()) + ((uint)slot << 2);
        string Name(char end) => string.Create(CultureInfo.InvariantCulture, $"mw{_tag}{end}{slot:x4}");
        return new WorkerLink(slot, Name('h'), Name('n'), Address(first + 1), Address(first + 2), null);
    }

    private static IPAddress Address(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }
}
