using System.Text.Json.Serialization;

namespace MeshRpc;

/// <summary>
/// What a summon returns: where the worker listens and what proves the right to call it.
/// Its JSON shape is fixed by <c>docs/schemas/capability-ticket.schema.json</c>.
/// </summary>
public sealed record CapabilityTicket
{
    /// <summary>The ticket format's version.</summary>
    [JsonPropertyName("schemaVersion")]
    public required int SchemaVersion { get; init; }

    /// <summary>Unique id of this ticket.</summary>
    [JsonPropertyName("ticketId")]
    public required string TicketId { get; init; }

    /// <summary>The worker this ticket opens.</summary>
    [JsonPropertyName("workerId")]
    public required string WorkerId { get; init; }

    /// <summary>The contract the worker serves.</summary>
    [JsonPropertyName("contract")]
    public required TicketContract Contract { get; init; }

    /// <summary>The node the worker runs on.</summary>
    [JsonPropertyName("nodeId")]
    public required string NodeId { get; init; }

    /// <summary>Where to connect.</summary>
    [JsonPropertyName("endpoints")]
    public required TicketEndpoints Endpoints { get; init; }

    /// <summary>How the caller proves possession of the ticket at connect.</summary>
    [JsonPropertyName("auth")]
    public required TicketAuth Auth { get; init; }

    /// <summary>How often the caller heartbeats, and how long the worker waits before it dies.</summary>
    [JsonPropertyName("heartbeat")]
    public required TicketHeartbeat Heartbeat { get; init; }

    /// <summary>When the gateway issued the ticket.</summary>
    [JsonPropertyName("issuedAt")]
    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary>After this instant the worker refuses new handshakes with this ticket.</summary>
    [JsonPropertyName("expiresAt")]
    public required DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>The contract a ticket is for.</summary>
public sealed record TicketContract(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("hash")] string Hash);

/// <summary>The worker's data-plane endpoints.</summary>
public sealed record TicketEndpoints(
    [property: JsonPropertyName("direct")] string Direct);

/// <summary>
/// Handshake credentials. <see cref="Claims"/> and <see cref="Signature"/> are the gateway's signed statement (which worker,
/// contract and node, until when), which the worker verifies with the gateway's public key. <see cref="Secret"/> is this
/// ticket's own secret: it never crosses the data plane, only an HMAC over the worker's per-connection challenge does.
/// </summary>
public sealed record TicketAuth(
    [property: JsonPropertyName("algorithm")] string Algorithm,
    [property: JsonPropertyName("keyId")] string KeyId,
    [property: JsonPropertyName("claims")] string Claims,
    [property: JsonPropertyName("signature")] string Signature,
    [property: JsonPropertyName("expiresAt")] DateTimeOffset ExpiresAt,
    [property: JsonPropertyName("secret")] string Secret);

/// <summary>Heartbeat timing, in milliseconds.</summary>
public sealed record TicketHeartbeat(
    [property: JsonPropertyName("intervalMs")] int IntervalMs,
    [property: JsonPropertyName("timeoutMs")] int TimeoutMs);
