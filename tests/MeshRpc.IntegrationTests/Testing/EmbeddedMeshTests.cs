using MeshRpc.Testing;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests.Testing;

/// <summary>MeshRpc.Testing as a user's integration test uses it: a real mesh in the test's process, in a few lines.</summary>
public sealed class EmbeddedMeshTests
{
    [Fact]
    public async Task AnEmbeddedMesh_PublishesSummonsAndServesAWorker_InAFewLines()
    {
        await using var mesh = await EmbeddedMesh.StartAsync(TestContext.Current.CancellationToken);
        using var client = mesh.CreateClient();
        var pointer = await mesh.PublishAsync<ITestWorker, MeshRpc.TestWorker.TestWorker>("embedded-test-worker", cancellationToken: TestContext.Current.CancellationToken);
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(pointer), TestContext.Current.CancellationToken);

        Assert.Equal("gem://embedded-test-worker@1.0.0", pointer);
        Assert.Equal("embedded", await worker.EchoAsync("embedded"));
        Assert.NotEqual(Environment.ProcessId, await worker.GetProcessIdAsync());
    }

    [Fact]
    public async Task AMeshThatCannotStart_SaysWhy()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            EmbeddedMesh.StartAsync("docker", TestContext.Current.CancellationToken));

        Assert.Contains("Unknown sandbox 'docker'. Use --sandbox lxc, bwrap, process or auto.", error.Message, StringComparison.Ordinal);
    }
}
