using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MeshRpc.Tls;

namespace MeshRpc.NodeAgent.Registration;

/// <summary>
/// What this node proves itself with, and what it expects of its gateway: the operator's join token (to register),
/// the credential the gateway issued at registration (for everything after), the agent's own TLS certificate (which
/// the gateway pins), and the gateway's client certificate, learned at registration: the only client the agent serves.
/// </summary>
public sealed class NodeIdentity
{
    private volatile string? _nodeCredential;
    private volatile string? _gatewayCertificate;

    /// <summary>Creates the identity; <paramref name="joinToken"/> is the operator's, or null where none was given.</summary>
    public NodeIdentity(string? joinToken)
    {
        JoinToken = joinToken;
        Certificate = WorkerCertificate.Create();
        CertificateSha256 = WorkerCertificate.Fingerprint(Certificate);
    }

    /// <summary>The operator's join token.</summary>
    public string? JoinToken { get; }

    /// <summary>The agent's TLS server certificate, self-signed and fresh per run.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Its fingerprint, reported at registration.</summary>
    public string CertificateSha256 { get; }

    /// <summary>Records what the gateway issued and presented at registration.</summary>
    public void Registered(string nodeCredential, string gatewayCertificateSha256)
    {
        _nodeCredential = nodeCredential;
        _gatewayCertificate = gatewayCertificateSha256;
    }

    /// <summary>Forgets the node credential, when the gateway no longer accepts it: the node registers again.</summary>
    public void Forget() => _nodeCredential = null;

    /// <summary>Whether <paramref name="client"/> is the certificate of the gateway this node registered with.</summary>
    public bool IsGateway(X509Certificate2? client) =>
        client is not null && _gatewayCertificate is { } expected
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(WorkerCertificate.Fingerprint(client)), Encoding.ASCII.GetBytes(expected));

    /// <summary>The header for a request to the gateway: the join token to register, the node credential otherwise.</summary>
    public AuthenticationHeaderValue? HeaderFor(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var registering = request.Method == HttpMethod.Post && request.RequestUri?.AbsolutePath.TrimEnd('/').EndsWith("/api/v2/nodes", StringComparison.Ordinal) == true;
        var credential = registering ? JoinToken : _nodeCredential ?? JoinToken;
        return credential is null ? null : new AuthenticationHeaderValue("Bearer", credential);
    }
}

/// <summary>Adds the node's credential to every request the agent makes to its gateway.</summary>
public sealed class NodeCredentialHandler(NodeIdentity identity) : DelegatingHandler(new HttpClientHandler())
{
    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Authorization = identity.HeaderFor(request);
        return base.SendAsync(request, cancellationToken);
    }
}
