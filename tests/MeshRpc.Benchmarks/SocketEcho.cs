using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using MeshRpc.Tls;

namespace MeshRpc.Benchmarks;

/// <summary>
/// The call path's floor: length-prefixed requests echoed back over one raw loopback TCP connection, with no JSON, TLS
/// or RPC layer. Calls in flight are pipelined the way a good RPC stack does it: whatever requests are waiting go out
/// in one write, the echo server sends back whatever it read in one write, and each reply completes the oldest call.
/// Given a certificate, the same runs inside an <see cref="SslStream"/> with a worker's TLS options: the floor of a
/// TLS call.
/// </summary>
internal sealed class SocketEcho : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly TcpClient _client = new() { NoDelay = true };
    private readonly Channel<TaskCompletionSource> _outgoing = Channel.CreateUnbounded<TaskCompletionSource>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<TaskCompletionSource> _waiting = Channel.CreateUnbounded<TaskCompletionSource>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly int _payloadBytes;
    private readonly X509Certificate2? _certificate;
    private readonly List<Task> _loops = [];

    /// <summary>Creates the echo for requests of <paramref name="payloadBytes"/> (about a JSON-RPC call's size), over TLS with <paramref name="certificate"/> if given.</summary>
    public SocketEcho(int payloadBytes, X509Certificate2? certificate = null)
    {
        _payloadBytes = payloadBytes;
        _certificate = certificate;
    }

    public async Task StartAsync()
    {
        _listener.Start();
        var accepting = _listener.AcceptTcpClientAsync();
        await _client.ConnectAsync((IPEndPoint)_listener.LocalEndpoint);
        var served = await accepting;
        served.NoDelay = true;
        Stream client = _client.GetStream();
        Stream server = served.GetStream();
        if (_certificate is { } certificate)
        {
            var pin = WorkerCertificate.Fingerprint(certificate);
            var tlsClient = new SslStream(client);
            var tlsServer = new SslStream(server);
            await Task.WhenAll(
                tlsServer.AuthenticateAsServerAsync(WorkerCertificate.ServerOptions(certificate)),
                tlsClient.AuthenticateAsClientAsync(WorkerCertificate.ClientOptions((_, presented, _, _) => presented is not null && WorkerCertificate.Fingerprint(presented) == pin)));
            (client, server) = (tlsClient, tlsServer);
        }

        _loops.AddRange([EchoAsync(served, server), WriteRequestsAsync(client), ReadRepliesAsync(client)]);
    }

    /// <summary>One round trip: the request goes out, its echo comes back.</summary>
    public Task CallAsync()
    {
        var reply = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _outgoing.Writer.TryWrite(reply);
        return reply.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _outgoing.Writer.TryComplete();
        _client.Dispose();
        _listener.Stop();
        await Task.WhenAll(_loops).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static async Task EchoAsync(TcpClient served, Stream stream)
    {
        using (served)
        await using (stream)
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await ReadSomeAsync(stream, buffer)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read));
            }
        }
    }

    private async Task WriteRequestsAsync(Stream stream)
    {
        var frame = 4 + _payloadBytes;
        var batch = new byte[frame * 256];
        while (await _outgoing.Reader.WaitToReadAsync())
        {
            // Queued as waiting before they are written, so no reply can arrive ahead of its call.
            var count = 0;
            while (count < 256 && _outgoing.Reader.TryRead(out var call))
            {
                BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(count * frame), _payloadBytes);
                _waiting.Writer.TryWrite(call);
                count++;
            }

            await stream.WriteAsync(batch.AsMemory(0, count * frame));
        }
    }

    private async Task ReadRepliesAsync(Stream stream)
    {
        // Read whatever has arrived, as a pipelined RPC stack's reader does, and complete one call per whole reply in it.
        var frame = 4 + _payloadBytes;
        var buffer = new byte[64 * 1024];
        var partial = 0;
        int read;
        while ((read = await ReadSomeAsync(stream, buffer)) > 0)
        {
            partial += read;
            for (; partial >= frame; partial -= frame)
            {
                (await _waiting.Reader.ReadAsync()).SetResult();
            }
        }
    }

    private static async Task<int> ReadSomeAsync(Stream stream, byte[] buffer)
    {
        try
        {
            return await stream.ReadAsync(buffer);
        }
        catch (IOException)
        {
            // The benchmark closed the connection.
            return 0;
        }
    }
}
