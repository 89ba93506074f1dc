namespace MeshRpc.ControlPlane;

/// <summary>Body of <c>POST /api/v2/nodes</c>: a node agent announces itself.</summary>
public sealed record NodeRegistration
{
    /// <summary>The node's stable id.</summary>
    public required string NodeId { get; init; }

    /// <summary>The agent's HTTP base address, where the gateway sends forge requests.</summary>
    public required string AgentUrl { get; init; }

    /// <summary>The address workers on this node listen on.</summary>
    public required string DataPlaneAddress { get; init; }

    /// <summary>The sandbox provider the node forges workers with.</summary>
    public required string Sandbox { get; init; }

    /// <summary>How many workers the node runs at once.</summary>
    public required int Slots { get; init; }

    /// <summary>CPU cores of the node.</summary>
    public int Cores { get; init; }

    /// <summary>Memory each worker may use on this node, in MiB (its sandbox limit).</summary>
    public int WorkerMemoryMb { get; init; }

    /// <summary>Labels summons can require (for example <c>gpu</c>, <c>zone=eu</c>).</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>
    /// Whether the node runs summoned raw source: its sandboxes contain hostile code, or its operator allowed
    /// uncontained source explicitly. Summons from source are placed only on nodes that do.
    /// </summary>
    public bool RunsSource { get; init; }

    /// <summary>
    /// What the node compiles summoned source with (<see cref="SourceKey"/>): the .NET runtime and the assemblies its
    /// compiler references. Null on a node that runs no source. Source compiled on a node names its result by it.
    /// </summary>
    public string? Toolchain { get; init; }

    /// <summary>
    /// How long the node keeps an ended worker's output, in seconds (<c>--spool-keep-seconds</c>): the gateway remembers
    /// the ended worker (its node and owner, for its owner's <c>logs</c>) exactly that long. Null from an older agent: an hour.
    /// </summary>
    public int? SpoolKeepSeconds { get; init; }

    /// <summary>Whether the node's firewall gives workers the egress their summon lists (its agent runs with <c>--egress-subnet</c>).</summary>
    public bool Egress { get; init; }

    /// <summary>
    /// The SHA-256 fingerprint of the agent's own TLS certificate (self-signed, fresh per agent run): the gateway pins it
    /// on every request to the agent, over mutual TLS.
    /// </summary>
    public required string AgentCertificateSha256 { get; init; }
}

/// <summary>Reply to a registration: the key the gateway signs tickets with, which the node hands to its workers.</summary>
public sealed record NodeRegistered(string TicketKeyId, string TicketPublicKey)
{
    /// <summary>The node's own credential for its heartbeats and gem downloads: valid for this node only, until the gateway restarts.</summary>
    public required string NodeCredential { get; init; }

    /// <summary>The SHA-256 fingerprint of the client certificate the gateway presents to agents: the only client an agent serves.</summary>
    public required string GatewayCertificateSha256 { get; init; }
}

/// <summary>
/// Body of <c>POST /api/v2/nodes/{nodeId}/heartbeat</c>: the node's live workers, whole, or (with
/// <see cref="Workers"/> null) as the list it sent before with what changed since: a busy node's heartbeat then costs
/// the gateway what changed, not how many workers it runs. A gateway that does not hold the list named as the base
/// answers 409 (<c>heartbeat_list_needed</c>), and the node sends its list whole.
/// </summary>
public sealed record NodeHeartbeat(IReadOnlyList<WorkerReport>? Workers)
{
    /// <summary>The number the node gives this list of workers (a new one whenever the list changes, in this agent run).</summary>
    public long ListVersion { get; init; }

    /// <summary>
    /// Without <see cref="Workers"/>: the number of the list this one changes (null: <see cref="ListVersion"/>'s own, the
    /// list unchanged).
    /// </summary>
    public long? BaseVersion { get; init; }

    /// <summary>Without <see cref="Workers"/>: workers started since the base list.</summary>
    public IReadOnlyList<WorkerReport>? Started { get; init; }

    /// <summary>Without <see cref="Workers"/>: ids of the base list's workers that have ended.</summary>
    public IReadOnlyList<string>? Ended { get; init; }

    /// <summary>
    /// How many workers the agent had forged (in this run) when it listed <see cref="Workers"/>: a worker whose forge
    /// reply carried <see cref="ForgeResponse.Added"/> at most this and is not listed has ended. Heartbeats can be
    /// delayed, so only this, not the time a heartbeat arrives, tells the gateway what the list could have held.
    /// </summary>
    public long Added { get; init; }

    /// <summary>The node's idle pooled hosts, by the gem each is primed with: placement prefers a node with one ready for the summon's gem.</summary>
    public IReadOnlyList<WarmHosts> WarmHosts { get; init; } = [];
}

/// <summary>How many idle pooled hosts a node has ready for one gem.</summary>
/// <param name="GemDigest">The gem they are primed with; null for hosts primed with none, which take any gem or source.</param>
/// <param name="Idle">How many.</param>
public sealed record WarmHosts(string? GemDigest, int Idle);

/// <summary>One live worker as its node reports it.</summary>
public sealed record WorkerReport(string WorkerId, string Contract, string Endpoint, int ProcessId, DateTimeOffset StartedAt)
{
    /// <summary>The caller that summoned it: the only one (with administrators) who sees it or tears it down.</summary>
    public string? Owner { get; init; }
}

/// <summary>Reply of <c>GET /api/v1/service_registry</c>.</summary>
public sealed record ServiceRegistry(IReadOnlyList<NodeEntry> Nodes);

/// <summary>One node in the registry. A dead node's last reported workers are listed as lost, not live.</summary>
public sealed record NodeEntry(
    string NodeId,
    string AgentUrl,
    string DataPlaneAddress,
    string Sandbox,
    int Slots,
    int Cores,
    int WorkerMemoryMb,
    IReadOnlyList<string> Labels,
    string Status,
    DateTimeOffset LastHeartbeat,
    IReadOnlyList<WorkerReport> Workers,
    IReadOnlyList<WorkerReport> LostWorkers)
{
    /// <summary>The node's idle pooled hosts as it last reported them.</summary>
    public IReadOnlyList<WarmHosts> WarmHosts { get; init; } = [];

    /// <summary>Slots reserved for summons being forged on the node now.</summary>
    public int Reserved { get; init; }
}

/// <summary>A published gem: the reply of <c>POST /api/v2/gems</c>, and each entry of <c>GET /api/v2/gems</c>.</summary>
public sealed record GemPublished(string Digest, string Name, string Version, string Contract, string ContractHash, long Size);

/// <summary>The <c>manifest.json</c> at the root of every gem archive.</summary>
public sealed record GemManifest
{
    /// <summary>File name of the manifest inside the archive.</summary>
    public const string FileName = "manifest.json";

    /// <summary>The gem's name (lowercase, e.g. <c>calculator</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The gem's version.</summary>
    public required string Version { get; init; }

    /// <summary>The contract the worker serves (interface full name).</summary>
    public required string Contract { get; init; }

    /// <summary>
    /// The contract's hash as the generator computed it for the worker; a summon whose caller was built from a different
    /// contract is refused before anything is forged.
    /// </summary>
    public required string ContractHash { get; init; }

    /// <summary>The assembly (file name) holding the worker type.</summary>
    public required string EntryAssembly { get; init; }

    /// <summary>The full name of the class implementing the contract.</summary>
    public required string WorkerType { get; init; }

    /// <summary>
    /// A worker host with this gem's worker built in, compiled ahead of time for one platform, when the gem ships one.
    /// Nodes of that platform start it directly, which saves a cold summon the .NET runtime's start-up and compiling;
    /// other nodes load <see cref="EntryAssembly"/> as usual.
    /// </summary>
    public NativeHost? Native { get; init; }

    /// <summary>
    /// Whether the gem is summoned source a node compiled (<see cref="SourceKey"/>): arbitrary code, which only a node
    /// that runs source (<see cref="NodeRegistration.RunsSource"/>) may run.
    /// </summary>
    public bool FromSource { get; init; }
}

/// <summary>A gem's natively compiled worker host (see <see cref="Hosting.MeshWorkerHost"/>).</summary>
/// <param name="Executable">The program's file name at the archive's root.</param>
/// <param name="Platform">The .NET runtime identifier it was compiled for, e.g. <c>linux-x64</c>.</param>
public sealed record NativeHost(string Executable, string Platform);

/// <summary>Body of <c>POST /api/v2/keys</c>: an API key (or, with <c>node:join</c> alone, a join token) to issue.</summary>
/// <param name="Owner">Whom the key stands for: it owns the workers the key summons.</param>
/// <param name="Permissions">What the key allows (<see cref="MeshPermissions"/>).</param>
public sealed record ApiKeyRequest(string Owner, IReadOnlyList<string> Permissions);

/// <summary>Reply of <c>POST /api/v2/keys</c>: the key, shown this once (the gateway keeps only its hash).</summary>
public sealed record ApiKeyIssued(string Key, string Owner, IReadOnlyList<string> Permissions);

/// <summary>
/// One line a worker printed, as <c>GET /api/v2/workers/{id}/logs</c> (<c>omega_spool</c>) serves it: a JSON array, or
/// with <c>follow=true</c> one server-sent event per line as it comes.
/// </summary>
/// <param name="At">When the node read it.</param>
/// <param name="Stream"><c>stdout</c> or <c>stderr</c>.</param>
/// <param name="Text">The line, without its end; a line longer than 16 Ki characters comes in pieces.</param>
public sealed record WorkerLogLine(DateTimeOffset At, string Stream, string Text);

/// <summary>One summon as the dashboard lists it: who, what, where, and how long each phase took.</summary>
/// <param name="WorkerId">The worker it made.</param>
/// <param name="Owner">The caller.</param>
/// <param name="Contract">The contract it serves.</param>
/// <param name="NodeId">The node it runs on.</param>
/// <param name="At">When it finished.</param>
/// <param name="PlacementMs">The gateway's part: checks and placement.</param>
/// <param name="ForgeMs">The node's part: sandbox, host, worker.</param>
public sealed record RecentSummon(string WorkerId, string Owner, string Contract, string NodeId, DateTimeOffset At, double PlacementMs, double ForgeMs);

/// <summary>What the dashboard shows, sent as one server-sent event each second by <c>GET /api/v2/dashboard/events</c>.</summary>
/// <param name="Nodes">The service registry's nodes, with their workers and warm hosts.</param>
/// <param name="Summons">The latest summons, newest first.</param>
public sealed record DashboardSnapshot(IReadOnlyList<NodeEntry> Nodes, IReadOnlyList<RecentSummon> Summons);

/// <summary>Reply of <c>GET /api/v2/tickets/key</c>: the public key tickets are signed with, for checking a ticket's signature.</summary>
/// <param name="KeyId">The key's id, which each ticket names.</param>
/// <param name="PublicKey">The public key, base64 SubjectPublicKeyInfo (ECDSA P-256).</param>
public sealed record TicketKey(string KeyId, string PublicKey);
