using MeshRpc.NodeAgent.Forge;

namespace MeshRpc.NodeAgent.Tests.Forge;

/// <summary>How many idle hosts recent summons call for (unit level): the largest burst within the window, for as long as the pool remembers it.</summary>
public sealed class PoolDemandTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ABurst_CallsForOneHostPerSummon()
    {
        var demand = new PoolDemand(TimeSpan.FromSeconds(60));
        for (var i = 0; i < 50; i++)
        {
            demand.Record("sha256:a", Start.AddMilliseconds(i * 10));
        }

        Assert.Equal(50, demand.Burst(Start.AddSeconds(1)));
    }

    [Fact]
    public void SummonsFurtherApartThanTheWindow_AreNotOneBurst()
    {
        var demand = new PoolDemand(TimeSpan.FromSeconds(60));
        for (var i = 0; i < 10; i++)
        {
            demand.Record("sha256:a", Start + (PoolDemand.Window * i));
        }

        Assert.Equal(1, demand.Burst(Start.AddSeconds(30)));
    }

    [Fact]
    public void TheLargestBurst_CountsUntilTheMemoryHasPassed_ThenNothing()
    {
        var demand = new PoolDemand(TimeSpan.FromSeconds(60));
        for (var i = 0; i < 20; i++)
        {
            demand.Record("sha256:a", Start);
        }

        demand.Record("sha256:a", Start.AddSeconds(30));

        Assert.Equal(20, demand.Burst(Start.AddSeconds(59)));
        Assert.Equal(1, demand.Burst(Start.AddSeconds(61)));
        Assert.Equal(0, demand.Burst(Start.AddSeconds(91)));
    }

    [Fact]
    public void EachGem_HasItsOwnBurst_AndTheMostDemandedComesFirst()
    {
        var demand = new PoolDemand(TimeSpan.FromSeconds(60));
        demand.Record("sha256:a", Start);
        demand.Record(null, Start);
        demand.Record("sha256:b", Start);
        demand.Record("sha256:b", Start.AddMilliseconds(100));

        Assert.Equal(1, demand.BurstOf("sha256:a", Start.AddSeconds(1)));
        Assert.Equal(2, demand.BurstOf("sha256:b", Start.AddSeconds(1)));
        Assert.Equal(1, demand.BurstOf(null, Start.AddSeconds(1)));
        Assert.Equal(4, demand.Burst(Start.AddSeconds(1)));
        Assert.Equal(["sha256:b", null, "sha256:a"], demand.Gems(Start.AddSeconds(1)));
    }

    [Fact]
    public void AMemoryShorterThanTheWindow_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PoolDemand(TimeSpan.FromSeconds(1)));
    }
}
