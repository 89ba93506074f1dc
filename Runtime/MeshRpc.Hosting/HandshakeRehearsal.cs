using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MeshRpc.Tls;
using MeshRpc.Wire;

namespace MeshRpc.Hosting;

/// <summary>
/// What a cold worker host does with the core its start leaves idle once its certificate is made: one TLS handshake
/// with itself over loopback, and the challenge that follows, so that the caller's real handshake finds the TLS code
/// compiled and OpenSSL's state made instead of paying for them while the caller waits. (A pooled host rehearses a
/// whole call before any summon instead.)
/// </summary>
public static class HandshakeRehearsal
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Starts the rehearsal once <paramref name="certificate"/> is made, and returns at once. A failure only costs the
    /// first handshake its head start; it is said on standard error, where the node keeps the worker's output.
    /// </summary>
    public static void Start(Task<X509Certificate2> certificate) =>
        _ = RehearseAsync(certificate).ContinueWith(
            static failed => Console.Error.WriteLine($"worker host: the TLS rehearsal failed, so the first handshake compiles its own code: {failed.Exception!.GetBaseException().Message}"),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private static async Task RehearseAsync(Task<X509Certificate2> made)
    {
        // A certificate that could not be made is the start-up's failure to report, not this one's.
        await ((Task)made).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!made.IsCompletedSuccessfully)
        {
            return;
        }

        using var limit = new CancellationTokenSource(Limit);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        await RunAsync(made.Result, listener, limit.Token);
    }

    /// <summary>Connects to <paramref name="listener"/>, accepts that connection and rehearses on it.</summary>
    /// <exception cref="InvalidOperationException">Another process's connection was waiting on the listener first; it gets nothing.</exception>
    internal static async Task RunAsync(X509Certificate2 certificate, Socket listener, CancellationToken cancellationToken)
    {
        var port = (IPEndPoint)listener.LocalEndPoint!;
        using var client = new Socket(port.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        var connecting = client.ConnectAsync(port, cancellationToken);
        using var accepted = await listener.AcceptAsync(cancellationToken);
        await connecting;

        // Any local process may race to a loopback port: the rehearsal talks only to its own client.
        if (!client.LocalEndPoint!.Equals(accepted.RemoteEndPoint))
        {
            throw new InvalidOperationException($"Another process ({accepted.RemoteEndPoint}) connected to the rehearsal's loopback port first; it was closed unanswered.");
        }

        await using var server = new SslStream(new NetworkStream(accepted), leaveInnerStreamOpen: false);
        await using var caller = new SslStream(new NetworkStream(client), leaveInnerStreamOpen: false);
        var fingerprint = WorkerCertificate.Fingerprint(certificate);
        var serving = server.AuthenticateAsServerAsync(WorkerCertificate.ServerOptions(certificate), cancellationToken);
        await caller.AuthenticateAsClientAsync(
            WorkerCertificate.ClientOptions((_, presented, _, _) => presented is not null && WorkerCertificate.Fingerprint(presented) == fingerprint),
            cancellationToken);
        await serving;

        var challenge = new ChallengeMessage("2.0", Protocol.ChallengeMethod, new ChallengeParams(Protocol.Version, "rehearsal", "rehearsal"));
        await Frames.WriteAsync(server, JsonSerializer.SerializeToUtf8Bytes(challenge, HandshakeJsonContext.Default.ChallengeMessage), cancellationToken);
        _ = await Frames.ReadAsync(caller, maxBytes: 1 << 16, cancellationToken);
    }
}
