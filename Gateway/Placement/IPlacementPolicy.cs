using MeshRpc.Gateway.Registry;

namespace MeshRpc.Gateway.Placement;

/// <summary>Chooses where a worker runs.</summary>
public interface IPlacementPolicy
{
    /// <summary>Orders the live nodes by preference; the summon takes the first that still has a free slot.</summary>
    IEnumerable<NodeState> Rank(IReadOnlyList<NodeState> liveNodes);
}

/// <summary>The default: the node with the most free slots first, so concurrent summons spread out.</summary>
public sealed class MostFreeSlotsPlacement : IPlacementPolicy
{
    /// <inheritdoc />
    public IEnumerable<NodeState> Rank(IReadOnlyList<NodeState> liveNodes) =>
        liveNodes
            .OrderByDescending(n => n.Registration.Slots - n.Workers.Count - n.Pending)
            .ThenBy(n => n.Registration.NodeId, StringComparer.Ordinal);
}
