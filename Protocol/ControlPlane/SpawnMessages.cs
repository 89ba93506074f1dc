namespace MeshRpc.ControlPlane;

/// <summary>Body of <c>POST /api/v2/swarm_spawn_ephemeral</c>: summon one worker.</summary>
public sealed record SpawnEphemeralRequest
{
    /// <summary>The contract the caller will speak (the interface's full name).</summary>
    public required string Contract { get; init; }

    /// <summary>The caller's contract hash; the worker refuses a mismatch at handshake.</summary>
    public required string ContractHash { get; init; }

    /// <summary>The gem to run: <c>gem://name@version</c> or <c>sha256:...</c>.</summary>
    public string? Gem { get; init; }

    /// <summary>Raw C# source implementing the contract.</summary>
    public string? SourceCode { get; init; }

    /// <summary>Heartbeat timeout for the worker; the gateway's default when null.</summary>
    public int? HeartbeatTimeoutMs { get; init; }

    /// <summary>How long the worker may live, from its summon; the gateway's cap when null, and at most that.</summary>
    public int? MaxLifetimeMs { get; init; }

    /// <summary>How long the worker may go without a call before it ends; never when null.</summary>
    public int? IdleTimeoutMs { get; init; }

    /// <summary>Labels the chosen node must carry.</summary>
    public IReadOnlyList<string>? RequiredLabels { get; init; }

    /// <summary>Memory the worker needs, in MiB.</summary>
    public int? MemoryMb { get; init; }

    /// <summary>Where the worker may connect, each as <see cref="EgressDestination"/> text (<c>10.1.2.0/24:443</c>); by default nowhere.</summary>
    public IReadOnlyList<string>? Egress { get; init; }
}

/// <summary>Body of <c>POST /api/v1/lxc_provision</c>: a summon pinned to one node, skipping placement.</summary>
public sealed record LxcProvisionRequest(string NodeId, SpawnEphemeralRequest Spawn);

/// <summary>Reply to a successful summon.</summary>
public sealed record SpawnEphemeralResponse(CapabilityTicket Ticket, SpawnTimings Timings);

/// <summary>Where the time of a summon went, as measured by the gateway.</summary>
public sealed record SpawnTimings(double PlacementMs, double ForgeMs);

/// <summary>Body of <c>POST /api/v2/forge</c> on a node agent: build one worker.</summary>
public sealed record ForgeRequest
{
    /// <summary>The caller that summoned it, recorded with the worker so that a restarted gateway knows it again.</summary>
    public string? Owner { get; init; }

    /// <summary>The contract the worker must serve.</summary>
    public required string Contract { get; init; }

    /// <summary>The gem's content digest, when summoning a gem; the agent fetches and verifies it.</summary>
    public string? GemDigest { get; init; }

    /// <summary>
    /// C# source implementing the contract, when summoning from source the gateway has not seen compiled: the node
    /// compiles it in a sandbox of its own and runs the result as a gem (<see cref="ForgeResponse.CompiledGem"/>).
    /// </summary>
    public string? SourceCode { get; init; }

    /// <summary>The contract's hash as the caller's generator computed it; summoned source must compile to a worker of exactly this contract.</summary>
    public string? ContractHash { get; init; }

    /// <summary>How long the worker outlives its caller's last heartbeat.</summary>
    public required int HeartbeatTimeoutMs { get; init; }

    /// <summary>When the node tears the worker down, unless its owner extends it; never when null.</summary>
    public DateTimeOffset? EndsAt { get; init; }

    /// <summary>How long the worker may go without a call before it ends; never when null.</summary>
    public int? IdleTimeoutMs { get; init; }

    /// <summary>Where the worker may connect, as the gateway's policy allowed (<see cref="EgressDestination"/> text); empty: nowhere.</summary>
    public IReadOnlyList<string> Egress { get; init; } = [];

    /// <summary>
    /// The summon's idempotency key, scoped to its owner: a forge sent again with the same key (by any gateway, after a
    /// lost answer) gets the worker the first one forged, or forges it if the first never finished.
    /// </summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>
    /// The key the gateway will sign this worker's ticket with, for the worker to check it by: the current key of a ring
    /// that rotates (null: the key the node learned at registration). The forge request comes over mutual TLS from the
    /// gateway's certificate, as the registration's reply does.
    /// </summary>
    public TicketKey? TicketKey { get; init; }
}

/// <summary>What a node agent reports after forging a worker.</summary>
public sealed record ForgeResponse
{
    /// <summary>The worker's id, which the agent assigned when it made the worker's sandbox (a pooled one ahead of the summon).</summary>
    public required string WorkerId { get; init; }

    /// <summary>The data-plane endpoint, <c>tls://host:port</c> (or <c>tcp://host:port</c> on a node without TLS).</summary>
    public required string Endpoint { get; init; }

    /// <summary>The worker's key, base64: the gateway derives each ticket's secret from it; it never crosses the data plane.</summary>
    public required string WorkerKey { get; init; }

    /// <summary>The worker host's process id on the node.</summary>
    public required int ProcessId { get; init; }

    /// <summary>The sandbox provider that runs the worker.</summary>
    public required string Sandbox { get; init; }

    /// <summary>Lowercase hex SHA-256 of the worker's TLS certificate, which the gateway pins in tickets; null without TLS.</summary>
    public string? CertificateSha256 { get; init; }

    /// <summary>The worker's number in the order the agent forged workers (see <see cref="NodeHeartbeat.Added"/>).</summary>
    public long Added { get; init; }

    /// <summary>The node's idle pooled hosts once this worker took its own: fresher, for placement, than the last heartbeat.</summary>
    public IReadOnlyList<WarmHosts> WarmHosts { get; init; } = [];

    /// <summary>The ticket key the worker was given, which its ticket must be signed with (null from an older agent).</summary>
    public string? TicketKeyId { get; init; }

    /// <summary>
    /// The gem (base64 archive) the node compiled the summon's source into, when it compiled it for this summon: the
    /// gateway keeps it under the source's <see cref="SourceKey"/>, so the next summon of that source on any node is a
    /// gem summon.
    /// </summary>
    public string? CompiledGem { get; init; }
}

/// <summary>Body of <c>POST /api/v2/workers/{workerId}/lifetime</c>: the worker's owner extends (or shortens) its lifetime.</summary>
/// <param name="LifetimeMs">How long the worker may live from now on, at most the gateway's cap.</param>
public sealed record LifetimeRequest(int LifetimeMs);

/// <summary>When a worker ends: the reply of a lifetime change, and the body the gateway sends its node.</summary>
public sealed record WorkerLifetime(DateTimeOffset EndsAt);
