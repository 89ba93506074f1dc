using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MeshRpc.Tls;

/// <summary>
/// The worker's data-plane certificate: self-signed and fresh per worker host, trusted by callers only because its
/// fingerprint arrives in the gateway's ticket. No CA, no host names: the pin is the whole trust decision.
/// </summary>
public static class WorkerCertificate
{
    /// <summary>Creates a self-signed ECDSA P-256 certificate for one worker host's lifetime.</summary>
    public static X509Certificate2 Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=meshrpc-worker", key, HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;

        // Clock skew between nodes must not make a fresh certificate "not yet valid"; callers ignore validity anyway.
        return request.CreateSelfSigned(now.AddHours(-1), now.AddDays(30));
    }

    /// <summary>
    /// Creates the certificate and builds one server context for it, which loads the system trust store: the first
    /// context in a process costs tens of milliseconds, later ones (the server's own) about one.
    /// </summary>
    public static X509Certificate2 CreateForServer()
    {
        var certificate = Create();
        _ = ServerOptions(certificate);
        return certificate;
    }

    /// <summary>The pin: lowercase hex SHA-256 of the certificate's DER encoding.</summary>
    public static string Fingerprint(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexStringLower(SHA256.HashData(certificate.GetRawCertData()));
    }

    /// <summary>Server options for a worker presenting <paramref name="certificate"/>.</summary>
    public static SslServerAuthenticationOptions ServerOptions(X509Certificate2 certificate) => new()
    {
        ServerCertificateContext = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true),
        ClientCertificateRequired = false,
        EnabledSslProtocols = SslProtocols.Tls13,
    };
}
