using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Configuration;
using MeshRpc.Gateway.Registry;
using MeshRpc.Gateway.Registry.Redis;

namespace MeshRpc.Gateway.Tests.Registry;

/// <summary>The registry's scenarios over a real Redis, then what only a shared store can show: two gateways' registries over one Redis.</summary>
public sealed class RedisNodeRegistryTests(RedisFixture redis)
    : NodeRegistryTests(time => new RedisRegistryStore(redis.Connection, new RedisKeys($"test-{Guid.NewGuid():N}:"), TimeSpan.FromMinutes(1), time)),
      IClassFixture<RedisFixture>
{
    private readonly RedisKeys _keys = new($"shared-{Guid.NewGuid():N}:");

    [Fact]
    public async Task TwoGatewaysPlacingOnOneNodeAtOnce_NeverReserveMoreThanItsSlots()
    {
        await using var firstStore = Store();
        await using var secondStore = Store();
        var (first, second) = (Registry(firstStore), Registry(secondStore));
        Assert.True(await first.TryRegisterAsync(Registration("node-1", slots: 10)));
        Assert.Equal(HeartbeatResult.CameAlive, await first.HeartbeatAsync("node-1", new NodeHeartbeat([])));

        // 100 reservations at once, half through each gateway, each retrying its compare-and-swap against the other.
        var granted = 0;
        await Parallel.ForAsync(0, 100, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            if (await (i % 2 == 0 ? first : second).TryReserveAsync("node-1"))
            {
                Interlocked.Increment(ref granted);
            }
        });

        Assert.Equal(10, granted);
        Assert.Equal(10, (await second.FindAsync("node-1"))!.Pending);
    }

    [Fact]
    public async Task WhatOneGatewayRecords_TheOtherSees_NodesPlacementsAndEndings()
    {
        await using var homeStore = Store();
        await using var otherStore = Store();
        var (home, other) = (Registry(homeStore), Registry(otherStore));
        Assert.True(await home.TryRegisterAsync(Registration("node-1", slots: 4)));
        Assert.Equal(HeartbeatResult.CameAlive, await home.HeartbeatAsync("node-1", new NodeHeartbeat([]) { Added = 0 }));

        // The other gateway's list of nodes catches up at its next reading (every 200 ms in the background).
        await otherStore.RefreshAsync();
        Assert.Single(other.LiveNodes());

        // The other gateway places a worker on the node; its home gateway's next heartbeat, listed before the forge, keeps it.
        Assert.True(await other.TryReserveAsync("node-1"));
        await other.ReleaseAsync("node-1", Report("w-1", "alice"), added: 1);
        Assert.Equal(HeartbeatResult.Recorded, await home.HeartbeatAsync("node-1", new NodeHeartbeat([]) { Added = 0 }));
        Assert.Equal("node-1", (await home.NodeOfAsync("w-1"))?.Registration.NodeId);
        Assert.Equal(1, home.LiveWorkersOf("alice"));

        // Torn down through the home gateway: the other sees it ended, with its owner.
        await home.RemoveWorkerAsync("node-1", "w-1");
        Assert.Null(await other.NodeOfAsync("w-1"));
        Assert.Equal("alice", (await other.FindEndedAsync("w-1"))?.Worker.Owner);
    }

    [Fact]
    public async Task ANodeNoAgentSpeaksFor_LeavesTheSharedRegistry_WhenItsLeaseRunsOut()
    {
        await using var store = Store(lease: TimeSpan.FromMilliseconds(300));
        var registry = Registry(store);
        Assert.True(await registry.TryRegisterAsync(Registration("node-gone", slots: 1)));
        Assert.NotNull(await registry.FindAsync("node-gone"));

        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);

        Assert.Null(await registry.FindAsync("node-gone"));
        await store.RefreshAsync();
        Assert.DoesNotContain(registry.Nodes, n => n.Registration.NodeId == "node-gone");
    }

    private RedisRegistryStore Store(TimeSpan? lease = null) => new(redis.Connection, _keys, lease ?? TimeSpan.FromMinutes(1), TimeProvider.System);

    private static NodeRegistry Registry(IRegistryStore store) => new(new GatewayOptions(), TimeProvider.System, store);

    private static NodeRegistration Registration(string nodeId, int slots) => new()
    {
        NodeId = nodeId, AgentUrl = "https://127.0.0.1:1", DataPlaneAddress = "127.0.0.1", Sandbox = "process", Slots = slots, AgentCertificateSha256 = "unused",
    };

    private static WorkerReport Report(string workerId, string owner) =>
        new(workerId, "Contract", "tls://127.0.0.1:2", 42, DateTimeOffset.UtcNow) { Owner = owner };
}
