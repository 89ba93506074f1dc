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

    /// <summary>
    /// The worker's TLS certificate, pinned: present exactly when the direct endpoint is <c>tls://</c>. The caller accepts
    /// no other certificate, whatever the path (direct or relay).
    /// </summary>
    [JsonPropertyName("tls")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TicketTls? Tls { get; init; }

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

    /// <summary>How long the worker lives: its node tears it down at <see cref="TicketLifetime.EndsAt"/> (unless its owner extends it), and after its idle timeout without a call.</summary>
    [JsonPropertyName("lifetime")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TicketLifetime? Lifetime { get; init; }
}

/// <summary>
/// A worker's lifetime as its summon set it (within the gateway's cap): when its node tears it down, and how long it
/// may go without a call. Said in the ticket for the caller's information; the node enforces it whatever a ticket says.
/// </summary>
public sealed record TicketLifetime(
    [property: JsonPropertyName("endsAt")] DateTimeOffset EndsAt,
    [property: JsonPropertyName("idleTimeoutMs"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? IdleTimeoutMs = null);

/// <summary>The contract a ticket is for.</summary>
public sealed record TicketContract(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("hash")] string Hash);

/// <summary>
/// The worker's data-plane endpoints: <see cref="Direct"/> is the worker's own <c>tls://host:port</c> (or <c>tcp://</c> where
/// the mesh runs without TLS); <see cref="Relay"/>, when the gateway offers one, is a WebSocket URL through the gateway and
/// the worker's node agent, for callers that cannot reach the direct endpoint.
/// </summary>
public sealed record TicketEndpoints(
    [property: JsonPropertyName("direct")] string Direct,
    [property: JsonPropertyName("relay"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Relay = null);

/// <summary>The worker's self-signed certificate, pinned by the SHA-256 of its DER encoding (as WebRTC pins DTLS certificates).</summary>
public sealed record TicketTls(
    [property: JsonPropertyName("algorithm")] string Algorithm,
    [property: JsonPropertyName("fingerprint")] string Fingerprint)
{
    /// <summary>The only fingerprint algorithm tickets use.</summary>
    public const string Sha256 = "sha-256";
}

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
    [property: JsonPropertyName("secret")] string Secret)
{
    // Tickets end up in logs and assertion messages through ToString; the secret must not.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"Algorithm = {Algorithm}, KeyId = {KeyId}, Claims = {Claims}, Signature = {Signature}, ExpiresAt = {ExpiresAt:O}, Secret = <redacted>");
        return true;
    }
}

/// <summary>Heartbeat timing, in milliseconds.</summary>
public sealed record TicketHeartbeat(
    [property: JsonPropertyName("intervalMs")] int IntervalMs,
    [property: JsonPropertyName("timeoutMs")] int TimeoutMs);
