using System.Net.Security;
using System.Security.Cryptography;
using System.Text;

namespace MeshRpc.Tls;

/// <summary>
/// The caller's side of the pin: accepts exactly the certificate whose fingerprint the ticket names, and nothing else,
/// whatever a CA or host name would say. Remembers what it saw, so a refusal can name both fingerprints.
/// </summary>
internal sealed class PinnedCertificate
{
    private readonly string _expected;

    public PinnedCertificate(TicketTls tls)
    {
        if (tls.Algorithm != TicketTls.Sha256)
        {
            throw new CallRefusedException(
                $"The ticket pins the worker's certificate with '{tls.Algorithm}', but this client checks only '{TicketTls.Sha256}'. Upgrade the MeshRpc runtime.");
        }

        _expected = tls.Fingerprint;
    }

    /// <summary>The fingerprint the worker presented, once it has.</summary>
    public string? Presented { get; private set; }

    /// <summary>Whether the pin refused what the worker presented (as opposed to the TLS handshake failing otherwise).</summary>
    public bool Refused { get; private set; }

    public SslClientAuthenticationOptions ClientOptions() => WorkerCertificate.ClientOptions((_, certificate, _, _) =>
    {
        Presented = certificate is null ? null : WorkerCertificate.Fingerprint(certificate);
        Refused = Presented is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Presented), Encoding.ASCII.GetBytes(_expected));
        return !Refused;
    });

    public string Mismatch(string workerId, string endpoint) => Presented is null
        ? $"Worker {workerId} at {endpoint} presented no TLS certificate; the ticket pins sha-256 {_expected}. Refusing to talk to it."
        : $"The TLS certificate at {endpoint} has fingerprint sha-256 {Presented}, but the ticket for worker {workerId} pins {_expected}. " +
          "Either something is intercepting the connection or the ticket is not for the worker listening there; refusing to talk to it. Summon the worker again.";
}
