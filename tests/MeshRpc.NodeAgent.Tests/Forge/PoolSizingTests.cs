using MeshRpc.NodeAgent.Forge;

namespace MeshRpc.NodeAgent.Tests.Forge;

/// <summary>The warm pool's size and priming decisions (unit level).</summary>
public sealed class PoolSizingTests
{
    private const long Gib = 1L << 30;
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(2, 2, 40, 16, 0, 2)] // a fixed pool ignores bursts
    [InlineData(0, 20, 7, 16, 0, 7)] // a growing pool follows the burst
    [InlineData(0, 20, 40, 16, 0, 16)] // never past the free slots
    [InlineData(0, 10, 40, 16, 0, 10)] // nor the ceiling
    [InlineData(3, 20, 0, 16, 5, 3)] // without bursts, back to the floor
    [InlineData(3, 20, 0, 1, 0, 1)] // a full node wants no idle hosts, whatever the floor
    public void Target_FollowsTheBurst_WithinFloorCeilingAndFreeSlots(int floor, int ceiling, int burst, int freeSlots, int idle, int expected)
    {
        Assert.Equal(expected, PoolSizing.Target(floor, ceiling, burst, freeSlots, idle, availableMemory: () => 16 * Gib, workerMemory: Gib / 2));
    }

    [Fact]
    public void Target_StopsGrowing_WhileMemoryIsShort_ButKeepsWhatItHasAndItsFloor()
    {
        Assert.Equal(5, PoolSizing.Target(2, 20, 12, 16, idle: 5, availableMemory: () => Gib / 4, workerMemory: Gib / 2));
        Assert.Equal(2, PoolSizing.Target(2, 20, 12, 16, idle: 0, availableMemory: () => Gib / 4, workerMemory: Gib / 2));
        Assert.Equal(12, PoolSizing.Target(2, 20, 12, 16, idle: 0, availableMemory: () => null, workerMemory: Gib / 2));
    }

    [Fact]
    public void PrimeFor_TheGemItsIdleHostsFallFurthestShortOf_ElseTheMostAskedFor_ElseNone()
    {
        var demand = new PoolDemand(TimeSpan.FromSeconds(60));
        Assert.Null(PoolSizing.PrimeFor(demand, [], Now));

        for (var i = 0; i < 5; i++)
        {
            demand.Record("sha256:a", Now);
        }

        demand.Record("sha256:b", Now);
        demand.Record("sha256:b", Now);

        Assert.Equal("sha256:a", PoolSizing.PrimeFor(demand, ["sha256:a", "sha256:a"], Now));
        Assert.Equal("sha256:b", PoolSizing.PrimeFor(demand, ["sha256:a", "sha256:a", "sha256:a", "sha256:a", "sha256:a"], Now));
        Assert.Equal("sha256:a", PoolSizing.PrimeFor(demand, ["sha256:a", "sha256:a", "sha256:a", "sha256:a", "sha256:a", "sha256:b", "sha256:b"], Now));
    }

    [Fact]
    public void PrimeFor_SourceCompiledForItsSummons_LeavesTheHostUnprimed()
    {
        var demand = new PoolDemand(TimeSpan.FromSeconds(60));
        demand.Record(null, Now);
        demand.Record(null, Now);
        demand.Record("sha256:a", Now);

        Assert.Null(PoolSizing.PrimeFor(demand, ["sha256:a"], Now));
    }
}
