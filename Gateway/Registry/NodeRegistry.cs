using System.Runtime.InteropServices;
using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Configuration;

namespace MeshRpc.Gateway.Registry;

/// <summary>A registered node and what it last reported.</summary>
public sealed record NodeState(NodeRegistration Registration, DateTimeOffset LastHeartbeat, IReadOnlyList<WorkerReport> Workers)
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

    /// <summary>
    /// Slots reserved for summons being forged, each until when it holds, earliest first. A reservation ends with its
    /// forge, or lapses: a gateway that died mid-forge leaves none behind for long.
    /// </summary>
    public IReadOnlyList<DateTimeOffset> Reservations { get; init; } = [];

    /// <summary>How many slots summons being forged hold.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int Pending => Reservations.Count;

    /// <summary>How many of the node's workers <paramref name="owner"/> holds.</summary>
    public int WorkersOf(string owner) => _owners.GetValueOrDefault(owner);

    private static Dictionary<string, int> CountOwners(IReadOnlyList<WorkerReport> workers)
    {
        // Sized for a worker per owner, the most there can be: the count never grows the table, one lookup per worker.
        var owners = new Dictionary<string, int>(workers.Count, StringComparer.Ordinal);
        foreach (var worker in workers)
        {
            if (worker.Owner is { } owner)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(owners, owner, out _)++;
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

    // For an agent whose count cannot say (it restarted and counts from zero again): how long a placement waits.
    private static readonly TimeSpan UncountedGrace = TimeSpan.FromSeconds(60);

    // How long a slot stays reserved for a forge: far longer than a forge takes, short enough that what a gateway that
    // died mid-forge reserved frees soon. A forge that outlasts it loses only its place in this count: the node itself
    // admits no forge past its slots.
    private static readonly TimeSpan ReservationLifetime = TimeSpan.FromSeconds(15);

    private readonly IRegistryStore _store;
    private readonly GatewayOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates a registry over a store of its own in this process: one gateway's.</summary>
    public NodeRegistry(GatewayOptions options, TimeProvider time)
        : this(options, time, new InMemoryRegistryStore(time))
    {
    }

    /// <summary>Creates the registry over <paramref name="store"/>, which several gateways may share.</summary>
    public NodeRegistry(GatewayOptions options, TimeProvider time, IRegistryStore store)
    {
        _options = options;
        _time = time;
        _store = store;
    }

    /// <summary>
    /// How long a worker that ended is remembered with its node and owner when its node does not say how long it keeps
    /// the worker's output (an older agent): a node keeps what a worker printed for a while after it ends (omega_spool),
    /// and its owner reads it through here, crash included. A node that says (<see cref="NodeRegistration.SpoolKeepSeconds"/>)
    /// has its ended workers remembered exactly that long, and none at all when it keeps no output.
    /// </summary>
    public static TimeSpan EndedMemory { get; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Registers a node, or registers it again (after a gateway or agent restart); false when the id is live under
    /// another agent (another certificate): a node takes over no other node's id while that node is alive. The node
    /// gets work from its first heartbeat on, which it sends with the credential from the registration's reply: only
    /// then does it also know the gateway's certificate, without which it would refuse the gateway's forge requests.
    /// </summary>
    public async ValueTask<bool> TryRegisterAsync(NodeRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        while (true)
        {
            if (await _store.FindAsync(registration.NodeId) is not { } existing)
            {
                if (await _store.TryAddAsync(new NodeState(registration, NotYetHeartbeated, [])))
                {
                    return true;
                }

                continue;
            }

            if (IsLive(existing) && existing.Registration.AgentCertificateSha256 != registration.AgentCertificateSha256)
            {
                return false;
            }

            // Another certificate is another agent run: its predecessor's workers died with it, or it reaped them on start,
            // and their placements' counts mean nothing to the new one. The same agent (moving between gateways) keeps them.
            var restarted = existing.Registration.AgentCertificateSha256 != registration.AgentCertificateSha256;
            var replacement = existing with { Registration = registration, LastHeartbeat = NotYetHeartbeated, Listed = null, Workers = restarted ? [] : existing.Workers };
            if (await _store.TryReplaceAsync(existing, replacement))
            {
                return true;
            }
        }
    }

    /// <summary>Records a heartbeat.</summary>
    public async ValueTask<HeartbeatResult> HeartbeatAsync(string nodeId, NodeHeartbeat heartbeat)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        while (await _store.FindAsync(nodeId) is { } state)
        {
            if (Reported(state, heartbeat) is not { } reported)
            {
                return HeartbeatResult.ListNeeded;
            }

            var now = _time.GetUtcNow();

            // The registry already holds exactly this list (an unchanged node's heartbeat, nothing placed since): no
            // placement to reconcile, nothing to count again.
            var next = ReferenceEquals(reported, state.Workers)
                ? Lapsed(state, now) with { LastHeartbeat = now, WarmHosts = heartbeat.WarmHosts }
                : Lapsed(state, now) with
                {
                    LastHeartbeat = now,
                    Workers = await ReconcileAsync(state, reported, heartbeat, now),
                    WarmHosts = heartbeat.WarmHosts,
                    Listed = reported,
                    ListVersion = heartbeat.ListVersion,
                };
            if (await _store.TryReplaceAsync(state, next))
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
        foreach (var node in _store.Nodes)
        {
            count += IsLive(node) ? node.WorkersOf(owner) : 0;
        }

        return count;
    }

    /// <summary>The live nodes, in no order.</summary>
    public List<NodeState> LiveNodes()
    {
        var nodes = _store.Nodes;
        var live = new List<NodeState>(nodes.Count);
        foreach (var node in nodes)
        {
            if (IsLive(node))
            {
                live.Add(node);
            }
        }

        return live;
    }

    /// <summary>How many nodes are registered, live or dead.</summary>
    public int Count => _store.Nodes.Count;

    /// <summary>The workers of every live node, as the nodes last reported them.</summary>
    public IEnumerable<WorkerReport> LiveWorkers => Nodes.Where(IsLive).SelectMany(n => n.Workers);

    /// <summary>Every node, live or dead.</summary>
    public IReadOnlyList<NodeState> Nodes => [.. _store.Nodes.OrderBy(n => n.Registration.NodeId, StringComparer.Ordinal)];

    /// <summary>The node with this id as the store holds it now, if registered.</summary>
    public ValueTask<NodeState?> FindAsync(string nodeId) => _store.FindAsync(nodeId);

    /// <summary>Reserves a slot on a node for a summon in flight; false when the node is full.</summary>
    public async ValueTask<bool> TryReserveAsync(string nodeId)
    {
        while (await _store.FindAsync(nodeId) is { } state)
        {
            var now = _time.GetUtcNow();
            var current = Lapsed(state, now);
            if (current.Workers.Count + current.Pending >= current.Registration.Slots)
            {
                return false;
            }

            if (await _store.TryReplaceAsync(state, current with { Reservations = [.. current.Reservations, now + ReservationLifetime] }))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Ends a reservation; a forged worker then counts through the node's reports. <paramref name="added"/> is the
    /// worker's number in the agent's count of forged workers (<see cref="ForgeResponse.Added"/>),
    /// <paramref name="warmHosts"/> the node's idle pooled hosts as its forge reply gave them, fresher than its last
    /// heartbeat's, and <paramref name="reserved"/> false for a forge that held no reservation (a retried summon's).
    /// </summary>
    public async ValueTask ReleaseAsync(string nodeId, WorkerReport? forged, long added = 0, IReadOnlyList<WarmHosts>? warmHosts = null, bool reserved = true)
    {
        if (forged is not null)
        {
            await _store.AddPlacementAsync(new Placement(nodeId, forged, added, _time.GetUtcNow()));
        }

        while (await _store.FindAsync(nodeId) is { } state)
        {
            // The node's own report may already list the worker: a heartbeat can overtake the forge's reply.
            var current = Lapsed(state, _time.GetUtcNow());
            var released = current with { Reservations = reserved ? [.. current.Reservations.Skip(1)] : current.Reservations, WarmHosts = warmHosts ?? state.WarmHosts };
            if (forged is not null && !state.Workers.Any(w => w.WorkerId == forged.WorkerId))
            {
                released = released with { Workers = [.. state.Workers, forged] };
            }

            if (await _store.TryReplaceAsync(state, released))
            {
                return;
            }
        }
    }

    /// <summary>Forgets a torn-down worker until the node's next report.</summary>
    public async ValueTask RemoveWorkerAsync(string nodeId, string workerId)
    {
        await _store.RemovePlacementAsync(workerId);
        while (await _store.FindAsync(nodeId) is { } state)
        {
            if (await _store.TryReplaceAsync(state, state with { Workers = [.. state.Workers.Where(w => w.WorkerId != workerId)] }))
            {
                if (state.Workers.FirstOrDefault(w => w.WorkerId == workerId) is { } removed)
                {
                    await RememberEndedAsync(state, removed, _time.GetUtcNow());
                }

                return;
            }
        }
    }

    /// <summary>A worker that ended while its node still keeps its output, with that node, while it is registered; null otherwise.</summary>
    public async ValueTask<(NodeState Node, WorkerReport Worker)?> FindEndedAsync(string workerId) =>
        await _store.FindEndedAsync(workerId) is { } ended && _time.GetUtcNow() <= ended.Until && await FindAsync(ended.NodeId) is { } node
            ? (node, ended.Worker)
            : null;

    /// <summary>Remembers a worker that ended on <paramref name="node"/> for as long as the node keeps its output.</summary>
    private ValueTask RememberEndedAsync(NodeState node, WorkerReport worker, DateTimeOffset now)
    {
        var keep = node.Registration.SpoolKeepSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : EndedMemory;
        return keep <= TimeSpan.Zero ? default : _store.RememberEndedAsync(new EndedWorker(node.Registration.NodeId, worker, now, now + keep));
    }

    /// <summary>The node a worker runs on: where the gateway placed it, else where a node reports it (after a gateway restart).</summary>
    public async ValueTask<NodeState?> NodeOfAsync(string workerId)
    {
        if (await _store.FindPlacementAsync(workerId) is { } placement && await FindAsync(placement.NodeId) is { } placed && Lists(placed, workerId))
        {
            return placed;
        }

        // The store's list of nodes may lag another gateway's writes: the node found there is read again.
        return _store.Nodes.FirstOrDefault(n => Lists(n, workerId)) is { } seen && await FindAsync(seen.Registration.NodeId) is { } current && Lists(current, workerId)
            ? current
            : null;
    }

    // The state without the reservations that lapsed by now.
    private static NodeState Lapsed(NodeState state, DateTimeOffset now) =>
        state.Reservations.Count == 0 || state.Reservations[0] > now ? state : state with { Reservations = [.. state.Reservations.Where(r => r > now)] };

    private static bool Lists(NodeState node, string workerId) => node.Workers.Any(w => w.WorkerId == workerId);

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
    private async ValueTask<IReadOnlyList<WorkerReport>> ReconcileAsync(NodeState state, IReadOnlyList<WorkerReport> reported, NodeHeartbeat heartbeat, DateTimeOffset now)
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

            if (await _store.FindPlacementAsync(worker.WorkerId) is not { } placement)
            {
                await RememberEndedAsync(state, worker, now);
                continue;
            }

            if (Ended(placement, heartbeat, now))
            {
                // The list could have held it, or has had time enough to: it ended on its own.
                await _store.RemovePlacementAsync(worker.WorkerId);
                await RememberEndedAsync(state, worker, now);
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

}
