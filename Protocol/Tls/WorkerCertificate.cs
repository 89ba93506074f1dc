using System.Net.Security;
using System.Runtime.CompilerServices;
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
    private static readonly ConditionalWeakTable<X509Certificate2, SslStreamCertificateContext> Contexts = new();

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
    /// Creates the certificate and its server context, which <see cref="ServerOptions"/> then reuses. The first context
    /// in a process loads the system trust store and costs tens of milliseconds, so a host makes it early.
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

    /// <summary>
    /// Client options for a connection to a worker: TLS 1.3, and <paramref name="pin"/> as the whole trust decision, in
    /// place of any CA or host name check.
    /// </summary>
    public static SslClientAuthenticationOptions ClientOptions(RemoteCertificateValidationCallback pin) => new()
    {
        // The pin replaces name checks, so the target host only feeds SNI, which the worker ignores.
        TargetHost = "meshrpc-worker",
        EnabledSslProtocols = SslProtocols.Tls13,

        // SslStream builds a chain before asking the callback; against no roots at all, since none are trusted here,
        // that build needs neither the system trust store nor the network.
        CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        },
        RemoteCertificateValidationCallback = pin,
    };

    /// <summary>Server options for a worker presenting <paramref name="certificate"/>.</summary>
    /// <remarks>
    /// Every server for one certificate shares one context: building one builds a chain, and a pooled host's rehearsal
    /// server then leaves its context, and the TLS state made for it, ready for the real one.
    /// </remarks>
    public static SslServerAuthenticationOptions ServerOptions(X509Certificate2 certificate) => new()
    {
        ServerCertificateContext = Contexts.GetValue(certificate, static c => SslStreamCertificateContext.Create(c, additionalCertificates: null, offline: true)),
        ClientCertificateRequired = false,
        EnabledSslProtocols = SslProtocols.Tls13,
    };
}
