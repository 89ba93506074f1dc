using System.Diagnostics;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>The registry follows a real agent's heartbeats, which after its first list carry only what changed.</summary>
public sealed class HeartbeatTests(MeshProcesses mesh) : IClassFixture<MeshProcesses>
{
    // Long enough for the agent (one heartbeat a second) to have listed what happened, and for the gateway to trust its list over its own placements.
    private static readonly TimeSpan AFewHeartbeats = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task AWorkerThatDies_LeavesTheRegistry_AndOneSummonedLater_StaysInIt()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = mesh.CreateClient();
        await using var kept = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), ct);
        await using var doomed = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), ct);
        await Task.Delay(AFewHeartbeats, ct);

        using (var host = Process.GetProcessById(await mesh.HostProcessIdOfAsync(IdOf(doomed))))
        {
            host.Kill();
        }

        Assert.True(await Poll.UntilAsync(async () => !(await ListedAsync(client)).Contains(IdOf(doomed))), $"The registry still lists the dead worker.\n{mesh.Logs}");

        await using var later = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), ct);
        await Task.Delay(AFewHeartbeats, ct);

        var listed = await ListedAsync(client);
        Assert.Contains(IdOf(kept), listed);
        Assert.Contains(IdOf(later), listed);
        Assert.DoesNotContain(IdOf(doomed), listed);
        Assert.Equal("still here", await later.EchoAsync("still here"));
    }

    private static string IdOf(ITestWorker worker) => ((IGhostProxy)worker).Connection.Ticket.WorkerId;

    private static async Task<HashSet<string>> ListedAsync(MeshClient client) =>
        [.. (await client.Gateway.ListWorkersAsync(TestContext.Current.CancellationToken)).Select(w => w.WorkerId)];
}
