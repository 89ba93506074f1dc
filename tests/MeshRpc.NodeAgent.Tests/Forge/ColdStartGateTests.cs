using MeshRpc.ControlPlane;
using MeshRpc.NodeAgent.Forge;

namespace MeshRpc.NodeAgent.Tests.Forge;

/// <summary>Cold host starts in turns: no more at once than the gate allows, the rest in arrival order, and a clear answer for a summon that finds no turn.</summary>
public sealed class ColdStartGateTests
{
    [Fact]
    public async Task StartsBeyondThePermits_WaitTheirTurn_InArrivalOrder()
    {
        using var gate = new ColdStartGate("node-1", permits: 2, TimeSpan.FromSeconds(30));
        var first = await gate.EnterAsync(TestContext.Current.CancellationToken);
        var second = await gate.EnterAsync(TestContext.Current.CancellationToken);
        var third = gate.EnterAsync(TestContext.Current.CancellationToken);
        var fourth = gate.EnterAsync(TestContext.Current.CancellationToken);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.False(third.IsCompleted);

        first.Dispose();
        first.Dispose(); // A turn given back twice frees one permit, not two.
        (await third.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken)).Dispose();
        Assert.False(fourth.IsCompleted);

        second.Dispose();
        (await fourth.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken)).Dispose();
    }

    [Fact]
    public async Task ASummonThatFindsNoTurn_IsTold_TheNodeIsBusy_AndWhatToDo()
    {
        using var gate = new ColdStartGate("node-1", permits: 1, TimeSpan.FromMilliseconds(100));
        using var held = await gate.EnterAsync(TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<ForgeException>(() => gate.EnterAsync(TestContext.Current.CancellationToken));

        Assert.Equal(MeshErrorCodes.NoNodeAvailable, error.Code);
        Assert.Equal(
            "Node node-1 is busy starting workers (1 at a time, --max-cold-starts) and this summon found no turn within 0.1 s. " +
            "Retry in a few seconds, keep warm hosts on the node (--warm-pool, --warm-pool-max), or add nodes.",
            error.Message);
    }

    [Fact]
    public async Task AWaitingSummonWhoseCallerLeft_StopsWaiting_AndTakesNoTurn()
    {
        using var gate = new ColdStartGate("node-1", permits: 1, TimeSpan.FromSeconds(30));
        var held = await gate.EnterAsync(TestContext.Current.CancellationToken);
        using var left = new CancellationTokenSource();
        var waiting = gate.EnterAsync(left.Token);

        await left.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        held.Dispose();
        using var next = await gate.EnterAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }
}
