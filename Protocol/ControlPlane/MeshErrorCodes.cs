namespace MeshRpc.ControlPlane;

/// <summary>
/// One row of the error table: a stable code, its title, the HTTP status it answers with unless the endpoint says
/// otherwise, the <see cref="SummonFailureReason"/> a C# caller's <see cref="SummonFailedException"/> reports for it,
/// and what it means.
/// </summary>
public sealed record MeshErrorKind(string Code, string Title, int Status, SummonFailureReason Reason, string Meaning);

/// <summary>
/// The control plane's error codes: the one table that problem+json bodies, the C# client's
/// <see cref="SummonFailureReason"/> and the TypeScript runtime's <c>MeshRpc.Protocol.errorReasons</c> come from.
/// </summary>
public static class MeshErrorCodes
{
    /// <summary>The request is malformed.</summary>
    public const string InvalidRequest = "invalid_request";

    /// <summary>The gem pointer names no published gem.</summary>
    public const string GemNotFound = "gem_not_found";

    /// <summary>No live node can take the worker.</summary>
    public const string NoNodeAvailable = "no_node_available";

    /// <summary>The node failed to forge the worker.</summary>
    public const string ForgeFailed = "forge_failed";

    /// <summary>The gem's worker does not serve the requested contract.</summary>
    public const string ContractMismatch = "contract_mismatch";

    /// <summary>The worker id is unknown.</summary>
    public const string WorkerNotFound = "worker_not_found";

    /// <summary>The node id is unknown (e.g. after a gateway restart); the agent should register again.</summary>
    public const string NodeNotFound = "node_not_found";

    /// <summary>A node's heartbeat said its workers were unchanged, but the gateway does not hold the list it named (HTTP 409): the node sends the list whole.</summary>
    public const string HeartbeatListNeeded = "heartbeat_list_needed";

    /// <summary>A node registers under an id another live agent holds (HTTP 409).</summary>
    public const string NodeIdTaken = "node_id_taken";

    /// <summary>The summon kind is not supported by this mesh or this node.</summary>
    public const string NotSupported = "not_supported";

    /// <summary>Summoned source code did not compile; the error lists the diagnostics.</summary>
    public const string CompileFailed = "compile_failed";

    /// <summary>The request carries no valid credential (HTTP 401).</summary>
    public const string Unauthenticated = "unauthenticated";

    /// <summary>The credential lacks the permission the endpoint needs (HTTP 403).</summary>
    public const string Forbidden = "forbidden";

    /// <summary>The caller summons faster than its rate allows (HTTP 429, with Retry-After).</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>The caller holds as many workers as its quota allows (HTTP 429).</summary>
    public const string QuotaExceeded = "quota_exceeded";

    /// <summary>UAH CORE cannot reach the store its state is shared through (Redis, with several gateways) (HTTP 503): try again, or another gateway.</summary>
    public const string StateUnavailable = "state_unavailable";

    /// <summary>The prefix of every problem+json <c>type</c>: the code follows it.</summary>
    public const string TypePrefix = "urn:meshrpc:error:";

    /// <summary>Every code, in the order the documentation lists them.</summary>
    public static IReadOnlyList<MeshErrorKind> All { get; } =
    [
        new(InvalidRequest, "Invalid request", 400, SummonFailureReason.InvalidRequest, "The request is malformed; the detail names the field."),
        new(GemNotFound, "Gem not found", 404, SummonFailureReason.GemNotFound, "The gem pointer names no published gem."),
        new(NoNodeAvailable, "No node available", 503, SummonFailureReason.NoNodeAvailable, "No live node can take the worker."),
        new(ForgeFailed, "Forge failed", 502, SummonFailureReason.ForgeFailed, "The chosen node could not forge the worker."),
        new(ContractMismatch, "Contract mismatch", 400, SummonFailureReason.ContractMismatch, "The worker's code does not serve the requested contract."),
        new(WorkerNotFound, "Worker not found", 404, SummonFailureReason.InvalidRequest, "No live worker has this id (or it is not the caller's)."),
        new(NodeNotFound, "Node not found", 404, SummonFailureReason.NoNodeAvailable, "No node has this id; an agent that sees it registers again."),
        new(NodeIdTaken, "Node id taken", 409, SummonFailureReason.InvalidRequest, "Another live agent holds this node id."),
        new(HeartbeatListNeeded, "Heartbeat list needed", 409, SummonFailureReason.InvalidRequest, "A heartbeat named a worker list the gateway does not hold; the agent sends it whole."),
        new(NotSupported, "Not supported", 403, SummonFailureReason.NotSupported, "The mesh or the node does not run this kind of summon."),
        new(CompileFailed, "Compile failed", 400, SummonFailureReason.CompileFailed, "Summoned source did not compile; the diagnostics say where."),
        new(Unauthenticated, "Unauthenticated", 401, SummonFailureReason.Unauthenticated, "The request carries no credential, or one the endpoint does not accept."),
        new(Forbidden, "Forbidden", 403, SummonFailureReason.Forbidden, "The credential lacks the permission the endpoint needs."),
        new(StateUnavailable, "State unavailable", 503, SummonFailureReason.GatewayUnavailable, "The gateway cannot reach the store it shares the swarm's state through; retry, or use another gateway."),
        new(RateLimited, "Rate limited", 429, SummonFailureReason.TooManyRequests, "The caller summons faster than its rate; Retry-After says when to try again."),
        new(QuotaExceeded, "Quota exceeded", 429, SummonFailureReason.TooManyRequests, "The caller holds as many workers as its quota allows."),
    ];

    private static readonly Dictionary<string, MeshErrorKind> ByCode = All.ToDictionary(kind => kind.Code, StringComparer.Ordinal);

    /// <summary>
    /// The row of <paramref name="code"/>; a code this version does not know (from a newer peer, or no code at all)
    /// reads as an unexpected answer from the gateway.
    /// </summary>
    public static MeshErrorKind KindOf(string? code) =>
        code is not null && ByCode.TryGetValue(code, out var kind)
            ? kind
            : new(code ?? "", "Error", 502, SummonFailureReason.GatewayUnavailable, "A code this version of MeshRpc does not know.");
}
