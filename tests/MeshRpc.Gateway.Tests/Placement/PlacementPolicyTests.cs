using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Placement;
using MeshRpc.Gateway.Registry;

namespace MeshRpc.Gateway.Tests.Placement;

/// <summary>The default placement policy on its own (unit level): most free capacity first.</summary>
public sealed class PlacementPolicyTests
{
    private static readonly MostFreeCapacityPlacement Policy = new();
    private const string Gem = "sha256:aaaa";

    [Fact]
    public void MoreFreeSlots_ComeFirst_WhateverTheMemory()
    {
        var busyBig = Node("big", slots: 10, used: 8, memoryMb: 4096, cores: 32);
        var idleSmall = Node("small", slots: 4, used: 0, memoryMb: 256, cores: 2);

        Assert.Equal(["small", "big"], Ids(Policy.Rank([busyBig, idleSmall], Gem)));
    }

    [Fact]
    public void EqualFreeSlots_MoreWorkerMemoryThenMoreCores_ComeFirst()
    {
        var small = Node("a-small", slots: 4, used: 0, memoryMb: 256, cores: 8);
        var large = Node("b-large", slots: 4, used: 0, memoryMb: 1024, cores: 2);
        var largeManyCores = Node("c-large-many-cores", slots: 6, used: 2, memoryMb: 1024, cores: 16);

        Assert.Equal(["c-large-many-cores", "b-large", "a-small"], Ids(Policy.Rank([small, large, largeManyCores], Gem)));
    }

    [Fact]
    public void PendingSummons_CountAsUsedSlots()
    {
        var pending = Node("a", slots: 4, used: 0, memoryMb: 512, cores: 4) with { Reservations = Reserved(3) };
        var free = Node("b", slots: 4, used: 1, memoryMb: 512, cores: 4);

        Assert.Equal(["b", "a"], Ids(Policy.Rank([pending, free], Gem)));
    }

    [Fact]
    public void ANodeWithAHostPrimedForTheGem_ComesFirst_ThenOneWithAnUnprimedHost()
    {
        var cold = Node("a-cold", slots: 20, used: 0, memoryMb: 512, cores: 4);
        var unprimed = Node("b-unprimed", slots: 4, used: 2, memoryMb: 512, cores: 4) with { WarmHosts = [new(null, 1)] };
        var primed = Node("c-primed", slots: 4, used: 3, memoryMb: 512, cores: 4) with { WarmHosts = [new(Gem, 1), new("sha256:other", 3)] };

        Assert.Equal(["c-primed", "b-unprimed", "a-cold"], Ids(Policy.Rank([cold, unprimed, primed], Gem)));

        // Summoned source runs only in an unprimed host.
        Assert.Equal(["b-unprimed", "a-cold", "c-primed"], Ids(Policy.Rank([cold, unprimed, primed], gemDigest: null)));
    }

    [Fact]
    public void WarmHosts_ThatSummonsInFlightWillTake_DoNotCount()
    {
        var taken = Node("a", slots: 10, used: 0, memoryMb: 512, cores: 4) with { WarmHosts = [new(Gem, 2)], Reservations = Reserved(2) };
        var ready = Node("b", slots: 4, used: 0, memoryMb: 512, cores: 4) with { WarmHosts = [new(Gem, 1)] };

        Assert.Equal(["b", "a"], Ids(Policy.Rank([taken, ready], Gem)));
    }

    [Fact]
    public void EveryNode_IsRankedOnce_BestFirst_ThenInTheSameOrder()
    {
        var random = new Random(17);
        var nodes = Enumerable.Range(0, 200)
            .Select(i => Node($"n-{i:000}", slots: 8, used: random.Next(8), memoryMb: 256, cores: 4) with { WarmHosts = random.Next(5) == 0 ? [new(Gem, 1)] : [] })
            .ToList();

        var ranked = Policy.Rank(nodes, Gem).ToList();

        Assert.Equal(nodes.Count, ranked.Distinct().Count());
        for (var i = 1; i < ranked.Count; i++)
        {
            var (before, after) = (Standing(ranked[i - 1]), Standing(ranked[i]));
            Assert.True(before.CompareTo(after) <= 0, $"{ranked[i - 1].Registration.NodeId} {before} ranks before {ranked[i].Registration.NodeId} {after}");
        }

        static (int Cold, int Used, string Id) Standing(NodeState node) => (node.WarmHosts.Count == 0 ? 1 : 0, node.Workers.Count, node.Registration.NodeId);
    }

    private static string[] Ids(IEnumerable<NodeState> nodes) => [.. nodes.Select(n => n.Registration.NodeId)];

    private static NodeState Node(string id, int slots, int used, int memoryMb, int cores) => new(
        new NodeRegistration
        {
            NodeId = id, AgentUrl = "http://127.0.0.1:1", DataPlaneAddress = "127.0.0.1", Sandbox = "process",
            Slots = slots, WorkerMemoryMb = memoryMb, Cores = cores, AgentCertificateSha256 = "unused",
        },
        DateTimeOffset.UtcNow,
        [.. Enumerable.Range(0, used).Select(i => new WorkerReport($"w-{i}", "C", "tls://127.0.0.1:1", 1, DateTimeOffset.UtcNow))]);

    private static IReadOnlyList<DateTimeOffset> Reserved(int count) => [.. Enumerable.Repeat(DateTimeOffset.MaxValue, count)];
}
