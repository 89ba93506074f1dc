using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MeshRpc.Tls;
using MeshRpc.Wire;

namespace MeshRpc.WorkerHost;

/// <summary>
/// What a cold host does with the core its start leaves idle once its certificate is made: one TLS handshake with
/// itself over loopback, and the challenge that follows, so that the caller's real handshake finds the TLS code
/// compiled and OpenSSL's state made instead of paying for them while it waits. A pooled host rehearses a whole call
/// before any summon instead (<see cref="Warmup"/>).
/// </summary>
internal static class HandshakeRehearsal
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    /// <summary>Starts the rehearsal once <paramref name="certificate"/> is made; a failure only costs the first handshake its head start.</summary>
    public static void Start(Task<X509Certificate2> certificate) =>
        _ = RunAsync(certificate).ContinueWith(
            static failed => Console.Error.WriteLine($"worker host: the TLS rehearsal failed, so the first handshake compiles its own code: {failed.Exception!.GetBaseException().Message}"),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private static async Task RunAsync(Task<X509Certificate2> made)
    {
        // A certificate that could not be made is the start-up's failure to report, not this one's.
        await ((Task)made).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!made.IsCompletedSuccessfully)
        {
            return;
        }

        var certificate = made.Result;
        using var limit = new CancellationTokenSource(Limit);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var connecting = client.ConnectAsync(listener.LocalEndPoint!, limit.Token);
        using var accepted = await listener.AcceptAsync(limit.Token);
        await connecting;

        // Any local process may race to the port: the rehearsal talks only to its own client.
        if (!client.LocalEndPoint!.Equals(accepted.RemoteEndPoint))
        {
            throw new InvalidOperationException($"another process ({accepted.RemoteEndPoint}) connected to the rehearsal's loopback port first.");
        }

        await using var server = new SslStream(new NetworkStream(accepted), leaveInnerStreamOpen: false);
        await using var caller = new SslStream(new NetworkStream(client), leaveInnerStreamOpen: false);
        var fingerprint = WorkerCertificate.Fingerprint(certificate);
        var serving = server.AuthenticateAsServerAsync(WorkerCertificate.ServerOptions(certificate), limit.Token);
        await caller.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = "meshrpc-worker",
                EnabledSslProtocols = SslProtocols.Tls13,
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && WorkerCertificate.Fingerprint(presented) == fingerprint,
            },
            limit.Token);
        await serving;

        var challenge = new ChallengeMessage("2.0", Protocol.ChallengeMethod, new ChallengeParams(Protocol.Version, "rehearsal", "rehearsal"));
        await Frames.WriteAsync(server, JsonSerializer.SerializeToUtf8Bytes(challenge, HandshakeJsonContext.Default.ChallengeMessage), limit.Token);
        _ = await Frames.ReadAsync(caller, maxBytes: 1 << 16, limit.Token);
    }
}
