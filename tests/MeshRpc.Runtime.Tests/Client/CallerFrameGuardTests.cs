using System.Buffers.Binary;
using System.Net;
using MeshRpc.Hosting;
using MeshRpc.TestWorker;

namespace MeshRpc.Runtime.Tests.Client;

/// <summary>Worker code is hostile: what it sends back to its caller is bounded too, on a real loopback socket.</summary>
public sealed class CallerFrameGuardTests
{
    [Fact]
    public async Task Rejects_AWorkerThatDeclaresA2GbReply_WithoutWaitingForItsBody()
    {
        await using var hostile = new ScriptedWorker();
        await using var connection = await hostile.ConnectAsync();
        var worker = GhostProxies.Create<ITestWorker>(connection);

        // The worker announces 2 GB and sends none of it: only the guard can end this call, and the test's budget bounds it.
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        budget.CancelAfter(TimeSpan.FromSeconds(30));
        var call = worker.EchoAsync("hello");
        await hostile.ReadAsync();
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, int.MaxValue);
        await hostile.SendBytesAsync(header);
        var lost = await Assert.ThrowsAsync<WorkerLostException>(() => call.WaitAsync(budget.Token));

        Assert.Equal(LoopbackTickets.WorkerId, lost.WorkerId);
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

    private static CapabilityTicket TicketFor(IPEndPoint endpoint) => LoopbackTickets.For<ITestWorker>(endpoint);
}
