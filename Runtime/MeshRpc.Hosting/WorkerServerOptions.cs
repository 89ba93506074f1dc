using System.Net;

namespace MeshRpc.Hosting;

/// <summary>How a worker host serves its one worker.</summary>
public sealed record WorkerServerOptions
{
    /// <summary>The worker's id; handshakes for any other worker are refused.</summary>
    public required string WorkerId { get; init; }

    /// <summary>The worker's key: each ticket's secret is derived from it and the ticket id.</summary>
    public required byte[] WorkerKey { get; init; }

    /// <summary>Verifies the gateway's signature, the audience and the expiry of presented tickets.</summary>
    public required Tickets.TicketVerifier Tickets { get; init; }

    /// <summary>
    /// The worker's TLS certificate (see <see cref="Tls.WorkerCertificate"/>), whose fingerprint the gateway pins in tickets;
    /// null serves plain TCP, for trusted networks only.
    /// </summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; init; }

    /// <summary>The node's data-plane address to listen on (port is always ephemeral), unless <see cref="Listener"/> is given.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Loopback;

    /// <summary>
    /// A socket already listening on the data plane, which the server takes over: a sandboxed worker has no network of
    /// its own to bind in, so its node agent opens the socket on the node's address and hands it down.
    /// </summary>
    public System.Net.Sockets.Socket? Listener { get; init; }

    /// <summary>How long the worker lives without a heartbeat from any caller.</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Told of each call that outlasted the timeout its caller sent (its wire name, the timeout in ms): the caller stopped waiting and cancelled it.</summary>
    public Action<string, int>? CallTimedOut { get; init; }

    /// <summary>Told of each refused connection, with why (one of <see cref="HandshakeRefusals"/>).</summary>
    public Action<string>? HandshakeRefused { get; init; }

    /// <summary>How long the worker may go without a call before <see cref="WorkerServer.IdleExpired"/> completes; never when null.</summary>
    public TimeSpan? CallIdleTimeout { get; init; }

    /// <summary>
    /// How long a new connection has to complete TLS and the ticket handshake. As long as a MeshRpc client waits
    /// (<see cref="WorkerConnectOptions.ConnectTimeout"/>): a freshly started worker on a busy node spends part of this
    /// compiling its own TLS and handshake code, and must not drop a legitimate caller for that. Slow strangers cost
    /// little meanwhile: <see cref="MaxPendingHandshakes"/> bounds them.
    /// </summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Largest frame accepted before the handshake completes.</summary>
    public int MaxHandshakeFrameBytes { get; init; } = 16 * 1024;

    /// <summary>Largest frame accepted after the handshake; a larger declaration closes the connection before its body is read.</summary>
    public int MaxFrameBytes { get; init; } = Wire.Protocol.MaxFrameBytes;

    /// <summary>An authenticated connection on which nothing (not even a heartbeat) arrives for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Connections still in their handshake at once; more are closed on arrival, so floods cannot starve callers.</summary>
    public int MaxPendingHandshakes { get; init; } = 64;

    /// <summary>Whether error replies carry the remote stack trace. Off: an untrusted caller learns only type and message.</summary>
    public bool IncludeErrorDiagnostics { get; init; }
}
