using MeshRpc.ControlPlane;

namespace MeshRpc.NodeAgent.Registration;

/// <summary>The gateway's ticket-signing key, learned at registration and handed to every worker this node forges.</summary>
public sealed class GatewayTrust
{
    private readonly TaskCompletionSource<NodeRegistered> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile NodeRegistered? _current;

    /// <summary>The key, once the node has registered.</summary>
    public NodeRegistered? Current => _current;

    /// <summary>Records the key the gateway announced.</summary>
    public void Update(NodeRegistered registered)
    {
        _current = registered;
        _first.TrySetResult(registered);
    }

    /// <summary>
    /// The key, waiting up to <paramref name="timeout"/> for the first registration to finish: the gateway lists a node
    /// (and may send it work) a moment before the node has read the registration's reply.
    /// </summary>
    public async Task<NodeRegistered?> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_current is { } known)
        {
            return known;
        }

        try
        {
            return await _first.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }
}
