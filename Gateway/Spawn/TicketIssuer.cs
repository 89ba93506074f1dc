using MeshRpc.ControlPlane;
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

    /// <summary>Creates the issuer with the gateway's signing key.</summary>
    public TicketIssuer(GatewayOptions options, TimeProvider time, IGatewaySecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(secrets);
        _options = options;
        _time = time;
        var key = secrets.TicketKey();
        Signer = new TicketSigner(key, TicketSigner.KeyIdOf(key));
    }

    /// <summary>The signer; its key id and public key go to node agents at registration.</summary>
    public TicketSigner Signer { get; }

    /// <summary>Issues a ticket for a forged worker, pinning the certificate its node reported.</summary>
    public CapabilityTicket Issue(ForgeResponse forged, string nodeId, string? relay, string contract, string contractHash, int heartbeatTimeoutMs)
    {
        ArgumentNullException.ThrowIfNull(forged);
        return Signer.Issue(forged.WorkerId, Convert.FromBase64String(forged.WorkerKey), new TicketEndpoints(forged.Endpoint, relay), PinnedEndpoint.Pin(forged.CertificateSha256), nodeId,
            contract, contractHash, heartbeatTimeoutMs, _time.GetUtcNow(), _options.TicketLifetime);
    }
}
