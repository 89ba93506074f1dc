using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Configuration;
using MeshRpc.Wire;

namespace MeshRpc.Gateway.Spawn;

/// <summary>Phase 3: turns a forged worker into the Capability Ticket the caller receives.</summary>
public sealed class TicketIssuer
{
    /// <summary>The ticket format this gateway issues.</summary>
    public const int SchemaVersion = 1;

    private readonly GatewayOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the issuer.</summary>
    public TicketIssuer(GatewayOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
    }

    /// <summary>Issues a ticket for a forged worker.</summary>
    public CapabilityTicket Issue(ForgeResponse forged, string nodeId, string contract, string contractHash, int heartbeatTimeoutMs)
    {
        ArgumentNullException.ThrowIfNull(forged);
        var now = _time.GetUtcNow();

        // Three beats per timeout: one lost or late beat never kills a healthy caller's worker.
        var interval = Math.Max(50, heartbeatTimeoutMs / 3);
        return new CapabilityTicket
        {
            SchemaVersion = SchemaVersion,
            TicketId = "t-" + Guid.NewGuid().ToString("N"),
            WorkerId = forged.WorkerId,
            Contract = new TicketContract(contract, contractHash),
            NodeId = nodeId,
            Endpoints = new TicketEndpoints(forged.Endpoint),
            Auth = new TicketAuth(Protocol.AuthAlgorithm, forged.Secret),
            Heartbeat = new TicketHeartbeat(interval, heartbeatTimeoutMs),
            IssuedAt = now,
            ExpiresAt = now + _options.TicketLifetime,
        };
    }
}
