using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>
/// What a worker prints: the node agent drains its standard output and error into the worker's bounded spool, so a
/// worker that prints a lot keeps running and serving (a full pipe would stop it mid-write), and none of it lands in
/// the agent's own log.
/// </summary>
public sealed class WorkerOutputTests(MeshProcesses mesh) : IClassFixture<MeshProcesses>
{
    [Fact]
    public async Task AWorkerThatPrintsMegabytes_KeepsServing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = mesh.CreateClient();
        await using var probe = await client.SummonAsync<ISandboxProbe>(SummonRequest.FromGem(TestGem.ProbePointer), ct);

        // Far more than a pipe holds (64 KB): without a reader, the worker's write would block for good.
        var flood = probe.FloodOutputAsync(kilobytes: 4096, last: "flood done");
        var finished = await Task.WhenAny(flood, Task.Delay(TimeSpan.FromSeconds(60), ct));

        Assert.True(finished == flood, $"The worker did not finish printing 8 MB within a minute: its output is not drained.\n{mesh.Logs}");
        Assert.Equal(8L << 20, await flood);
        Assert.False(string.IsNullOrEmpty(await probe.PidNamespaceAsync()));

        // The worker's standard error goes to its spool, not into the agent's own log, where it could pass for the agent's lines.
        Assert.DoesNotContain("flood done", mesh.Logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhatACrashedWorkerPrinted_ItsOwnerStillReads_AfterItLeftTheRegistry()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = mesh.CreateClient();
        await using var probe = await client.SummonAsync<ISandboxProbe>(SummonRequest.FromGem(TestGem.ProbePointer), ct);
        var workerId = ((IGhostProxy)probe).Connection.Ticket.WorkerId;
        await probe.FloodOutputAsync(0, "last words before the crash");
        var hostPid = await mesh.HostProcessIdOfAsync(workerId);

        // A crash: the host dies at once, with no teardown asked; the node reports it gone at its next heartbeat.
        System.Diagnostics.Process.GetProcessById(hostPid).Kill();
        Assert.True(await Poll.UntilAsync(async () => (await client.Gateway.ListWorkersAsync(ct)).All(w => w.WorkerId != workerId)),
            $"The crashed worker {workerId} never left the registry.\n{mesh.Logs}");

        var lines = await client.Gateway.GetLogsAsync(workerId, ct);
        Assert.Contains(lines, line => line.Text.Contains("last words before the crash", StringComparison.Ordinal));

        // Still the owner's alone.
        using var stranger = TestCredentials.Client(mesh.GatewayAddress, TestCredentials.OtherCaller);
        var refused = await Assert.ThrowsAsync<Refit.ApiException>(() => stranger.Gateway.GetLogsAsync(workerId, ct));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, refused.StatusCode);
    }
}
