using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MeshRpc.ControlPlane;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.IntegrationTests.Security;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>UAH CORE's HTTP API as a client sees it: the published OpenAPI document, v1 names, v2 listings.</summary>
public sealed class ApiTests(MeshProcesses mesh) : IClassFixture<MeshProcesses>
{
    [Fact]
    public async Task OpenApiDocument_MatchesTheCheckedInCopy()
    {
        using var http = new HttpClient { BaseAddress = mesh.GatewayAddress };
        var served = JsonNode.Parse(await http.GetStringAsync("/openapi/uah-core.json", TestContext.Current.CancellationToken))!;
        var text = served.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n") + "\n";
        var path = Path.Combine(RepoPaths.Root, "docs", "api", "uah-core.openapi.json");

        if (Environment.GetEnvironmentVariable("MESHRPC_ACCEPT_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(path, text, TestContext.Current.CancellationToken);
        }

        Assert.True(File.Exists(path), $"No checked-in OpenAPI document at {path}; run the tests once with MESHRPC_ACCEPT_OPENAPI=1.");
        Assert.True(text == await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken),
            "The gateway's OpenAPI document differs from docs/api/uah-core.openapi.json. If the API change is intended, rerun with MESHRPC_ACCEPT_OPENAPI=1 and review the diff.");
        foreach (var route in new[] { "/api/v1/service_registry", "/api/v1/lxc_provision", "/api/v2/swarm_spawn_ephemeral", "/api/v2/workers", "/api/v2/gems" })
        {
            Assert.NotNull(served["paths"]![route]);
        }
    }

    [Fact]
    public async Task LxcProvision_PlacesOnTheNamedNode_AndWorkersAreListed()
    {
        using var http = TestCredentials.Http(mesh.GatewayAddress, TestCredentials.Admin);
        var contract = MeshContracts.Get<ITestWorker>();
        var spawn = new SpawnEphemeralRequest { Contract = contract.Name, ContractHash = contract.Hash, Gem = TestGem.Pointer };

        using var provisioned = await http.PostAsJsonAsync("/api/v1/lxc_provision", new LxcProvisionRequest("node-it", spawn), ControlPlaneJsonContext.Default.LxcProvisionRequest, TestContext.Current.CancellationToken);
        var response = await provisioned.Content.ReadFromJsonAsync(ControlPlaneJsonContext.Default.SpawnEphemeralResponse, TestContext.Current.CancellationToken);
        using var client = mesh.CreateAdminClient();
        try
        {
            Assert.Equal("node-it", response!.Ticket.NodeId);
            var workers = await http.GetFromJsonAsync("/api/v2/workers", ControlPlaneJsonContext.Default.ListWorkerReport, TestContext.Current.CancellationToken);
            Assert.Contains(workers!, w => w.WorkerId == response.Ticket.WorkerId);
        }
        finally
        {
            await client.TeardownAsync(response!.Ticket.WorkerId, TestContext.Current.CancellationToken);
        }

        using var unknown = await http.PostAsJsonAsync("/api/v1/lxc_provision", new LxcProvisionRequest("node-nowhere", spawn), ControlPlaneJsonContext.Default.LxcProvisionRequest, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("No node node-nowhere is registered", await unknown.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Summon_OfAGemBuiltFromAnotherContractHash_IsRefusedBeforeForging()
    {
        using var client = mesh.CreateClient();
        var contract = MeshContracts.Get<ITestWorker>();
        var stale = GemArchive.Pack(
            new GemManifest
            {
                Name = "stale-test-worker",
                Version = "1.0.0",
                Contract = contract.Name,
                ContractHash = "0123456789abcdef0123456789abcdef",
                EntryAssembly = Path.GetFileName(typeof(MeshRpc.TestWorker.TestWorker).Assembly.Location),
                WorkerType = typeof(MeshRpc.TestWorker.TestWorker).FullName!,
            },
            [typeof(MeshRpc.TestWorker.TestWorker).Assembly.Location]);
        await client.PublishGemAsync(stale, TestContext.Current.CancellationToken);

        var refused = await Assert.ThrowsAsync<SummonFailedException>(() =>
            client.SummonAsync<ITestWorker>(SummonRequest.FromGem("gem://stale-test-worker@1.0.0"), TestContext.Current.CancellationToken));

        Assert.Equal(SummonFailureReason.ContractMismatch, refused.Reason);
        Assert.Contains("0123456789abcdef0123456789abcdef", refused.Message, StringComparison.Ordinal);
        Assert.Contains(contract.Hash, refused.Message, StringComparison.Ordinal);
        Assert.Contains("was built from contract", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, true, "not both")]
    [InlineData(false, false, "names what to run")]
    public async Task Summon_NamingBothOrNeitherAGemAndSource_Is400ProblemJson(bool gem, bool source, string problem)
    {
        using var http = TestCredentials.Http(mesh.GatewayAddress, TestCredentials.Caller);
        var contract = MeshContracts.Get<ITestWorker>();

        using var response = await http.PostAsJsonAsync("/api/v2/swarm_spawn_ephemeral",
            new SpawnEphemeralRequest
            {
                Contract = contract.Name,
                ContractHash = contract.Hash,
                Gem = gem ? TestGem.Pointer : null,
                SourceCode = source ? "public sealed class W { }" : null,
            },
            ControlPlaneJsonContext.Default.SpawnEphemeralRequest, TestContext.Current.CancellationToken);

        var detail = await Refused.AssertAsync(response, HttpStatusCode.BadRequest, MeshErrorCodes.InvalidRequest, TestCredentials.Caller);
        Assert.Contains(problem, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Summon_NamingNeitherAGemNorSource_IsRefusedByTheClient_BeforeItSends()
    {
        using var client = mesh.CreateClient();

        var refused = await Assert.ThrowsAsync<SummonFailedException>(() =>
            client.SummonAsync<ITestWorker>(new SummonRequest(), TestContext.Current.CancellationToken));

        Assert.Equal(SummonFailureReason.InvalidRequest, refused.Reason);
        Assert.Contains("SummonRequest.FromGem", refused.Message, StringComparison.Ordinal);
        Assert.Null(refused.InnerException);
    }
}
