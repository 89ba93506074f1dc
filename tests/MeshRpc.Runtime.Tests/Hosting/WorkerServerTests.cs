using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using MeshRpc.Hosting;
using MeshRpc.TestWorker;
using MeshRpc.Tickets;
using MeshRpc.Wire;

namespace MeshRpc.Runtime.Tests.Hosting;

/// <summary>The worker server on a real loopback socket, in this process.</summary>
public sealed class WorkerServerTests
{
    private static readonly byte[] WorkerKey = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly TicketSigner Signer = TicketSigner.CreateEphemeral();

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
        var worker = MeshContracts.Get<ITestWorker>().CreateProxy(connection);

        Assert.Equal(Environment.ProcessId, connection.WorkerProcessId);
        Assert.Equal(1, await worker.IncrementAsync());
        Assert.Equal("hi", await worker.EchoAsync("hi"));
    }

    [Fact]
    public async Task ErrorReplies_CarryNoStackTrace_UnlessDiagnosticsAreOn()
    {
        foreach (var diagnostics in new[] { false, true })
        {
            await using var server = Start(includeDiagnostics: diagnostics);
            await using var connection = await WorkerConnection.ConnectAsync(TicketFor(server.Endpoint), MeshContracts.Get<ITestWorker>(), TestContext.Current.CancellationToken);
            var worker = MeshContracts.Get<ITestWorker>().CreateProxy(connection);

            var error = await Assert.ThrowsAsync<RemoteWorkerException>(() => worker.FailAsync("secret detail"));

            Assert.Equal("secret detail", error.RemoteMessage);
            Assert.Equal(diagnostics, error.RemoteStackTrace is not null);
        }
    }

    private static CapabilityTicket TicketFor(IPEndPoint endpoint) =>
        Signer.Issue("w-test", WorkerKey, $"tcp://{endpoint.Address}:{endpoint.Port}", "node-test",
            MeshContracts.Get<ITestWorker>().Name, MeshContracts.Get<ITestWorker>().Hash, 3000, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));

    private static RunningServer Start(TimeSpan? handshakeTimeout = null, bool includeDiagnostics = false)
    {
        var server = new WorkerServer(
            new WorkerServerOptions
            {
                WorkerId = "w-test",
                WorkerKey = WorkerKey,
                Tickets = Signer.CreateVerifier(),
                HeartbeatTimeout = TimeSpan.FromMinutes(5),
                HandshakeTimeout = handshakeTimeout ?? TimeSpan.FromSeconds(5),
                IncludeErrorDiagnostics = includeDiagnostics,
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
