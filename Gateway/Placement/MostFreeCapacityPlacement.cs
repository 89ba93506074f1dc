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
    public IEnumerable<NodeState> Rank(IReadOnlyList<NodeState> liveNodes, string? gemDigest)
    {
        ArgumentNullException.ThrowIfNull(liveNodes);
        if (liveNodes.Count == 0)
        {
            yield break;
        }

        // A summon takes the first node that still has a slot, nearly always the best one: finding it takes one pass,
        // where sorting a thousand nodes for every summon would cost the gateway more than the rest of the summon.
        var ranks = liveNodes.Select(node => new NodeRank(node, gemDigest)).ToArray();
        var best = ranks[0];
        foreach (var rank in ranks)
        {
            best = rank.CompareTo(best) < 0 ? rank : best;
        }

        yield return best.Node;
        foreach (var rank in ranks.Where(r => !ReferenceEquals(r, best)).Order())
        {
            yield return rank.Node;
        }
    }

    /// <summary>A node's standing for one summon, computed once; the lesser ranks first.</summary>
    private sealed class NodeRank : IComparable<NodeRank>
    {
        public NodeRank(NodeState node, string? gemDigest)
        {
            Node = node;
            FreeSlots = node.Registration.Slots - node.Workers.Count - node.Pending;
            var primed = 0;
            var unprimed = 0;
            foreach (var hosts in node.WarmHosts)
            {
                primed += hosts.GemDigest == gemDigest ? hosts.Idle : 0;
                unprimed += hosts.GemDigest is null ? hosts.Idle : 0;
            }

            // Idle hosts the node last reported, less the summons already on their way there, each of which may take one.
            WarmForGem = primed - node.Pending > 0;
            WarmForAny = (gemDigest is null ? primed : primed + unprimed) - node.Pending > 0;
        }

        public NodeState Node { get; }

        private int FreeSlots { get; }

        private bool WarmForGem { get; }

        private bool WarmForAny { get; }

        public int CompareTo(NodeRank? other)
        {
            ArgumentNullException.ThrowIfNull(other);
            var order = other.WarmForGem.CompareTo(WarmForGem);
            order = order != 0 ? order : other.WarmForAny.CompareTo(WarmForAny);
            order = order != 0 ? order : other.FreeSlots.CompareTo(FreeSlots);
            order = order != 0 ? order : ((long)other.FreeSlots * other.Node.Registration.WorkerMemoryMb).CompareTo((long)FreeSlots * Node.Registration.WorkerMemoryMb);
            order = order != 0 ? order : other.Node.Registration.Cores.CompareTo(Node.Registration.Cores);
            return order != 0 ? order : string.CompareOrdinal(Node.Registration.NodeId, other.Node.Registration.NodeId);
        }
    }
}
