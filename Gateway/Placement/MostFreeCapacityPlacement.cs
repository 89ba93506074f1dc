using MeshRpc.Gateway.Registry;

namespace MeshRpc.Gateway.Placement;

/// <summary>
/// The default: a node with an idle pooled host ready for the summon first (one primed with its gem, then one primed
/// with none), since such a summon costs milliseconds where a cold one costs hundreds; then the node with the most free
/// capacity. Free worker slots decide, so concurrent summons spread out; between nodes with as many free slots, the one
/// whose free slots give workers more memory, then the one with more cores. (Constraints such as labels and memory are
/// checked before ranking.)
/// </summary>
public sealed class MostFreeCapacityPlacement : IPlacementPolicy
{
    /// <inheritdoc />
    public IEnumerable<NodeState> Rank(IReadOnlyList<NodeState> liveNodes, string? gemDigest) =>
        liveNodes
            .OrderByDescending(n => WarmReady(n, gemDigest, anyGem: false) > 0)
            .ThenByDescending(n => WarmReady(n, gemDigest, anyGem: true) > 0)
            .ThenByDescending(FreeSlots)
            .ThenByDescending(n => (long)FreeSlots(n) * n.Registration.WorkerMemoryMb)
            .ThenByDescending(n => n.Registration.Cores)
            .ThenBy(n => n.Registration.NodeId, StringComparer.Ordinal);

    private static int FreeSlots(NodeState node) => node.Registration.Slots - node.Workers.Count - node.Pending;

    // Idle hosts the node last reported for the gem (and, with anyGem, unprimed ones, which load any gem), less the
    // summons already on their way there, each of which may take one.
    private static int WarmReady(NodeState node, string? gemDigest, bool anyGem) =>
        node.WarmHosts.Where(w => w.GemDigest == gemDigest || (anyGem && w.GemDigest is null)).Sum(w => w.Idle) - node.Pending;
}
