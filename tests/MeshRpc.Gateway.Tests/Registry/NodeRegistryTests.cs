using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Configuration;
using MeshRpc.Gateway.Registry;
using Microsoft.Extensions.Time.Testing;

namespace MeshRpc.Gateway.Tests.Registry;

/// <summary>
/// The registry against the node's reports: a late heartbeat does not lose a worker; one that could have listed it does.
/// One scenario class, run over each store (<see cref="InMemoryNodeRegistryTests"/>, <see cref="RedisNodeRegistryTests"/>).
/// </summary>
public abstract class NodeRegistryTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly NodeRegistry _registry;
    private readonly IRegistryStore _store;

    protected NodeRegistryTests(Func<TimeProvider, IRegistryStore> store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store(_time);
        _registry = new NodeRegistry(new GatewayOptions(), _time, _store);
    }

    public async ValueTask InitializeAsync()
    {
        Assert.True(await _registry.TryRegisterAsync(new NodeRegistration
        {
            NodeId = "node-1", AgentUrl = "https://127.0.0.1:1", DataPlaneAddress = "127.0.0.1", Sandbox = "process", Slots = 4, AgentCertificateSha256 = "unused",
        }));
        Assert.Equal(HeartbeatResult.CameAlive, await _registry.HeartbeatAsync("node-1", new NodeHeartbeat([])));
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    [Fact]
    public async Task AHeartbeatListedBeforeTheForge_ArrivingLate_KeepsTheWorker()
    {
        await PlaceAsync("w-1", added: 1);

        // Listed when the agent had forged nothing yet, held up for longer than any grace period would allow.
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HeartbeatResult.CameAlive, await _registry.HeartbeatAsync("node-1", new NodeHeartbeat([]) { Added = 0 }));

        Assert.Equal("node-1", (await _registry.NodeOfAsync("w-1"))?.Registration.NodeId);
        Assert.Contains((await _registry.FindAsync("node-1"))!.Workers, w => w.WorkerId == "w-1");
    }

    [Fact]
    public async Task AHeartbeatListedAfterTheForge_WithoutTheWorker_SaysItEnded()
    {
        await PlaceAsync("w-1", added: 1);

        Assert.Equal(HeartbeatResult.Recorded, await _registry.HeartbeatAsync("node-1", new NodeHeartbeat([]) { Added = 1 }));

        Assert.Null(await _registry.NodeOfAsync("w-1"));
        Assert.Empty((await _registry.FindAsync("node-1"))!.Workers);
    }

    [Theory]
    [InlineData(120, true)]
    [InlineData(0, false)]
    public async Task AWorkerThatEnded_IsRemembered_ForAsLongAsItsNodeKeepsItsOutput(int spoolKeepSeconds, bool remembered)
    {
        Assert.True(await _registry.TryRegisterAsync(new NodeRegistration
        {
            NodeId = "node-2", AgentUrl = "https://127.0.0.1:2", DataPlaneAddress = "127.0.0.2", Sandbox = "process", Slots = 4, AgentCertificateSha256 = "unused",
            SpoolKeepSeconds = spoolKeepSeconds,
        }));
        Assert.Equal(HeartbeatResult.CameAlive, await _registry.HeartbeatAsync("node-2", new NodeHeartbeat([Report("w-9", "alice")]) { Added = 1 }));

        await _registry.RemoveWorkerAsync("node-2", "w-9");

        Assert.Equal(remembered, await _registry.FindEndedAsync("w-9") is not null);
        _time.Advance(TimeSpan.FromSeconds(spoolKeepSeconds + 1));
        Assert.Null(await _registry.FindEndedAsync("w-9"));
    }

    [Fact]
    public async Task AWorkerThatEnded_OnItsOwnOrTornDown_IsFoundAsEnded_WithItsNodeAndOwner_ForAnHour_WhenItsNodeDoesNotSay()
    {
        Assert.Equal(HeartbeatResult.Recorded, await _registry.HeartbeatAsync("node-1", new NodeHeartbeat([Report("w-1", "alice"), Report("w-2", "bob")]) { Added = 2 }));
        Assert.Null(await _registry.FindEndedAsync("w-1"));

        Assert.Equal(HeartbeatResult.Recorded, await _registry.HeartbeatAsync("node-1", new NodeHeartbeat([Report("w-2", "bob")]) { Added = 2 }));
        await _registry.RemoveWorkerAsync("node-1", "w-2");

        Assert.Equal(("node-1", "alice"), await _registry.FindEndedAsync("w-1") is { } crashed ? (crashed.Node.Registration.NodeId, crashed.Worker.Owner) : default);
        Assert.Equal("bob", (await _registry.FindEndedAsync("w-2"))?.Worker.Owner);
        _time.Advance(TimeSpan.FromMinutes(61));
        Assert.Null(await _registry.FindEndedAsync("w-1"));
    }

    [Fact]
    public async Task WithoutCounts_APlacementTheNodeNeverListsEnds_AfterAMinute()
    {
        await PlaceAsync("w-1", added: 0);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HeartbeatResult.CameAlive, await _registry.HeartbeatAsync("node-1", new NodeHeartbeat([])));
        Assert.NotNull(await _registry.NodeOfAsync("w-1"));

        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(HeartbeatResult.CameAlive, await _registry.HeartbeatAsync("node-1", new NodeHeartbeat([])));
        Assert.Null(await _registry.NodeOfAsync("w-1"));
    }

    [Fact]
    public async Task AnOwnersLiveWorkers_AreCountedFromReportsAndPlacements_OnLiveNodesOnly()
    {
        Assert.Equal(HeartbeatResult.Recorded, await _registry.HeartbeatAsync("node-1", new NodeHeartbeat([Report("w-1", "alice"), Report("w-2", "bob"), Report("w-3", "alice")]) { Added = 3 }));
        Assert.Equal(2, _registry.LiveWorkersOf("alice"));

        await PlaceAsync("w-4", added: 4, owner: "alice");
        Assert.Equal(3, _registry.LiveWorkersOf("alice"));

        await _registry.RemoveWorkerAsync("node-1", "w-1");
        Assert.Equal(2, _registry.LiveWorkersOf("alice"));
        Assert.Equal(1, _registry.LiveWorkersOf("bob"));

        // A dead node's workers hold no quota: they are reported lost.
        _time.Advance(new GatewayOptions().NodeDeadAfter + TimeSpan.FromSeconds(1));
        Assert.Equal(0, _registry.LiveWorkersOf("alice"));
        Assert.Empty(_registry.LiveNodes());
    }

    [Fact]
    public async Task AHeartbeatNamingTheListLastSent_KeepsItsWorkers_AndOneNamingAnotherIsRefused()
    {
        Assert.Equal(HeartbeatResult.Recorded, await _registry.HeartbeatAsync("node-1", new NodeHeartbeat([Report("w-1", "alice")]) { ListVersion = 7, Added = 1 }));
        _time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(HeartbeatResult.Recorded, await _registry.HeartbeatAsync("node-1", new NodeHeartbeat(null) { ListVersion = 7, Added = 1 }));
        Assert.Equal(["w-1"], (await _registry.FindAsync("node-1"))!.Workers.Select(w => w.WorkerId));
        Assert.Equal(_time.GetUtcNow(), (await _registry.FindAsync("node-1"))!.LastHeartbeat);

        Assert.Equal(HeartbeatResult.ListNeeded, await _registry.HeartbeatAsync("node-1", new NodeHeartbeat(null) { ListVersion = 6, Added = 1 }));
    }

    [Fact]
    public async Task AHeartbeatOfChanges_AppliesThemToTheListItNames_AndOnlyToThatOne()
    {
        Assert.Equal(HeartbeatResult.Recorded, await _registry.HeartbeatAsync("node-1", new NodeHeartbeat([Report("w-1", "alice"), Report("w-2", "bob")]) { ListVersion = 1, Added = 2 }));

        Assert.Equal(HeartbeatResult.Recorded, await _registry.HeartbeatAsync("node-1", new NodeHeartbeat(null) { ListVersion = 2, BaseVersion = 1, Started = [Report("w-3", "alice")], Ended = ["w-1"], Added = 3 }));
        Assert.Equal(["w-2", "w-3"], (await _registry.FindAsync("node-1"))!.Workers.Select(w => w.WorkerId));
        Assert.Equal(1, _registry.LiveWorkersOf("alice"));

        // The same changes again, on a list the registry no longer holds (a retry after a lost reply).
        Assert.Equal(HeartbeatResult.ListNeeded, await _registry.HeartbeatAsync("node-1", new NodeHeartbeat(null) { ListVersion = 3, BaseVersion = 1, Started = [Report("w-4", "alice")], Added = 4 }));
        Assert.Equal(["w-2", "w-3"], (await _registry.FindAsync("node-1"))!.Workers.Select(w => w.WorkerId));
        Assert.Equal(HeartbeatResult.Recorded, await _registry.HeartbeatAsync("node-1", new NodeHeartbeat(null) { ListVersion = 2, Added = 3 }));
    }

    [Fact]
    public async Task AnUnchangedListHeartbeat_StillEndsAPlacementItCounted()
    {
        Assert.Equal(HeartbeatResult.Recorded, await _registry.HeartbeatAsync("node-1", new NodeHeartbeat([Report("w-1", null)]) { ListVersion = 1, Added = 1 }));
        await PlaceAsync("w-2", added: 2);

        // Listed before w-2's forge: w-2 stays.
        Assert.Equal(HeartbeatResult.Recorded, await _registry.HeartbeatAsync("node-1", new NodeHeartbeat(null) { ListVersion = 1, Added = 1 }));
        Assert.Equal(["w-1", "w-2"], (await _registry.FindAsync("node-1"))!.Workers.Select(w => w.WorkerId));

        // The same list, taken after w-2's forge: w-2 has ended already.
        Assert.Equal(HeartbeatResult.Recorded, await _registry.HeartbeatAsync("node-1", new NodeHeartbeat(null) { ListVersion = 1, Added = 2 }));
        Assert.Equal(["w-1"], (await _registry.FindAsync("node-1"))!.Workers.Select(w => w.WorkerId));
        Assert.Null(await _registry.NodeOfAsync("w-2"));
    }

    [Fact]
    public async Task AfterARegistration_AHeartbeatMustSendItsListWhole()
    {
        Assert.Equal(HeartbeatResult.Recorded, await _registry.HeartbeatAsync("node-1", new NodeHeartbeat([]) { ListVersion = 1 }));

        // The agent restarted: its numbers start again, so nothing it names may match a list of its previous run.
        Assert.True(await _registry.TryRegisterAsync((await _registry.FindAsync("node-1"))!.Registration));

        Assert.Equal(HeartbeatResult.ListNeeded, await _registry.HeartbeatAsync("node-1", new NodeHeartbeat(null) { ListVersion = 1 }));
        Assert.Equal(HeartbeatResult.CameAlive, await _registry.HeartbeatAsync("node-1", new NodeHeartbeat([]) { ListVersion = 1 }));
    }

    [Fact]
    public async Task ANodesAgentRestarted_RegistersWithoutItsPredecessorsWorkers_ButTheSameAgentRegisteringAgainKeepsThem()
    {
        await PlaceAsync("w-1", added: 1);
        var registration = (await _registry.FindAsync("node-1"))!.Registration;

        // The same agent (its certificate) registering again, as when it moves to another gateway: its workers stay.
        Assert.True(await _registry.TryRegisterAsync(registration));
        Assert.Equal(["w-1"], (await _registry.FindAsync("node-1"))!.Workers.Select(w => w.WorkerId));

        // A new run of the agent, once the old one counts as dead: what the old one ran is gone with it.
        _time.Advance(new GatewayOptions().NodeDeadAfter + TimeSpan.FromSeconds(1));
        Assert.True(await _registry.TryRegisterAsync(registration with { AgentCertificateSha256 = "the next run's" }));
        Assert.Empty((await _registry.FindAsync("node-1"))!.Workers);
        Assert.Equal(HeartbeatResult.CameAlive, await _registry.HeartbeatAsync("node-1", new NodeHeartbeat([]) { Added = 0 }));
        Assert.Null(await _registry.NodeOfAsync("w-1"));
    }

    private async Task PlaceAsync(string workerId, long added, string? owner = null)
    {
        Assert.True(await _registry.TryReserveAsync("node-1"));
        await _registry.ReleaseAsync("node-1", Report(workerId, owner), added);
    }

    private WorkerReport Report(string workerId, string? owner) =>
        new(workerId, "Contract", "tls://127.0.0.1:2", 42, _time.GetUtcNow()) { Owner = owner };
}
