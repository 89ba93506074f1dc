namespace MeshRpc.NodeAgent.Forge;

/// <summary>
/// The summons a node's warm pool has seen lately, and how many idle hosts they call for: as many as the largest burst
/// of summons within <see cref="Window"/> over the last <see cref="Memory"/>. A pool sized so meets a burst like the
/// last one from idle hosts, and shrinks once bursts stop coming.
/// </summary>
/// <remarks>
/// A burst, not an average rate: summons come in waves (a fan-out of fifty workers at once), and a rate averaged over
/// a minute would size the pool for the trickle between them. Not thread-safe: the pool calls it under its lock.
/// </remarks>
public sealed class PoolDemand
{
    /// <summary>How close together summons count as one burst: a loaded node may take one burst's summons in over seconds.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    private readonly Queue<Summon> _seen = new();

    /// <summary>Creates an empty record that forgets a summon <paramref name="memory"/> after it came.</summary>
    public PoolDemand(TimeSpan memory)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(memory, Window);
        Memory = memory;
    }

    /// <summary>How long a summon counts.</summary>
    public TimeSpan Memory { get; }

    /// <summary>Records a summon that asked the pool for a host, whether or not it got one.</summary>
    /// <param name="gem">The gem's digest; null for a gem compiled for its summon, which wants an unprimed host.</param>
    /// <param name="now">When it came.</param>
    public void Record(string? gem, DateTimeOffset now) => _seen.Enqueue(new Summon(gem, now));

    /// <summary>The largest number of summons within any <see cref="Window"/> in the last <see cref="Memory"/>.</summary>
    public int Burst(DateTimeOffset now) => Burst(now, static _ => true);

    /// <summary>The same, counting only summons of <paramref name="gem"/> (null: gems compiled for their summons).</summary>
    public int BurstOf(string? gem, DateTimeOffset now) => Burst(now, summon => summon.Gem == gem);

    /// <summary>The gems (null for those compiled for their summons) seen in the last <see cref="Memory"/>, most demanded first.</summary>
    public IReadOnlyList<string?> Gems(DateTimeOffset now)
    {
        Forget(now);
        return [.. _seen.Select(s => s.Gem).Distinct().OrderByDescending(gem => BurstOf(gem, now)).ThenBy(gem => gem, StringComparer.Ordinal)];
    }

    private int Burst(DateTimeOffset now, Func<Summon, bool> counts)
    {
        Forget(now);

        // The queue is in arrival order: slide a window over it and keep the fullest.
        var times = _seen.Where(counts).Select(s => s.At).ToList();
        var largest = 0;
        var first = 0;
        for (var last = 0; last < times.Count; last++)
        {
            while (times[last] - times[first] >= Window)
            {
                first++;
            }

            largest = Math.Max(largest, last - first + 1);
        }

        return largest;
    }

    private void Forget(DateTimeOffset now)
    {
        while (_seen.TryPeek(out var oldest) && now - oldest.At > Memory)
        {
            _seen.Dequeue();
        }
    }

    private readonly record struct Summon(string? Gem, DateTimeOffset At);
}
