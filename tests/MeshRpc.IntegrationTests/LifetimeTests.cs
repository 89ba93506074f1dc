using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>
/// Worker lifetimes on a real gateway and agent: the node tears a worker down when its lifetime ends (however its caller
/// heartbeats) and the caller is told why; its owner extends it; the gateway caps it; an idle timeout ends a worker that
/// gets no calls, not one that does.
/// </summary>
public sealed class LifetimeTests(MeshProcesses mesh) : IClassFixture<MeshProcesses>
{
    private static readonly TimeSpan GoneWithin = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AWorker_EndsWithItsLifetime_ThoughItsCallerHeartbeats_AndTheCallerIsToldWhy()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = mesh.CreateClient();
        var summoned = DateTimeOffset.UtcNow;
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer) with { MaxLifetime = TimeSpan.FromSeconds(3) }, ct);
        var connection = ((IGhostProxy)worker).Connection;
        var hostPid = await mesh.HostProcessIdOfAsync(connection.Ticket.WorkerId);

        Assert.InRange(connection.Ticket.Lifetime!.EndsAt, summoned.AddSeconds(2), summoned.AddSeconds(5));
        Assert.Equal("alive", await worker.EchoAsync("alive"));
        Assert.NotNull(await Processes.WaitUntilGoneAsync(hostPid, GoneWithin));

        var lost = await Assert.ThrowsAsync<WorkerLostException>(() => worker.EchoAsync("too late"));
        Assert.Contains("reached the end of its lifetime", lost.Message, StringComparison.Ordinal);
        await mesh.WaitForAgentLogAsync($"Worker {connection.Ticket.WorkerId} reached the end of its lifetime", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ItsOwner_ExtendsAWorker_PastItsFirstEnd()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = mesh.CreateClient();
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer) with { MaxLifetime = TimeSpan.FromSeconds(3) }, ct);
        var connection = ((IGhostProxy)worker).Connection;

        var endsAt = await connection.ExtendAsync(TimeSpan.FromMinutes(5), ct);

        Assert.InRange(endsAt, DateTimeOffset.UtcNow.AddMinutes(4), DateTimeOffset.UtcNow.AddMinutes(6));
        Assert.Equal(endsAt, connection.EndsAt);
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        Assert.Equal("still here", await worker.EchoAsync("still here"));
    }

    [Fact]
    public async Task ALifetime_IsCappedByTheGateway_AndOnlyItsOwnerExtendsIt_ByAPositiveTime()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = mesh.CreateClient();
        using var other = TestCredentials.Client(mesh.GatewayAddress, TestCredentials.OtherCaller);
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer) with { MaxLifetime = TimeSpan.FromDays(30) }, ct);
        var workerId = ((IGhostProxy)worker).Connection.Ticket.WorkerId;

        // The gateway's cap, a day by default, bounds what a summon asks.
        Assert.True(((IGhostProxy)worker).Connection.Ticket.Lifetime!.EndsAt <= DateTimeOffset.UtcNow.AddDays(1));
        var stranger = await Assert.ThrowsAsync<SummonFailedException>(() => other.ExtendAsync(workerId, TimeSpan.FromDays(1), ct));
        Assert.Contains("No worker " + workerId, stranger.Message, StringComparison.Ordinal);
        var zero = await Assert.ThrowsAsync<SummonFailedException>(() =>
            client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer) with { IdleTimeout = TimeSpan.FromMilliseconds(0.5) }, ct));
        Assert.Equal(SummonFailureReason.InvalidRequest, zero.Reason);
        Assert.Equal("served", await worker.EchoAsync("served"));
    }

    [Fact]
    public async Task AnIdleTimeout_EndsAWorkerWithoutCalls_NotOneThatIsCalled()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = mesh.CreateClient();
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer) with { IdleTimeout = TimeSpan.FromSeconds(2) }, ct);
        var workerId = ((IGhostProxy)worker).Connection.Ticket.WorkerId;
        var hostPid = await mesh.HostProcessIdOfAsync(workerId);

        // Called every half second for four seconds, twice its idle timeout: it stays.
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal("busy", await worker.EchoAsync("busy"));
            await Task.Delay(500, ct);
        }

        // Then left alone, heartbeats still flowing: it ends, and its node says why.
        Assert.NotNull(await Processes.WaitUntilGoneAsync(hostPid, GoneWithin));
        await mesh.WaitForAgentLogAsync("no call came for its idle timeout", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AWorkerServingACallLongerThanItsIdleTimeout_IsNotIdle()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = mesh.CreateClient();
        await using var worker = await client.SummonAsync<IShapesWorker>(SummonRequest.FromGem(TestGem.ShapesPointer) with { IdleTimeout = TimeSpan.FromSeconds(1) }, ct);

        using (MeshCall.Timeout(TimeSpan.FromSeconds(30)))
        {
            Assert.Equal(3000, await worker.SleepAsync(3000, CancellationToken.None));
        }
    }
}
