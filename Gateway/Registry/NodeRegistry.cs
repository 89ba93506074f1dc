using System.Collections.Concurrent;
using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Configuration;

namespace MeshRpc.Gateway.Registry;

/// <summary>A registered node and what it last reported.</summary>
public sealed record NodeState(NodeRegistration Registration, DateTimeOffset LastHeartbeat, IReadOnlyList<WorkerReport> Workers, int Pending)
{
    private readonly IReadOnlyList<WorkerReport> _workers = Workers;

    // Counted once per report, so a summon's quota check reads one number per node instead of every worker in the swarm.
    private readonly Dictionary<string, int> _owners = CountOwners(Workers);

    /// <summary>The node's live workers as it last reported them, with those the gateway placed since.</summary>
    public IReadOnlyList<WorkerReport> Workers
    {
        get => _workers;
        init
        {
            _workers = value;
            _owners = CountOwners(value);
        }
    }

    /// <summary>The node's idle pooled hosts as it last reported them.</summary>
    public IReadOnlyList<WarmHosts> WarmHosts { get; init; } = [];

    /// <summary>
    /// The node's worker list as it last reported it (null until it sends one whole after registering): its next
    /// heartbeat may send only what changed since.
    /// </summary>
    public IReadOnlyList<WorkerReport>? Listed { get; init; }

    /// <summary>The number the node gave <see cref="Listed"/>.</summary>
    public long ListVersion { get; init; }

    /// <summary>How many of the node's workers <paramref name="owner"/> holds.</summary>
    public int WorkersOf(string owner) => _owners.GetValueOrDefault(owner);

    private static Dictionary<string, int> CountOwners(IReadOnlyList<WorkerReport> workers)
    {
        var owners = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var worker in workers)
        {
            if (worker.Owner is { } owner)
            {
                owners[owner] = owners.GetValueOrDefault(owner) + 1;
            }
        }

        return owners;
    }
}

/// <summary>What a heartbeat did.</summary>
public enum HeartbeatResult
{
    /// <summary>The node is not registered and must register (again).</summary>
    UnknownNode,

    /// <summary>Recorded; the node was live before it.</summary>
    Recorded,

    /// <summary>Recorded; the node was not live before it (its first heartbeat, or its first after it was taken for dead).</summary>
    CameAlive,

    /// <summary>Not recorded: it named as its base a worker list the registry does not hold; the node must send its list whole.</summary>
    ListNeeded,
}

/// <summary>
/// The service registry: which nodes are alive and which workers run on them. Rebuilt from the agents' own reports,
/// so a restarted gateway learns the swarm again within one heartbeat.
/// </summary>
public sealed class NodeRegistry
{
    private static readonly DateTimeOffset NotYetHeartbeated = DateTimeOffset.MinValue;

    private readonly ConcurrentDictionary<string, NodeState> _nodes = new(StringComparer.Ordinal);

    // Where the gateway itself placed workers: a heartbeat listed before a forge finished does not hold the new worker
    // yet, and must not make it vanish from the registry (where teardown and quotas look for it). A placement ends when
    // a heartbeat listed after its forge (by the agent's count of forged workers) leaves the worker out.
    private readonly ConcurrentDictionary<string, Placement> _placements = new(StringComparer.Ordinal);

    // For an agent whose count cannot say (it restarted and counts from zero again): how long a placement waits.
    private static readonly TimeSpan UncountedGrace = TimeSpan.FromSeconds(60);

    // Workers that left their node's list, with the node and owner: a node keeps what a worker printed for a while after
    // it ends (omega_spool), and its owner reads it through here, crash included. Bounded in age and in number.
    private static readonly TimeSpan EndedMemory = TimeSpan.FromHours(1);
    private const int MaxEnded = 100_000;
    private readonly ConcurrentDictionary<string, EndedWorker> _ended = new(StringComparer.Ordinal);
    private readonly GatewayOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the registry.</summary>
    public NodeRegistry(GatewayOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
    }

    /// <summary>
    /// Registers a node, or registers it again (after a gateway or agent restart); false when the id is live under
    /// another agent (another certificate): a node takes over no other node's id while that node is alive. The node
    /// gets work from its first heartbeat on, which it sends with the credential from the registration's reply: only
    /// then does it also know the gateway's certificate, without which it would refuse the gateway's forge requests.
    /// </summary>
    public bool TryRegister(NodeRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        while (true)
        {
            if (!_nodes.TryGetValue(registration.NodeId, out var existing))
            {
                if (_nodes.TryAdd(registration.NodeId, new NodeState(registration, NotYetHeartbeated, [], 0)))
                {
                    return true;
                }

                continue;
            }

            if (IsLive(existing) && existing.Registration.AgentCertificateSha256 != registration.AgentCertificateSha256)
            {
                return false;
            }

            if (_nodes.TryUpdate(registration.NodeId, existing with { Registration = registration, LastHeartbeat = NotYetHeartbeated, Listed = null }, existing))
            {
                return true;
            }
        }
    }

    /// <summary>Records a heartbeat.</summary>
    public HeartbeatResult Heartbeat(string nodeId, NodeHeartbeat heartbeat)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        while (_nodes.TryGetValue(nodeId, out var state))
        {
            if (Reported(state, heartbeat) is not { } reported)
            {
                return HeartbeatResult.ListNeeded;
            }

            var now = _time.GetUtcNow();

            // The registry already holds exactly this list (an unchanged node's heartbeat, nothing placed since): no
            // placement to reconcile, nothing to count again.
            var next = ReferenceEquals(reported, state.Workers)
                ? state with { LastHeartbeat = now, WarmHosts = heartbeat.WarmHosts }
                : state with
                {
                    LastHeartbeat = now,
                    Workers = Reconcile(state, reported, heartbeat, now),
                    WarmHosts = heartbeat.WarmHosts,
                    Listed = reported,
                    ListVersion = heartbeat.ListVersion,
                };
            if (_nodes.TryUpdate(nodeId, next, state))
            {
                return IsLive(state) ? HeartbeatResult.Recorded : HeartbeatResult.CameAlive;
            }
        }

        return HeartbeatResult.UnknownNode;
    }

    /// <summary>Whether a node's heartbeat is recent enough to give it work.</summary>
    public bool IsLive(NodeState node) => _time.GetUtcNow() - node.LastHeartbeat <= _options.NodeDeadAfter;

    /// <summary>How many workers <paramref name="owner"/> holds on live nodes, as the nodes last reported them.</summary>
    public int LiveWorkersOf(string owner)
    {
        var count = 0;
        foreach (var (_, node) in _nodes)
        {
            count += IsLive(node) ? node.WorkersOf(owner) : 0;
        }

        return count;
    }

    /// <summary>The live nodes, in no order.</summary>
    public List<NodeState> LiveNodes()
    {
        var live = new List<NodeState>(_nodes.Count);
        foreach (var (_, node) in _nodes)
        {
            if (IsLive(node))
            {
                live.Add(node);
            }
        }

        return live;
    }

    /// <summary>How many nodes are registered, live or dead.</summary>
    public int Count => _nodes.Count;

    /// <summary>The workers of every live node, as the nodes last reported them.</summary>
    public IEnumerable<WorkerReport> LiveWorkers => Nodes.Where(IsLive).SelectMany(n => n.Workers);

    /// <summary>Every node, live or dead.</summary>
    public IReadOnlyList<NodeState> Nodes => [.. _nodes.Values.OrderBy(n => n.Registration.NodeId, StringComparer.Ordinal)];

    /// <summary>The node with this id, if registered.</summary>
    public NodeState? Find(string nodeId) => _nodes.GetValueOrDefault(nodeId);

    /// <summary>Reserves a slot on a node for a summon in flight; false when the node is full.</summary>
    public bool TryReserve(string nodeId)
    {
        while (_nodes.TryGetValue(nodeId, out var state))
        {
            if (state.Workers.Count + state.Pending >= state.Registration.Slots)
            {
                return false;
            }

            if (_nodes.TryUpdate(nodeId, state with { Pending = state.Pending + 1 }, state))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Ends a reservation; a forged worker then counts through the node's reports. <paramref name="added"/> is the
    /// worker's number in the agent's count of forged workers (<see cref="ForgeResponse.Added"/>), and
    /// <paramref name="warmHosts"/> the node's idle pooled hosts as its forge reply gave them, fresher than its last heartbeat's.
    /// </summary>
    public void Release(string nodeId, WorkerReport? forged, long added = 0, IReadOnlyList<WarmHosts>? warmHosts = null)
    {
        if (forged is not null)
        {
            _placements[forged.WorkerId] = new Placement(nodeId, forged, added, _time.GetUtcNow());
        }

        while (_nodes.TryGetValue(nodeId, out var state))
        {
            // The node's own report may already list the worker: a heartbeat can overtake the forge's reply.
            var released = state with { Pending = Math.Max(0, state.Pending - 1), WarmHosts = warmHosts ?? state.WarmHosts };
            if (forged is not null && !state.Workers.Any(w => w.WorkerId == forged.WorkerId))
            {
                released = released with { Workers = [.. state.Workers, forged] };
            }

            if (_nodes.TryUpdate(nodeId, released, state))
            {
                return;
            }
        }
    }

    /// <summary>Forgets a torn-down worker until the node's next report.</summary>
    public void RemoveWorker(string nodeId, string workerId)
    {
        _placements.TryRemove(workerId, out _);
        while (_nodes.TryGetValue(nodeId, out var state))
        {
            if (_nodes.TryUpdate(nodeId, state with { Workers = [.. state.Workers.Where(w => w.WorkerId != workerId)] }, state))
            {
                if (state.Workers.FirstOrDefault(w => w.WorkerId == workerId) is { } removed)
                {
                    RememberEnded(nodeId, removed, _time.GetUtcNow());
                }

                return;
            }
        }
    }

    /// <summary>A worker that ended within the last hour, with the node it ran on, while that node is registered; null otherwise.</summary>
    public (NodeState Node, WorkerReport Worker)? FindEnded(string workerId) =>
        _ended.TryGetValue(workerId, out var ended) && _time.GetUtcNow() - ended.At <= EndedMemory && Find(ended.NodeId) is { } node
            ? (node, ended.Worker)
            : null;

    /// <summary>The node a worker runs on: where the gateway placed it, else where a node reports it (after a gateway restart).</summary>
    public NodeState? NodeOf(string workerId) =>
        _placements.TryGetValue(workerId, out var placement) && Find(placement.NodeId) is { } placed
            ? placed
            : _nodes.Values.FirstOrDefault(n => n.Workers.Any(w => w.WorkerId == workerId));

    // The workers a heartbeat reports: its whole list, or the list it names with its changes; null when the registry
    // does not hold the list it names.
    private static IReadOnlyList<WorkerReport>? Reported(NodeState state, NodeHeartbeat heartbeat)
    {
        if (heartbeat.Workers is { } whole)
        {
            return whole;
        }

        if (state.Listed is not { } listed || state.ListVersion != (heartbeat.BaseVersion ?? heartbeat.ListVersion))
        {
            return null;
        }

        if (heartbeat.Started is not { Count: > 0 } && heartbeat.Ended is not { Count: > 0 })
        {
            return listed;
        }

        var ended = (heartbeat.Ended ?? []).ToHashSet(StringComparer.Ordinal);
        return [.. listed.Where(w => !ended.Contains(w.WorkerId)), .. heartbeat.Started ?? []];
    }

    // The reported workers, with the workers the gateway placed that the report could not hold yet.
    private IReadOnlyList<WorkerReport> Reconcile(NodeState state, IReadOnlyList<WorkerReport> reported, NodeHeartbeat heartbeat, DateTimeOffset now)
    {
        var listed = new HashSet<string>(reported.Count, StringComparer.Ordinal);
        foreach (var worker in reported)
        {
            listed.Add(worker.WorkerId);
        }

        // Only a worker the node's last state held can have a placement here (a placement adds its worker to the
        // state): looking there costs what the node reports, not what the whole swarm holds.
        List<WorkerReport>? placedSinceSnapshot = null;
        foreach (var worker in state.Workers)
        {
            if (listed.Contains(worker.WorkerId))
            {
                continue;
            }

            if (!_placements.TryGetValue(worker.WorkerId, out var placement))
            {
                RememberEnded(state.Registration.NodeId, worker, now);
                continue;
            }

            if (Ended(placement, heartbeat, now))
            {
                // The list could have held it, or has had time enough to: it ended on its own.
                _placements.TryRemove(new KeyValuePair<string, Placement>(worker.WorkerId, placement));
                RememberEnded(state.Registration.NodeId, worker, now);
            }
            else
            {
                (placedSinceSnapshot ??= []).Add(placement.Worker);
            }
        }

        return placedSinceSnapshot is null ? reported : [.. reported, .. placedSinceSnapshot];
    }

    // A heartbeat that counted the placement's forge and does not list the worker says it ended; without counts, time does.
    private static bool Ended(Placement placement, NodeHeartbeat heartbeat, DateTimeOffset now) =>
        (placement.Added > 0 && heartbeat.Added >= placement.Added) || now - placement.At >= UncountedGrace;

    private void RememberEnded(string nodeId, WorkerReport worker, DateTimeOffset now)
    {
        _ended[worker.WorkerId] = new EndedWorker(nodeId, worker, now);
        if (_ended.Count <= MaxEnded)
        {
            return;
        }

        // Rare: forget what is too old, then, if a burst of endings still fills the memory, the oldest quarter.
        foreach (var (id, ended) in _ended)
        {
            if (now - ended.At > EndedMemory)
            {
                _ended.TryRemove(id, out _);
            }
        }

        foreach (var (id, _) in _ended.OrderBy(e => e.Value.At).Take(_ended.Count - (MaxEnded * 3 / 4)).ToList())
        {
            _ended.TryRemove(id, out _);
        }
    }

    private sealed record Placement(string NodeId, WorkerReport Worker, long Added, DateTimeOffset At);

    private sealed record EndedWorker(string NodeId, WorkerReport Worker, DateTimeOffset At);
}
