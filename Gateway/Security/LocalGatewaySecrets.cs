using System.Security.Cryptography.X509Certificates;
using MeshRpc.Tls;

namespace MeshRpc.Gateway.Security;

/// <summary>One gateway's client certificate: fresh per run (agents learn it at each registration).</summary>
public sealed class LocalGatewaySecrets : IGatewaySecrets
{
    /// <inheritdoc />
    public X509Certificate2 ClientCertificate() => WorkerCertificate.Create();
}
