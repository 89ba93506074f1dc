using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MeshRpc.Hosting;
using MeshRpc.TestWorker;
using MeshRpc.Tls;
using MeshRpc.Wire;

namespace MeshRpc.Runtime.Tests.Hosting;

/// <summary>The worker server on a real loopback socket, in this process.</summary>
public sealed class WorkerServerTests
{
    [Fact]
    public async Task Handshake_ThatNeverCompletes_IsClosedByItsDeadline()
    {
        await using var server = Start(handshakeTimeout: TimeSpan.FromMilliseconds(300));
        using var tcp = await ConnectAsync(server.Endpoint);
        var stream = tcp.GetStream();
        await Frames.ReadAsync(stream, 64 * 1024, TestContext.Current.CancellationToken);

        // Send nothing: the server must hang up on its own.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var read = await stream.ReadAsync(new byte[1], guard.Token);

        Assert.Equal(0, read);
        Assert.Equal(1, server.Server.RefusedHandshakes);
    }

    [Fact]
    public async Task OversizedFirstFrame_IsRefusedWithoutBufferingIt()
    {
        await using var server = Start();
        using var tcp = await ConnectAsync(server.Endpoint);
        var stream = tcp.GetStream();
        await Frames.ReadAsync(stream, 64 * 1024, TestContext.Current.CancellationToken);

        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, 1 << 30);
        await stream.WriteAsync(header, TestContext.Current.CancellationToken);

        var reply = System.Text.Encoding.UTF8.GetString(await Frames.ReadAsync(stream, 64 * 1024, TestContext.Current.CancellationToken));
        Assert.Contains("declared 1073741824 bytes", reply, StringComparison.Ordinal);
        Assert.Equal(0, await stream.ReadAsync(new byte[1], TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ValidHandshake_ServesCalls_ThroughTheGeneratedProxy()
    {
        await using var server = Start();
        var ticket = TicketFor(server.Endpoint);

        await using var connection = await WorkerConnection.ConnectAsync(ticket, MeshContracts.Get<ITestWorker>(), TestContext.Current.CancellationToken);
        var worker = GhostProxies.Create<ITestWorker>(connection);

        Assert.Equal(Environment.ProcessId, connection.WorkerProcessId);
        Assert.Equal(1, await worker.IncrementAsync());
        Assert.Equal("hi", await worker.EchoAsync("hi"));
    }

    [Fact]
    public async Task Handshake_TakesTheContractFromTheSignedClaims_NotFromItsOwnFields()
    {
        await using var server = Start();
        using var tcp = await ConnectAsync(server.Endpoint);
        var stream = tcp.GetStream();
        var ticket = TicketFor(server.Endpoint, contract: ("Other.Contract", "0123456789abcdef"));

        // The handshake's own fields name the worker's contract; the signed claims another: the claims decide.
        var challenge = JsonSerializer.Deserialize(await Frames.ReadAsync(stream, 64 * 1024, TestContext.Current.CancellationToken), HandshakeJsonContext.Default.ChallengeMessage)!;
        var request = HandshakeRequest.For(ticket, (MeshContracts.Get<ITestWorker>().Name, MeshContracts.Get<ITestWorker>().Hash), challenge.Params.Nonce);
        await Frames.WriteAsync(stream, JsonSerializer.SerializeToUtf8Bytes(request, HandshakeJsonContext.Default.HandshakeRequest), TestContext.Current.CancellationToken);
        using var reply = JsonDocument.Parse(await Frames.ReadAsync(stream, 64 * 1024, TestContext.Current.CancellationToken));

        Assert.Contains("the ticket was issued for contract Other.Contract", reply.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        // The server counts a refusal before it hangs up, and may still be writing the reply's last bytes when the
        // test reads them: wait for the hang-up, not the reply, before reading the count.
        Assert.Equal(0, await stream.ReadAsync(new byte[1], TestContext.Current.CancellationToken));
        Assert.Equal(1, server.Server.RefusedHandshakes);
    }

    [Fact]
    public async Task AnInheritedListeningSocket_IsServed_AsTheServersOwn()
    {
        // As a sandboxed host gets its socket from the node agent: already bound and listening.
        var listening = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listening.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listening.Listen();
        var port = ((IPEndPoint)listening.LocalEndPoint!).Port;
        await using var server = Start(listener: listening);

        Assert.Equal(port, server.Endpoint.Port);
        await using var connection = await WorkerConnection.ConnectAsync(TicketFor(server.Endpoint), MeshContracts.Get<ITestWorker>(), TestContext.Current.CancellationToken);
        Assert.Equal("inherited", await GhostProxies.Create<ITestWorker>(connection).EchoAsync("inherited"));
    }

    [Fact]
    public async Task ErrorReplies_CarryNoStackTrace_UnlessDiagnosticsAreOn()
    {
        foreach (var diagnostics in new[] { false, true })
        {
            await using var server = Start(includeDiagnostics: diagnostics);
            await using var connection = await WorkerConnection.ConnectAsync(TicketFor(server.Endpoint), MeshContracts.Get<ITestWorker>(), TestContext.Current.CancellationToken);
            var worker = GhostProxies.Create<ITestWorker>(connection);

            var error = await Assert.ThrowsAsync<RemoteWorkerException>(() => worker.FailAsync("secret detail"));

            Assert.Equal("secret detail", error.RemoteMessage);
            Assert.Equal(diagnostics, error.RemoteStackTrace is not null);
        }
    }

    [Fact]
    public async Task OversizedFrame_AfterTheHandshake_ClosesTheConnection_BeforeItsBodyIsRead()
    {
        await using var server = Start();
        using var tcp = await ConnectAsync(server.Endpoint);
        var stream = tcp.GetStream();
        await HandshakeRawAsync(stream, TicketFor(server.Endpoint));

        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, int.MaxValue);
        await stream.WriteAsync(header, TestContext.Current.CancellationToken);

        // Nothing of the declared 2 GB follows; only the header can have closed the connection.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.Equal(0, await stream.ReadAsync(new byte[1], guard.Token));
    }

    [Fact]
    public async Task AuthenticatedConnection_ThatGoesIdle_IsClosed()
    {
        await using var server = Start(idleTimeout: TimeSpan.FromMilliseconds(300));
        using var tcp = await ConnectAsync(server.Endpoint);
        var stream = tcp.GetStream();
        await HandshakeRawAsync(stream, TicketFor(server.Endpoint));

        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.Equal(0, await stream.ReadAsync(new byte[1], guard.Token));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HundredsOfSilentConnections_DoNotStopTheLegitimateCaller(bool tls)
    {
        // With TLS, a silent stranger never sends its ClientHello: it waits inside the same handshake budget.
        using var certificate = tls ? WorkerCertificate.Create() : null;
        await using var server = Start(certificate: certificate);
        await using var connection = await WorkerConnection.ConnectAsync(TicketFor(server.Endpoint, certificate), MeshContracts.Get<ITestWorker>(), TestContext.Current.CancellationToken);
        var worker = GhostProxies.Create<ITestWorker>(connection);
        var flood = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 300; i++)
            {
                flood.Add(await ConnectAsync(server.Endpoint));
            }

            for (var i = 1; i <= 20; i++)
            {
                Assert.Equal(i, await worker.IncrementAsync());
            }

            // Beyond the pending-handshake limit, strangers are turned away at once rather than queued.
            await Task.Delay(500, TestContext.Current.CancellationToken);
            Assert.True(server.Server.RefusedHandshakes >= 300 - 64, $"Only {server.Server.RefusedHandshakes} of 300 silent connections were turned away.");
        }
        finally
        {
            flood.ForEach(c => c.Dispose());
        }

        // Once the strangers leave, newcomers with tickets get in again.
        await Task.Delay(500, TestContext.Current.CancellationToken);
        await using var late = await WorkerConnection.ConnectAsync(TicketFor(server.Endpoint, certificate), MeshContracts.Get<ITestWorker>(), TestContext.Current.CancellationToken);
        Assert.Equal(21, await GhostProxies.Create<ITestWorker>(late).IncrementAsync());
    }

    private static async Task HandshakeRawAsync(NetworkStream stream, CapabilityTicket ticket)
    {
        var challenge = JsonSerializer.Deserialize(await Frames.ReadAsync(stream, 64 * 1024, TestContext.Current.CancellationToken), HandshakeJsonContext.Default.ChallengeMessage)!;
        var request = HandshakeRequest.For(ticket, (MeshContracts.Get<ITestWorker>().Name, MeshContracts.Get<ITestWorker>().Hash), challenge.Params.Nonce);
        await Frames.WriteAsync(stream, JsonSerializer.SerializeToUtf8Bytes(request, HandshakeJsonContext.Default.HandshakeRequest), TestContext.Current.CancellationToken);
        using var reply = JsonDocument.Parse(await Frames.ReadAsync(stream, 64 * 1024, TestContext.Current.CancellationToken));
        Assert.True(reply.RootElement.TryGetProperty("result", out _), reply.RootElement.ToString());
    }

    private static CapabilityTicket TicketFor(IPEndPoint endpoint, X509Certificate2? certificate = null, (string Name, string Hash)? contract = null) =>
        LoopbackTickets.For<ITestWorker>(endpoint, certificate, contract);

    private static RunningServer Start(
        TimeSpan? handshakeTimeout = null, bool includeDiagnostics = false, TimeSpan? idleTimeout = null, X509Certificate2? certificate = null, Socket? listener = null)
    {
        var server = new WorkerServer(
            LoopbackTickets.ServerOptions() with
            {
                HandshakeTimeout = handshakeTimeout ?? TimeSpan.FromSeconds(5),
                IncludeErrorDiagnostics = includeDiagnostics,
                IdleTimeout = idleTimeout ?? TimeSpan.FromMinutes(2),
                Certificate = certificate,
                Listener = listener,
            },
            MeshContracts.Get<ITestWorker>(),
            new MeshRpc.TestWorker.TestWorker());
        return new RunningServer(server, server.Start());
    }

    private static async Task<TcpClient> ConnectAsync(IPEndPoint endpoint)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint, TestContext.Current.CancellationToken);
        return tcp;
    }

    private sealed record RunningServer(WorkerServer Server, IPEndPoint Endpoint) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }
}
