using System.Text.Json.Serialization;

namespace MeshRpc.Tickets;

/// <summary>What the gateway signs in a ticket: the worker's audience check, the contract, and the validity window.</summary>
public sealed record TicketClaims(
    string TicketId,
    string WorkerId,
    string Contract,
    string ContractHash,
    string NodeId,
    long IssuedAt,
    long ExpiresAt);

/// <summary>Source-generated JSON for ticket claims.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(TicketClaims))]
internal sealed partial class TicketJsonContext : JsonSerializerContext
{
}
