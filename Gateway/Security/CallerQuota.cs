using System.Collections.Concurrent;
using MeshRpc.Gateway.Configuration;
using MeshRpc.Gateway.Registry;

namespace MeshRpc.Gateway.Security;

/// <summary>
/// How many workers one caller may hold at once: its live workers, as their nodes report them, plus its summons in
/// flight. A summon enters before it is placed and leaves when it has a worker or has failed.
/// </summary>
public sealed class CallerQuota
{
    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly NodeRegistry _registry;
    private readonly int _max;

    /// <summary>Creates the quota.</summary>
    public CallerQuota(NodeRegistry registry, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _registry = registry;
        _max = options.MaxWorkersPerCaller;
    }

    /// <summary>The quota's size.</summary>
    public int Max => _max;

    /// <summary>Enters one summon for <paramref name="owner"/>; null when the caller is at its quota. Dispose the lease when the summon ends.</summary>
    public IDisposable? TryEnter(string owner)
    {
        var inFlight = _inFlight.AddOrUpdate(owner, 1, (_, n) => n + 1);
        var live = _registry.LiveWorkersOf(owner);
        var lease = new Lease(this, owner);
        if (live + inFlight > _max)
        {
            lease.Dispose();
            return null;
        }

        return lease;
    }

    private sealed class Lease(CallerQuota quota, string owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                quota._inFlight.AddOrUpdate(owner, 0, (_, n) => n - 1);
            }
        }
    }
}
