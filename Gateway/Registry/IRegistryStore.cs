namespace MeshRpc.Gateway.Registry;

/// <summary>
/// Where the service registry keeps its state: in the gateway's memory (<see cref="InMemoryRegistryStore"/>, one gateway)
/// or in Redis (<see cref="Redis.RedisRegistryStore"/>, any number of gateways sharing one swarm). <see cref="NodeRegistry"/>'s
/// logic runs over these operations alone. A node's state changes only by compare-and-swap, so writers at once, threads
/// or gateways, never lose each other's changes: the loser reads the state again and retries.
/// </summary>
public interface IRegistryStore
{
    /// <summary>A node's current state, or null when none is registered under <paramref name="nodeId"/> (or its lease ran out).</summary>
    ValueTask<NodeState?> FindAsync(string nodeId);

    /// <summary>Every registered node, without waiting: another gateway's last writes may show a moment late (this one's show at once).</summary>
    IReadOnlyCollection<NodeState> Nodes { get; }

    /// <summary>Adds a node's first state; false when one is registered under its id already.</summary>
    ValueTask<bool> TryAddAsync(NodeState state);

    /// <summary>Replaces <paramref name="expected"/> (as <see cref="FindAsync"/> or <see cref="Nodes"/> gave it) with <paramref name="replacement"/>; false when the node changed meanwhile.</summary>
    ValueTask<bool> TryReplaceAsync(NodeState expected, NodeState replacement);

    /// <summary>Where a worker was placed, if that placement is still kept.</summary>
    ValueTask<Placement?> FindPlacementAsync(string workerId);

    /// <summary>Keeps a placement.</summary>
    ValueTask AddPlacementAsync(Placement placement);

    /// <summary>Forgets a worker's placement.</summary>
    ValueTask RemovePlacementAsync(string workerId);

    /// <summary>Remembers a worker that ended, until its <see cref="EndedWorker.Until"/>.</summary>
    ValueTask RememberEndedAsync(EndedWorker ended);

    /// <summary>A worker that ended, if still remembered.</summary>
    ValueTask<EndedWorker?> FindEndedAsync(string workerId);
}
