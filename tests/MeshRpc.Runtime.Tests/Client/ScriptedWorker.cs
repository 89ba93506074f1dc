using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MeshRpc.TestWorker;
using MeshRpc.Wire;

namespace MeshRpc.Runtime.Tests.Client;

/// <summary>
/// The worker's end of a real loopback connection, played by the test: it completes the handshake as a worker holding
/// a valid key would (hostile or not), then reads the caller's frames and writes whatever bytes the test says.
/// </summary>
internal sealed class ScriptedWorker : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Task<NetworkStream> _accepted;
    private TcpClient? _client;

    public ScriptedWorker()
    {
        _listener.Start();
        _accepted = AcceptAsync();
    }

    /// <summary>Connects a caller of <see cref="ITestWorker"/> and plays the worker's side of the handshake.</summary>
    public Task<WorkerConnection> ConnectAsync(WorkerConnectOptions? options = null) => ConnectAsync<ITestWorker>(options);

    /// <summary>Connects a caller of <typeparamref name="TContract"/> and plays the worker's side of the handshake.</summary>
    public async Task<WorkerConnection> ConnectAsync<TContract>(WorkerConnectOptions? options = null)
        where TContract : class
    {
        var ticket = LoopbackTickets.For<TContract>((IPEndPoint)_listener.LocalEndpoint);
        var connecting = WorkerConnection.ConnectAsync(ticket, MeshContracts.Get<TContract>(), options ?? WorkerConnectOptions.Default, TestContext.Current.CancellationToken);
        var stream = await _accepted;
        var cancellationToken = TestContext.Current.CancellationToken;
        var challenge = new ChallengeMessage("2.0", Protocol.ChallengeMethod, new ChallengeParams(Protocol.Version, LoopbackTickets.WorkerId, "bm9uY2U="));
        await Frames.WriteAsync(stream, JsonSerializer.SerializeToUtf8Bytes(challenge, HandshakeJsonContext.Default.ChallengeMessage), cancellationToken);
        using var request = JsonDocument.Parse(await Frames.ReadAsync(stream, 64 * 1024, cancellationToken));
        var accepted = new HandshakeAccepted("2.0", request.RootElement.GetProperty("id").Clone(), new HandshakeResult(LoopbackTickets.WorkerId, Environment.ProcessId));
        await Frames.WriteAsync(stream, JsonSerializer.SerializeToUtf8Bytes(accepted, HandshakeJsonContext.Default.HandshakeAccepted), cancellationToken);
        return await connecting;
    }

    /// <summary>The caller's next frame that is not a heartbeat, as JSON.</summary>
    public async Task<JsonElement> ReadAsync()
    {
        var stream = await _accepted;
        while (true)
        {
            using var frame = JsonDocument.Parse(await Frames.ReadAsync(stream, 64 * 1024, TestContext.Current.CancellationToken));
            if (!(frame.RootElement.TryGetProperty("method", out var method) && method.GetString() == Protocol.HeartbeatMethod))
            {
                return frame.RootElement.Clone();
            }
        }
    }

    /// <summary>Writes <paramref name="json"/> as one frame.</summary>
    public Task SendAsync(string json) => SendRawAsync(Encoding.UTF8.GetBytes(json));

    /// <summary>Writes <paramref name="body"/> as one frame, whatever it holds.</summary>
    public async Task SendRawAsync(byte[] body)
    {
        var stream = await _accepted;
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.Length);
        body.CopyTo(frame, 4);
        await stream.WriteAsync(frame, TestContext.Current.CancellationToken);
    }

    /// <summary>Writes bytes as they are: a header without its body, half a frame.</summary>
    public async Task SendBytesAsync(byte[] bytes) => await (await _accepted).WriteAsync(bytes, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        _listener.Stop();
        await _accepted.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task<NetworkStream> AcceptAsync()
    {
        _client = await _listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken);
        return _client.GetStream();
    }
}
