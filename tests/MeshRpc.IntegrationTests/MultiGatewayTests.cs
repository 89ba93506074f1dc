using System.Net.Http.Json;
using MeshRpc.ControlPlane;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>Two gateway processes serving one swarm through a real Redis: either one summons onto any node, tears down what the other summoned, and together they never fill a node past its slots.</summary>
public sealed class MultiGatewayTests(GatewayPairProcesses pair) : IClassFixture<GatewayPairProcesses>
{
    [Fact]
    public async Task AnApiKeyIssuedThroughOneGateway_AuthenticatesAtTheOther_AtOnce()
    {
        using var operatorAtFirst = TestCredentials.Http(pair.Gateways[0], TestCredentials.Admin);
        using var issued = await operatorAtFirst.PostAsJsonAsync("/api/v2/keys", new ApiKeyRequest("carol", [MeshPermissions.SummonGem]), ControlPlaneJsonContext.Default.ApiKeyRequest, TestContext.Current.CancellationToken);
        var key = (await issued.Content.ReadFromJsonAsync(ControlPlaneJsonContext.Default.ApiKeyIssued, TestContext.Current.CancellationToken))!.Key;

        using var carolAtSecond = TestCredentials.Http(pair.Gateways[1], key);
        using var listed = await carolAtSecond.GetAsync("/api/v2/gems", TestContext.Current.CancellationToken);
        using var forged = TestCredentials.Http(pair.Gateways[1], key[..^4] + "0000");
        using var refused = await forged.GetAsync("/api/v2/gems", TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task EitherGateway_SummonsOntoNodesOfBoth_AndTheOtherTearsDown()
    {
        using var first = pair.Client(0);
        using var second = pair.Client(1);

        // Placed on each node in turn through each gateway: a node registered with one gateway takes summons through the other.
        var workers = new List<ITestWorker>();
        try
        {
            foreach (var (nodeId, _) in pair.Nodes)
            {
                foreach (var client in new[] { first, second })
                {
                    workers.Add(await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer) with { RequiredLabels = ["node=" + nodeId] }, TestContext.Current.CancellationToken));
                }
            }

            Assert.Equal(pair.Nodes.SelectMany(n => new[] { n.NodeId, n.NodeId }), workers.Select(w => ((IGhostProxy)w).Connection.Ticket.NodeId));
            Assert.All(await Task.WhenAll(workers.Select(w => w.EchoAsync("both"))), echo => Assert.Equal("both", echo));

            // Each gateway tears down, by id, the workers the other summoned; their callers see them gone.
            for (var i = 0; i < workers.Count; i++)
            {
                var summonedThrough = i % 2;
                await pair.Client(1 - summonedThrough).Gateway.TeardownAsync(((IGhostProxy)workers[i]).Connection.Ticket.WorkerId, TestContext.Current.CancellationToken);
            }

            Assert.All(await Task.WhenAll(workers.Select(w => Assert.ThrowsAsync<WorkerLostException>(() => w.EchoAsync("gone")))), lost => Assert.NotNull(lost));
            using var admin = pair.AdminClient(0);
            Assert.True(await Poll.UntilAsync(async () => (await admin.Gateway.GetServiceRegistryAsync(TestContext.Current.CancellationToken)).Nodes.All(n => n.Workers.Count == 0)),
                "The registry still lists torn-down workers.\n" + pair.Logs);
        }
        finally
        {
            await DisposeQuietlyAsync(workers);
        }
    }

    [Fact]
    public async Task TwoHundredSummonsAtOnce_ThroughBothGateways_FillEveryNodeToItsSlots_AndNoFurther()
    {
        using var first = pair.Client(0);
        using var second = pair.Client(1);
        var capacity = GatewayPairProcesses.SlotsPerNode * pair.Nodes.Count;

        var attempts = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            try
            {
                return (Worker: await (i % 2 == 0 ? first : second).SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken), Refusal: (SummonFailedException?)null);
            }
            catch (SummonFailedException ex)
            {
                return (Worker: (ITestWorker?)null, Refusal: ex);
            }
        }));
        var workers = attempts.Where(a => a.Worker is not null).Select(a => a.Worker!).ToList();
        try
        {
            // Every slot taken, none twice: the refusals say the nodes are full.
            Assert.True(capacity == workers.Count, $"{workers.Count} of {capacity} slots taken; refusals: " +
                string.Join(" | ", attempts.Where(a => a.Refusal is not null).GroupBy(a => a.Refusal!.Message).Select(g => $"{g.Count()}× {g.Key}")));
            var otherRefusals = attempts.Where(a => a.Refusal is { Reason: not SummonFailureReason.NoNodeAvailable }).Select(a => a.Refusal!.Message).Distinct().ToList();
            Assert.True(otherRefusals.Count == 0, $"Refusals that do not say the nodes are full: {string.Join(" | ", otherRefusals)}\n{pair.Logs}");
            var perNode = workers.GroupBy(w => ((IGhostProxy)w).Connection.Ticket.NodeId).ToDictionary(g => g.Key, g => g.Count());
            Assert.All(pair.Nodes, n => Assert.Equal(GatewayPairProcesses.SlotsPerNode, perNode.GetValueOrDefault(n.NodeId)));

            // The nodes' own reports agree: no node runs more workers than its slots.
            using var admin = pair.AdminClient(1);
            var registry = await admin.Gateway.GetServiceRegistryAsync(TestContext.Current.CancellationToken);
            Assert.All(registry.Nodes, n => Assert.InRange(n.Workers.Count, 0, GatewayPairProcesses.SlotsPerNode));
        }
        finally
        {
            await DisposeQuietlyAsync(workers);
        }
    }

    [Fact]
    public async Task WhileRedisIsDown_LiveWorkersServe_AndSummonsAreRefusedClearly_ThenResumeWhenItIsBack()
    {
        using var first = pair.Client(0);
        using var second = pair.Client(1);
        var worker = await first.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        try
        {
            await pair.Redis.KillAsync();

            // The data plane does not go through the gateways, nor the gateways' state.
            Assert.Equal("still here", await worker.EchoAsync("still here"));
            var refused = await Assert.ThrowsAsync<SummonFailedException>(() =>
                second.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken));
            Assert.Equal(SummonFailureReason.GatewayUnavailable, refused.Reason);
            Assert.Contains("state_unavailable", refused.Message, StringComparison.Ordinal);
            Assert.Contains("Retry", refused.Message, StringComparison.Ordinal);

            // Back, empty: the agents register again at their next heartbeat, and summons resume through both gateways.
            await pair.Redis.StartAgainAsync();
            var resumed = new List<ITestWorker>();
            foreach (var client in new[] { second, first })
            {
                Assert.True(await Poll.UntilAsync(async () =>
                {
                    try
                    {
                        resumed.Add(await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken));
                        return true;
                    }
                    catch (SummonFailedException)
                    {
                        return false;
                    }
                }, TimeSpan.FromSeconds(30)), "Summons did not resume after Redis came back.\n" + pair.Logs);
            }

            Assert.All(await Task.WhenAll(resumed.Select(w => w.EchoAsync("again"))), echo => Assert.Equal("again", echo));
            Assert.Equal("through it all", await worker.EchoAsync("through it all"));
            await DisposeQuietlyAsync(resumed);
        }
        finally
        {
            await DisposeQuietlyAsync(worker);
        }
    }

    [Fact]
    public async Task AGatewayKilled_ItsAgentsMoveToTheOther_TheirWorkersServeThroughout_AndItTearsThemDown()
    {
        // node-a's home now (an earlier test may have moved it): that gateway dies, the other survives.
        var home = pair.HomeOf("node-a");
        using var doomed = pair.Client(home);
        using var survivor = pair.Client(1 - home);
        var moved = "moves to " + pair.Gateways[1 - home];
        var movesBefore = Occurrences(pair.AgentOutput("node-a"), moved);
        var worker = await doomed.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer) with { RequiredLabels = ["node=node-a"] }, TestContext.Current.CancellationToken);
        var workerId = ((IGhostProxy)worker).Connection.Ticket.WorkerId;
        try
        {
            pair.KillGateway(home);

            // node-a's agent moves to the other gateway; its worker answers every call meanwhile.
            var calls = 0;
            Assert.True(await Poll.UntilAsync(async () =>
            {
                Assert.Equal($"call {calls}", await worker.EchoAsync($"call {calls}"));
                calls++;
                return Occurrences(pair.AgentOutput("node-a"), moved) > movesBefore;
            }, TimeSpan.FromSeconds(30)), "node-a's agent never moved to the surviving gateway.\n" + pair.Logs);
            Assert.True(calls > 1);

            // Registered there, it takes summons through it.
            ITestWorker? placed = null;
            Assert.True(await Poll.UntilAsync(async () =>
            {
                try
                {
                    placed = await survivor.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer) with { RequiredLabels = ["node=node-a"] }, TestContext.Current.CancellationToken);
                    return true;
                }
                catch (SummonFailedException ex) when (ex.Reason == SummonFailureReason.NoNodeAvailable)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(20)), "node-a never took summons through the surviving gateway.\n" + pair.Logs);
            Assert.Equal("placed", await placed!.EchoAsync("placed"));
            await ((IAsyncDisposable)placed).DisposeAsync();

            // The worker summoned through the dead gateway is torn down through the living one.
            await survivor.Gateway.TeardownAsync(workerId, TestContext.Current.CancellationToken);
            await Assert.ThrowsAsync<WorkerLostException>(() => worker.EchoAsync("gone"));
        }
        finally
        {
            await pair.RestartGatewayAsync(home);
            await DisposeQuietlyAsync(worker);
        }
    }

    [Fact]
    public async Task OneSummonSentToBothGateways_AtOnceAndAgain_ForgesOneWorker()
    {
        var contract = MeshContracts.Get<ITestWorker>();
        var summon = new SpawnEphemeralRequest { Contract = contract.Name, ContractHash = contract.Hash, Gem = TestGem.Pointer.ToString() };
        var key = Guid.NewGuid().ToString("N");
        using var first = pair.Client(0);
        using var second = pair.Client(1);

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            (i % 2 == 0 ? first : second).Gateway.SpawnEphemeralAsync(summon, key, TestContext.Current.CancellationToken)));
        var again = await second.Gateway.SpawnEphemeralAsync(summon, key, TestContext.Current.CancellationToken);
        try
        {
            Assert.Single(answers.Append(again).Select(a => a.Ticket.WorkerId).Distinct());
            using var admin = pair.AdminClient(0);
            Assert.Single((await admin.Gateway.GetServiceRegistryAsync(TestContext.Current.CancellationToken)).Nodes.SelectMany(n => n.Workers), w => w.WorkerId == again.Ticket.WorkerId);

            // A key that is not one is refused, naming the header.
            var malformed = await Assert.ThrowsAsync<Refit.ApiException>(() => first.Gateway.SpawnEphemeralAsync(summon, "not a key; DROP", TestContext.Current.CancellationToken));
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, malformed.StatusCode);
            Assert.Contains("Idempotency-Key", malformed.Content, StringComparison.Ordinal);

            // Another caller's key is its own: the same key from it is another summon.
            using var other = TestCredentials.Client(pair.Gateways[0], TestCredentials.OtherCaller);
            var theirs = await other.Gateway.SpawnEphemeralAsync(summon, key, TestContext.Current.CancellationToken);
            Assert.NotEqual(again.Ticket.WorkerId, theirs.Ticket.WorkerId);
            await other.TeardownAsync(theirs.Ticket.WorkerId, TestContext.Current.CancellationToken);
        }
        finally
        {
            await first.TeardownAsync(again.Ticket.WorkerId, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task AGatewayKilledDuringAStreamOfSummonsAndCalls_NoCallFails_EverySummonFailsOver_OneWorkerEach()
    {
        using var client = new MeshClient([pair.Gateways[0], pair.Gateways[1]], MeshCredential.FromKey(TestCredentials.Caller));
        var workers = new System.Collections.Concurrent.ConcurrentQueue<ITestWorker>();
        var failedCalls = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var calls = 0;
        using var stop = new CancellationTokenSource();
        try
        {
            // Calls on every live worker, all along.
            var calling = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    foreach (var worker in workers.ToArray())
                    {
                        try
                        {
                            Assert.Equal("on", await worker.EchoAsync("on"));
                            Interlocked.Increment(ref calls);
                        }
                        catch (Exception ex) when (ex is MeshRpcException or Xunit.Sdk.XunitException)
                        {
                            failedCalls.Enqueue(ex);
                        }
                    }

                    await Task.Delay(5, CancellationToken.None);
                }
            }, CancellationToken.None);

            // Four streams of two summons each; the first gateway dies once the first are back, with others in flight.
            var summoning = Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
            {
                for (var i = 0; i < 2; i++)
                {
                    workers.Enqueue(await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken));
                }
            }));
            Assert.True(await Poll.UntilAsync(() => Task.FromResult(workers.Count >= 2 || summoning.IsCompleted), TimeSpan.FromSeconds(60)));
            pair.KillGateway(0);
            await summoning;

            // Calls go on while the killed gateway's agents move to the other one.
            await Task.Delay(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
            await stop.CancelAsync();
            await calling;
            Assert.Empty(failedCalls);
            Assert.True(calls > workers.Count, $"only {calls} calls were made");

            // One worker per summon: the nodes' own reports hold exactly the summoned workers, no second forge and no orphan.
            var summoned = workers.Select(w => ((IGhostProxy)w).Connection.Ticket.WorkerId).Order().ToList();
            Assert.Equal(8, summoned.Distinct().Count());
            using var admin = pair.AdminClient(1);
            Assert.True(await Poll.UntilAsync(async () =>
                (await admin.Gateway.GetServiceRegistryAsync(TestContext.Current.CancellationToken)).Nodes.Where(n => n.Status == "live").SelectMany(n => n.Workers).Select(w => w.WorkerId).Order().SequenceEqual(summoned),
                TimeSpan.FromSeconds(30)), "The nodes do not report exactly the summoned workers.\n" + pair.Logs);

            // Torn down through the gateway that lives (the client's failover): nothing is left on any node.
            foreach (var worker in workers)
            {
                await ((IAsyncDisposable)worker).DisposeAsync();
            }

            Assert.True(await Poll.UntilAsync(async () =>
                (await admin.Gateway.GetServiceRegistryAsync(TestContext.Current.CancellationToken)).Nodes.All(n => n.Workers.Count == 0), TimeSpan.FromSeconds(30)),
                "Workers are left after their teardown.\n" + pair.Logs);

            // What the killed gateway reserved for the summons it was forging lapses: every slot is free again.
            Assert.True(await Poll.UntilAsync(async () =>
                (await admin.Gateway.GetServiceRegistryAsync(TestContext.Current.CancellationToken)).Nodes.All(n => n.Reserved == 0), TimeSpan.FromSeconds(30)),
                "Slots stay reserved for the killed gateway's summons.\n" + pair.Logs);
        }
        finally
        {
            await stop.CancelAsync();
            await pair.RestartGatewayAsync(0);
            await DisposeQuietlyAsync(workers);
        }
    }

    [Fact]
    public async Task AnAgentKilled_ItsWorkersAreReportedLost_AndItsRestartReapsWhatItLeft()
    {
        using var client = pair.Client(1);
        var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer) with { RequiredLabels = ["node=node-c"] }, TestContext.Current.CancellationToken);
        var workerId = ((IGhostProxy)worker).Connection.Ticket.WorkerId;
        try
        {
            pair.KillAgent("node-c");

            // Both gateways report the node dead and its worker lost, within the time a node counts as dead.
            foreach (var gateway in new[] { 0, 1 })
            {
                using var admin = pair.AdminClient(gateway);
                Assert.True(await Poll.UntilAsync(async () =>
                    (await admin.Gateway.GetServiceRegistryAsync(TestContext.Current.CancellationToken)).Nodes.Single(n => n.NodeId == "node-c") is { Status: "dead" } dead
                    && dead.LostWorkers.Any(w => w.WorkerId == workerId), TimeSpan.FromSeconds(15)), $"Gateway {gateway} never reported node-c's worker lost.\n" + pair.Logs);
            }

            var refused = await Assert.ThrowsAsync<SummonFailedException>(() =>
                client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer) with { RequiredLabels = ["node=node-c"] }, TestContext.Current.CancellationToken));
            Assert.Equal(SummonFailureReason.NoNodeAvailable, refused.Reason);

            // Started again, the agent kills what its predecessor left, and the node comes back empty.
            await pair.RestartAgentAsync("node-c");
            Assert.Contains("reaped 1 sandboxes left by an earlier run", pair.AgentOutput("node-c"), StringComparison.Ordinal);
            await Assert.ThrowsAsync<WorkerLostException>(() => worker.EchoAsync("reaped"));
            using var registry = pair.AdminClient(0);
            Assert.True(await Poll.UntilAsync(async () =>
                (await registry.Gateway.GetServiceRegistryAsync(TestContext.Current.CancellationToken)).Nodes.Single(n => n.NodeId == "node-c") is { Status: "live", Workers.Count: 0 }),
                "node-c did not come back live and empty.\n" + pair.Logs);
        }
        finally
        {
            await DisposeQuietlyAsync(worker);
        }
    }

    [Fact]
    public async Task TheTicketKeyRotated_OnOneGateway_WhileTheOtherSummons_NoWorkerRefusesItsTicket()
    {
        using var summoner = pair.Client(1);
        using var admin = pair.AdminClient(0);
        using var http = TestCredentials.Http(pair.Gateways[0], TestCredentials.Admin);
        var before = await summoner.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        var oldKey = ((IGhostProxy)before).Connection.Ticket.Auth.KeyId;
        var summoned = new List<ITestWorker> { before };
        try
        {
            // Summons and calls through one gateway while the other rotates the key twice.
            using var stop = new CancellationTokenSource();
            var summoning = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var worker = await summoner.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
                    await using ((IAsyncDisposable)worker)
                    {
                        Assert.Equal("rotating", await worker.EchoAsync("rotating"));
                    }
                }
            }, CancellationToken.None);
            var rotations = new List<TicketKey>();
            for (var i = 0; i < 2; i++)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
                using var rotated = await http.PostAsync("/api/v2/tickets/key/rotate", null, TestContext.Current.CancellationToken);
                Assert.Equal(System.Net.HttpStatusCode.OK, rotated.StatusCode);
                rotations.Add((await rotated.Content.ReadFromJsonAsync<TicketKey>(TestContext.Current.CancellationToken))!);
            }

            await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
            await stop.CancelAsync();
            await summoning;

            // The other gateway signs with the new key now, and lists the one before it; the worker summoned under the
            // first key still serves, and takes a new connection with its ticket.
            var after = await summoner.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
            summoned.Add(after);
            Assert.Equal(rotations[1].KeyId, ((IGhostProxy)after).Connection.Ticket.Auth.KeyId);
            using var keys = TestCredentials.Http(pair.Gateways[1], TestCredentials.Caller);
            var ring = await keys.GetFromJsonAsync<List<TicketKey>>("/api/v2/tickets/keys", TestContext.Current.CancellationToken);
            Assert.Equal([rotations[1].KeyId, rotations[0].KeyId], ring!.Select(k => k.KeyId));
            Assert.NotEqual(oldKey, rotations[0].KeyId);
            Assert.Equal("still", await before.EchoAsync("still"));
            await using var again = await WorkerConnection.ConnectAsync(((IGhostProxy)before).Connection.Ticket, MeshContracts.Get<ITestWorker>(), cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal("again", await GhostProxies.Create<ITestWorker>(again).EchoAsync("again"));
        }
        finally
        {
            await DisposeQuietlyAsync(summoned);
        }
    }

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static async Task DisposeQuietlyAsync(IEnumerable<ITestWorker> workers)
    {
        foreach (var worker in workers)
        {
            await DisposeQuietlyAsync(worker);
        }
    }

    private static async Task DisposeQuietlyAsync(ITestWorker worker)
    {
        try
        {
            await ((IAsyncDisposable)worker).DisposeAsync();
        }
        catch (TeardownFailedException)
        {
            // Torn down already through the other gateway: nothing is left to tear down.
        }
    }
}
