using System.Net;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>UAH CORE is only the control plane: killing it must not touch calls, and a restart must forget nothing durable.</summary>
public sealed class GatewayRestartTests(MeshProcesses mesh) : IClassFixture<MeshProcesses>
{
    [Fact]
    public async Task GatewayKilledAndRestarted_DuringCalls_CallsKeepSucceeding_RegistryAndGemsComeBack()
    {
        using var client = mesh.CreateClient();
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        var workerId = ((IGhostProxy)worker).Connection.Ticket.WorkerId;

        using var stopCalls = new CancellationTokenSource();
        using var abandonUpload = new CancellationTokenSource();
        var tally = new CallTally();
        var calls = CallContinuouslyAsync(worker, tally, stopCalls.Token);
        var cutOffUpload = StartUploadThatNeverFinishesAsync(mesh.GatewayAddress, abandonUpload.Token);
        Assert.True(await Poll.UntilAsync(() => Task.FromResult(tally.Succeeded >= 3)), "Calls never got going before the kill.");

        mesh.KillGatewayHard();

        // The control plane stays down while the calls go on: ten more of them, not a guessed length of time.
        var atKill = tally.Succeeded;
        Assert.True(await Poll.UntilAsync(() => Task.FromResult(tally.Succeeded >= atKill + 10)), "Calls stopped succeeding while the gateway was down.");
        await mesh.RestartGatewayAsync();

        Assert.True(await Poll.UntilAsync(() => RegistryListsAsync(client, workerId)), "The restarted gateway's registry never listed the worker again.");
        await stopCalls.CancelAsync();
        var (succeeded, failures) = await calls;
        Assert.Empty(failures);
        Assert.True(succeeded > 10, $"Only {succeeded} calls ran across the restart.");
        await abandonUpload.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => cutOffUpload);

        // Gems published before the kill are still summonable; the cut-off upload left nothing in the store.
        await using (var again = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken))
        {
            Assert.Equal("after", await again.EchoAsync("after"));
        }

        Assert.DoesNotContain(Directory.EnumerateFiles(mesh.GemStoreDirectory), f => !f.EndsWith(".gem", StringComparison.Ordinal));
        Assert.Equal(3, Directory.EnumerateFiles(mesh.GemStoreDirectory, "*.gem").Count());
    }

    private static async Task<(int Succeeded, List<Exception> Failures)> CallContinuouslyAsync(ITestWorker worker, CallTally tally, CancellationToken stop)
    {
        var failures = new List<Exception>();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await worker.IncrementAsync();
                Interlocked.Increment(ref tally.Succeeded);
            }
            catch (MeshRpcException ex)
            {
                failures.Add(ex);
            }

            await Task.Delay(50, CancellationToken.None);
        }

        return (Volatile.Read(ref tally.Succeeded), failures);
    }

    private static async Task StartUploadThatNeverFinishesAsync(Uri gateway, CancellationToken abandon)
    {
        using var http = new HttpClient { BaseAddress = gateway, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestCredentials.Caller);
        using var content = new TrickleContent(abandon);
        await http.PostAsync("/api/v2/gems", content, abandon);
    }

    private static async Task<bool> RegistryListsAsync(MeshClient client, string workerId)
    {
        try
        {
            // The caller's own listing: after a restart, the worker is the caller's again because its node says whose it is.
            return (await client.Gateway.ListWorkersAsync(TestContext.Current.CancellationToken)).Any(w => w.WorkerId == workerId);
        }
        catch (Exception ex) when (ex is Refit.ApiExceptionBase or HttpRequestException)
        {
            // The gateway may still be starting.
            return false;
        }
    }

    /// <summary>Claims 10 MB, sends 1 MB, then never sends the rest (until abandoned).</summary>
    private sealed class TrickleContent : HttpContent
    {
        private readonly CancellationToken _abandon;

        public TrickleContent(CancellationToken abandon)
        {
            _abandon = abandon;
            Headers.ContentLength = 10 << 20;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(new byte[1 << 20], _abandon);
            await stream.FlushAsync(_abandon);
            await Task.Delay(Timeout.Infinite, _abandon);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 10 << 20;
            return true;
        }
    }

    /// <summary>Successful calls so far, read by the test while the calls run.</summary>
    private sealed class CallTally
    {
        public int Succeeded;
    }
}
