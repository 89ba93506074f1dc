using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

public sealed class NoNodeTests
{
    [Fact]
    public async Task Summon_WithNoNodeRegistered_FailsFast_WithNoNodeAvailable()
    {
        var workDirectory = Directory.CreateTempSubdirectory("meshrpc-nonode-").FullName;
        var (gateway, address) = await MeshProcesses.StartGatewayAsync(workDirectory);
        await using (gateway)
        {
            using var client = TestCredentials.Client(address, TestCredentials.Caller);
            await client.PublishGemAsync(TestGem.Pack(), TestContext.Current.CancellationToken);

            var error = await Assert.ThrowsAsync<SummonFailedException>(() =>
                client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken));

            Assert.Equal(SummonFailureReason.NoNodeAvailable, error.Reason);
            Assert.Contains("No node agent is registered", error.Message, StringComparison.Ordinal);
        }

        Directory.Delete(workDirectory, recursive: true);
    }
}
