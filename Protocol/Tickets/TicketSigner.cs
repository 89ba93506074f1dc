using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MeshRpc.Wire;

namespace MeshRpc.Tickets;

/// <summary>
/// Issues Capability Tickets: ECDSA P-256 (ES256) over the base64url claims, plus a per-ticket secret derived from the
/// worker's key, so the worker can recompute it from the ticket id and the gateway never has to tell it.
/// </summary>
public sealed class TicketSigner
{
    /// <summary>The ticket format this signer issues.</summary>
    public const int SchemaVersion = 1;

    private readonly ECDsa _key;

    /// <summary>Signs with <paramref name="key"/> (a P-256 private key), published under <paramref name="keyId"/>.</summary>
    public TicketSigner(ECDsa key, string keyId)
    {
        ArgumentNullException.ThrowIfNull(key);
        _key = key;
        KeyId = keyId;
        PublicKey = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>The signing key's id, carried in every ticket so workers can pick the key to verify with.</summary>
    public string KeyId { get; }

    /// <summary>The public key (base64 SubjectPublicKeyInfo) that node agents hand to their workers.</summary>
    public string PublicKey { get; }

    /// <summary>A signer with a fresh key, for a gateway without a persisted key and for tests.</summary>
    public static TicketSigner CreateEphemeral()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new TicketSigner(key, KeyIdOf(key));
    }

    /// <summary>A verifier that trusts this signer's key.</summary>
    public TicketVerifier CreateVerifier(TimeProvider? time = null) => new(KeyId, PublicKey, time);

    /// <summary>A key id derived from the public key itself, stable across restarts that keep the key.</summary>
    public static string KeyIdOf(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return "es256-" + Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];
    }

    /// <summary>Issues a ticket for a forged worker listening at <paramref name="endpoints"/> with the certificate <paramref name="tls"/> pins.</summary>
    public CapabilityTicket Issue(
        string workerId, byte[] workerKey, TicketEndpoints endpoints, TicketTls? tls, string nodeId, string contract, string contractHash,
        int heartbeatTimeoutMs, DateTimeOffset now, TimeSpan lifetime)
    {
        var ticketId = "t-" + Guid.NewGuid().ToString("N");
        var expires = now + lifetime;
        var claims = new TicketClaims(ticketId, workerId, contract, contractHash, nodeId, now.ToUnixTimeSeconds(), expires.ToUnixTimeSeconds());
        var encodedClaims = Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(claims, TicketJsonContext.Default.TicketClaims));
        var signature = Base64Url.Encode(_key.SignData(Encoding.ASCII.GetBytes(encodedClaims), HashAlgorithmName.SHA256));

        // Three beats per timeout: one lost or late beat never kills a healthy caller's worker.
        var interval = Math.Max(50, heartbeatTimeoutMs / 3);
        return new CapabilityTicket
        {
            SchemaVersion = SchemaVersion,
            TicketId = ticketId,
            WorkerId = workerId,
            Contract = new TicketContract(contract, contractHash),
            NodeId = nodeId,
            Endpoints = endpoints,
            Tls = tls,
            Auth = new TicketAuth(Protocol.AuthAlgorithm, KeyId, encodedClaims, signature, DateTimeOffset.FromUnixTimeSeconds(claims.ExpiresAt),
                Convert.ToBase64String(TicketSecrets.Derive(workerKey, ticketId))),
            Heartbeat = new TicketHeartbeat(interval, heartbeatTimeoutMs),
            IssuedAt = DateTimeOffset.FromUnixTimeSeconds(claims.IssuedAt),
            ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(claims.ExpiresAt),
        };
    }
}

/// <summary>Derives a ticket's secret from its worker's key, the same way on the gateway and in the worker.</summary>
public static class TicketSecrets
{
    /// <summary>HMAC-SHA256 of the ticket id under the worker's key.</summary>
    public static byte[] Derive(byte[] workerKey, string ticketId) =>
        HMACSHA256.HashData(workerKey, Encoding.UTF8.GetBytes("meshrpc-ticket-secret/1\n" + ticketId));
}

/// <summary>Unpadded base64url, as in JWS.</summary>
internal static class Base64Url
{
    public static string Encode(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    public static byte[]? TryDecode(string text)
    {
        try
        {
            return System.Buffers.Text.Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
