using System.Net;
using System.Security.Cryptography.X509Certificates;
using MeshRpc.Hosting;
using MeshRpc.Tickets;
using MeshRpc.Tls;

namespace MeshRpc.Runtime.Tests;

/// <summary>
/// A worker server's identity for tests that run it on loopback in this process: one worker key, one ticket signer,
/// the server options that trust it, and tickets for the server's endpoint.
/// </summary>
internal static class LoopbackTickets
{
    /// <summary>The worker id every loopback worker serves as.</summary>
    public const string WorkerId = "w-test";

    private static readonly byte[] WorkerKey = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly TicketSigner Signer = TicketSigner.CreateEphemeral();

    /// <summary>Server options for the worker these tickets are for; the rest as the test sets them.</summary>
    public static WorkerServerOptions ServerOptions() => new()
    {
        WorkerId = WorkerId,
        WorkerKey = WorkerKey,
        Tickets = Signer.CreateVerifier(),
        HeartbeatTimeout = TimeSpan.FromMinutes(5),
    };

    /// <summary>A ticket for the worker at <paramref name="endpoint"/>, pinning <paramref name="certificate"/> when given, for <typeparamref name="TContract"/> unless <paramref name="contract"/> names another.</summary>
    public static CapabilityTicket For<TContract>(IPEndPoint endpoint, X509Certificate2? certificate = null, (string Name, string Hash)? contract = null)
        where TContract : class
    {
        var fingerprint = certificate is null ? null : WorkerCertificate.Fingerprint(certificate);
        var (name, hash) = contract ?? (MeshContracts.Get<TContract>().Name, MeshContracts.Get<TContract>().Hash);
        return Signer.Issue(WorkerId, WorkerKey, new TicketEndpoints(PinnedEndpoint.Direct(endpoint.Address.ToString(), endpoint.Port, fingerprint)),
            PinnedEndpoint.Pin(fingerprint), "node-test", name, hash, 3000, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
    }
}
