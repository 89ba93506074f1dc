using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>Placement across three node agents on distinct data-plane addresses.</summary>
public sealed class PlacementTests(SwarmProcesses swarm) : IClassFixture<SwarmProcesses>
{
    [Fact]
    public async Task ConcurrentSummons_SpreadAcrossNodes_WithoutExceedingSlots_AndSkipDeadNodes()
    {
        using var client = swarm.CreateClient();
        using var admin = swarm.CreateAdminClient();
        var capacity = SwarmProcesses.SlotsPerNode * swarm.NodeIds.Count;

        var workers = await Task.WhenAll(Enumerable.Range(0, capacity).Select(_ =>
            client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken)));
        try
        {
            var perNode = workers.GroupBy(w => ((IGhostProxy)w).Connection.Ticket.NodeId).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(swarm.NodeIds.Order(), perNode.Keys.Order());
            Assert.All(perNode.Values, count => Assert.Equal(SwarmProcesses.SlotsPerNode, count));
            Assert.All(workers, w => Assert.StartsWith("tls://127.0.0.", ((IGhostProxy)w).Connection.Ticket.Endpoints.Direct, StringComparison.Ordinal));
            Assert.Equal(3, workers.Select(w => new Uri(((IGhostProxy)w).Connection.Ticket.Endpoints.Direct).Host).Distinct().Count());
            Assert.All(await Task.WhenAll(workers.Select(w => w.EchoAsync("x"))), echo => Assert.Equal("x", echo));

            var full = await Assert.ThrowsAsync<SummonFailedException>(() =>
                client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken));
            Assert.Equal(SummonFailureReason.NoNodeAvailable, full.Reason);
            Assert.Contains("full", full.Message, StringComparison.Ordinal);
        }
        finally
        {
            await Task.WhenAll(workers.Select(w => ((IAsyncDisposable)w).DisposeAsync().AsTask()));
        }

        var stranded = await client.SummonAsync<ITestWorker>(
            SummonRequest.FromGem(TestGem.Pointer) with { RequiredLabels = ["zone=us"], HeartbeatTimeout = TimeSpan.FromSeconds(1) }, TestContext.Current.CancellationToken);
        var strandedId = ((IGhostProxy)stranded).Connection.Ticket.WorkerId;
        swarm.KillNode("node-c");
        Assert.True(await Poll.UntilAsync(async () =>
            (await admin.Gateway.GetServiceRegistryAsync(TestContext.Current.CancellationToken)).Nodes.Single(n => n.NodeId == "node-c").Status == "dead"),
            "The gateway never marked the killed node dead.");
        var dead = (await admin.Gateway.GetServiceRegistryAsync(TestContext.Current.CancellationToken)).Nodes.Single(n => n.NodeId == "node-c");
        Assert.Contains(dead.LostWorkers, w => w.WorkerId == strandedId);
        Assert.Empty(dead.Workers);

        // YARP's routes follow the registry: the dead node's prefix stops routing, the live ones still do.
        using var http = TestCredentials.Http(swarm.GatewayAddress, TestCredentials.Caller);
        Assert.True(await Poll.UntilAsync(async () =>
        {
            using var routed = await http.GetAsync($"/nodes/node-c/relay/{strandedId}", TestContext.Current.CancellationToken);
            return routed.StatusCode == System.Net.HttpStatusCode.NotFound;
        }), "The gateway still routes /nodes/node-c/ after marking the node dead.");
        using (var live = await http.GetAsync($"/nodes/node-a/relay/{strandedId}", TestContext.Current.CancellationToken))
        {
            // The live agent answers (it runs no such worker, and speaks WebSocket only); the gateway's 404 would mean no route.
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, live.StatusCode);
        }

        // With its node gone, teardown cannot be confirmed; the worker dies on its own once the heartbeats stop.
        await Assert.ThrowsAsync<TeardownFailedException>(() => stranded.DisposeAsync().AsTask());

        var survivors = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken)));
        try
        {
            Assert.DoesNotContain(survivors, w => ((IGhostProxy)w).Connection.Ticket.NodeId == "node-c");
        }
        finally
        {
            await Task.WhenAll(survivors.Select(w => ((IAsyncDisposable)w).DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task Constraints_PickANodeThatMeetsThem_OrFailNamingWhatIsUnmet()
    {
        using var client = swarm.CreateClient();

        await using (var onGpu = await client.SummonAsync<ITestWorker>(
            SummonRequest.FromGem(TestGem.Pointer) with { RequiredLabels = ["gpu"] }, TestContext.Current.CancellationToken))
        {
            Assert.Equal("node-a", ((IGhostProxy)onGpu).Connection.Ticket.NodeId);
        }

        var noTpu = await Assert.ThrowsAsync<SummonFailedException>(() => client.SummonAsync<ITestWorker>(
            SummonRequest.FromGem(TestGem.Pointer) with { RequiredLabels = ["tpu"] }, TestContext.Current.CancellationToken));
        Assert.Equal(SummonFailureReason.NoNodeAvailable, noTpu.Reason);
        Assert.Contains("node-a lacks label(s) tpu", noTpu.Message, StringComparison.Ordinal);

        var tooBig = await Assert.ThrowsAsync<SummonFailedException>(() => client.SummonAsync<ITestWorker>(
            SummonRequest.FromGem(TestGem.Pointer) with { MemoryMb = 4096 }, TestContext.Current.CancellationToken));
        Assert.Contains("less than the 4096 MiB asked for", tooBig.Message, StringComparison.Ordinal);

        using var admin = swarm.CreateAdminClient();
        var registry = await admin.Gateway.GetServiceRegistryAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["gpu", "zone=eu"], registry.Nodes.Single(n => n.NodeId == "node-a").Labels);
        Assert.All(registry.Nodes, n => Assert.Equal(512, n.WorkerMemoryMb));
    }
}
