using MeshRpc.HostProtocol;
using MeshRpc.Hosting;
using MeshRpc.NodeAgent.Forge;

namespace MeshRpc.NodeAgent.Tests.Forge;

/// <summary>Which pooled host a summon takes (unit level): its gem's primed host, else an unprimed one, never another gem's.</summary>
public sealed class PoolChoiceTests
{
    private static readonly GemLocation A = new("/gems/a", "A.dll", "A.Worker");
    private static readonly GemLocation B = new("/gems/b", "B.dll", "B.Worker");

    [Fact]
    public void AHostPrimedWithTheGem_IsTakenBeforeAnUnprimedOne()
    {
        Assert.Equal(new PoolPick(2, null), PoolChoice.For([null, B, A with { }], A));
    }

    [Fact]
    public void WithoutAPrimedHost_AnUnprimedOneIsTaken()
    {
        Assert.Equal(new PoolPick(1, null), PoolChoice.For([B, null], A));
    }

    [Fact]
    public void WhenOnlyOtherGemsArePrimed_NothingIsTaken_AndTheOldestIsRetired()
    {
        Assert.Equal(new PoolPick(null, 0), PoolChoice.For([B, B], A));
    }

    [Fact]
    public void SameFolderButAnotherEntryPoint_IsAnotherGem()
    {
        Assert.Equal(new PoolPick(null, 0), PoolChoice.For([A with { WorkerType = "A.Other" }], A));
    }

    [Fact]
    public void AnEmptyPool_HasNothingToTakeOrRetire()
    {
        Assert.Equal(new PoolPick(null, null), PoolChoice.For([], A));
    }
}
