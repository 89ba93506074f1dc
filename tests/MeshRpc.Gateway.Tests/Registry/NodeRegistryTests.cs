using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Configuration;
using MeshRpc.Gateway.Registry;
using Microsoft.Extensions.Time.Testing;

namespace MeshRpc.Gateway.Tests.Registry;

/// <summary>The registry against the node's reports (unit level): a late heartbeat does not lose a worker; one that could have listed it does.</summary>
public sealed class NodeRegistryTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly NodeRegistry _registry;

    public NodeRegistryTests()
    {
        _registry = new NodeRegistry(new GatewayOptions(), _time);
        Assert.True(_registry.TryRegister(new NodeRegistration
        {
            NodeId = "node-1", AgentUrl = "https://127.0.0.1:1", DataPlaneAddress = "127.0.0.1", Sandbox = "process", Slots = 4, AgentCertificateSha256 = "unused",
        }));
        Assert.True(_registry.Heartbeat("node-1", new NodeHeartbeat([])));
    }

    [Fact]
    public void AHeartbeatListedBeforeTheForge_ArrivingLate_KeepsTheWorker()
    {
        Place("w-1", added: 1);

        // Listed when the agent had forged nothing yet, held up for longer than any grace period would allow.
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(_registry.Heartbeat("node-1", new NodeHeartbeat([]) { Added = 0 }));

        Assert.Equal("node-1", _registry.NodeOf("w-1")?.Registration.NodeId);
        Assert.Contains(_registry.Find("node-1")!.Workers, w => w.WorkerId == "w-1");
    }

    [Fact]
    public void AHeartbeatListedAfterTheForge_WithoutTheWorker_SaysItEnded()
    {
        Place("w-1", added: 1);

        Assert.True(_registry.Heartbeat("node-1", new NodeHeartbeat([]) { Added = 1 }));

        Assert.Null(_registry.NodeOf("w-1"));
        Assert.Empty(_registry.Find("node-1")!.Workers);
    }

    [Fact]
    public void WithoutCounts_APlacementTheNodeNeverListsEnds_AfterAMinute()
    {
        Place("w-1", added: 0);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(_registry.Heartbeat("node-1", new NodeHeartbeat([])));
        Assert.NotNull(_registry.NodeOf("w-1"));

        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.True(_registry.Heartbeat("node-1", new NodeHeartbeat([])));
        Assert.Null(_registry.NodeOf("w-1"));
    }

    private void Place(string workerId, long added)
    {
        Assert.True(_registry.TryReserve("node-1"));
        _registry.Release("node-1", new WorkerReport(workerId, "Contract", "tls://127.0.0.1:2", 42, _time.GetUtcNow()), added);
    }
}
