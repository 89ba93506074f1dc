using System.Collections.Concurrent;
using MeshRpc.ControlPlane;

namespace MeshRpc.Gateway.Spawn;

/// <summary>One gateway's summons by idempotency key, in its memory.</summary>
public sealed class InMemorySummonLedger(TimeProvider time) : ISummonLedger
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<SummonEntry?> BeginAsync(string key)
    {
        var now = time.GetUtcNow();
        foreach (var (stale, entry) in _entries)
        {
            if (now - entry.Started > ISummonLedger.Kept)
            {
                _entries.TryRemove(stale, out _);
            }
        }

        var fresh = new Entry(now);
        var existing = _entries.GetOrAdd(key, fresh);
        return new(ReferenceEquals(existing, fresh) ? null : new SummonEntry(existing.NodeId, existing.Response));
    }

    /// <inheritdoc />
    public ValueTask<string> ClaimNodeAsync(string key, string nodeId)
    {
        var entry = _entries.GetOrAdd(key, _ => new Entry(time.GetUtcNow()));
        lock (entry)
        {
            entry.NodeId ??= nodeId;
            return new(entry.NodeId);
        }
    }

    /// <inheritdoc />
    public ValueTask CompleteAsync(string key, SpawnEphemeralResponse response)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            entry.Response = response;
        }

        return default;
    }

    /// <inheritdoc />
    public ValueTask ForgetAsync(string key)
    {
        _entries.TryRemove(key, out _);
        return default;
    }

    private sealed class Entry(DateTimeOffset started)
    {
        public DateTimeOffset Started { get; } = started;

        public string? NodeId { get; set; }

        public SpawnEphemeralResponse? Response { get; set; }
    }
}
