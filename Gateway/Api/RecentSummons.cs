using MeshRpc.ControlPlane;

namespace MeshRpc.Gateway.Api;

/// <summary>The latest summons this gateway made, for the dashboard: a fixed number, newest first.</summary>
public sealed class RecentSummons
{
    private const int Kept = 50;
    private readonly LinkedList<RecentSummon> _summons = new();
    private readonly Lock _gate = new();

    /// <summary>Records a summon that made a worker.</summary>
    public void Add(RecentSummon summon)
    {
        lock (_gate)
        {
            _summons.AddFirst(summon);
            if (_summons.Count > Kept)
            {
                _summons.RemoveLast();
            }
        }
    }

    /// <summary>The kept summons, newest first.</summary>
    public IReadOnlyList<RecentSummon> List()
    {
        lock (_gate)
        {
            return [.. _summons];
        }
    }
}
