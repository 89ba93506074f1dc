using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>
/// A summon takes a pooled sandbox, and the pool refills. A mesh of its own: the other warm-pool tests prime the pool
/// with other gems, after which a summon rightly starts cold.
/// </summary>
public sealed class LxcWarmPoolTakeTests(LxcPoolMesh mesh) : IClassFixture<LxcPoolMesh>
{
    [Fact]
    public async Task Summon_TakesAPooledSandbox_NamedAfterItsWorker_AndThePoolRefills()
    {
        SandboxSupport.Require(mesh, "lxc");
        using var client = mesh.CreateClient();
        var pooled = await mesh.WaitForContainersAsync(LxcPoolMesh.PoolSize);

        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        var workerId = ((IGhostProxy)worker).Connection.Ticket.WorkerId;

        Assert.Contains("meshrpc-" + workerId, pooled);
        Assert.Equal("warm", await worker.EchoAsync("warm"));
        var refilled = await mesh.WaitForContainersAsync(LxcPoolMesh.PoolSize + 1);
        Assert.Contains("meshrpc-" + workerId, refilled);
    }
}
