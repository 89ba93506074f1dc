using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MeshRpc.Hosting;
using MeshRpc.Hosting.Calls;
using MeshRpc.Wire;

namespace MeshRpc.Runtime.Tests.Hosting;

/// <summary>
/// The worker's own JSON-RPC core, below the ticket handshake, against a caller the test plays byte by byte over a
/// real loopback socket. Callers are authenticated, but what they send is still checked.
/// </summary>
public sealed class WorkerCallsTests : IAsyncLifetime
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ManualResetEventSlim _release = new();
    private readonly TaskCompletionSource<bool> _blockedTokenFired = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _blockStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TcpClient? _caller;
    private TcpClient? _worker;
    private NetworkStream? _stream;
    private WorkerCalls? _calls;
    private Task? _serving;
    private int _heartbeats;

    public async ValueTask InitializeAsync()
    {
        _listener.Start();
        var accepting = _listener.AcceptTcpClientAsync();
        _caller = new TcpClient();
        await _caller.ConnectAsync((IPEndPoint)_listener.LocalEndpoint);
        _worker = await accepting;
        _stream = _caller.GetStream();

        var json = MeshJson.CreateOptions(contractTypes: null);
        var dispatcher = new MeshDispatcher(json);
        dispatcher.Add<string>("Echo", 1, cancellable: false, (ref MeshArguments arguments, CancellationToken _) => new ValueTask<string>(arguments.Next<string>()));
        dispatcher.Add("Fail", 1, cancellable: false, (ref MeshArguments arguments, CancellationToken _) => throw new InvalidOperationException(arguments.Next<string>()));
        dispatcher.Add("Block", 0, cancellable: true, (ref MeshArguments _, CancellationToken token) =>
        {
            // Blocks its thread, as worker code may: nothing the read loop must do waits for it.
            token.Register(() => _blockedTokenFired.TrySetResult(true));
            _blockStarted.TrySetResult();
            _release.Wait(TimeSpan.FromSeconds(60), CancellationToken.None);
            return default;
        });
        dispatcher.Add<bool>("Cancelled", 0, cancellable: true, (ref MeshArguments _, CancellationToken token) => new ValueTask<bool>(token.IsCancellationRequested));
        _calls = new WorkerCalls(_worker.GetStream(), dispatcher, json, Protocol.MaxFrameBytes, new WorkerTelemetry("test"), () => Interlocked.Increment(ref _heartbeats), includeDiagnostics: false);
        _serving = _calls.RunAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _release.Set();
        _caller?.Dispose();
        _worker?.Dispose();
        if (_serving is not null)
        {
            await _serving;
        }

        _calls?.Dispose();
        _listener.Stop();
        _release.Dispose();
    }

    [Fact]
    public async Task Answers_EachRequestById_ANumberAsANumber_AndAStringAsAString()
    {
        await SendAsync("""{"jsonrpc":"2.0","id":7,"method":"Echo","params":["seven"]}""");
        await SendAsync("""{"params":["abc"],"method":"Echo","id":"abc","jsonrpc":"2.0"}""");

        var first = await ReadAsync();
        var second = await ReadAsync();
        Assert.Equal(7, first.GetProperty("id").GetInt64());
        Assert.Equal("seven", first.GetProperty("result").GetString());
        Assert.Equal("abc", second.GetProperty("id").GetString());
        Assert.Equal("abc", second.GetProperty("result").GetString());
    }

    [Fact]
    public async Task Refuses_AnUnknownMethod_AndArgumentsThatDoNotFit_AndServesOn()
    {
        await SendAsync("""{"jsonrpc":"2.0","id":1,"method":"Nope","params":[]}""");
        await SendAsync("""{"jsonrpc":"2.0","id":2,"method":"Echo","params":["a","b"]}""");
        await SendAsync("""{"jsonrpc":"2.0","id":3,"method":"Echo","params":[{"not":"a string"}]}""");
        await SendAsync("""{"jsonrpc":"2.0","id":4,"method":"Echo","params":{"text":"named"}}""");
        await SendAsync("""{"jsonrpc":"2.0","id":5,"method":"Echo","params":["fine"]}""");

        Assert.Equal(Protocol.MethodNotFoundCode, ErrorCode(await ReadAsync(), 1));
        Assert.Equal(Protocol.InvalidParamsCode, ErrorCode(await ReadAsync(), 2));
        Assert.Equal(Protocol.InvalidParamsCode, ErrorCode(await ReadAsync(), 3));
        Assert.Equal(Protocol.InvalidParamsCode, ErrorCode(await ReadAsync(), 4));
        Assert.Equal("fine", (await ReadAsync()).GetProperty("result").GetString());
    }

    [Fact]
    public async Task FindsAMethod_WhoseNameIsEscaped_AndNamesAnUnknownOneOfAnyLength()
    {
        var longName = new string('x', 300);
        await SendAsync("""{"jsonrpc":"2.0","id":1,"method":"Ech\u006f","params":["escaped"]}""");
        await SendAsync($$"""{"jsonrpc":"2.0","id":2,"method":"{{longName}}","params":[]}""");

        Assert.Equal("escaped", (await ReadAsync()).GetProperty("result").GetString());
        var unknown = await ReadAsync();
        Assert.Equal(Protocol.MethodNotFoundCode, ErrorCode(unknown, 2));
        Assert.Contains(longName, unknown.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACancellationArrivingAfterItsCallEnded_DoesNotReachALaterCall()
    {
        // Calls that end uncancelled give their cancellation source to later calls: a late $/cancelRequest must not follow it.
        await SendAsync("""{"jsonrpc":"2.0","id":1,"method":"Cancelled","params":[]}""");
        Assert.False((await ReadAsync()).GetProperty("result").GetBoolean());
        await SendAsync("""{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}""");
        await SendAsync("""{"jsonrpc":"2.0","id":2,"method":"Cancelled","params":[]}""");

        var later = await ReadAsync();
        Assert.Equal(2, later.GetProperty("id").GetInt64());
        Assert.False(later.GetProperty("result").GetBoolean());
    }

    [Fact]
    public async Task AnExceptionInTheMethod_IsAnsweredWithItsTypeAndMessage_AndNoStack()
    {
        await SendAsync("""{"jsonrpc":"2.0","id":9,"method":"Fail","params":["it broke"]}""");

        var error = (await ReadAsync()).GetProperty("error");
        Assert.Equal(-32000, error.GetProperty("code").GetInt32());
        Assert.Equal("it broke", error.GetProperty("message").GetString());
        Assert.Equal(typeof(InvalidOperationException).FullName, error.GetProperty("data").GetProperty("type").GetString());
        Assert.False(error.GetProperty("data").TryGetProperty("stack", out var stack) && stack.ValueKind != JsonValueKind.Null);
    }

    [Fact]
    public async Task WhileAMethodBlocksItsThread_HeartbeatsAndItsCancellationStillArrive_AndANotificationGetsNoReply()
    {
        await SendAsync("""{"jsonrpc":"2.0","id":1,"method":"Block","params":[]}""");
        await SendAsync("""{"jsonrpc":"2.0","method":"mesh.heartbeat","params":[]}""");
        await SendAsync("""{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}""");

        Assert.True(await _blockedTokenFired.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.Equal(1, Volatile.Read(ref _heartbeats));

        // Blocked, the method cannot see its token until it returns; then its reply is an ordinary one.
        _release.Set();
        Assert.Equal(1, (await ReadAsync()).GetProperty("id").GetInt64());
        await SendAsync("""{"jsonrpc":"2.0","method":"Echo","params":["unanswered"]}""");
        await SendAsync("""{"jsonrpc":"2.0","id":2,"method":"Echo","params":["answered"]}""");
        Assert.Equal(2, (await ReadAsync()).GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task AFrameThatIsNotJson_EndsTheConnection_AndFiresTheTokensOfCallsStillRunning()
    {
        await SendAsync("""{"jsonrpc":"2.0","id":1,"method":"Block","params":[]}""");
        await _blockStarted.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await SendRawAsync(Encoding.UTF8.GetBytes("not json at all"));

        await _serving!.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.True(await _blockedTokenFired.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ARequestBrokenAfterItsMethod_EndsTheConnection_WithoutHarmingTheWorker()
    {
        await SendAsync("{\"jsonrpc\":\"2.0\",\"method\":\"Echo\",\"id\":1,\"params\":[\"x\"");

        await _serving!.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    private static int ErrorCode(JsonElement reply, long id)
    {
        Assert.Equal(id, reply.GetProperty("id").GetInt64());
        return reply.GetProperty("error").GetProperty("code").GetInt32();
    }

    private Task SendAsync(string json) => SendRawAsync(Encoding.UTF8.GetBytes(json));

    private async Task SendRawAsync(byte[] body) => await Frames.WriteAsync(_stream!, body, TestContext.Current.CancellationToken);

    private async Task<JsonElement> ReadAsync()
    {
        using var reply = JsonDocument.Parse(await Frames.ReadAsync(_stream!, 1 << 20, TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        return reply.RootElement.Clone();
    }
}
