using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MeshRpc.Tickets;

/// <summary>Checks a ticket's signed claims in the worker: the gateway's signature, the audience (this worker) and the expiry.</summary>
public sealed class TicketVerifier : IDisposable
{
    private readonly ECDsa _publicKey;
    private readonly TimeProvider _time;

    /// <summary>Trusts tickets signed by the key with <paramref name="keyId"/> (base64 SubjectPublicKeyInfo <paramref name="publicKey"/>).</summary>
    public TicketVerifier(string keyId, string publicKey, TimeProvider? time = null)
    {
        KeyId = keyId;
        _publicKey = ECDsa.Create();
        _publicKey.ImportSubjectPublicKeyInfo(Convert.FromBase64String(publicKey), out _);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The trusted key's id.</summary>
    public string KeyId { get; }

    /// <summary>Returns the verified claims, or null and the reason to refuse.</summary>
    public (TicketClaims? Claims, string? Refusal) Verify(string keyId, string encodedClaims, string signature, string workerId)
    {
        if (keyId != KeyId)
        {
            return (null, $"the ticket is signed with key {keyId}, but this worker trusts key {KeyId} of its gateway. Summon the worker again through the same gateway.");
        }

        var signatureBytes = Base64Url.TryDecode(signature);
        if (signatureBytes is null || !_publicKey.VerifyData(Encoding.ASCII.GetBytes(encodedClaims), signatureBytes, HashAlgorithmName.SHA256))
        {
            return (null, "the ticket's signature does not verify against the gateway's key: the ticket was forged or altered.");
        }

        TicketClaims? claims;
        try
        {
            claims = Base64Url.TryDecode(encodedClaims) is { } json ? JsonSerializer.Deserialize(json, TicketJsonContext.Default.TicketClaims) : null;
        }
        catch (JsonException)
        {
            claims = null;
        }

        if (claims is null)
        {
            return (null, "the ticket's claims are not readable.");
        }

        if (claims.WorkerId != workerId)
        {
            return (null, $"the ticket is for worker {claims.WorkerId}, and this is worker {workerId}.");
        }

        var now = _time.GetUtcNow();
        if (now.ToUnixTimeSeconds() >= claims.ExpiresAt)
        {
            return (null, $"the ticket expired at {DateTimeOffset.FromUnixTimeSeconds(claims.ExpiresAt):O}. Summon the worker again for a fresh ticket.");
        }

        return (claims, null);
    }

    /// <inheritdoc />
    public void Dispose() => _publicKey.Dispose();
}
