using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace MeshRpc.Benchmarks;

/// <summary>
/// The call path's floor: length-prefixed requests echoed back over one raw loopback TCP connection, with no JSON, TLS
/// or RPC layer. Calls in flight are pipelined the way a good RPC stack does it: whatever requests are waiting go out
/// in one write, the echo server sends back whatever it read in one write, and each reply completes the oldest call.
/// </summary>
internal sealed class SocketEcho : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly TcpClient _client = new() { NoDelay = true };
    private readonly Channel<TaskCompletionSource> _outgoing = Channel.CreateUnbounded<TaskCompletionSource>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<TaskCompletionSource> _waiting = Channel.CreateUnbounded<TaskCompletionSource>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly int _payloadBytes;
    private readonly List<Task> _loops = [];

    /// <summary>Creates the echo for requests of <paramref name="payloadBytes"/> (about a JSON-RPC call's size).</summary>
    public SocketEcho(int payloadBytes) => _payloadBytes = payloadBytes;

    public async Task StartAsync()
    {
        _listener.Start();
        var accepting = _listener.AcceptTcpClientAsync();
        await _client.ConnectAsync((IPEndPoint)_listener.LocalEndpoint);
        var served = await accepting;
        served.NoDelay = true;
        var stream = _client.GetStream();
        _loops.AddRange([EchoAsync(served), WriteRequestsAsync(stream), ReadRepliesAsync(stream)]);
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

    private static async Task EchoAsync(TcpClient served)
    {
        using (served)
        {
            var stream = served.GetStream();
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await ReadSomeAsync(stream, buffer)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read));
            }
        }
    }

    private async Task WriteRequestsAsync(NetworkStream stream)
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

    private async Task ReadRepliesAsync(NetworkStream stream)
    {
        var frame = 4 + _payloadBytes;
        var reply = new byte[frame];
        while (await ReadExactlyAsync(stream, reply))
        {
            (await _waiting.Reader.ReadAsync()).SetResult();
        }
    }

    private static async Task<int> ReadSomeAsync(NetworkStream stream, byte[] buffer)
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

    private static async Task<bool> ReadExactlyAsync(NetworkStream stream, byte[] buffer)
    {
        try
        {
            return await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false) == buffer.Length;
        }
        catch (IOException)
        {
            // The benchmark closed the connection.
            return false;
        }
    }
}
