using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace MeshRpc.Gateway.Security;

/// <summary>
/// Credentials the gateway hands each node at registration (<c>meshnode_{id}_{secret}</c>): each proves one node,
/// for its heartbeats and gem downloads. Kept in memory as hashes; after a gateway restart nodes join again.
/// </summary>
public sealed class NodeCredentials
{
    /// <summary>Every node credential starts with this.</summary>
    public const string Prefix = "meshnode_";

    private readonly ConcurrentDictionary<string, (string NodeId, string Sha256)> _issued = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _byNode = new(StringComparer.Ordinal);

    /// <summary>Issues a fresh credential for <paramref name="nodeId"/>, revoking the one it had.</summary>
    public string Issue(string nodeId)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var credential = Prefix + id + "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _issued[id] = (nodeId, Hash(credential));
        if (_byNode.TryGetValue(nodeId, out var previous) && previous != id)
        {
            _issued.TryRemove(previous, out _);
        }

        _byNode[nodeId] = id;
        return credential;
    }

    /// <summary>The node <paramref name="presented"/> proves, or null.</summary>
    public string? NodeOf(string presented)
    {
        ArgumentNullException.ThrowIfNull(presented);
        if (presented.Split('_') is not ["meshnode", var id, _] || !_issued.TryGetValue(id, out var issued))
        {
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(presented)), Encoding.ASCII.GetBytes(issued.Sha256)) ? issued.NodeId : null;
    }

    private static string Hash(string credential) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(credential)));
}
