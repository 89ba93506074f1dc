using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>A node that starts one cold host at a time.</summary>
public sealed class OneColdStartMesh : MeshProcesses
{
    protected override string RequestedSandbox => "process";

    protected override IEnumerable<string> AgentArguments => ["--max-cold-starts", "1"];
}

/// <summary>Cold summons beyond <c>--max-cold-starts</c> wait their turn, and each turn ends with its host's start.</summary>
public sealed class ColdStartTurnTests(OneColdStartMesh mesh) : IClassFixture<OneColdStartMesh>
{
    [Fact]
    public async Task ColdSummonsAtOnce_OnANodeStartingOneHostAtATime_AllServe()
    {
        using var client = mesh.CreateClient();

        // Each turn must end when its host reports its port: a turn kept would leave the next summon waiting 30 s.
        var workers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken))).WaitAsync(TimeSpan.FromSeconds(25), TestContext.Current.CancellationToken);
        try
        {
            var replies = await Task.WhenAll(workers.Select(w => w.EchoAsync("turn")));
            Assert.All(replies, reply => Assert.Equal("turn", reply));
            Assert.Equal(4, workers.Select(w => ((IGhostProxy)w).Connection.Ticket.WorkerId).Distinct().Count());
        }
        finally
        {
            await Task.WhenAll(workers.Select(w => w.DisposeAsync().AsTask()));
        }
    }
}
