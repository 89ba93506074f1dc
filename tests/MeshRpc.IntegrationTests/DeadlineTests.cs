using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>
/// Call timeouts against a real worker: a method's <c>[MeshTimeout]</c>, a caller's <c>MeshCall.Timeout</c> scope over
/// it, and a connection's default; each expiry fails the call with <see cref="CallTimeoutException"/> and fires the
/// worker's cancellation token, and the worker keeps serving.
/// </summary>
public sealed class DeadlineTests(MeshProcesses mesh) : IClassFixture<MeshProcesses>
{
    [Fact]
    public async Task AMethodsTimeout_FailsTheCall_AndCancelsItInTheWorker()
    {
        using var client = mesh.CreateClient();
        await using var worker = await client.SummonAsync<IShapesWorker>(SummonRequest.FromGem(TestGem.ShapesPointer), TestContext.Current.CancellationToken);

        var timedOut = await Assert.ThrowsAsync<CallTimeoutException>(() => worker.WaitWithinTimeoutAsync(CancellationToken.None));

        Assert.Equal(TimeSpan.FromMilliseconds(300), timedOut.Timeout);
        Assert.Equal("WaitWithinTimeout", timedOut.Method);
        Assert.Contains("did not finish within 300 ms", timedOut.Message, StringComparison.Ordinal);
        Assert.True(await Poll.UntilAsync(() => worker.WasCancelledAsync()), "The worker's cancellation token never fired.");
        Assert.Equal(20, await worker.SleepAsync(20, CancellationToken.None));

    }

    [Fact]
    public async Task TheWorker_KnowsACallOutlastedTheTimeoutItsCallerSent_AndSaysSo()
    {
        using var client = mesh.CreateClient();
        await using var worker = await client.SummonAsync<IShapesWorker>(SummonRequest.FromGem(TestGem.ShapesPointer), TestContext.Current.CancellationToken);

        // The request carries what is left of its 300 ms; the worker, ignoring its token, works well past it.
        await Assert.ThrowsAsync<CallTimeoutException>(() => worker.WorkRegardlessAsync(1500));

        var workerId = ((IGhostProxy)worker).Connection.Ticket.WorkerId;
        Assert.True(await Poll.UntilAsync(async () => (await client.Gateway.GetLogsAsync(workerId, TestContext.Current.CancellationToken))
            .Any(line => line.Text.Contains("'WorkRegardless' outlasted its", StringComparison.Ordinal))), "The worker's output does not say its call outlasted its timeout.");
    }

    [Fact]
    public async Task ACallersScope_OverridesTheMethodsTimeout_EitherWay()
    {
        using var client = mesh.CreateClient();
        await using var worker = await client.SummonAsync<IShapesWorker>(SummonRequest.FromGem(TestGem.ShapesPointer), TestContext.Current.CancellationToken);

        int slept;
        using (MeshCall.Timeout(TimeSpan.FromSeconds(30)))
        {
            slept = await worker.SleepAsync(600, CancellationToken.None);
        }

        Assert.Equal(600, slept);
        using (MeshCall.Timeout(TimeSpan.FromMilliseconds(100)))
        {
            var timedOut = await Assert.ThrowsAsync<CallTimeoutException>(() => worker.SleepAsync(250, CancellationToken.None));
            Assert.Equal(TimeSpan.FromMilliseconds(100), timedOut.Timeout);
        }

        Assert.True(await Poll.UntilAsync(() => worker.WasCancelledAsync()), "The worker's cancellation token never fired.");
    }

    [Fact]
    public async Task AConnectionsDefault_AppliesWhereTheContractSaysNothing_AndACallersCancelIsNoTimeout()
    {
        using var client = mesh.CreateClient();
        var spawned = await client.SpawnAsync(MeshContracts.Get<IShapesWorker>(), SummonRequest.FromGem(TestGem.ShapesPointer), TestContext.Current.CancellationToken);
        using var limited = new MeshClient(mesh.GatewayAddress, MeshCredential.FromKey(TestCredentials.Caller)) { ConnectOptions = WorkerConnectOptions.Default with { CallTimeout = TimeSpan.FromMilliseconds(200) } };
        await using var worker = await limited.ConnectAsync<IShapesWorker>(spawned.Ticket, TestContext.Current.CancellationToken);

        var timedOut = await Assert.ThrowsAsync<CallTimeoutException>(() => worker.WaitForCancellationAsync(CancellationToken.None));
        Assert.Equal(TimeSpan.FromMilliseconds(200), timedOut.Timeout);

        // The caller's own cancellation before the timeout is a cancellation, not a timeout.
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        var cancelled = await Assert.ThrowsAnyAsync<Exception>(() => worker.WaitForCancellationAsync(cancel.Token));
        Assert.IsNotType<CallTimeoutException>(cancelled);
    }
}
