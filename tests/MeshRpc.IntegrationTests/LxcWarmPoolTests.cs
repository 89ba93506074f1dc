using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>Pre-forged sandboxes: a summon takes one, the pool refills, and none outlives the agent.</summary>
public sealed class LxcWarmPoolTests(LxcPoolMesh mesh) : IClassFixture<LxcPoolMesh>
{
    [Fact]
    public async Task Summon_TakesAPooledSandbox_NamedAfterItsWorker_AndThePoolRefills()
    {
        SandboxSupport.Require(mesh, "lxc");
        using var client = mesh.CreateClient();
        var pooled = await WaitForContainersAsync(LxcPoolMesh.PoolSize);

        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        var workerId = ((IGhostProxy)worker).Connection.Ticket.WorkerId;

        Assert.Contains("meshrpc-" + workerId, pooled);
        Assert.Equal("warm", await worker.EchoAsync("warm"));
        var refilled = await WaitForContainersAsync(LxcPoolMesh.PoolSize + 1);
        Assert.Contains("meshrpc-" + workerId, refilled);
    }

    [Fact]
    public async Task PooledSourceSummon_CompilesInThePooledSandbox()
    {
        SandboxSupport.Require(mesh, "lxc");
        using var client = mesh.CreateClient();
        await WaitForContainersAsync(LxcPoolMesh.PoolSize);

        var error = await Assert.ThrowsAsync<SummonFailedException>(() =>
            client.SummonAsync<ITestWorker>(SummonRequest.FromSource("this is not C#"), TestContext.Current.CancellationToken));

        Assert.Equal(SummonFailureReason.CompileFailed, error.Reason);
        Assert.NotEmpty(error.Diagnostics);
    }

    private async Task<IReadOnlyList<string>> WaitForContainersAsync(int atLeast)
    {
        IReadOnlyList<string> containers = [];
        Assert.True(await Poll.UntilAsync(async () => (containers = await mesh.ContainersAsync()).Count >= atLeast),
            $"The warm pool never reached {atLeast} containers.\n{mesh.Logs}");
        return containers;
    }
}
