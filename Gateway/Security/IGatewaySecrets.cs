using System.Security.Cryptography.X509Certificates;

namespace MeshRpc.Gateway.Security;

/// <summary>
/// The gateway's client certificate for mutual TLS with agents. One gateway makes its own
/// (<see cref="LocalGatewaySecrets"/>); gateways sharing a swarm share one through Redis
/// (<see cref="Registry.Redis.RedisGatewaySecrets"/>), so an agent accepts forges from any of them. The ticket keys are
/// <see cref="ITicketKeyRing"/>'s.
/// </summary>
public interface IGatewaySecrets
{
    /// <summary>The client certificate the gateway presents to agents.</summary>
    X509Certificate2 ClientCertificate();
}
