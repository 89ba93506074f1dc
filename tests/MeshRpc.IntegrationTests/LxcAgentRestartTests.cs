using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>An agent killed with SIGKILL leaves no sandbox running once it restarts.</summary>
public sealed class LxcAgentRestartTests(LxcMesh mesh) : IClassFixture<LxcMesh>
{
    [Fact]
    public async Task AgentKilledAndRestarted_ReapsItsContainers_AndCallersGetWorkerLost()
    {
        SandboxSupport.Require(mesh, "lxc");
        using var client = mesh.CreateClient();
        var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer) with { HeartbeatTimeout = TimeSpan.FromSeconds(3) }, TestContext.Current.CancellationToken);
        var workerId = ((IGhostProxy)worker).Connection.Ticket.WorkerId;
        var hostPid = await mesh.HostProcessIdOfAsync(workerId);
        Assert.Contains(await mesh.ContainersAsync(), c => c.EndsWith(workerId, StringComparison.Ordinal));

        mesh.KillAgentHard();
        await mesh.StartAgentAsync();

        Assert.DoesNotContain(await mesh.ContainersAsync(), c => c.EndsWith(workerId, StringComparison.Ordinal));
        Assert.True(await Processes.WaitUntilGoneAsync(hostPid, TimeSpan.FromSeconds(10)) is not null, $"Worker pid {hostPid} survived the agent's restart.");
        var lost = await Assert.ThrowsAsync<WorkerLostException>(() => worker.EchoAsync("anyone there?").WaitAsync(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken));
        Assert.Equal(workerId, lost.WorkerId);
        await ((IAsyncDisposable)worker).DisposeAsync();
    }
}
