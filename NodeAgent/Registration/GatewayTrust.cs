using MeshRpc.ControlPlane;

namespace MeshRpc.NodeAgent.Registration;

/// <summary>The gateway's ticket-signing key, learned at registration and handed to every worker this node forges.</summary>
public sealed class GatewayTrust
{
    private volatile NodeRegistered? _current;

    /// <summary>The key, once the node has registered.</summary>
    public NodeRegistered? Current => _current;

    /// <summary>Records the key the gateway announced.</summary>
    public void Update(NodeRegistered registered) => _current = registered;
}
