using System.Collections.Concurrent;
using MeshRpc.ControlPlane;

namespace MeshRpc.Gateway.Spawn;

/// <summary>One gateway's summons by idempotency key, in its memory.</summary>
public sealed class InMemorySummonLedger(TimeProvider time) : ISummonLedger
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    // Which summon made each worker, to forget it at the worker's teardown.
    private readonly ConcurrentDictionary<string, string> _byWorker = new(StringComparer.Ordinal);

    // Keys in the order they were begun, so forgetting the stale ones costs what is forgotten, not what is kept.
    private readonly ConcurrentQueue<(string Key, Entry Entry)> _byAge = new();

    /// <inheritdoc />
    public ValueTask<SummonEntry?> BeginAsync(string key)
    {
        var now = time.GetUtcNow();
        while (_byAge.TryPeek(out var oldest) && now - oldest.Entry.Started > ISummonLedger.Kept && _byAge.TryDequeue(out oldest))
        {
            if (_entries.TryRemove(KeyValuePair.Create(oldest.Key, oldest.Entry)) && oldest.Entry.Response is { } answered)
            {
                _byWorker.TryRemove(answered.Ticket.WorkerId, out _);
            }
        }

        var fresh = new Entry(now);
        var existing = _entries.GetOrAdd(key, fresh);
        if (!ReferenceEquals(existing, fresh))
        {
            return new(new SummonEntry(existing.NodeId, existing.Response));
        }

        _byAge.Enqueue((key, fresh));
        return new((SummonEntry?)null);
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
            _byWorker[response.Ticket.WorkerId] = key;
        }

        return default;
    }

    /// <inheritdoc />
    public ValueTask ForgetAsync(string key)
    {
        _entries.TryRemove(key, out _);
        return default;
    }

    /// <inheritdoc />
    public ValueTask ForgetWorkerAsync(string workerId)
    {
        if (_byWorker.TryRemove(workerId, out var key))
        {
            _entries.TryRemove(key, out _);
        }

        return default;
    }

    private sealed class Entry(DateTimeOffset started)
    {
        public DateTimeOffset Started { get; } = started;

        public string? NodeId { get; set; }

        public SpawnEphemeralResponse? Response { get; set; }
    }
}
