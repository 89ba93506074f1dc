using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Api;
using MeshRpc.Gateway.Configuration;
using MeshRpc.Gateway.Security;
using MeshRpc.Tickets;
using MeshRpc.Tls;

namespace MeshRpc.Gateway.Spawn;

/// <summary>Phase 3: turns a forged worker into the signed Capability Ticket the caller receives.</summary>
public sealed class TicketIssuer
{
    private readonly GatewayOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the issuer over the gateway's ticket keys.</summary>
    public TicketIssuer(GatewayOptions options, TimeProvider time, ITicketKeyRing keys)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(keys);
        _options = options;
        _time = time;
        Keys = keys;
    }

    /// <summary>The ticket keys: the current one signs, and goes to node agents at registration and with each forge.</summary>
    public ITicketKeyRing Keys { get; }

    /// <summary>The current signer.</summary>
    public TicketSigner Signer => Keys.Current;

    /// <summary>
    /// Issues a ticket for a forged worker, pinning the certificate its node reported, signed with the key the worker
    /// was given (<see cref="ForgeResponse.TicketKeyId"/>; the current one if its node did not say).
    /// </summary>
    public CapabilityTicket Issue(ForgeResponse forged, string nodeId, string? relay, string contract, string contractHash, int heartbeatTimeoutMs)
    {
        ArgumentNullException.ThrowIfNull(forged);
        var signer = forged.TicketKeyId is { } keyId
            ? Keys.Find(keyId) ?? throw new GatewayException(MeshErrorCodes.ForgeFailed,
                $"Worker {forged.WorkerId} was given ticket key {keyId}, which two rotations have since retired. Summon again.")
            : Keys.Current;
        return signer.Issue(forged.WorkerId, Convert.FromBase64String(forged.WorkerKey), new TicketEndpoints(forged.Endpoint, relay), PinnedEndpoint.Pin(forged.CertificateSha256), nodeId,
            contract, contractHash, heartbeatTimeoutMs, _time.GetUtcNow(), _options.TicketLifetime);
    }
}
