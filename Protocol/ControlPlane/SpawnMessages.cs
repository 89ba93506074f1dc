using System.Text.Json;

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
    /// <summary>The id the gateway chose for the worker.</summary>
    public required string WorkerId { get; init; }

    /// <summary>The caller that summoned it, recorded with the worker so that a restarted gateway knows it again.</summary>
    public string? Owner { get; init; }

    /// <summary>The contract the worker must serve.</summary>
    public required string Contract { get; init; }

    /// <summary>The gem's content digest, when summoning a gem; the agent fetches and verifies it.</summary>
    public string? GemDigest { get; init; }

    /// <summary>C# source implementing the contract, when summoning from source; compiled inside the sandbox.</summary>
    public string? SourceCode { get; init; }

    /// <summary>How long the worker outlives its caller's last heartbeat.</summary>
    public required int HeartbeatTimeoutMs { get; init; }

    /// <summary>Where the worker may connect, as the gateway's policy allowed (<see cref="EgressDestination"/> text); empty: nowhere.</summary>
    public IReadOnlyList<string> Egress { get; init; } = [];
}

/// <summary>What a node agent reports after forging a worker.</summary>
public sealed record ForgeResponse
{
    /// <summary>The worker's id.</summary>
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
}

/// <summary>
/// The error body of every MeshRpc HTTP endpoint, gateway and agent alike: problem+json (RFC 9457) with the stable
/// <see cref="Code"/> of <see cref="MeshErrorCodes"/> and a <see cref="Detail"/> that says what is wrong and how to fix it.
/// </summary>
public sealed record MeshError
{
    /// <summary>The media type of every MeshRpc error body.</summary>
    public const string MediaType = "application/problem+json";

    /// <summary>The problem type, <c>urn:meshrpc:error:</c> and the code.</summary>
    public string Type => "urn:meshrpc:error:" + Code;

    /// <summary>The code's short title.</summary>
    public required string Title { get; init; }

    /// <summary>The HTTP status.</summary>
    public required int Status { get; init; }

    /// <summary>What is wrong and how to fix it.</summary>
    public required string Detail { get; init; }

    /// <summary>One of <see cref="MeshErrorCodes"/>.</summary>
    public required string Code { get; init; }

    /// <summary>Compiler diagnostics, when summoned source did not compile.</summary>
    public IReadOnlyList<SourceDiagnostic>? Diagnostics { get; init; }

    /// <summary>The error for <paramref name="code"/>, the one way every MeshRpc endpoint makes one.</summary>
    public static MeshError Of(string code, int status, string detail, IReadOnlyList<SourceDiagnostic>? diagnostics = null) =>
        new() { Code = code, Title = MeshErrorCodes.TitleOf(code), Status = status, Detail = detail, Diagnostics = diagnostics };

    /// <summary>The error in a failed response's body, or null when the body is not one (an empty body, a proxy's HTML page).</summary>
    public static MeshError? Parse(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body, ControlPlaneJsonContext.Default.MeshError);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Stable error codes of the control plane.</summary>
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

    /// <summary>A node registers under an id another live agent holds (HTTP 409).</summary>
    public const string NodeIdTaken = "node_id_taken";

    /// <summary>The summon kind is not supported by this mesh yet.</summary>
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

    /// <summary>The short title of a code, as problem+json's <c>title</c>.</summary>
    public static string TitleOf(string code) => code switch
    {
        InvalidRequest => "Invalid request",
        GemNotFound => "Gem not found",
        NoNodeAvailable => "No node available",
        ForgeFailed => "Forge failed",
        ContractMismatch => "Contract mismatch",
        WorkerNotFound => "Worker not found",
        NodeNotFound => "Node not found",
        NodeIdTaken => "Node id taken",
        NotSupported => "Not supported",
        CompileFailed => "Compile failed",
        Unauthenticated => "Unauthenticated",
        Forbidden => "Forbidden",
        RateLimited => "Rate limited",
        QuotaExceeded => "Quota exceeded",
        _ => "Error",
    };
}
