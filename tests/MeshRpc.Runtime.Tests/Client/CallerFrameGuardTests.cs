using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MeshRpc.Hosting;
using MeshRpc.TestWorker;
using MeshRpc.Wire;

namespace MeshRpc.Runtime.Tests.Client;

/// <summary>Worker code is hostile: what it sends back to its caller is bounded too, on a real loopback socket.</summary>
public sealed class CallerFrameGuardTests
{
    [Fact]
    public async Task Rejects_AWorkerThatDeclaresA2GbReply_WithoutWaitingForItsBody()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = (IPEndPoint)listener.LocalEndpoint;
        var hostile = ServeHostileWorkerAsync(listener);

        await using var connection = await WorkerConnection.ConnectAsync(TicketFor(endpoint), MeshContracts.Get<ITestWorker>(), TestContext.Current.CancellationToken);
        var worker = GhostProxies.Create<ITestWorker>(connection);

        // The worker announces 2 GB and sends none of it: only the guard can end this call, and the test's budget bounds it.
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        budget.CancelAfter(TimeSpan.FromSeconds(30));
        var call = worker.EchoAsync("hello");
        var lost = await Assert.ThrowsAsync<WorkerLostException>(() => call.WaitAsync(budget.Token));

        Assert.Equal(LoopbackTickets.WorkerId, lost.WorkerId);
        await hostile;
    }

    [Fact]
    public async Task Rejects_AReplyOverTheCallersLimit_AndServesRepliesUnderIt()
    {
        await using var server = new WorkerServer(
            LoopbackTickets.ServerOptions(),
            MeshContracts.Get<ITestWorker>(),
            new MeshRpc.TestWorker.TestWorker());
        var endpoint = server.Start();
        var options = WorkerConnectOptions.Default with { MaxFrameBytes = 4096 };

        await using var connection = await WorkerConnection.ConnectAsync(TicketFor(endpoint), MeshContracts.Get<ITestWorker>(), options, TestContext.Current.CancellationToken);
        var worker = GhostProxies.Create<ITestWorker>(connection);

        Assert.Equal("small", await worker.EchoAsync("small"));
        await Assert.ThrowsAsync<WorkerLostException>(() => worker.EchoAsync(new string('x', 8192)));
    }

    private static async Task ServeHostileWorkerAsync(TcpListener listener)
    {
        using var client = await listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken);
        var stream = client.GetStream();
        var cancellationToken = TestContext.Current.CancellationToken;

        // A worker's side of the handshake, as a hostile worker that holds a valid worker key would play it.
        var challenge = new ChallengeMessage("2.0", Protocol.ChallengeMethod, new ChallengeParams(Protocol.Version, LoopbackTickets.WorkerId, "bm9uY2U="));
        await Frames.WriteAsync(stream, JsonSerializer.SerializeToUtf8Bytes(challenge, HandshakeJsonContext.Default.ChallengeMessage), cancellationToken);
        using var request = JsonDocument.Parse(await Frames.ReadAsync(stream, 64 * 1024, cancellationToken));
        var accepted = new HandshakeAccepted("2.0", request.RootElement.GetProperty("id").Clone(), new HandshakeResult(LoopbackTickets.WorkerId, Environment.ProcessId));
        await Frames.WriteAsync(stream, JsonSerializer.SerializeToUtf8Bytes(accepted, HandshakeJsonContext.Default.HandshakeAccepted), cancellationToken);

        // Wait for the call (a heartbeat notification carries no id), then announce a reply of 2 GB and hold the connection open.
        while (true)
        {
            using var frame = JsonDocument.Parse(await Frames.ReadAsync(stream, 64 * 1024, cancellationToken));
            if (frame.RootElement.TryGetProperty("id", out _))
            {
                break;
            }
        }

        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, int.MaxValue);
        await stream.WriteAsync(header, cancellationToken);

        // The caller hangs up on its own; reading until it does keeps this side from closing first.
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        catch (IOException)
        {
            // A reset is the caller hanging up too.
        }
    }

    private static CapabilityTicket TicketFor(IPEndPoint endpoint) => LoopbackTickets.For<ITestWorker>(endpoint);
}
