using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MeshRpc.Tls;

namespace MeshRpc.Gateway.Security;

/// <summary>
/// The gateway's side of mutual TLS with its agents: a client certificate of its own (self-signed; fresh per run for one
/// gateway, shared by gateways that share a swarm; agents learn its fingerprint at registration and serve no other
/// client), and the pin of each agent's server certificate, which the agent reported when it registered.
/// </summary>
public sealed class GatewayCertificate(IGatewaySecrets secrets) : IDisposable
{
    /// <summary>The client certificate.</summary>
    public X509Certificate2 Certificate { get; } = secrets.ClientCertificate();

    /// <summary>Its fingerprint, announced to agents.</summary>
    public string Sha256 => WorkerCertificate.Fingerprint(Certificate);

    /// <summary>TLS options that present the client certificate and accept exactly the agent certificate <paramref name="agentSha256"/>.</summary>
    public SslClientAuthenticationOptions ClientOptions(string agentSha256) => new()
    {
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        ClientCertificates = [Certificate],
        LocalCertificateSelectionCallback = (_, _, _, _, _) => Certificate,
        CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        },
        RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(WorkerCertificate.Fingerprint(presented)), Encoding.ASCII.GetBytes(agentSha256)),
    };

    /// <inheritdoc />
    public void Dispose() => Certificate.Dispose();
}
