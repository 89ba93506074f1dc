namespace MeshRpc.NodeAgent.Forge;

/// <summary>
/// How many idle hosts a warm pool should hold, and which gem its next host should be primed with: decisions only,
/// from what the pool knows (see <see cref="WarmPool"/>), so that they can be tested without processes.
/// </summary>
public static class PoolSizing
{
    /// <summary>
    /// The idle hosts to hold: the recent <paramref name="burst"/> between the floor and the ceiling, never more than
    /// the node's free slots, and not growing past the floor or the present <paramref name="idle"/> count while
    /// <paramref name="availableMemory"/> (null: unknown; asked only when the pool would grow) is below one worker's
    /// memory limit.
    /// </summary>
    public static int Target(int floor, int ceiling, int burst, int freeSlots, int idle, Func<long?> availableMemory, long workerMemory)
    {
        ArgumentNullException.ThrowIfNull(availableMemory);
        var wanted = Math.Max(floor, Math.Min(ceiling, burst));
        if (wanted > Math.Max(floor, idle) && availableMemory() < workerMemory)
        {
            // Growing further could leave a worker without the memory its limit promises.
            wanted = Math.Max(floor, idle);
        }

        return Math.Max(0, Math.Min(wanted, freeSlots));
    }

    /// <summary>
    /// The gem (digest) to prime the next host with, null for none: the one whose recent burst the idle hosts primed
    /// with it fall furthest short of (for source compiled for its summon, an unprimed host), else the one most asked for.
    /// </summary>
    /// <param name="demand">The summons the pool has seen.</param>
    /// <param name="idlePrimedWith">The gem each idle host is primed with (null: none).</param>
    /// <param name="now">The present.</param>
    public static string? PrimeFor(PoolDemand demand, IReadOnlyList<string?> idlePrimedWith, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(demand);
        ArgumentNullException.ThrowIfNull(idlePrimedWith);
        var gems = demand.Gems(now);
        return gems
            .Select(gem => (Gem: gem, Short: demand.BurstOf(gem, now) - idlePrimedWith.Count(primed => primed == gem)))
            .Where(g => g.Short > 0)
            .OrderByDescending(g => g.Short)
            .Select(g => g.Gem)
            .FirstOrDefault(gems.Count > 0 ? gems[0] : null);
    }
}
