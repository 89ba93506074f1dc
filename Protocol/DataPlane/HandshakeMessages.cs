using System.Text.Json;
using System.Text.Json.Serialization;

namespace MeshRpc.Wire;

/// <summary>The worker's first frame on every connection: a fresh nonce the caller must sign.</summary>
public sealed record ChallengeMessage(string Jsonrpc, string Method, ChallengeParams Params);

/// <summary>Parameters of <c>mesh.challenge</c>.</summary>
public sealed record ChallengeParams(string Protocol, string WorkerId, string Nonce);

/// <summary>The caller's answer: which ticket it holds and the proof that it holds the ticket's secret.</summary>
public sealed record HandshakeRequest(string Jsonrpc, string Id, string Method, HandshakeParams Params)
{
    /// <summary>The handshake answering <paramref name="nonce"/> with <paramref name="ticket"/>, for a caller speaking <paramref name="contract"/> (name and hash).</summary>
    public static HandshakeRequest For(CapabilityTicket ticket, (string Name, string Hash) contract, string nonce)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var proof = Protocol.ComputeProof(Convert.FromBase64String(ticket.Auth.Secret), ticket.WorkerId, ticket.TicketId, nonce);
        return new HandshakeRequest("2.0", Protocol.HandshakeMethod, Protocol.HandshakeMethod, new HandshakeParams(
            ticket.TicketId, ticket.WorkerId, contract.Name, contract.Hash, ticket.Auth.KeyId, ticket.Auth.Claims, ticket.Auth.Signature, proof));
    }
}

/// <summary>Parameters of <c>mesh.handshake</c>.</summary>
public sealed record HandshakeParams(
    string TicketId, string WorkerId, string Contract, string ContractHash, string KeyId, string Claims, string Signature, string Proof);

/// <summary>The worker's reply when the handshake succeeded.</summary>
public sealed record HandshakeAccepted(string Jsonrpc, JsonElement Id, HandshakeResult Result);

/// <summary>What an accepted handshake tells the caller.</summary>
public sealed record HandshakeResult(string WorkerId, int ProcessId);

/// <summary>A JSON-RPC error reply, used to refuse a handshake or a call made before it.</summary>
public sealed record RefusalMessage(string Jsonrpc, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonElement? Id, RefusalError Error);

/// <summary>The error object of a refusal.</summary>
public sealed record RefusalError(int Code, string Message);

/// <summary>Source-generated serialization for the handshake, so it needs no reflection.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ChallengeMessage))]
[JsonSerializable(typeof(HandshakeRequest))]
[JsonSerializable(typeof(HandshakeParams))]
[JsonSerializable(typeof(HandshakeAccepted))]
[JsonSerializable(typeof(RefusalMessage))]
public sealed partial class HandshakeJsonContext : JsonSerializerContext
{
}
