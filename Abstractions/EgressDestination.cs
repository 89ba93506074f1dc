using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MeshRpc;

/// <summary>
/// Somewhere a worker may open TCP connections to: an IPv4 address or network and a port, written
/// <c>10.1.2.3:5432</c>, <c>10.1.2.0/24:443</c> or <c>10.1.2.0/24:*</c> (any port). By default a worker reaches nothing;
/// a summon lists destinations, the gateway's policy caps them, and the node's firewall lets the worker reach those alone.
/// </summary>
public sealed record EgressDestination
{
    // What a worker can never be granted: its own loopback, "this network", link-local (where clouds serve instance
    // metadata and credentials), multicast and the reserved block.
    private static readonly IPNetwork[] Unreachable =
        [IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("224.0.0.0/3")];

    private EgressDestination(IPNetwork network, int port)
    {
        Network = network;
        Port = port;
    }

    /// <summary>The destination network (a single address is a /32).</summary>
    public IPNetwork Network { get; }

    /// <summary>The TCP port, or 0 for any port.</summary>
    public int Port { get; }

    /// <summary>Parses a destination; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static EgressDestination Parse(string text) =>
        TryParse(text, out var destination, out var problem) ? destination : throw new FormatException(problem);

    /// <summary>Parses a destination; on failure, <paramref name="problem"/> says what is wrong and the forms accepted.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out EgressDestination? destination, [NotNullWhen(false)] out string? problem)
    {
        destination = null;
        var colon = text?.LastIndexOf(':') ?? -1;
        if (text is null || colon <= 0)
        {
            problem = $"Egress destination '{text}' has no port. Write address:port or network/prefix:port (port * for any), for example 10.1.2.0/24:443.";
            return false;
        }

        var (host, portText) = (text[..colon], text[(colon + 1)..]);
        var port = 0;
        if (portText != "*" && !(int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535))
        {
            problem = $"Egress destination '{text}' has port '{portText}'; a port is 1 to 65535, or * for any.";
            return false;
        }

        if (!(host.Contains('/', StringComparison.Ordinal) ? IPNetwork.TryParse(host, out var network) && network.ToString() == host : TryParseAddress(host, out network)))
        {
            problem = $"Egress destination '{text}' does not start with an IPv4 address or network (10.1.2.3 or 10.1.2.0/24, host bits zero). Host names are not accepted: a worker has no resolver.";
            return false;
        }

        if (network.BaseAddress.AddressFamily != AddressFamily.InterNetwork)
        {
            problem = $"Egress destination '{text}' is IPv6; workers reach IPv4 destinations only.";
            return false;
        }

        var reserved = Array.FindIndex(Unreachable, blocked => Overlaps(blocked, network));
        if (reserved >= 0)
        {
            problem = $"Egress destination '{text}' overlaps {Unreachable[reserved]}, which no worker may reach (loopback, link-local, multicast or reserved addresses).";
            return false;
        }

        destination = new EgressDestination(network, port);
        problem = null;
        return true;
    }

    /// <summary>Whether every connection <paramref name="other"/> allows, this allows too.</summary>
    public bool Covers(EgressDestination other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Network.PrefixLength <= other.Network.PrefixLength && Network.Contains(other.Network.BaseAddress) && (Port == 0 || Port == other.Port);
    }

    /// <summary>The canonical text, as <see cref="Parse"/> reads it: <c>10.1.2.0/24:443</c>, or <c>:*</c> for any port.</summary>
    public override string ToString() => $"{Network}:{(Port == 0 ? "*" : Port.ToString(CultureInfo.InvariantCulture))}";

    private static bool TryParseAddress(string text, out IPNetwork network)
    {
        network = default;
        if (!IPAddress.TryParse(text, out var address) || address.ToString() != text)
        {
            return false;
        }

        network = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }

    private static bool Overlaps(IPNetwork a, IPNetwork b) => a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress);
}
