using System.Net;
using System.Net.Http.Json;
using MeshRpc.ControlPlane;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests.Containment;

/// <summary>A node whose sandboxes contain nothing (plain processes) runs no raw source unless its operator says so.</summary>
public sealed class UncontainedSourceTests(ProcessMesh mesh) : IClassFixture<ProcessMesh>
{
    [Fact]
    public async Task Rejects_SourceSummon_WhenNoNodeContainsIt_NamingWhy()
    {
        using var client = mesh.CreateClient();

        var refused = await Assert.ThrowsAsync<SummonFailedException>(() =>
            client.SummonAsync<IContainmentProbe>(SummonRequest.FromSource(ContainmentFixture.AttackerSource), TestContext.Current.CancellationToken));

        Assert.Equal(SummonFailureReason.NoNodeAvailable, refused.Reason);
        Assert.Contains("node-it runs workers in 'process' sandboxes", refused.Message, StringComparison.Ordinal);
        Assert.Contains("refuses raw source", refused.Message, StringComparison.Ordinal);
        await AssertGemSummonsStillWorkAsync(client);
    }

    [Fact]
    public async Task Rejects_SourceProvisionedOnThatNodeByName()
    {
        using var client = mesh.CreateClient();
        using var http = new HttpClient { BaseAddress = mesh.GatewayAddress };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestCredentials.Admin);
        var contract = MeshContracts.Get<IContainmentProbe>();
        var spawn = new SpawnEphemeralRequest { Contract = contract.Name, ContractHash = contract.Hash, SourceCode = ContainmentFixture.AttackerSource };

        using var response = await http.PostAsJsonAsync("/api/v1/lxc_provision", new LxcProvisionRequest("node-it", spawn), ControlPlaneJsonContext.Default.LxcProvisionRequest, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync(ControlPlaneJsonContext.Default.MeshError, TestContext.Current.CancellationToken);
        Assert.Equal(MeshErrorCodes.NotSupported, error!.Code);
        Assert.Contains("refuses raw source", error.Detail, StringComparison.Ordinal);
        await AssertGemSummonsStillWorkAsync(client);
    }

    private static async Task AssertGemSummonsStillWorkAsync(MeshClient client)
    {
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        Assert.Equal("gem", await worker.EchoAsync("gem"));
    }
}
