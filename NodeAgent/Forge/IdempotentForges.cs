using System.Collections.Concurrent;
using MeshRpc.ControlPlane;

namespace MeshRpc.NodeAgent.Forge;

/// <summary>
/// Forges by idempotency key: a forge sent again with a key this node saw in the last ten minutes (a summon retried
/// through another gateway after the first one died) gets the worker the first forge made, waiting for it if it is
/// still under way; only if the first failed (its gateway gone mid-forge, say) does it forge afresh. One key, one worker.
/// </summary>
public sealed class IdempotentForges(TimeProvider time)
{
    private static readonly TimeSpan Kept = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, Entry> _byKey = new(StringComparer.Ordinal);

    // Keys in the order they were first forged, so forgetting the old ones costs what is forgotten, not what is kept.
    private readonly ConcurrentQueue<(string Key, Entry Entry)> _byAge = new();

    /// <summary>The forge under <paramref name="key"/>: the one already made or under way, else <paramref name="forge"/> now.</summary>
    public async Task<ForgeResponse> RunAsync(string key, Func<Task<ForgeResponse>> forge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(forge);
        while (true)
        {
            Prune();
            var mine = new TaskCompletionSource<ForgeResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
            var entry = _byKey.GetOrAdd(key, new Entry(mine.Task, time.GetUtcNow()));
            if (entry.Forge == mine.Task)
            {
                _byAge.Enqueue((key, entry));
            }
            else
            {
                try
                {
                    return await entry.Forge.WaitAsync(cancellationToken);
                }
                catch (Exception) when (entry.Forge.IsFaulted || entry.Forge.IsCanceled)
                {
                    // The earlier forge failed, and told its own caller why: this one forges afresh.
                    _byKey.TryRemove(KeyValuePair.Create(key, entry));
                    continue;
                }
            }

            try
            {
                var forged = await forge();
                mine.SetResult(forged);
                return forged;
            }
            catch (Exception ex)
            {
                _byKey.TryRemove(KeyValuePair.Create(key, entry));
                mine.SetException(ex);

                // Waiters saw it; with none, it is this caller's to report, not an unobserved task's.
                _ = mine.Task.Exception;
                throw;
            }
        }
    }

    private void Prune()
    {
        var now = time.GetUtcNow();
        while (_byAge.TryPeek(out var oldest) && now - oldest.Entry.At > Kept && _byAge.TryDequeue(out oldest))
        {
            _byKey.TryRemove(KeyValuePair.Create(oldest.Key, oldest.Entry));
        }
    }

    private sealed record Entry(Task<ForgeResponse> Forge, DateTimeOffset At);
}
