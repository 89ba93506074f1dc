using MeshRpc.Gateway.Registry;

namespace MeshRpc.Gateway.Placement;

/// <summary>Chooses where a worker runs.</summary>
public interface IPlacementPolicy
{
    /// <summary>Orders the live nodes by preference; the summon takes the first that still has a free slot.</summary>
    IEnumerable<NodeState> Rank(IReadOnlyList<NodeState> liveNodes);
}

/// <summary>
/// The default: the node with the most free capacity first. Free worker slots decide, so concurrent summons spread out;
/// between nodes with as many free slots, the one whose free slots give workers more memory, then the one with more
/// cores. (Constraints such as labels and memory are checked before ranking.)
/// </summary>
public sealed class MostFreeCapacityPlacement : IPlacementPolicy
{
    /// <inheritdoc />
    public IEnumerable<NodeState> Rank(IReadOnlyList<NodeState> liveNodes) =>
        liveNodes
            .OrderByDescending(FreeSlots)
            .ThenByDescending(n => (long)FreeSlots(n) * n.Registration.WorkerMemoryMb)
            .ThenByDescending(n => n.Registration.Cores)
            .ThenBy(n => n.Registration.NodeId, StringComparer.Ordinal);

    private static int FreeSlots(NodeState node) => node.Registration.Slots - node.Workers.Count - node.Pending;
}
