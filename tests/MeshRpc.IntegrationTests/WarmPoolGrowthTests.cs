using MeshRpc.ControlPlane;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>
/// A pool that sizes itself from the summons it sees, on real processes: a burst grows it (primed with the burst's gem,
/// up to its ceiling), the node reports its idle hosts to the registry, the next burst takes them, and once bursts stop
/// the pool shrinks back to nothing.
/// </summary>
public sealed class WarmPoolGrowthTests(GrowingPoolMesh mesh) : IClassFixture<GrowingPoolMesh>
{
    [Fact]
    public async Task ABurst_GrowsThePoolToItsCeiling_PrimedWithItsGem_ThenThePoolShrinksBack()
    {
        using var client = mesh.CreateClient();
        using var admin = TestCredentials.Client(mesh.GatewayAddress, TestCredentials.Admin);
        var cancellation = TestContext.Current.CancellationToken;
        var digest = GemArchive.Digest(TestGem.Pack());
        Assert.Empty(await WarmHostsAsync(admin));

        // A burst larger than the ceiling: every summon in it starts cold, since the pool held nothing.
        var burst = await Task.WhenAll(Enumerable.Range(0, GrowingPoolMesh.PoolCeiling + 1)
            .Select(_ => client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), cancellation)));
        foreach (var worker in burst)
        {
            await worker.DisposeAsync();
        }

        IReadOnlyList<WarmHosts> grown = [];
        Assert.True(await Poll.UntilAsync(async () => (grown = await WarmHostsAsync(admin)).Sum(w => w.Idle) == GrowingPoolMesh.PoolCeiling, TimeSpan.FromSeconds(60)),
            $"The pool did not grow to {GrowingPoolMesh.PoolCeiling} idle hosts after a burst; the node reports {Describe(grown)}.\n{mesh.Logs}");
        Assert.Equal([new WarmHosts(digest, GrowingPoolMesh.PoolCeiling)], grown);

        // Once no summon has come for the pool's keep time, it holds nothing again.
        IReadOnlyList<WarmHosts> shrunk = grown;
        Assert.True(await Poll.UntilAsync(async () => (shrunk = await WarmHostsAsync(admin)).Count == 0, GrowingPoolMesh.Keep + TimeSpan.FromSeconds(30)),
            $"The pool kept {Describe(shrunk)} long after the burst.\n{mesh.Logs}");
    }

    // The registry is an operator's view: only an administrator reads it.
    private static async Task<IReadOnlyList<WarmHosts>> WarmHostsAsync(MeshClient admin) =>
        Assert.Single((await admin.Gateway.GetServiceRegistryAsync(TestContext.Current.CancellationToken)).Nodes).WarmHosts;

    private static string Describe(IReadOnlyList<WarmHosts> hosts) =>
        hosts.Count == 0 ? "none" : string.Join(", ", hosts.Select(h => $"{h.Idle} for {h.GemDigest ?? "any gem"}"));
}
