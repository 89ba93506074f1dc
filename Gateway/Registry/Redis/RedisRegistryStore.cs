using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using StackExchange.Redis;

namespace MeshRpc.Gateway.Registry.Redis;

/// <summary>
/// The registry's state in Redis, shared by every gateway of a swarm: a node is one hash (its state as JSON and a version
/// number) whose lease the node's heartbeats renew, so a node no agent speaks for leaves the registry by itself; a
/// placement and an ended worker are one key each, with a time to live. Every change of a node is compare-and-swap on its
/// version, in one script, so two gateways writing the same node at once (a heartbeat on one, a placement on the other)
/// never lose a change. The list of nodes that placement ranks is read again in the background every
/// <see cref="ViewPeriod"/>; every write of this gateway shows in it at once.
/// </summary>
public sealed class RedisRegistryStore : IRegistryStore, IAsyncDisposable
{
    /// <summary>How often the list of nodes is read again: how late another gateway's writes may show in it.</summary>
    public static readonly TimeSpan ViewPeriod = TimeSpan.FromMilliseconds(200);

    private const string SwapScript = """
        local current = redis.call('HGET', KEYS[1], 'v')
        if (current or '0') ~= ARGV[1] then return 0 end
        redis.call('HSET', KEYS[1], 'v', ARGV[2], 's', ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        redis.call('SADD', KEYS[2], ARGV[5])
        return 1
        """;

    // Every node's version and state in one round trip; drops from the index the nodes whose lease ran out. (Keys built in
    // the script: one Redis server or a primary with replicas, not Redis Cluster; docs/scaling.md.)
    private const string ReadAllScript = """
        local out = {}
        for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
          local fields = redis.call('HMGET', ARGV[1] .. id, 'v', 's')
          if fields[1] then
            out[#out + 1] = id
            out[#out + 1] = fields[1]
            out[#out + 1] = fields[2]
          else
            redis.call('SREM', KEYS[1], id)
          end
        end
        return out
        """;

    // A placement is settled by the node's next reports within seconds; the time to live only cleans up after a gateway
    // that died between placing a worker and seeing it reported.
    private static readonly TimeSpan PlacementKept = TimeSpan.FromMinutes(10);

    private readonly IDatabase _redis;
    private readonly RedisKeys _keys;
    private readonly TimeSpan _lease;
    private readonly TimeProvider _time;

    // The version each state instance was read or written at: what a compare-and-swap compares.
    private readonly ConditionalWeakTable<NodeState, StrongBox<long>> _versions = [];
    private readonly ConcurrentDictionary<string, NodeState> _view = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _refreshing;

    /// <summary>Creates the store; a node's key lives for <paramref name="lease"/> after its last change.</summary>
    public RedisRegistryStore(IConnectionMultiplexer redis, RedisKeys keys, TimeSpan lease, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis.GetDatabase();
        _keys = keys;
        _lease = lease;
        _time = time;
        _refreshing = RedisLoop.RunAsync(ViewPeriod, time, RefreshAsync, _stopping.Token);
    }

    /// <inheritdoc />
    public IReadOnlyCollection<NodeState> Nodes => (IReadOnlyCollection<NodeState>)_view.Values;

    /// <inheritdoc />
    public async ValueTask<NodeState?> FindAsync(string nodeId)
    {
        var fields = await _redis.HashGetAsync(_keys.Node(nodeId), ["v", "s"]);
        var state = Read(nodeId, fields[0], fields[1]);
        if (state is null)
        {
            _view.TryRemove(nodeId, out _);
        }
        else
        {
            _view[nodeId] = state;
        }

        return state;
    }

    /// <inheritdoc />
    public ValueTask<bool> TryAddAsync(NodeState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return SwapAsync(0, state);
    }

    /// <inheritdoc />
    public ValueTask<bool> TryReplaceAsync(NodeState expected, NodeState replacement)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(replacement);

        // A state this store did not read has no version to compare: the caller must read the node again.
        return _versions.TryGetValue(expected, out var version) ? SwapAsync(version.Value, replacement) : new(false);
    }

    /// <inheritdoc />
    public async ValueTask<Placement?> FindPlacementAsync(string workerId) =>
        await _redis.StringGetAsync(_keys.Placement(workerId)) is { HasValue: true } json
            ? JsonSerializer.Deserialize((byte[])json!, RegistryJsonContext.Default.Placement)
            : null;

    /// <inheritdoc />
    public async ValueTask AddPlacementAsync(Placement placement)
    {
        ArgumentNullException.ThrowIfNull(placement);
        await _redis.StringSetAsync(_keys.Placement(placement.Worker.WorkerId), JsonSerializer.SerializeToUtf8Bytes(placement, RegistryJsonContext.Default.Placement), PlacementKept);
    }

    /// <inheritdoc />
    public async ValueTask RemovePlacementAsync(string workerId) => await _redis.KeyDeleteAsync(_keys.Placement(workerId));

    /// <inheritdoc />
    public async ValueTask RememberEndedAsync(EndedWorker ended)
    {
        ArgumentNullException.ThrowIfNull(ended);
        var keep = ended.Until - ended.At;
        if (keep > TimeSpan.Zero)
        {
            await _redis.StringSetAsync(_keys.Ended(ended.Worker.WorkerId), JsonSerializer.SerializeToUtf8Bytes(ended, RegistryJsonContext.Default.EndedWorker), keep);
        }
    }

    /// <inheritdoc />
    public async ValueTask<EndedWorker?> FindEndedAsync(string workerId) =>
        await _redis.StringGetAsync(_keys.Ended(workerId)) is { HasValue: true } json
            ? JsonSerializer.Deserialize((byte[])json!, RegistryJsonContext.Default.EndedWorker)
            : null;

    /// <summary>Reads every node now, as the background loop does every <see cref="ViewPeriod"/>.</summary>
    public async Task RefreshAsync()
    {
        var all = (RedisResult[])(await _redis.ScriptEvaluateAsync(ReadAllScript, [_keys.NodeIndex], [_keys.NodePrefix]))!;
        var present = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i + 2 < all.Length; i += 3)
        {
            var id = (string)all[i]!;
            present.Add(id);
            _view[id] = Read(id, (RedisValue)all[i + 1], (RedisValue)all[i + 2])!;
        }

        foreach (var id in _view.Keys.Where(id => !present.Contains(id)))
        {
            _view.TryRemove(id, out _);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _refreshing;
        _stopping.Dispose();
    }

    private async ValueTask<bool> SwapAsync(long expectedVersion, NodeState replacement)
    {
        var nodeId = replacement.Registration.NodeId;
        var swapped = (long)await _redis.ScriptEvaluateAsync(SwapScript, [_keys.Node(nodeId), _keys.NodeIndex],
        [
            expectedVersion, expectedVersion + 1, JsonSerializer.SerializeToUtf8Bytes(replacement, RegistryJsonContext.Default.NodeState),
            (long)_lease.TotalMilliseconds, nodeId,
        ]) == 1;
        if (swapped)
        {
            _versions.AddOrUpdate(replacement, new StrongBox<long>(expectedVersion + 1));
            _view[nodeId] = replacement;
        }

        return swapped;
    }

    private NodeState? Read(string nodeId, RedisValue version, RedisValue json)
    {
        if (!version.HasValue || !json.HasValue)
        {
            return null;
        }

        var state = JsonSerializer.Deserialize((byte[])json!, RegistryJsonContext.Default.NodeState)
            ?? throw new InvalidDataException($"Node {nodeId}'s state in Redis is empty.");
        _versions.AddOrUpdate(state, new StrongBox<long>((long)version));
        return state;
    }
}
