using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>All five phases against a gateway and a node agent running as separate processes.</summary>
public sealed class LifecycleTests(MeshProcesses mesh) : IClassFixture<MeshProcesses>
{
    [Fact]
    public async Task Summon_Call_Dispose_RunsInAnotherProcess_AndLeavesNoWorker()
    {
        using var client = mesh.CreateClient();
        var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        var workerId = ((IGhostProxy)worker).Connection.Ticket.WorkerId;

        var workerPid = await mesh.HostProcessIdOfAsync(workerId);
        Assert.NotEqual(Environment.ProcessId, workerPid);
        Assert.NotEqual(mesh.AgentProcessId, workerPid);
        Assert.True(Processes.IsAlive(workerPid));
        Assert.True(await worker.GetProcessIdAsync() > 0);
        Assert.Equal("over the wire", await worker.EchoAsync("over the wire"));
        Assert.Equal(1, await worker.IncrementAsync());
        Assert.Contains(await ReportedWorkersAsync(client), w => w.WorkerId == workerId && w.ProcessId == workerPid);

        await worker.DisposeAsync();

        Assert.False(Processes.IsAlive(workerPid), $"Worker process {workerPid} still runs after DisposeAsync returned.");
        Assert.DoesNotContain(await ReportedWorkersAsync(client), w => w.WorkerId == workerId);
    }

    [Fact]
    public async Task RemoteException_ReachesCaller_AndWorkerKeepsServing()
    {
        using var client = mesh.CreateClient();
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<RemoteWorkerException>(() => worker.FailAsync("boom"));

        Assert.Equal(typeof(InvalidOperationException).FullName, error.RemoteTypeName);
        Assert.Equal("boom", error.RemoteMessage);
        Assert.Null(error.RemoteStackTrace);
        Assert.Equal("still here", await worker.EchoAsync("still here"));
    }

    [Fact]
    public async Task Summon_ByDigest_RunsThePublishedGem()
    {
        using var client = mesh.CreateClient();
        var published = await client.PublishGemAsync(TestGem.Pack(), TestContext.Current.CancellationToken);

        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(published.Digest), TestContext.Current.CancellationToken);

        Assert.Equal("by digest", await worker.EchoAsync("by digest"));
    }

    [Fact]
    public async Task UnknownGem_FailsFast_WithGemNotFound()
    {
        using var client = mesh.CreateClient();

        var error = await Assert.ThrowsAsync<SummonFailedException>(() =>
            client.SummonAsync<ITestWorker>(SummonRequest.FromGem("gem://no-such-gem@9.9.9"), TestContext.Current.CancellationToken));

        Assert.Equal(SummonFailureReason.GemNotFound, error.Reason);
        Assert.Contains("gem://no-such-gem@9.9.9", error.Message, StringComparison.Ordinal);
        Assert.Contains("Publish it first", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedGemPointer_IsRejectedBeforeAnyRequest()
    {
        var error = Assert.Throws<FormatException>(() => SummonRequest.FromGem("calculator:1.0"));

        Assert.Contains("gem://name@version", error.Message, StringComparison.Ordinal);
    }

    // The caller's own listing: the workers its nodes report for it.
    private static async Task<IReadOnlyList<ControlPlane.WorkerReport>> ReportedWorkersAsync(MeshClient client) =>
        await client.Gateway.ListWorkersAsync(TestContext.Current.CancellationToken);
}
