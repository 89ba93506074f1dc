using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MeshRpc.Gateway.Security;

/// <summary>
/// The gateway's private keys: the ticket-signing key and its client certificate for mutual TLS with agents. One gateway
/// keeps them itself (<see cref="LocalGatewaySecrets"/>); gateways sharing a swarm share them through Redis
/// (<see cref="Registry.Redis.RedisGatewaySecrets"/>), so an agent accepts forges and tickets from any of them.
/// </summary>
public interface IGatewaySecrets
{
    /// <summary>The key tickets are signed with.</summary>
    ECDsa TicketKey();

    /// <summary>The client certificate the gateway presents to agents.</summary>
    X509Certificate2 ClientCertificate();
}
