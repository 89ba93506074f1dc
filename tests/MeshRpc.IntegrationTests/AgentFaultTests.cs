using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>A fault of the node agent's own while it forges is a clear forge_failed, not a bare HTTP 500.</summary>
public sealed class AgentFaultTests(ProcessMesh mesh) : IClassFixture<ProcessMesh>
{
    [Fact]
    public async Task AnAgentThatCannotWriteItsGemCache_AnswersForgeFailed_AndLogsTheFault()
    {
        // The agent's gem cache is now a file: the agent makes its gem cache on its first forge, and fails with an
        // IOException that no forge step expects.
        var cache = Path.Combine(mesh.AgentDirectory, "gems");
        Directory.Delete(cache, recursive: true);
        await File.WriteAllTextAsync(cache, "not a folder", TestContext.Current.CancellationToken);
        using var client = mesh.CreateClient();

        var error = await Assert.ThrowsAsync<SummonFailedException>(() =>
            client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken));

        Assert.Equal(SummonFailureReason.ForgeFailed, error.Reason);
        Assert.Contains("Node node-it failed at POST /api/v2/forge (IOException); the node agent's log says why.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(mesh.AgentDirectory, error.Message, StringComparison.Ordinal);
        await mesh.WaitForAgentLogAsync("The node agent failed at POST /api/v2/forge with a fault of its own", TimeSpan.FromSeconds(10));
        Assert.Contains("System.IO.IOException", mesh.AgentLogs, StringComparison.Ordinal);
    }
}
