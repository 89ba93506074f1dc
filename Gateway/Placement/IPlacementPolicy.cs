using MeshRpc.Gateway.Registry;

namespace MeshRpc.Gateway.Placement;

/// <summary>Chooses where a worker runs.</summary>
public interface IPlacementPolicy
{
    /// <summary>Orders the live nodes by preference for a summon of <paramref name="gemDigest"/> (null: source); the summon takes the first that still has a free slot.</summary>
    IEnumerable<NodeState> Rank(IReadOnlyList<NodeState> liveNodes, string? gemDigest);
}
