using System.Collections.Concurrent;

namespace MeshRpc.Gateway.Registry;

/// <summary>The registry's state in this gateway's memory: the default, for one gateway; rebuilt from the agents' reports after a restart.</summary>
public sealed class InMemoryRegistryStore(TimeProvider time) : IRegistryStore
{
    // Bounded in number as well as in age (EndedWorker.Until): a burst of endings must not grow the gateway without end.
    private const int MaxEnded = 100_000;

    private readonly ConcurrentDictionary<string, NodeState> _nodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Placement> _placements = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, EndedWorker> _ended = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<NodeState?> FindAsync(string nodeId) => new(_nodes.GetValueOrDefault(nodeId));

    /// <inheritdoc />
    public IReadOnlyCollection<NodeState> Nodes => new NodeView(_nodes);

    /// <inheritdoc />
    public ValueTask<bool> TryAddAsync(NodeState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new(_nodes.TryAdd(state.Registration.NodeId, state));
    }

    /// <inheritdoc />
    public ValueTask<bool> TryReplaceAsync(NodeState expected, NodeState replacement)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(replacement);
        return new(_nodes.TryUpdate(expected.Registration.NodeId, replacement, expected));
    }

    /// <inheritdoc />
    public ValueTask<Placement?> FindPlacementAsync(string workerId) => new(_placements.GetValueOrDefault(workerId));

    /// <inheritdoc />
    public ValueTask AddPlacementAsync(Placement placement)
    {
        ArgumentNullException.ThrowIfNull(placement);
        _placements[placement.Worker.WorkerId] = placement;
        return default;
    }

    /// <inheritdoc />
    public ValueTask RemovePlacementAsync(string workerId)
    {
        _placements.TryRemove(workerId, out _);
        return default;
    }

    /// <inheritdoc />
    public ValueTask<EndedWorker?> FindEndedAsync(string workerId) => new(_ended.GetValueOrDefault(workerId));

    /// <inheritdoc />
    public ValueTask RememberEndedAsync(EndedWorker ended)
    {
        ArgumentNullException.ThrowIfNull(ended);
        _ended[ended.Worker.WorkerId] = ended;
        if (_ended.Count > MaxEnded)
        {
            Forget();
        }

        return default;
    }

    private void Forget()
    {
        // Rare: forget what is too old, then, if a burst of endings still fills the memory, the oldest quarter.
        var now = time.GetUtcNow();
        foreach (var (id, old) in _ended)
        {
            if (now > old.Until)
            {
                _ended.TryRemove(id, out _);
            }
        }

        foreach (var (id, _) in _ended.OrderBy(e => e.Value.At).Take(_ended.Count - (MaxEnded * 3 / 4)).ToList())
        {
            _ended.TryRemove(id, out _);
        }
    }

    // Enumerates the dictionary itself, which takes no lock (its Values property would take all of them, and copy).
    private sealed class NodeView(ConcurrentDictionary<string, NodeState> nodes) : IReadOnlyCollection<NodeState>
    {
        public int Count => nodes.Count;

        public IEnumerator<NodeState> GetEnumerator()
        {
            foreach (var (_, node) in nodes)
            {
                yield return node;
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
